"""Comments under attack: stored XSS, CSRF, SQL injection, IDOR and
oversized or deeply nested request bodies.

The server looks like the one of test_comments.py (Basic users alice,
bob, carol (moderator) and dave, whose display name from the environment
is itself an XSS payload; a public folder where anonymous visitors may
write). The HTML and client helpers come from test_comments.py.
"""

import json
import re
import socket
import time
import uuid
from urllib.parse import quote

import pytest

from harness import BLOCK_END, BLOCK_START, find_blocks, main_blocks, strip_blocks
from social_test import config
from social_test.asserts import assert_html_error, assert_json_error, by_id
from social_test.client import API, fresh_page
from social_test.html import Discussion, parse_html, social_div

DAVE_NAME = 'Dave "><img src=x onerror=alert(1)><script>alert(2)</script> & \'co\''

HTTPD_CONF = r"""
SetEnvIf Authorization "^Basic ZGF2ZTpkYXZl$" "AUTHENTICATE_DISPLAYNAME=Dave \"><img src=x onerror=alert(1)><script>alert(2)</script> & 'co'"
""" + (config.login(display_name=True) + config.optional_login()
       + config.anonymous("/pub-write", "Write")
       + config.block("/deferred", "SocialRender Deferred"))

# ---------------------------------------------------------------- corpus

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=&#97;lert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1) http://ok.example/",
    "\" onmouseover=\"alert(1)",
    "' onmouseover='alert(1)",
    "\"><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</li></ol></section></div><script>alert(1)</script>",
    "<!--social:thread-->",
    "<!--social:count page=\"/x.html\"-->",
    "<!-- /mod_social --><script>alert(1)</script>",
    "<!-- mod_social --><b>fake block</b>",
    "<?cs var:Social.token ?>",
    "<?cs include:\"/etc/passwd\" ?><?cs var:Comments.0.body ?>",
    # the Markdown subset: what looks like a link or emphasis never carries markup
    "[x](javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://ok.example/\"onmouseover=\"alert(1))",
    "** <img src=x onerror=alert(1)>**",
    "<style>*{background:url(\"javascript:alert(1)\")}</style>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<form action=\"https://evil.example/\"><input name=\"token\"></form>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "]]><script>alert(1)</script><![CDATA[",
    "http://example.org/\"onmouseover=\"alert(1)",
    "https://example.org/x\" onmouseover=\"alert(1)",
    "https://example.org/<script>alert(1)</script>",
    "http://x.example/?a=1&b=<img src=x onerror=alert(1)>",
    "mailto:a@b.example?subject=\"><script>alert(1)</script>",
    "<a href=\"https://evil.example\">https://evil.example</a>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{constructor.constructor('alert(1)')()}} ${alert(1)} #{alert(1)}",
    "\u202egnp.exe <script>\u2028alert(1)\u2029</script>",
    "line one\n<script>\nalert(1)\n</script>\n\nhttp://ok.example/\t<b>bold</b>",
]

# What the discussion may hold at all, and inside one comment (where the
# comment's own text and author are).
# The Markdown subset a comment may produce (core/text.h) in its body.
BODY_TAGS = {"p", "br", "a", "strong", "em", "code", "ul", "ol", "li", "blockquote"}
ALLOWED_TAGS = {"section", "h2", "span", "p", "ol", "li", "article", "header", "a", "time",
                "div", "details", "summary", "form", "input", "label", "textarea", "button",
                "br", "fieldset", "legend", "select", "option", "bdi", "template"} | BODY_TAGS
# (thread: a top-level comment's "Follow thread" form)
COMMENT_INPUTS = {"token", "page", "parent", "action", "thread"}
# Links out, to comments, and to the module's own pages ("for you", the
# activity stream, a person's activity from an @mention, reporting and
# replying to a comment).
SAFE_HREF = re.compile(r"(?i)(https?://|mailto:|#comment-\d+\Z|#social\Z"
                       r"|/_social/notifications\Z|/_social/activity(\?user=[A-Za-z0-9._-]+)?\Z"
                       r"|/_social/(report|reply)\?comment=\d+\Z)")

SQLI_STRINGS = [
    "' OR 1=1 --",
    "' OR '1'='1",
    "'; DROP TABLE social_comments; --",
    "\" OR \"\"=\"",
    "\\",
    "\\'",
    "\\\\'; SELECT SLEEP(5); --",
    "1' AND SLEEP(5) AND '1'='1",
    "' UNION SELECT user, password FROM mysql.user --",
    "%00",
    "%27 OR 1=1",
    "admin'/*",
    "\u02bc OR 1=1 --",
    "`; SHOW TABLES; `",
]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": "<html><body>home</body></html>\n"},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture
def page(server):
    return fresh_page(server)


def stored_with(mariadb, marker):
    """How many comment rows hold marker in their text."""
    rows = mariadb.sql("SELECT COUNT(*) FROM social_comments WHERE body LIKE '%%%s%%'"
                       % marker.replace("'", "''"))
    return int(rows[0][0])


# ---------------------------------------------------------------- inertness checks

def squeeze(text):
    """Text without white space: line breaks become <br> or paragraphs."""
    return "".join(text.split())


def assert_body_html_inert(fragment, text):
    """The html of one comment: only p, br and safe links, and it reads as
    the text."""
    root = parse_html(fragment)
    for node in root.iter():
        if node is root:
            continue
        assert node.tag in BODY_TAGS, (node, fragment)
        if node.tag == "a":
            assert set(node.attrs) <= {"href", "rel"}, node
            assert re.match(r"(?i)(https?://|mailto:)", node.get("href", "")), node
            assert set(node.get("rel", "").split()) >= {"nofollow", "noopener"}, node
        else:
            assert node.attrs == {}, node
    assert squeeze(root.text()) == squeeze(text), (root.text(), text)


def assert_discussion_inert(div, what):
    """No element, attribute or URL in the discussion that a comment could
    have injected."""
    for node in div.iter():
        if node is div:
            continue
        assert node.tag in ALLOWED_TAGS, (what, node)
        for name, value in node.attr_list:
            assert not name.startswith("on"), (what, node)
            assert name not in ("style", "srcdoc", "src", "background",
                                "http-equiv"), (what, node)
            if name == "formaction":
                # a button of the discussion's shared form, to the module only
                assert node.tag == "button" and node.get("form") == "social-acts", (what, node)
                assert value.startswith("/_social/"), (what, node)
            if value is not None:
                assert not re.match(r"(?i)\s*(javascript|vbscript|data):", value), (what, node)
        if node.tag == "a":
            assert SAFE_HREF.match(node.get("href", "")), (what, node)
        if node.tag == "form":
            assert node.get("action", "").startswith("/_social/"), (what, node)
            assert node.get("method", "").lower() == "post", (what, node)
    for li in div.find_all("li", cls="social-comment"):
        for node in li.find_all("input"):
            assert node.get("type") == "hidden", (what, node)
            assert node.get("name") in COMMENT_INPUTS, (what, node)
        for node in li.find_all("form"):
            assert node.get("action", "").startswith("/_social/comments") \
                or node.get("action") == "/_social/follow", (what, node)
    # the one drop-down: the reader's order of threads, its fixed choices
    for node in div.find_all("select"):
        assert node.get("name") == "sort", (what, node)
        assert [o.get("value") for o in node.find_all("option")] == \
            ["oldest", "newest", "liked"], (what, node)
    for body in div.find_all(cls="social-body"):
        for node in body.iter():
            if node is not body:
                assert node.tag in BODY_TAGS, (what, node)


def assert_page_inert(server, path, body):
    """The page is the file plus one block, the block has the module's
    one script, and the discussion in it is inert."""
    assert strip_blocks(body) == server.file_bytes(path)
    blocks = find_blocks(body)
    assert len(blocks) == 1 and len(main_blocks(body)) == 1, blocks
    block = blocks[0][2]
    assert block.count(BLOCK_START) == 1 and block.count(BLOCK_END) == 1
    assert block.lower().count(b"<script") == 2, block
    assert b"<!--social:" not in block and b"<?cs" not in block
    assert all(b < 0x80 for b in block)
    root = parse_html(block)
    scripts = root.find_all("script")
    # the widget's words, then the widget
    assert len(scripts) == 2 and all(s.get("src", "").startswith("/_social/assets/")
                                     for s in scripts), scripts
    assert re.search(r"/messages-[A-Za-z-]+\.js\?v=[0-9a-f]{16}$", scripts[0].get("src")), scripts
    assert scripts[1].get("src").endswith("/social.js"), scripts
    div = root.find("div", id="social")
    assert div is not None
    assert_discussion_inert(div, path)
    return Discussion(div)


def check_everywhere(server, viewers, path, cid, text, file_path=None):
    """The comment reads as text in the API, the pages and the fragment of
    every viewer, and injects nothing."""
    for client in viewers:
        item = client.api("GET", "comments/%d" % cid).json()
        assert item["body"] == text
        assert_body_html_inert(item["html"], text)
        listed = by_id(client.listing(path))[cid]
        assert listed["body"] == text
        disc = assert_page_inert(server, file_path or path, client.page(path).body)
        assert squeeze(disc.body_text(cid)) == squeeze(text)
        textarea = None
        edit = disc.action_form(cid, "edit")
        if edit is not None:
            textarea = edit.find("textarea")
            assert textarea.text() == text, "the edit form does not hold the text"
        frag = client.fragment(path).body
        assert BLOCK_START not in frag and BLOCK_END not in frag
        assert b"<script" not in frag.lower() and b"<?cs" not in frag
        assert all(b < 0x80 for b in frag)
        root = parse_html(frag)
        assert_discussion_inert(root, "fragment of " + path)
        assert squeeze(Discussion(root).body_text(cid)) == squeeze(text)


# ---------------------------------------------------------------- stored XSS

@pytest.mark.parametrize("markup", [
    '<li class="social-comment"><div class="social-body"><p><script>x()</script></p></div></li>',
    '<li class="social-comment"><div class="social-body"><img src=x onerror=x()></div></li>',
    '<li class="social-comment"><div class="social-body"><a href="javascript:x()">a</a></div>',
    '<li class="social-comment"><span class="social-author" onmouseover="x()">a</span></li>',
    '<li class="social-comment"><div class="social-body"><b>bold</b></div></li>',
    '<li class="social-comment"><input type="text" name="q" /></li>',
    '<form action="https://evil.example/" method="post"></form>',
])
def test_inertness_check_catches_injected_markup(markup):
    """The checks below would notice an injection (they are not vacuous)."""
    div = parse_html('<div id="social">%s</div>' % markup).find("div", id="social")
    with pytest.raises(AssertionError):
        assert_discussion_inert(div, "self-test")


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_xss_payload_by_api_is_inert(server, alice, bob, page, payload):
    item = alice.create(page, payload)
    assert item["body"] == payload
    check_everywhere(server, (alice, bob), page, item["id"], payload)


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_xss_payload_by_form_is_inert(server, bob, carol, page, payload):
    resp = bob.form("", {"page": page, "body": payload, "token": bob.token(page)})
    assert resp.status == 303, (resp, resp.body[:300])
    cid = int(resp.header("Location").rsplit("#comment-", 1)[1])
    check_everywhere(server, (bob, carol), page, cid, payload)


def test_markdown_formats_but_never_injects(server, alice, bob, page):
    text = ("**<img src=x onerror=alert(1)>** and `<script>alert(1)</script>`\n"
            "- [docs](https://ok.example/a) _<svg onload=alert(1)>_")
    item = alice.create(page, text)
    assert item["body"] == text
    disc = assert_page_inert(server, page, bob.page(page).body)
    body = disc.items[item["id"]].find(cls="social-body")
    assert body.find("strong").text() == "<img src=x onerror=alert(1)>"
    assert body.find("code").text() == "<script>alert(1)</script>"
    assert body.find("em").text() == "<svg onload=alert(1)>"
    link = body.find("ul").find("a")
    assert link.get("href") == "https://ok.example/a" and link.text() == "docs"


def test_xss_payloads_together_in_one_thread(server, alice, bob, carol, page):
    """All payloads as a deep thread on one page: nesting and the
    in-reply-to notes stay inert too."""
    parent = None
    ids = []
    for k, payload in enumerate(XSS_PAYLOADS):
        client = (alice, bob, carol)[k % 3]
        item = client.create(page, payload, parent=parent if k % 2 else None)
        ids.append(item["id"])
        parent = item["id"]
    for client in (alice, bob, carol):
        disc = assert_page_inert(server, page, client.page(page).body)
        assert sorted(disc.ids()) == sorted(ids)


def test_xss_in_display_name_is_inert(server, alice, dave, page):
    top = dave.create(page, "hello from dave")
    assert top["author"]["name"] == DAVE_NAME
    chain = [top]
    for client in (alice, dave, alice, alice):
        chain.append(client.create(page, "nested", parent=chain[-1]["id"]))
    items = by_id(alice.listing(page))
    assert items[chain[3]["id"]]["in_reply_to"] == DAVE_NAME
    for client in (alice, dave):
        disc = assert_page_inert(server, page, client.page(page).body)
        assert disc.author(top["id"]) == DAVE_NAME
        # the reply's box names the author: on the reply page without
        # JavaScript (the widget copies the name as text)
        resp = client.get("/_social/reply?comment=%d" % top["id"])
        assert resp.status == 200, (resp, resp.body[:300])
        reply_page = parse_html(resp.body)
        label = reply_page.find("label", for_="social-reply-body")
        assert DAVE_NAME in label.text()
        assert [n.tag for n in label.iter()] == ["label", "bdi"], label
        assert not [n for n in reply_page.iter() if n.tag in ("script", "img", "svg", "iframe")]
        note = Discussion.own(disc.item(chain[3]["id"]), "social-reply-to")
        assert note is not None and DAVE_NAME in note.text()
        frag = parse_html(client.fragment(page).body)
        assert_discussion_inert(frag, "fragment")
    new_form_label = Discussion(social_div(dave.page(page).body)).new_form().find("label")
    assert DAVE_NAME in new_form_label.text()


@pytest.mark.parametrize("name", ["q-\"><img src=x onerror=alert(1)>.html",
                                  "q-'onmouseover='alert(1)'.html",
                                  "q-<script>alert(1)<%2Fscript>.html".replace("%2F", "_"),
                                  "q-&quot;&lt;.html"])
def test_page_path_with_markup_is_inert(server, alice, bob, name):
    path = fresh_page(server, name="%s-%s" % (uuid.uuid4().hex[:8], name))
    url = quote(path, safe="/'")
    item = alice.create(url, "on a page with a strange name")
    key = item["page"]
    assert key.startswith("/") and "<" not in key and '"' not in key and ">" not in key
    resp = bob.get(url)
    assert resp.status == 200
    disc = assert_page_inert(server, path, resp.body)
    assert disc.form_fields(disc.new_form())["page"] == key
    div = social_div(resp.body)
    assert div.get("data-social-page") == key
    check_everywhere(server, (bob,), key, item["id"], "on a page with a strange name",
                     file_path=path)


def test_deferred_page_attributes_stay_inert(server, alice):
    path = fresh_page(server, "deferred", name="%s-\"'<x>.html" % uuid.uuid4().hex[:8])
    url = quote(path, safe="/")
    alice.create(url, "<script>alert(1)</script>")
    resp = alice.get(url)
    assert resp.status == 200
    assert_page_inert(server, path, resp.body)


# ---------------------------------------------------------------- CSRF

@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "https://127.0.0.1.evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "http://evil.example", "Referer": "http://127.0.0.1/"},
])
def test_cross_site_form_refused_and_nothing_stored(server, mariadb, alice, page, headers):
    marker = "csrf-%s" % uuid.uuid4().hex
    item = alice.create(page, "target " + marker)
    token = alice.token(page)
    hdrs = {"Origin": "http://127.0.0.1:%d" % server.port}
    hdrs.update(headers)
    resp = alice.form("", {"page": page, "body": marker, "token": token}, headers=hdrs)
    assert resp.status == 403
    for action in ("delete", "edit", "hide"):
        resp = alice.form("/%d" % item["id"], {"action": action, "body": marker + " edited",
                                               "token": token}, headers=hdrs)
        assert resp.status == 403
    resp = alice.api("POST", "comments", {"page": page, "body": marker}, headers=hdrs)
    assert_json_error(resp, 403)
    assert stored_with(mariadb, marker) == 1
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["target " + marker]


