"""Hardening of what the module's own handler answers, driven through a
real httpd and a real MariaDB:

- every page, fragment, feed, export and error the endpoint serves says
  nosniff, a Referrer-Policy and who may frame it (SocialFrameAncestors);
  the intranet's own pages are left as the admin configured them;
- CSV exports are safe whatever separator a spreadsheet splits on: every
  cell quoted, every line of a cell that could start a formula neutralised;
- identities that are not UTF-8 (a Latin-1 REMOTE_USER or display name)
  are converted from SocialIdentityCharset before they reach JSON or the
  database, and a statement the database refuses is a 500 "could not be
  stored", never a 503 "database unavailable";
- Origin is compared with its scheme, and form tokens are HMAC-SHA256 under
  the server's secret, refused when one byte differs.
"""

import base64
import csv
import hashlib
import hmac
import io
import re
import uuid
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pytest

import harness
from test_admin import admin_ok
from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import PAGE_TEMPLATE, Client, basic_auth

SECRET = "hardening-secret-0123456789"
LATIN1_USER = b"jos\xe9"                    # "josé" in ISO-8859-1
LATIN1_NAME = b"Jos\xe9 Garc\xeda"          # "José García"
CP1252_USER = b"mar\x9aa"                   # "marša" in windows-1252
CP1252_NAME = b"Mar\x9aa \x80uro"           # "Marša €uro"


def latin1_auth(user):
    return "Basic " + base64.b64encode(user + b":" + user).decode("ascii")


HTTPD_CONF = r"""
SocialSecret "@SECRET@"

# Stand in for directory attributes in Latin-1 (and windows-1252): the
# display names are raw bytes of those charsets in this file.
SetEnvIf Authorization "^@JOSE_AUTH@$" "AUTHENTICATE_DISPLAYNAME=@LATIN1_NAME@"
SetEnvIf Authorization "^@MARSA_AUTH@$" "AUTHENTICATE_DISPLAYNAME=@CP1252_NAME@"
""" + config.login(display_name=True)

CP1252_CONF = r"""
SocialIdentityCharset windows-1252
SetEnvIf Authorization "^@MARSA_AUTH@$" "AUTHENTICATE_DISPLAYNAME=@CP1252_NAME@"
""" + config.login(moderator_user=None, display_name=True)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ADMIN = "/_social/admin"


def write_users(directory):
    """An htpasswd with the usual users and two whose names are not UTF-8
    (every password is the user name)."""
    path = directory + "/htpasswd"
    harness.write_htpasswd(path, harness.DEFAULT_USERS)
    with open(path, "ab") as f:
        for user in (LATIN1_USER, CP1252_USER):
            digest = base64.b64encode(hashlib.sha1(user).digest())
            f.write(user + b":{SHA}" + digest + b"\n")
    return path


def start(mariadb, conf, name, files=None, error_log_allow=()):
    """An httpd whose configuration may hold raw Latin-1 bytes."""
    directory = harness.make_temp_dir("social-users-")
    htpasswd = write_users(directory)
    srv = harness.Httpd(db=mariadb, conf=conf.replace("@HTPASSWD@", htpasswd),
                        files=files or {"index.html": PAGE_TEMPLATE.format(title="Home")},
                        error_log_allow=error_log_allow, name=name)
    raw = srv.conf_path.read_bytes()
    for word, value in ((b"@SECRET@", SECRET.encode()),
                        (b"@JOSE_AUTH@", re.escape(latin1_auth(LATIN1_USER)).encode()),
                        (b"@MARSA_AUTH@", re.escape(latin1_auth(CP1252_USER)).encode()),
                        (b"@LATIN1_NAME@", LATIN1_NAME), (b"@CP1252_NAME@", CP1252_NAME)):
        raw = raw.replace(word, value)
    srv.conf_path.write_bytes(raw)
    return srv


# A refused write logs the statement the database refused (test_store_refusal).
ERROR_LOG_ALLOW = (r"SOCIAL0105: statement .* failed.*: refused by the test",
                   # the wrong password of the 401 test
                   r"AH01617: user alice: authentication failure")


