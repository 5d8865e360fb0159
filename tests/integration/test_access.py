"""One access question: every path that tells anything about a page asks
httpd whether the person may read that page, and ids and keys tell
nothing more than that.

Restricted folders are made the three ways an intranet makes them
(<Location>, <Directory>, <Files>), with Basic auth, whose Require
answers 401 to a logged-in person who is not allowed. A second virtual
host (anon.example) is public (anonymous visitors may write) except for a
members-only folder. Users are made fresh for this run (the database is
shared with other test modules); every password is the user name. AL is
the only one allowed into the restricted folders; MOD moderates.
"""

import base64
import email
import os
import re
import shutil
import time
import uuid
from email import policy
from urllib.parse import quote

import pytest

import harness
from harness import write_htpasswd
from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import parse_html

RUN = uuid.uuid4().hex[:6]
AL, BO, MOD = ("%s%s" % (n, RUN) for n in ("al", "bo", "mod"))
USERS = [AL, BO, MOD]
MAIL = {u: "%s@example.org" % u for u in USERS}
ANON_HOST = "anon.example"

# Require refusing someone is an error-level line in httpd's log.
ERROR_LOG_ALLOW = [r"AH01631: user \w+: authorization failure for"]


def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


def conf(htpasswd, mail_dir):
    lines = ['SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_MAIL=%s"' % (b64(u), MAIL[u])
             for u in USERS]
    return "\n".join(lines) + r"""
SocialMailCommand "%(script)s"
SocialMailInterval 2

# Login everywhere; what each folder requires is said per section, so the
# <Directory> and <Files> sections below are not overridden by a
# <Location /> (which httpd merges last).
<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider file
    AuthUserFile "%(htpasswd)s"
    SocialModerator "%%{REMOTE_USER} == '%(mod)s'"
    SocialEmailVar AUTHENTICATE_MAIL
</Location>
<Directory "@DOCROOT@">
    Require valid-user
</Directory>
<Location /_social>
    <If "-n req('Authorization')">
        Require valid-user
    </If>
    <Else>
        Require all granted
    </Else>
</Location>
<Location /loc-secret>
    Require user %(al)s
</Location>
<Directory "@DOCROOT@/dir-secret">
    Require user %(al)s
</Directory>
<Files "files-secret.html">
    Require user %(al)s
</Files>
<Directory "@DOCROOT@/idx">
    DirectoryIndex default.html
    <Files "index.html">
        Require user %(al)s
    </Files>
</Directory>
<Location /inline>
    SocialRender Inline
</Location>
<Location /premod>
    SocialModeration Pre
</Location>

<VirtualHost 127.0.0.1:@PORT@>
    ServerName 127.0.0.1
</VirtualHost>
<VirtualHost 127.0.0.1:@PORT@>
    ServerName %(anon)s
    <Location />
        AuthType None
        Require all granted
        SocialAnonymous Write
        SocialRender Inline
    </Location>
    <Location /_social>
        AuthType Basic
        AuthName "Members"
        AuthBasicProvider file
        AuthUserFile "%(htpasswd)s"
        <If "-n req('Authorization')">
            Require valid-user
        </If>
        <Else>
            Require all granted
        </Else>
    </Location>
    <Location /members>
        AuthType Basic
        AuthName "Members"
        AuthBasicProvider file
        AuthUserFile "%(htpasswd)s"
        Require valid-user
    </Location>
</VirtualHost>
""" % {"script": os.path.join(mail_dir, "capture.sh"), "htpasswd": htpasswd,
       "al": AL, "mod": MOD, "anon": ANON_HOST}


CAPTURE = """#!/bin/sh
f="%s/mail-$(date +%%s%%N)-$$"
cat > "$f.tmp" && mv "$f.tmp" "$f.eml"
"""