@pytest.mark.parametrize("token", [None, "", "0", "x" * 41, "1.", ".abc",
                                   "%d.%s" % (int(time.time()), "0" * 40),
                                   "99999999999.%s" % ("a" * 40),
                                   "-1.%s" % ("a" * 40)])
def test_form_missing_or_forged_token_refused(mariadb, alice, page, token):
    marker = "tok-%s" % uuid.uuid4().hex
    fields = {"page": page, "body": marker}
    if token is not None:
        fields["token"] = token
    assert_html_error(alice.form("", fields), 403)
    assert stored_with(mariadb, marker) == 0


def test_form_token_tampered_refused(mariadb, alice, page):
    good = alice.token(page)
    stamp, mac = good.split(".")
    marker = "tamper-%s" % uuid.uuid4().hex
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    for token in (stamp + "." + flipped, str(int(stamp) + 1) + "." + mac,
                  good + "0", good[:-1], good.upper(), " " + good, good + " "):
        resp = alice.form("", {"page": page, "body": marker, "token": token})
        assert_html_error(resp, 403)
    assert stored_with(mariadb, marker) == 0
    # the untampered token works
    assert alice.form("", {"page": page, "body": marker, "token": good}).status == 303


def test_token_of_another_user_refused(server, mariadb, alice, bob, anon, page):
    marker = "other-%s" % uuid.uuid4().hex
    item = alice.create(page, "alice " + marker)
    bobs = bob.token(page)
    resp = alice.form("", {"page": page, "body": marker, "token": bobs})
    assert_html_error(resp, 403)
    for action in ("delete", "edit"):
        resp = alice.form("/%d" % item["id"], {"action": action, "body": "x", "token": bobs})
        assert_html_error(resp, 403)
    # an anonymous visitor's token is not alice's either
    public = fresh_page(server, "pub-write")
    anons = anon.token(public)
    resp = alice.form("", {"page": page, "body": marker, "token": anons})
    assert_html_error(resp, 403)
    resp = alice.form("", {"page": public, "body": marker, "token": anons})
    assert_html_error(resp, 403)
    # nor is alice's token valid for an anonymous visitor
    resp = anon.form("", {"page": public, "body": marker, "token": alice.token(page)})
    assert_html_error(resp, 403)
    assert stored_with(mariadb, marker) == 1
    assert by_id(alice.listing(page))[item["id"]]["body"] == "alice " + marker


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=----x"])
def test_api_refuses_bodies_a_cross_site_form_can_send(mariadb, alice, page, content_type):
    marker = "simple-%s" % uuid.uuid4().hex
    body = json.dumps({"page": page, "body": marker}).encode()
    resp = alice.api("POST", "comments", raw=body, content_type=content_type,
                     headers={"Origin": None})
    assert_json_error(resp, 415)
    item = alice.create(page, "x")
    resp = alice.api("PATCH", "comments/%d" % item["id"], raw=b'{"body": "%s"}' % marker.encode(),
                     content_type=content_type, headers={"Origin": None})
    assert_json_error(resp, 415)
    assert stored_with(mariadb, marker) == 0