@pytest.fixture(scope="module")
def server(mariadb):
    srv = start(mariadb, HTTPD_CONF, "hardening", error_log_allow=ERROR_LOG_ALLOW)
    with harness.serving(srv):
        yield srv


class Latin1Client(Client):
    """A Basic user whose name is bytes in some charset."""

    def __init__(self, server, raw_user):
        super().__init__(server, "(raw)")
        self.raw_user = raw_user

    def headers(self, extra=None, write=False):
        hdrs = super().headers(extra, write)
        hdrs["Authorization"] = latin1_auth(self.raw_user)
        return hdrs


def fresh_page(server):
    token = uuid.uuid4().hex[:12]
    path = "/p-%s.html" % token
    server.write_file(path, PAGE_TEMPLATE.format(title="Page " + token))
    return path


def today():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


# ---------------------------------------------------------------- headers

def assert_protected(resp, ancestors="'self'", xfo="SAMEORIGIN"):
    """The headers every answer of the endpoint carries."""
    where = "%s %s" % (resp.status, resp.content_type)
    assert resp.header_all("X-Content-Type-Options") == ["nosniff"], where
    assert resp.header_all("Referrer-Policy") == ["same-origin"], where
    csp = resp.header_all("Content-Security-Policy")
    assert len(csp) == 1, (where, csp)
    assert "frame-ancestors %s" % ancestors in csp[0], (where, csp)
    if xfo is None:
        assert not resp.has_header("X-Frame-Options"), where
    else:
        assert resp.header_all("X-Frame-Options") == [xfo], where


def every_kind_of_answer(server, alice, carol, page):
    """(what, response[, frame-ancestors, X-Frame-Options]) for each kind
    of answer the endpoint gives; the console is never framed at all."""
    token = alice.token(page)
    yield "notifications page", alice.get("/_social/notifications")
    yield "fragment", alice.get("/_social/fragment?page=" + quote(page))
    yield "activity page", alice.get("/_social/activity")
    yield "activity feed", alice.get("/_social/activity.atom")
    yield "JSON", alice.api("GET", "me")
    yield "JSON 404", alice.api("GET", "nonexistent")
    yield "JSON 405", alice.api("DELETE", "me")
    yield "JSON 415", alice.api("POST", "comments", raw=b"x", content_type="text/plain")
    yield "JSON 403 cross-origin", alice.api(
        "POST", "comments", {"page": page, "body": "x"},
        headers={"Origin": "http://evil.example"})
    yield "asset", alice.get("/_social/assets/0.1.0/social.js")
    yield "form 303", alice.form("", {"page": page, "body": "headers " + token[:6],
                                      "token": token})
    yield "refusal page", alice.form("", {"page": page, "body": "x", "token": "1.bad"})
    yield "message page 404", alice.form("", {"page": "/missing.html", "body": "x",
                                              "token": token})
    yield "httpd's 401", server.get("/_social/notifications",
                                    headers={"Authorization": basic_auth("alice", "wrong")})
    yield "console 403", alice.get(ADMIN), "'none'", "DENY"
    yield "CSV export", carol.get(ADMIN + "/export?what=comments&format=csv&from=%s&to=%s"
                                  % (today(), today()))
    yield "HEAD", alice.request("HEAD", "/_social/notifications")


def test_every_module_answer_carries_the_protective_headers(server):
    alice, carol = Client(server, "alice"), Client(server, "carol")
    page = fresh_page(server)
    statuses = set()
    for what, resp, *frame in every_kind_of_answer(server, alice, carol, page):
        statuses.add(resp.status)
        try:
            assert_protected(resp, *frame)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (what, e)) from None
    assert {200, 303, 401, 403, 404, 405, 415} <= statuses


def test_console_is_never_framed(server):
    carol = Client(server, "carol")
    resp = carol.get(ADMIN)
    assert resp.status == 200
    assert_protected(resp, ancestors="'none'", xfo="DENY")