class HostClient(Client):
    """A client of the server under another Host name."""

    def __init__(self, server, user, host):
        super().__init__(server, user)
        self.host = host

    @property
    def origin(self):
        return "http://%s:%d" % (self.host, self.server.port)

    def headers(self, extra=None, write=False):
        hdrs = {"Host": "%s:%d" % (self.host, self.server.port)}
        hdrs.update(super().headers(extra, write))
        return hdrs


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def mail_dir():
    directory = harness.make_temp_dir("social-mail-")
    os.chmod(directory, 0o777)
    script = os.path.join(directory, "capture.sh")
    with open(script, "w") as f:
        f.write(CAPTURE % directory)
    os.chmod(script, 0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(httpd_factory, mail_dir):
    directory = harness.make_temp_dir("social-users-")
    path = os.path.join(directory, "htpasswd")
    write_htpasswd(path, USERS)
    files = {"index.html": PAGE_TEMPLATE.format(title="Home"),
             "idx/index.html": PAGE_TEMPLATE.format(title="Only for al"),
             "idx/default.html": PAGE_TEMPLATE.format(title="Everybody's index")}
    yield httpd_factory(files=files, conf=conf(path, mail_dir))
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def people(server):
    clients = {u: Client(server, u) for u in USERS}
    # Everybody is "seen" once, so they can be mentioned and shared with.
    page = page_in(server, "open")
    for c in clients.values():
        assert c.api("PUT", "like?page=" + quote(page)).status == 200
    return clients


@pytest.fixture(scope="module")
def al(people):
    return people[AL]


@pytest.fixture(scope="module")
def bo(people):
    return people[BO]


@pytest.fixture(scope="module")
def mod(people):
    return people[MOD]


def page_in(server, folder, name=None, content=None):
    token = uuid.uuid4().hex[:10]
    path = "/%s/%s" % (folder, name or "p-%s.html" % token)
    if name is not None and folder in ("loc-secret", "dir-secret", "open", "inline",
                                       "premod"):
        path = "/%s/%s/%s" % (folder, token, name)
    server.write_file(path, content or PAGE_TEMPLATE.format(title="Page " + token))
    return path


# One restricted page per way of restricting, each readable by AL only.
@pytest.fixture(scope="module", params=["location", "directory", "files"])
def secret(request, server):
    if request.param == "location":
        return page_in(server, "loc-secret")
    if request.param == "directory":
        return page_in(server, "dir-secret")
    return page_in(server, "open", name="files-secret.html")


def notes(client, unread=False):
    resp = client.api("GET", "notifications" + ("?unread=1" if unread else ""))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def mentioned(al, bo, page, text="have a look"):
    """AL mentions BO on page; returns BO's notification of it (by
    database id: the API may hide it)."""
    comment = al.create(page, "@%s %s" % (BO, text))
    return comment


def notification_id(server, user, comment_id):
    rows = server.db.sql("SELECT id FROM social_notifications WHERE user = '%s' AND "
                         "target_id = %d AND kind <> 'share'" % (user, comment_id))
    assert len(rows) == 1, rows
    return int(rows[0][0])


def same_as_unknown(resp, unknown):
    """The answer is exactly the one for an id that does not exist."""
    assert resp.status == 404 == unknown.status, (resp, resp.body[:300])
    assert resp.body == unknown.body, (resp.body, unknown.body)


# ---------------------------------------------------------------- preconditions

def test_the_restricted_pages_are_restricted(server, al, bo, secret):
    assert al.get(secret).status == 200
    assert bo.get(secret).status == 401   # Basic: Require answers 401
    assert bo.api("GET", "comments?page=" + quote(secret)).status in (401, 403)


# ---------------------------------------------------------------- notifications

def test_notification_by_id_of_an_unreadable_page_is_an_unknown_id(server, al, bo, secret):
    comment = mentioned(al, bo, secret, "secret plans")
    nid = notification_id(server, BO, comment["id"])
    unknown = bo.api("GET", "notifications/999999999")
    same_as_unknown(bo.api("GET", "notifications/%d" % nid), unknown)
    unknown_read = bo.api("POST", "notifications/999999999/read", {})
    resp = bo.api("POST", "notifications/%d/read" % nid, {})
    same_as_unknown(resp, unknown_read)
    assert b"secret plans" not in resp.body
    assert nid not in [n["id"] for n in notes(bo)["items"]]


def test_notification_of_a_hidden_or_pending_reply_is_an_unknown_id(server, bo, al, mod):
    page = page_in(server, "open")
    top = bo.create(page, "my question")
    reply = al.create(page, "a reply the moderator hides", parent=top["id"])
    nid = notification_id(server, BO, reply["id"])
    assert bo.api("GET", "notifications/%d" % nid).status == 200
    assert mod.patch(reply["id"], {"status": "hidden"}).status == 200
    same_as_unknown(bo.api("GET", "notifications/%d" % nid),
                    bo.api("GET", "notifications/999999999"))
    same_as_unknown(bo.api("POST", "notifications/%d/read" % nid, {}),
                    bo.api("POST", "notifications/999999999/read", {}))
    # A pending reply (SocialModeration Pre) reaches nobody either.
    page = page_in(server, "premod")
    top = bo.create(page, "approved question")
    assert mod.patch(top["id"], {"status": "visible"}).status == 200
    reply = al.create(page, "a reply nobody approved", parent=top["id"])
    assert reply["status"] == "pending"
    assert b"nobody approved" not in bo.api("GET", "notifications").body
    for [nid] in server.db.sql("SELECT id FROM social_notifications WHERE user = '%s' "
                               "AND target_id = %d" % (BO, reply["id"])):
        same_as_unknown(bo.api("GET", "notifications/%s" % nid),
                        bo.api("GET", "notifications/999999999"))


def test_unread_count_leaves_out_unreadable_pages(server, al, bo, secret):
    assert bo.api("POST", "notifications/read-all", {}).status == 200
    assert notes(bo)["unread"] == 0
    mentioned(al, bo, secret)
    assert notes(bo)["unread"] == 0
    # ... and the "for you" badge of a discussion, cached or not
    page = page_in(server, "open")
    al.create(page, "something to read")
    for _ in range(2):
        frag = bo.fragment(page).body.decode()
        assert "social-unread" not in frag, re.findall(r'data-social-unread="\d+"', frag)
    html = bo.get("/_social/notifications").body.decode()
    assert "unread)" not in html


# ---------------------------------------------------------------- shares

def test_shares_of_unreadable_pages_are_not_listed(server, al, bo, secret):
    note = "look at this %s" % uuid.uuid4().hex[:8]
    resp = al.api("POST", "shares", {"page": secret, "note": note, "to": [BO]})
    assert resp.status == 201, (resp, resp.body[:300])
    listed = bo.api("GET", "shares")
    assert listed.status == 200
    assert note.encode() not in listed.body
    assert secret not in [s["page"] for s in listed.json()["shares"]]


# ---------------------------------------------------------------- count markers

def test_inline_count_marker_of_an_unreadable_page_shows_nothing(server, al, bo, secret):
    al.create(secret, "counted")
    marker = '<p><!--social:count page="%s"--></p>' % secret
    page = page_in(server, "inline", content=PAGE_TEMPLATE.format(title="Index")
                   .replace("</body>", marker + "</body>"))
    assert re.search(rb'class="social-count-link"[^>]*>\d+ comments?<', al.page(page).body)
    body = bo.page(page).body
    assert b"social-count-link" not in body


def test_count_marker_on_the_anonymous_host(server):
    members = "/members/m-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(members, PAGE_TEMPLATE.format(title="Members"))
    member = HostClient(server, AL, ANON_HOST)
    anon = HostClient(server, None, ANON_HOST)
    assert anon.get(members).status == 401
    member.create(members, "members only")
    marker = '<p><!--social:count page="%s"--></p>' % members
    page = "/pub-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(page, PAGE_TEMPLATE.format(title="Public")
                      .replace("</body>", marker + "</body>"))
    assert b"1 comment" in member.page(page).body
    body = anon.page(page).body
    assert b"social-count-link" not in body