def test_form_endpoint_refuses_json_bodies(mariadb, alice, page):
    marker = "jsonform-%s" % uuid.uuid4().hex
    resp = alice.request("POST", "/_social/comments",
                         body=json.dumps({"page": page, "body": marker,
                                          "token": alice.token(page)}).encode(),
                         headers={"Content-Type": "application/json"})
    assert resp.status in (400, 403, 415), resp
    assert stored_with(mariadb, marker) == 0


# ---------------------------------------------------------------- SQL injection

@pytest.mark.parametrize("text", SQLI_STRINGS, ids=range(len(SQLI_STRINGS)))
def test_sql_injection_in_body_is_data(mariadb, alice, bob, page, text):
    started = time.monotonic()
    item = alice.create(page, "x " + text)
    assert time.monotonic() - started < 3
    assert item["body"] == "x " + text
    doc = bob.listing(page)
    assert [c["body"] for c in doc["comments"]] == ["x " + text]
    resp = alice.patch(item["id"], {"body": "y " + text})
    assert resp.status == 200 and resp.json()["body"] == "y " + text
    assert by_id(bob.listing(page))[item["id"]]["body"] == "y " + text
    assert int(mariadb.sql("SELECT COUNT(*) FROM social_comments")[0][0]) >= 1


@pytest.mark.parametrize("suffix", ["'OR'1'='1", "';DROP TABLE social_pages;--",
                                    "\\'", "%5C%27", "\" OR \"\"=\""])