def test_intranet_pages_keep_what_the_admin_configured(server):
    alice = Client(server, "alice")
    resp = alice.page(fresh_page(server))
    assert b"mod_social" in resp.body
    for name in ("X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert not resp.has_header(name), name


def test_frame_ancestors_directive_names_the_portal(mariadb):
    conf = HTTPD_CONF + "SocialFrameAncestors \"'self' https://portal.example.com\"\n"
    srv = start(mariadb, conf, "hardening-portal")
    with harness.serving(srv):
        alice = Client(srv, "alice")
        page = fresh_page(srv)
        for path in ("/_social/notifications", "/_social/fragment?page=" + quote(page),
                     "/_social/api/v1/nonexistent"):
            # Old browsers' X-Frame-Options cannot name a portal: left out.
            assert_protected(alice.get(path), "'self' https://portal.example.com", None)


@pytest.mark.parametrize("value", ["", "'self'; script-src *", "'self', https://a.example",
                                   "'unsafe-inline'", "'none' 'self'", "https://a.example/\"x",
                                   "javascript:", "https://a b\x7f"])
def test_bad_frame_ancestors_refused_at_config_time(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf='SocialFrameAncestors "%s"\n' % value,
                        name="hardening-badframe")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialFrameAncestors" in output, output


# ---------------------------------------------------------------- CSV

FORMULA_START = "=+-@\t\r"


def test_csv_cells_are_safe_whatever_the_separator(server):
    alice, carol = Client(server, "alice"), Client(server, "carol")
    page = fresh_page(server)
    semicolon = "x;=cmd|' /C calc'!A0"
    multiline = "first line\n=HYPERLINK(\"http://evil.example\")\r\n+1;-1\n@SUM(A1)"
    ids = [alice.create(page, text)["id"] for text in (semicolon, multiline)]
    assert Client(server, "bob").api("POST", "shares", {
        "page": page, "note": "ok;=1+1\n-2", "to": ["alice"]}).status == 201
    admin_ok(carol, "/comments", [("id", str(ids[0])), ("action", "hide"),
                                  ("reason", "ok;=1+1 @x")])

    for what in ("comments", "shares", "audit"):
        resp = carol.get(ADMIN + "/export?what=%s&format=csv&from=%s&to=%s"
                         % (what, today(), today()))
        assert resp.status == 200, resp
        text = resp.body.decode("utf-8")
        for delimiter in (",", ";", "\t"):
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                for cell in row:
                    for line in re.split(r"\r\n|\r|\n", cell):
                        assert not line or line[0] not in FORMULA_START, (what, delimiter, row)
        # Every cell quoted, the header's too.
        assert text.split("\r\n")[0].startswith('"'), text[:200]
        if what == "comments":
            rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text, newline=""))
                    if r["page"] == page}
            assert rows[ids[0]]["body"] == "x;'=cmd|' /C calc'!A0"
            assert rows[ids[1]]["body"] == ("first line\n'=HYPERLINK(\"http://evil.example\")"
                                            "\r\n'+1;'-1\n'@SUM(A1)")
            assert '"x;\'=cmd|\' /C calc\'!A0"' in text


# ---------------------------------------------------------------- identity

def test_latin1_identity_is_converted(server, mariadb):
    jose = Latin1Client(server, LATIN1_USER)
    me = jose.me()
    assert me["user"] == "jos\u00e9" and me["name"] == "Jos\u00e9 Garc\u00eda", me
    page = fresh_page(server)
    resp = jose.api("POST", "comments", {"page": page, "body": "Hola"})
    assert resp.status == 201, (resp, resp.body)
    item = resp.json()
    assert item["author"]["user"] == "jos\u00e9"
    assert item["author"]["name"] == "Jos\u00e9 Garc\u00eda"
    stored = mariadb.sql("SELECT HEX(author), HEX(author_name) FROM social_comments "
                         "WHERE id = %d" % item["id"])
    assert stored == [["jos\u00e9".encode().hex().upper(),
                              "Jos\u00e9 Garc\u00eda".encode().hex().upper()]], stored
    # The same person next time: the same converted name, their own comment.
    listing = jose.listing(page)
    assert listing["comments"][0]["can"]["edit"] is True
    # A form post too (token made for the converted name).
    resp = jose.form("", {"page": page, "body": "Adi\u00f3s", "token": jose.token(page)})
    assert resp.status == 303, (resp, resp.body[:300])