# ---------------------------------------------------------------- digests

def mails_to(mail_dir, user):
    found = []
    for name in sorted(os.listdir(mail_dir)):
        if name.endswith(".eml"):
            with open(os.path.join(mail_dir, name), "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=policy.default)
            if MAIL[user] in str(msg["To"]):
                found.append(msg)
    return found


def test_digest_names_only_pages_the_recipient_may_read(server, mail_dir, al, bo, secret):
    assert bo.api("POST", "notifications/read-all", {}).status == 200
    before = len(mails_to(mail_dir, BO))
    mentioned(al, bo, secret)
    readable = page_in(server, "open")
    mentioned(al, bo, readable)
    # The reader who drives the mail check is AL, who may read both.
    deadline = time.time() + 20
    while time.time() < deadline and len(mails_to(mail_dir, BO)) == before:
        al.get("/_social/api/v1/health")
        time.sleep(0.3)
    got = mails_to(mail_dir, BO)[before:]
    assert got, "no digest for %s" % BO
    text = "\n".join(m.get_content() for m in got)
    assert readable in text
    assert secret not in text


# ---------------------------------------------------------------- activity

POLL = ('<!--social:poll name="when" question="When shall we meet?" '
        'options="Monday|Friday" results="after-close"-->')


def test_activity_hides_ballots_of_an_after_close_poll(server, al, bo):
    page = page_in(server, "open", content=PAGE_TEMPLATE.format(title="Poll")
                   .replace("</body>", POLL + "</body>"))
    al.page(page)
    resp = al.api("GET", "polls?page=" + quote(page))
    [poll] = resp.json()["polls"]
    assert al.api("PUT", "polls/%d/vote" % poll["id"], {"choices": [0]}).status == 200
    shown = bo.api("GET", "polls/%d" % poll["id"]).json()
    assert shown["ballots"] is None
    items = bo.api("GET", "activity?limit=100").json()["items"]
    [item] = [i for i in items if i["kind"] == "poll" and i["id"] == poll["id"]]
    assert item["ballots"] is None and "vote" not in item["title"]
    html = bo.get("/_social/activity").body.decode()
    part = html[html.index(page):] if page in html else ""
    assert "When shall we meet?" in html
    assert "1 vote" not in part
    atom = bo.get("/_social/activity.atom").body.decode()
    assert "When shall we meet? (1 vote)" not in atom
    # a moderator sees the count
    items = Client(server, MOD).api("GET", "activity?limit=100").json()["items"]
    [item] = [i for i in items if i["kind"] == "poll" and i["id"] == poll["id"]]
    assert item["ballots"] == 1


# ---------------------------------------------------------------- ids

def test_ids_on_unreadable_pages_answer_like_unknown_ids(server, al, bo, secret):
    comment = al.create(secret, "an id to guess")
    for method, rel, doc in (("GET", "comments/%d", None),
                             ("PATCH", "comments/%d", {"body": "mine now"}),
                             ("DELETE", "comments/%d", None),
                             ("PUT", "comments/%d/like", None)):
        unknown = bo.api(method, rel % 999999999, doc)
        same_as_unknown(bo.api(method, rel % comment["id"], doc), unknown)


def test_reply_and_report_pages_of_unreadable_pages_answer_like_unknown_ids(server, al, bo,
                                                                           secret):
    """The pages that quote a comment for readers without JavaScript (to
    reply to it, to report it) ask the comment's page's access question."""
    comment = al.create(secret, "a comment to quote")
    for rel in ("/_social/reply?comment=%d", "/_social/report?comment=%d"):
        mine = al.get(rel % comment["id"])
        assert mine.status == 200 and b"a comment to quote" in mine.body, (rel, mine)
        theirs = bo.get(rel % comment["id"])
        assert theirs.status == bo.get(rel % 999999999).status == 404, (rel, theirs)
        assert b"a comment to quote" not in theirs.body


def test_reply_page_is_open_to_anonymous_writers_and_the_report_page_is_not(server):
    """Where anonymous visitors may comment, they may also open a comment's
    reply page; reporting asks for a login (401) whatever the host allows."""
    page = "/pub-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(page, PAGE_TEMPLATE.format(title="Public"))
    comment = HostClient(server, AL, ANON_HOST).create(page, "a public comment")
    anon = HostClient(server, None, ANON_HOST)
    reply = anon.get("/_social/reply?comment=%d" % comment["id"])
    assert reply.status == 200 and b"a public comment" in reply.body
    assert b'name="parent" value="%d"' % comment["id"] in reply.body
    report = anon.get("/_social/report?comment=%d" % comment["id"])
    assert report.status == 401 and b"a public comment" not in report.body
    member = HostClient(server, AL, ANON_HOST)
    assert member.get("/_social/report?comment=%d" % comment["id"]).status == 200


def times33_slot(key):
    """The counter a key had when pages were given counters by APR's
    default string hash (times 33), modulo the table's 65,536."""
    h = 0
    for c in key.encode():
        h = (h * 33 + c) & 0xFFFFFFFF
    return h % 65536


def test_update_check_tells_nothing_of_a_page_sharing_its_counter(server, al, bo):
    """Page versions are counters that pages share by a hash. Which pages
    share one is drawn at each start: bo cannot pick a page he may read
    whose counter is that of a page only al may read, and so learn from
    his page's version when al's is written. The pair here shares a
    counter under a hash anyone can compute (APR's times 33)."""
    public = page_in(server, "open")
    # a version's key: "v", the server's configured name:port (ServerName
    # 127.0.0.1, no port said) and the page
    key = "v\n127.0.0.1:0\n%s"
    secret_path = None
    for k in range(2000000):
        candidate = "/loc-secret/%s-%d.html" % (RUN, k)
        if times33_slot(key % candidate) == times33_slot(key % public):
            secret_path = candidate
            break
    assert secret_path is not None
    server.write_file(secret_path, PAGE_TEMPLATE.format(title="Secret"))
    al.create(public, "readable by all")
    al.create(secret_path, "for al only")

    def version():
        resp = bo.api("GET", "updates?page=" + quote(public))
        assert resp.status == 200, (resp, resp.body)
        return resp.json()["version"]

    seen = version()
    for k in range(3):
        al.create(secret_path, "a write bo must not notice %d" % k)
        assert version() == seen
    al.create(public, "a write bo sees")
    assert version() != seen


def test_poll_ids_on_unreadable_pages_answer_like_unknown_ids(server, al, bo):
    page = page_in(server, "loc-secret", content=PAGE_TEMPLATE.format(title="Poll")
                   .replace("</body>", POLL + "</body>"))
    al.page(page)
    [poll] = al.api("GET", "polls?page=" + quote(page)).json()["polls"]
    same_as_unknown(bo.api("GET", "polls/%d" % poll["id"]),
                    bo.api("GET", "polls/999999999"))
    same_as_unknown(bo.api("PUT", "polls/%d/vote" % poll["id"], {"choices": [0]}),
                    bo.api("PUT", "polls/999999999/vote", {"choices": [0]}))


def test_ids_on_the_anonymous_host_answer_like_unknown_ids(server):
    members = "/members/i-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(members, PAGE_TEMPLATE.format(title="Members"))
    comment = HostClient(server, AL, ANON_HOST).create(members, "for members")
    anon = HostClient(server, None, ANON_HOST)
    same_as_unknown(anon.api("GET", "comments/%d" % comment["id"]),
                    anon.api("GET", "comments/999999999"))


# ---------------------------------------------------------------- keys

def pages_rows(server, path):
    return int(server.db.sql("SELECT COUNT(*) FROM social_pages WHERE path = '%s'"
                             % path)[0][0])


@pytest.mark.parametrize("tail", ["/anything", "/", "/x.html"])
def test_no_discussion_after_the_end_of_a_file(server, al, tail):
    page = page_in(server, "open")
    phantom = page + tail
    assert al.get(phantom).status == 404
    assert_json_error(al.api("GET", "comments?page=" + quote(phantom)), 404)
    resp = al.api("POST", "comments", {"page": phantom, "body": "phantom"})
    assert resp.status in (404, 422), (resp, resp.body[:300])
    assert resp.status != 201
    assert al.api("PUT", "like?page=" + quote(phantom)).status == 404
    assert pages_rows(server, phantom) == 0


def test_no_discussion_of_a_missing_file(server, al):
    missing = "/open/missing-%s.html" % uuid.uuid4().hex[:8]
    resp = al.api("POST", "comments", {"page": missing, "body": "nobody home"})
    assert resp.status in (404, 422) and resp.status != 201
    assert pages_rows(server, missing) == 0


def test_directory_index_key_follows_directory_index(server, al, bo):
    assert bo.get("/idx/").status == 200           # default.html
    assert bo.get("/idx/index.html").status == 401  # al's alone
    text = "for al's eyes %s" % uuid.uuid4().hex[:8]
    al.create("/idx/index.html", text)
    # bo reads the directory's page: default.html's discussion, not al's
    resp = bo.api("GET", "comments?page=/idx/")
    assert resp.status == 200
    assert text.encode() not in resp.body
    assert text.encode() not in bo.fragment("/idx/").body
    assert text.encode() not in bo.get("/idx/").body
    # and cannot write into al's discussion through any spelling
    resp = bo.api("POST", "comments", {"page": "/idx/index.html", "body": "bo was here"})
    assert resp.status in (401, 403), (resp, resp.body[:300])
    # the page views name the same keys: the file served decides
    assert b'data-social-page="/idx/index.html"' in al.page("/idx/index.html").body
    assert b'data-social-page="/idx/"' in bo.page("/idx/").body
    bo.create("/idx/", "on the index everybody reads")
    listing = al.listing("/idx/index.html")
    assert text in [c["body"] for c in listing["comments"]]
    assert "on the index everybody reads" not in [c["body"] for c in listing["comments"]]