def test_sql_injection_in_page_name_is_data(server, mariadb, alice, bob, suffix):
    base = "sq-%s-" % uuid.uuid4().hex[:8]
    name = base + suffix.replace("%5C%27", "\\'") + ".html"
    path = fresh_page(server, name=name)
    url = quote(path, safe="/")
    other = fresh_page(server)
    alice.create(other, "elsewhere")
    item = alice.create(url, "on the odd page")
    doc = bob.listing(url)
    assert [c["id"] for c in doc["comments"]] == [item["id"]]
    assert doc["page"] == item["page"]
    # a page whose name only resembles the odd one sees nothing
    prefix = fresh_page(server, name=base + ".html")
    assert bob.listing(prefix)["comments"] == []
    counts = bob.api("GET", "counts?page=%s&page=%s" % (quote(url, safe="/"),
                                                         quote(other, safe="/"))).json()
    assert counts["pages"][item["page"]]["comments"] == 1
    assert counts["pages"][other]["comments"] == 1
    assert int(mariadb.sql("SELECT COUNT(*) FROM social_pages")[0][0]) >= 2


@pytest.mark.parametrize("query", ["/x'%20OR%20'1'='1", "/x%27%20OR%201=1--",
                                   "/%27;DROP%20TABLE%20social_comments;--",
                                   "/x\\%27", "/a%00b.html", "/a.html%00' OR 1=1"])