def test_identity_charset_directive(mariadb):
    srv = start(mariadb, CP1252_CONF, "hardening-cp1252")
    with harness.serving(srv):
        marsa = Latin1Client(srv, CP1252_USER)
        me = marsa.me()
        assert me["user"] == "mar\u0161a" and me["name"] == "Mar\u0161a \u20acuro", me
        resp = marsa.api("POST", "comments", {"page": fresh_page(srv), "body": "Zdravo"})
        assert resp.status == 201, (resp, resp.body)
        assert resp.json()["author"]["name"] == "Mar\u0161a \u20acuro"


def test_unknown_identity_charset_refused_at_config_time(mariadb):
    srv = harness.Httpd(db=mariadb, conf="SocialIdentityCharset no-such-charset-9\n",
                        name="hardening-badcharset")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialIdentityCharset" in output, output


@pytest.fixture
def refusing_trigger(mariadb):
    """Makes the database refuse (SIGNAL) any comment holding a marker."""
    marker = "refuse-" + uuid.uuid4().hex[:8]
    name = "social_test_refuse_" + marker[7:]
    mariadb.sql("DELIMITER //\n"
                "CREATE TRIGGER %s BEFORE INSERT ON social_comments FOR EACH ROW "
                "IF NEW.body LIKE '%%%s%%' THEN SIGNAL SQLSTATE '45000' "
                "SET MESSAGE_TEXT = 'refused by the test'; END IF //\n"
                "DELIMITER ;" % (name, marker))
    try:
        yield marker
    finally:
        mariadb.sql("DROP TRIGGER IF EXISTS %s" % name)


def test_store_refusal_is_500_not_database_unavailable(server, refusing_trigger):
    alice = Client(server, "alice")
    page = fresh_page(server)
    resp = alice.api("POST", "comments", {"page": page, "body": "a " + refusing_trigger})
    doc = assert_json_error(resp, 500)
    assert "unavailable" not in doc["error"]["message"], doc
    assert "could not be stored" in doc["error"]["message"], doc
    assert not resp.has_header("Retry-After")
    # The HTML form says the same, not "try again shortly".
    resp = alice.form("", {"page": page, "body": "b " + refusing_trigger,
                           "token": alice.token(page)})
    assert_html_error(resp, 500)
    assert b"unavailable" not in resp.body and b"could not be stored" in resp.body
    # The database is fine: the next comment is stored.
    assert alice.api("POST", "comments", {"page": page, "body": "fine"}).status == 201


# ---------------------------------------------------------------- origin, tokens

@pytest.mark.parametrize("scheme", ["ftp", "https", "ws"])
def test_origin_with_another_scheme_is_cross_origin(server, scheme):
    alice = Client(server, "alice")
    page = fresh_page(server)
    origin = "%s://127.0.0.1:%d" % (scheme, server.port)
    resp = alice.api("POST", "comments", {"page": page, "body": "from " + scheme},
                     headers={"Origin": origin})
    assert_json_error(resp, 403)
    resp = alice.form("", {"page": page, "body": "x", "token": alice.token(page)},
                      headers={"Origin": origin})
    assert_html_error(resp, 403)
    assert alice.listing(page)["comments"] == []
    # The site's own origin still writes.
    assert alice.api("POST", "comments", {"page": page, "body": "same"}).status == 201


def test_form_token_is_hmac_sha256_of_the_user(server):
    alice = Client(server, "alice")
    page = fresh_page(server)
    token = alice.token(page)
    stamp, mac = token.split(".")
    expected = hmac.new(SECRET.encode(), ("form\n%s\nalice" % stamp).encode(),
                        hashlib.sha256).hexdigest()
    assert mac == expected


# Longer than SHA-256's block: HMAC hashes such a key first (RFC 2104).
LONG_SECRET = "a passphrase an admin chose, longer than one SHA-256 block of 64 bytes: 0123456789"