def test_sql_injection_in_query_page_is_harmless(mariadb, alice, query):
    def tables():
        return mariadb.sql("SELECT COUNT(*) FROM social_comments; "
                           "SELECT COUNT(*) FROM social_pages")
    before = tables()
    for rel in ("comments?page=", "counts?page=", "me?page="):
        resp = alice.api("GET", rel + query)
        assert resp.status in (200, 400, 404), (rel, resp)
        if rel == "counts?page=" and resp.status == 200:
            assert resp.json()["pages"] == {}
        if rel == "comments?page=":
            assert resp.status in (400, 404)
    resp = alice.get("/_social/fragment?page=" + query)
    assert resp.status in (400, 404)
    # the tables are still there, and reading wrote nothing
    assert tables() == before


@pytest.mark.parametrize("value", ["/a%00b.html", "/x' OR 1=1 --", "/x\\", "/a\u0000b"])
def test_sql_injection_in_json_page_is_refused_or_missing(alice, value):
    resp = alice.api("POST", "comments", {"page": value, "body": "x"})
    assert resp.status in (400, 404, 422), resp
    assert_json_error(resp, resp.status)


@pytest.mark.parametrize("parent", ["1 OR 1=1", "1; DROP TABLE social_comments", "1'",
                                    "0x1", "1e3", " 1"])
def test_sql_injection_in_parent_is_invalid(alice, page, parent):
    top = alice.create(page, "top")
    resp = alice.api("POST", "comments", {"page": page, "body": "r", "parent": parent})
    assert_json_error(resp, 422, "invalid_parent")
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "r", "parent": parent.replace(
        "1", str(top["id"]), 1), "token": token})
    assert resp.status == 422, resp
    assert [c["id"] for c in alice.listing(page)["comments"]] == [top["id"]]


@pytest.mark.parametrize("rel", ["{id}%20OR%201=1", "{id}'", "{id};DROP%20TABLE%20social_comments",
                                 "{id}%00", "{id}%27%20OR%20%271%27=%271", "{id}.0",
                                 "+{id}", "{id}%20",
                                 "18446744073709551617", "99999999999999999999"])
def test_sql_injection_in_comment_id_is_404(server, alice, carol, page, rel):
    item = alice.create(page, "id target")
    rel = rel.replace("{id}", str(item["id"]))
    for method, doc in (("GET", None), ("PATCH", {"body": "x"}), ("DELETE", None)):
        resp = carol.api(method, "comments/" + rel, doc)
        assert resp.status in (400, 404), (method, rel, resp)
    resp = carol.form("/" + rel, {"action": "delete", "token": carol.token(page)})
    assert resp.status in (400, 404), resp
    listed = by_id(alice.listing(page))[item["id"]]
    assert listed["body"] == "id target" and listed["status"] == "visible"