def test_form_token_under_a_secret_longer_than_a_block_is_standard_hmac(mariadb):
    """The module hashes each secret's padded keys once per process; a
    secret of more than 64 bytes is hashed first. Tokens are still
    HMAC-SHA256 as any library computes it, in every process."""
    srv = start(mariadb, HTTPD_CONF.replace('"@SECRET@"', '"%s"' % LONG_SECRET), "long-secret")
    with harness.serving(srv):
        page = fresh_page(srv)
        for user in ("alice", "bob", "alice"):
            stamp, mac = Client(srv, user).token(page).split(".")
            assert mac == hmac.new(LONG_SECRET.encode(), ("form\n%s\n%s" % (stamp, user)).encode(),
                                   hashlib.sha256).hexdigest(), user


def test_tokens_on_one_keep_alive_connection_stay_each_persons(server):
    """A connection keeps the last token it made (one HMAC a minute per
    person): requests of alice, bob, then alice again on one keep-alive
    connection each get a token of their own person."""
    import http.client
    from social_test.html import Discussion, social_div
    page = fresh_page(server)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    tokens = []
    try:
        for user in ("alice", "bob", "alice", "alice"):
            conn.request("GET", page, headers={"Authorization": basic_auth(user)})
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200 and not resp.will_close
            tokens.append((user, Discussion(social_div(body)).token()))
    finally:
        conn.close()
    for user, token in tokens:
        stamp, mac = token.split(".")
        assert int(stamp) % 60 == 0, token
        assert mac == hmac.new(SECRET.encode(), ("form\n%s\n%s" % (stamp, user)).encode(),
                               hashlib.sha256).hexdigest(), (user, token)
    # bob's token is no good for alice
    bob_token = tokens[1][1]
    resp = Client(server, "alice").form("", {"page": page, "body": "x", "token": bob_token})
    assert_html_error(resp, 403)


def test_form_token_differing_in_one_byte_is_refused(server):
    alice = Client(server, "alice")
    page = fresh_page(server)
    good = alice.token(page)
    dot = good.index(".")
    # the last digit of the time, the first, a middle and the last byte of the MAC
    for k in (dot - 1, dot + 1, dot + 32, len(good) - 1):
        bad = good[:k] + ("0" if good[k] != "0" else "1") + good[k + 1:]
        resp = alice.form("", {"page": page, "body": "byte %d" % k, "token": bad})
        assert_html_error(resp, 403)
    assert alice.listing(page)["comments"] == []
    assert alice.form("", {"page": page, "body": "good", "token": good}).status == 303


def test_five_virtual_hosts_start_with_a_clean_error_log(mariadb, htpasswd):
    """Five name-based virtual hosts sharing the main server's database:
    every start and every first statement on each leaves nothing in the
    error log (mod_dbd's "conflicting SQL statements with label", AH02653,
    came once per statement and host while statements were registered for
    every server; they are prepared on each connection as first used)."""
    vhosts = "".join(
        "<VirtualHost 127.0.0.1:@PORT@>\n    ServerName v%d.example\n"
        "    DocumentRoot \"@DOCROOT@\"\n</VirtualHost>\n" % k for k in range(5))
    srv = harness.Httpd(db=mariadb, name="vhosts",
                        conf=config.login().replace("@HTPASSWD@", htpasswd) + vhosts,
                        files={"index.html": PAGE_TEMPLATE.format(title="Home"),
                               "p.html": PAGE_TEMPLATE.format(title="P")})
    with harness.serving(srv):
        auth = {"Authorization": basic_auth("alice"), "Origin": "http://127.0.0.1:%d" % srv.port,
                "Content-Type": "application/json"}
        for k in range(5):
            host = dict(auth, Host="v%d.example:%d" % (k, srv.port),
                        Origin="http://v%d.example:%d" % (k, srv.port))
            resp = srv.request("POST", "/_social/api/v1/comments", host,
                               body=b'{"page": "/p.html", "body": "hello"}')
            assert resp.status == 201, (k, resp, resp.body[:300])
            assert srv.request("GET", "/p.html", host).status == 200
        srv.graceful()
        assert srv.request("GET", "/p.html", dict(auth, Host="v3.example")).status == 200
        lines = srv.error_log_lines()
        assert not [l for l in lines if "AH02653" in l or "conflicting SQL" in l], lines[:5]