# ---------------------------------------------------------------- IDOR

def test_bob_cannot_edit_delete_or_hide_alices_comment(alice, bob, page):
    item = alice.create(page, "alice owns this")
    assert_json_error(bob.patch(item["id"], {"body": "bob was here"}), 403)
    assert_json_error(bob.patch(item["id"], {"status": "hidden"}), 403)
    assert_json_error(bob.delete(item["id"]), 403)
    token = bob.token(page)
    for fields in ({"action": "edit", "body": "bob was here"}, {"action": "delete"},
                   {"action": "hide"}):
        fields["token"] = token
        resp = bob.form("/%d" % item["id"], fields)
        assert_html_error(resp, 403)
        resp = bob.form("/%d" % item["id"], fields, headers={"X-Social-Fragment": "1"})
        assert_json_error(resp, 403)
    listed = by_id(alice.listing(page))[item["id"]]
    assert listed["body"] == "alice owns this" and listed["status"] == "visible"
    assert listed["edited"] is None


def test_identity_fields_in_the_body_are_ignored(alice, bob, page):
    resp = bob.api("POST", "comments", {"page": page, "body": "who am I",
                                        "author": {"user": "alice", "name": "Alice"},
                                        "user": "alice", "name": "Alice", "id": 1,
                                        "status": "hidden", "created": "2000-01-01T00:00:00Z"})
    assert resp.status == 201
    item = resp.json()
    assert item["author"] == {"user": "bob", "name": "bob"}
    assert item["status"] == "visible" and not item["created"].startswith("2000")
    # a PATCH cannot move a comment or change its author
    resp = bob.patch(item["id"], {"body": "still me", "page": "/index.html",
                                  "author": "alice"})
    assert resp.status in (200, 422)
    got = bob.api("GET", "comments/%d" % item["id"]).json()
    assert got["page"] == page and got["author"]["user"] == "bob"
    assert_json_error(alice.patch(item["id"], {"body": "mine now"}), 403)


def test_hidden_comment_not_readable_by_id_for_others(alice, bob, carol, anon, page):
    item = alice.create(page, "to hide")
    assert carol.patch(item["id"], {"status": "hidden"}).status == 200
    assert_json_error(bob.api("GET", "comments/%d" % item["id"]), 404)
    assert bob.patch(item["id"], {"body": "x"}).status in (403, 404)
    assert bob.delete(item["id"]).status in (403, 404)
    assert anon.api("GET", "comments/%d" % item["id"]).status in (401, 404)
    assert alice.api("GET", "comments/%d" % item["id"]).status == 200


def test_comment_of_a_private_page_not_readable_anonymously(alice, anon, page):
    item = alice.create(page, "internal only")
    resp = anon.api("GET", "comments/%d" % item["id"])
    assert resp.status in (401, 404)
    assert b"internal only" not in resp.body
    assert anon.delete(item["id"]).status in (401, 403, 404)
    assert by_id(alice.listing(page))[item["id"]]["body"] == "internal only"


# ---------------------------------------------------------------- sizes and nesting

def raw_exchange(server, data, timeout=10):
    """Send raw bytes, return the response head line and all bytes."""
    out = bytearray()
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while True:
                piece = s.recv(65536)
                if not piece:
                    break
                out += piece
        except ConnectionResetError:
            pass
    return bytes(out)


def assert_alive(server):
    resp = server.get(API + "/health")
    assert resp.status == 200 and resp.json()["database"] == "ok"


def test_huge_json_body_is_413(mariadb, server, alice, page):
    marker = "huge-%s" % uuid.uuid4().hex
    doc = json.dumps({"page": page, "body": marker + "a" * 70000}).encode()
    assert_json_error(alice.api("POST", "comments", raw=doc), 413)
    assert stored_with(mariadb, marker) == 0
    assert_alive(server)


def test_huge_chunked_json_body_is_413(mariadb, server, alice, page):
    marker = "chunk-%s" % uuid.uuid4().hex
    doc = json.dumps({"page": page, "body": marker + "a" * 100000}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(doc[k:k + 8192]), doc[k:k + 8192])
                      for k in range(0, len(doc), 8192)) + b"0\r\n\r\n"
    head = ("POST %s/comments HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: %s\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n" % (API, server.port, alice.headers()["Authorization"]))
    data = raw_exchange(server, head.encode() + chunks)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    assert stored_with(mariadb, marker) == 0
    assert_alive(server)


def test_huge_content_length_refused_before_reading(server, alice):
    head = ("POST %s/comments HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: %s\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000000000000\r\n"
            "Connection: close\r\n\r\n{" % (API, server.port, alice.headers()["Authorization"]))
    started = time.monotonic()
    data = raw_exchange(server, head.encode(), timeout=10)
    assert time.monotonic() - started < 5
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    assert_alive(server)


def test_huge_form_body_is_413(mariadb, server, alice, page):
    marker = "hugeform-%s" % uuid.uuid4().hex
    resp = alice.form("", {"page": page, "body": marker + "a" * 70000,
                           "token": alice.token(page)})
    assert resp.status == 413
    assert stored_with(mariadb, marker) == 0
    assert_alive(server)


@pytest.mark.parametrize("depth", [100000, 32000])
def test_deeply_nested_json_is_refused_quickly(server, alice, page, depth):
    for raw in (b"[" * depth + b"]" * depth,
                b'{"a":' * depth + b"1" + b"}" * depth,
                b'{"page": "%s", "body": ' % page.encode() + b"[" * depth + b"]" * depth + b"}"):
        started = time.monotonic()
        resp = alice.api("POST", "comments", raw=raw)
        elapsed = time.monotonic() - started
        if len(raw) > 65536:
            # more than 64 KiB of brackets: refused for size or for depth
            assert resp.status in (400, 413), resp
        else:
            assert_json_error(resp, 400)
        assert elapsed < 2, elapsed
    assert_alive(server)
    assert alice.listing(page)["count"] == 0


def test_nested_json_in_patch_is_400(server, alice, page):
    item = alice.create(page, "x")
    raw = b'{"body": ' + b"[" * 20000 + b"]" * 20000 + b"}"
    started = time.monotonic()
    assert_json_error(alice.patch(item["id"], None, raw=raw), 400)
    assert time.monotonic() - started < 2
    assert_alive(server)


# ---------------------------------------------------------------- preview

def test_preview_formats_as_the_comment_will_show_and_stores_nothing(mariadb, alice):
    before = mariadb.sql("SELECT COUNT(*) FROM social_comments")
    resp = alice.api("POST", "preview", {"text": "**hi** <b>x</b> [d](https://ok.example/)"})
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.json()["html"] == ('<p><strong>hi</strong> &lt;b&gt;x&lt;/b&gt; <a href="'
                                   'https://ok.example/" rel="nofollow noopener">d</a></p>')
    assert alice.api("POST", "preview", {"text": "  \n"}).json()["html"] == ""
    assert_json_error(alice.api("POST", "preview", {"text": 5}), 422, "invalid_body")
    assert_json_error(alice.api("POST", "preview", {"text": "bell\x07"}), 422, "invalid_body")
    resp = alice.api("POST", "preview", {"text": "x"}, headers={"Origin": "http://evil.example"})
    assert_json_error(resp, 403)
    assert mariadb.sql("SELECT COUNT(*) FROM social_comments") == before
