"""Discussions of documents: {base}/discuss?page=PATH for a PDF, an
image, a video, an audio file and a text file (all made here, see
social_test/documents.py), access exactly as to the file (a <Files>
stricter than its folder; a folder behind a login the endpoint does not
ask for), a missing file (404, nothing written), bad paths, and a
comment's position in a document ({"t": SECONDS}, {"page": N}) through
the API and the plain form, validated (422) and shown as a link that
opens the document there. Real httpd, real MariaDB.
"""

import re
import uuid
from urllib.parse import quote

import pytest

from social_test import config, documents
from social_test.asserts import assert_html_error, assert_json_error, by_id
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import parse_html, social_div

RUN = uuid.uuid4().hex[:8]
FOLDER = "/training-%s" % RUN
PDF = FOLDER + "/safety-2026.pdf"
SECRET = FOLDER + "/secret-board.pdf"
PNG = FOLDER + "/site-map.png"
VIDEO = FOLDER + "/induction.webm"
AUDIO = FOLDER + "/briefing.wav"
TEXT = FOLDER + "/checklist.txt"
HTML = FOLDER + "/index.html"
LOCKED = "/staff-%s/handbook.pdf" % RUN

# Require refusing someone is an error-level line in httpd's log.
ERROR_LOG_ALLOW = [r"AH01631: user \w+: authorization failure for",
                   r"AH01630: client denied by server configuration"]


def site_conf(htpasswd):
    return (
        config.block("/", *config.basic_login(htpasswd), config.moderator("carol"))
        + config.block('"@DOCROOT@"', "Require valid-user", kind="Directory")
        + config.block('"secret-*.pdf"', "Require user alice", kind="Files")
        + config.optional_login()
        # a public folder beside one behind login: the endpoint asks for none
        + config.block('"@DOCROOT@/pub"', "Require all granted",
                       "SocialAnonymous Read", kind="Directory")
    )


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    files = {
        PDF: documents.pdf(3, "Safety 2026"),
        SECRET: documents.pdf(2, "Board"),
        PNG: documents.png(),
        VIDEO: documents.webm_header(),
        AUDIO: documents.wav(60),
        TEXT: documents.text(),
        HTML: PAGE_TEMPLATE.format(title="Training"),
        LOCKED: documents.pdf(1, "Handbook"),
        "/pub/index.html": PAGE_TEMPLATE.format(title="Public"),
    }
    # social:debug, so the info-level refusals and their ids are logged
    return httpd_factory(files=files, conf=site_conf(htpasswd), social_debug=True)


def discuss_url(path):
    return "/_social/discuss?page=" + quote(path, safe="/")


def discuss(client, path, status=200):
    resp = client.get(discuss_url(path))
    assert resp.status == status, (resp, resp.body[:400])
    return resp


def post(client, page, body="about this", **extra):
    doc = {"page": page, "body": body}
    doc.update(extra)
    return client.api("POST", "comments", doc)


def page_rows(server, path):
    return int(server.db.sql("SELECT COUNT(*) FROM social_pages WHERE path = '%s'"
                             % path)[0][0])


# ---------------------------------------------------------------- the page

def test_pdf_discussion_shows_the_pdf_a_download_and_the_discussion(alice):
    body = discuss(alice, PDF).body.decode()
    doc = parse_html(body)
    assert doc.find("title").text() == "safety-2026.pdf"
    obj = doc.find("object")
    assert obj is not None and obj.get("data") == PDF and obj.get("type") == "application/pdf"
    download = [a for a in doc.find_all("a") if a.get("download") is not None]
    assert download and download[0].get("href") == PDF
    assert download[0].get("download") == "safety-2026.pdf"
    # breadcrumbs back to the folder
    crumbs = [a.get("href") for a in doc.find("nav", cls="social-breadcrumbs").find_all("a")]
    assert crumbs[:2] == ["/", FOLDER + "/"], crumbs
    # the same block the filter inserts into pages, keyed by the file's path
    div = social_div(body.encode())
    assert div is not None and div.get("data-social-page") == PDF
    assert 'name="page" value="%s"' % PDF in body
    # a new comment on a PDF may name a page
    assert 'name="position"' in body and "About page" in body


@pytest.mark.parametrize("path, tag, attr", [(PNG, "img", "src"), (VIDEO, "video", "src"),
                                             (AUDIO, "audio", "src"),
                                             (TEXT, "iframe", "src")])
def test_image_video_audio_and_text_are_shown_where_a_browser_can(alice, path, tag, attr):
    body = discuss(alice, path).body
    doc = parse_html(body)
    shown = doc.find_all(tag, **{attr: path})
    assert shown, body[:2000]
    assert social_div(body).get("data-social-page") == path
    has_position = b'name="position"' in body
    assert has_position == (tag in ("video", "audio")), path


def test_document_comment_meets_the_file_url(alice, bob):
    item = post(alice, TEXT, "Step 3 is missing").json()
    assert item["page"] == TEXT and item["position"] is None
    assert item["id"] in by_id(bob.listing(TEXT))
    assert b"Step 3 is missing" in discuss(bob, TEXT).body


def test_html_page_redirects_to_its_own_discussion(alice):
    resp = discuss(alice, HTML, status=303)
    assert resp.header("Location") == FOLDER + "/#social"


# ---------------------------------------------------------------- access

def test_file_stricter_than_its_folder(server, alice, bob, anon):
    # Basic auth's Require answers 401 to a logged-in person not allowed
    # (test_access): the discussion answers as the file does
    assert discuss(alice, SECRET).status == 200
    assert alice.get(SECRET).status == 200 and bob.get(SECRET).status == 401
    assert_html_error(discuss(bob, SECRET, status=401), 401)
    assert_html_error(discuss(anon, SECRET, status=401), 401)
    assert_json_error(post(bob, SECRET), 401)
    assert_json_error(bob.api("GET", "comments?page=" + SECRET), 401)
    item = post(alice, SECRET, "board only").json()
    assert item["page"] == SECRET
    assert b"board only" not in discuss(alice, PDF).body


def test_folder_behind_a_login_the_endpoint_does_not_ask_for(anon, alice):
    # the endpoint takes anonymous visitors; the file's folder does not
    assert_html_error(discuss(anon, LOCKED, status=401), 401)
    assert discuss(alice, LOCKED).status == 200
    assert discuss(anon, "/pub/", status=303).header("Location") == "/pub/#social"


def test_missing_file_is_404_and_creates_nothing(server, alice):
    missing = FOLDER + "/no-such-%s.pdf" % uuid.uuid4().hex[:6]
    assert_html_error(discuss(alice, missing, status=404), 404)
    assert_json_error(post(alice, missing), 404)
    assert_json_error(post(alice, missing, position={"page": 1}), 404)
    assert page_rows(server, missing) == 0
    assert int(server.db.sql("SELECT COUNT(*) FROM social_comments c JOIN social_pages p "
                             "ON p.id = c.page_id WHERE p.path = '%s'" % missing)[0][0]) == 0


@pytest.mark.parametrize("query, status", [
    ("", 400),
    ("?page=", 400),
    ("?page=training/safety.pdf", 400),
    ("?page=" + quote(PDF + "?download=1", safe="/"), 400),
    ("?page=" + quote(PDF + "#page=2", safe="/"), 400),
    ("?page=" + quote(FOLDER + "/../etc/passwd", safe="/"), 400),
    ("?page=" + quote(FOLDER + "/%2E./safety-2026.pdf", safe="/"), 400),
    ("?page=%s&page=%s" % (PDF, TEXT), 400),
    ("?page=" + quote(FOLDER + "/nothing/here.pdf", safe="/"), 404),
])
def test_bad_paths_are_refused_with_a_message(server, alice, query, status):
    resp = alice.get("/_social/discuss" + query)
    assert_html_error(resp, status)
    text = resp.body.decode()
    assert re.search(r"page|file|discussion", text)
    log = server.error_log_path.read_text()
    assert re.search(r"SOCIAL220[1235]", log), log[-2000:]


def test_discuss_takes_only_get(alice):
    resp = alice.request("POST", discuss_url(PDF), body=b"x",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 405 and "GET" in resp.header("Allow")


# ---------------------------------------------------------------- positions

def test_pdf_comment_at_a_page_links_to_it(alice, bob):
    resp = post(alice, PDF, "Page 3 contradicts page 1", position={"page": 3})
    assert resp.status == 201, resp.body
    item = resp.json()
    assert item["position"] == {"page": 3}
    assert by_id(bob.listing(PDF))[item["id"]]["position"] == {"page": 3}
    assert bob.api("GET", "comments/%d" % item["id"]).json()["position"] == {"page": 3}
    doc = parse_html(discuss(bob, PDF).body)
    links = doc.find_all("a", cls="social-position")
    assert [a.get("href") for a in links] == [PDF + "#page=3"]
    assert links[0].text() == "at page 3"


def test_media_comment_at_a_time_links_to_it(alice, server):
    item = post(alice, VIDEO, "Watch the ladder here", position={"t": 42}).json()
    assert item["position"] == {"t": 42}
    stored = server.db.sql("SELECT position_time, position_page FROM social_comments "
                           "WHERE id = %d" % item["id"])
    assert stored == [["42", None]]
    body = discuss(alice, VIDEO).body.decode()
    assert 'href="%s#t=42">at 0:42</a>' % VIDEO in body
    long = post(alice, AUDIO, "at the end", position={"t": 3723}).json()
    assert 'href="%s#t=3723">at 1:02:03</a>' % AUDIO in discuss(alice, AUDIO).body.decode()
    assert long["position"] == {"t": 3723}


@pytest.mark.parametrize("path, position", [
    (PDF, {"page": 0}), (PDF, {"page": 100001}), (PDF, {"page": -1}), (PDF, {"page": "3"}),
    (PDF, {"page": 2.5}), (PDF, {"t": 10}), (PDF, {"page": 1, "t": 3}), (PDF, {}),
    (PDF, 3), (PDF, "page=3"), (PDF, {"line": 4}),
    (VIDEO, {"page": 2}), (VIDEO, {"t": 360000}), (VIDEO, {"t": True}), (AUDIO, {"t": None}),
    (PNG, {"page": 1}), (TEXT, {"t": 1}), (HTML, {"page": 1}),
])
def test_bad_positions_are_422(server, alice, path, position):
    before = int(server.db.sql("SELECT COUNT(*) FROM social_comments")[0][0])
    doc = assert_json_error(post(alice, path, "placed wrong", position=position), 422,
                            "invalid_position")
    assert doc["error"].get("field") == "position"
    assert int(server.db.sql("SELECT COUNT(*) FROM social_comments")[0][0]) == before
    assert "SOCIAL2210" in server.error_log_path.read_text()


def test_null_position_is_a_comment_on_the_whole_document(alice):
    item = post(alice, PDF, "on the whole thing", position=None).json()
    assert item["position"] is None


def form_fields(client, path):
    body = discuss(client, path).body.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    return {"token": token, "page": path}


def test_plain_form_takes_a_position_and_comes_back_to_the_discuss_page(alice, bob):
    fields = form_fields(bob, AUDIO)
    fields.update(body="Listen from here", position="0:42")
    resp = bob.form("", fields)
    assert resp.status == 303, resp.body[:400]
    location = resp.header("Location")
    assert location.startswith("/_social/discuss?page=" + quote(AUDIO, safe="")), location
    assert "social=posted" in location and "#comment-" in location
    cid = int(location.rsplit("-", 1)[1])
    assert by_id(alice.listing(AUDIO))[cid]["position"] == {"t": 42}
    fields = form_fields(bob, PDF)
    fields.update(body="See page 2", position=" 2 ")
    resp = bob.form("", fields)
    assert resp.status == 303
    cid = int(resp.header("Location").rsplit("-", 1)[1])
    assert by_id(alice.listing(PDF))[cid]["position"] == {"page": 2}


@pytest.mark.parametrize("path, value", [(AUDIO, "abc"), (AUDIO, "1:5"), (AUDIO, "0:60"),
                                         (AUDIO, "100:00:00"), (PDF, "0"), (PDF, "2 3"),
                                         (PDF, "1:00"), (PNG, "3")])
def test_plain_form_refuses_a_bad_position(server, bob, path, value):
    fields = form_fields(bob, path)
    fields.update(body="kept text %s" % RUN, position=value)
    resp = bob.form("", fields)
    assert_html_error(resp, 422)
    body = resp.body.decode()
    # the way back is the discuss page; the text typed is kept
    assert "/_social/discuss?page=" in body and "kept text %s" % RUN in body


def test_form_on_an_html_page_still_returns_to_the_page(alice):
    fields = {"token": form_fields(alice, PDF)["token"], "page": HTML, "body": "on the page"}
    resp = alice.form("", fields)
    assert resp.status == 303
    assert resp.header("Location").startswith(FOLDER + "/?social=posted#comment-")


# ---------------------------------------------------------------- listings

LISTING_FILES = {"guide.pdf": documents.pdf(2, "Guide"), "map.png": documents.png(),
                 "notes.txt": documents.text(), "secret-plan.pdf": documents.pdf(1, "Plan"),
                 "sub/index.html": PAGE_TEMPLATE.format(title="Sub")}
# plain: as mod_autoindex writes it; split: every byte its own bucket;
# brigades: every byte its own brigade (mod_substitute puts a mark after
# each byte, mod_bucketeer splits there and drops the mark)
LISTINGS = ("plain", "split", "brigades")


def listing_conf(htpasswd):
    return site_conf(htpasswd) + (
        config.block('"@DOCROOT@/lists"', "Options +Indexes",
                     "IndexOptions FancyIndexing HTMLTable", kind="Directory")
        # mod_bucketeer runs before resource filters: the marks are put in
        # by an external filter of a lower type (sed, one mark per byte)
        + 'ExtFilterDefine mark02 mode=output ftype=8 cmd="/bin/sed -e s/./&\x02/g"\n'
        + 'ExtFilterDefine mark10 mode=output ftype=8 cmd="/bin/sed -e s/./&\x10/g"\n'
        + config.block('"@DOCROOT@/lists/split"', "SetOutputFilter mark02;BUCKETEER",
                       kind="Directory")
        + config.block('"@DOCROOT@/lists/brigades"', "SetOutputFilter mark10;BUCKETEER",
                       kind="Directory"))


@pytest.fixture(scope="module")
def lists(httpd_factory, htpasswd):
    files = {"/lists/%s/%s" % (kind, name): data
             for kind in LISTINGS for name, data in LISTING_FILES.items()}
    return httpd_factory(files=files, conf=listing_conf(htpasswd), name="listings",
                         modules=[("autoindex_module", "mod_autoindex.so"),
                                  ("ext_filter_module", "mod_ext_filter.so"),
                                  ("bucketeer_module", "mod_bucketeer.so")])


@pytest.mark.parametrize("kind", LISTINGS)
def test_listing_entries_get_counts_and_discuss_links(lists, strip_blocks, kind):
    alice, bob = Client(lists, "alice"), Client(lists, "bob")
    folder = "/lists/%s/" % kind
    for k in range(3):
        alice.create(folder + "guide.pdf", "guide %d" % k)
    alice.create(folder + "notes.txt", "one note")
    alice.create(folder + "secret-plan.pdf", "alice only")
    resp = bob.get(folder)
    assert resp.status == 200 and resp.content_type.startswith("text/html"), resp
    body = resp.body.decode()
    # the listing's own bytes are kept: only the delimited blocks are added
    raw = bob.get("/_raw" + folder)
    assert raw.status == 200
    expected = raw.body.replace(b"/_raw/lists/", b"/lists/")
    got = strip_blocks(resp.body)
    assert got == expected, (got[1100:1300], expected[1100:1300])

    def entry(name):
        return ('<a href="%s">%s</a><!-- mod_social --> <span class="social-entry">'
                % (name, name))
    discuss_pdf = "/_social/discuss?page=" + quote(folder + "guide.pdf", safe="")
    assert entry("guide.pdf") + (
        '<a class="social-entry-count" href="%s#social">3 comments</a> '
        '<a class="social-entry-discuss" href="%s">Discuss</a></span><!-- /mod_social -->'
        % (discuss_pdf, discuss_pdf)) in body
    assert entry("notes.txt") + '<a class="social-entry-count" href="%s#social">1 comment</a>' % (
        "/_social/discuss?page=" + quote(folder + "notes.txt", safe="")) in body
    assert entry("map.png") + '<a class="social-entry-count" href="%s#social">0 comments</a>' % (
        "/_social/discuss?page=" + quote(folder + "map.png", safe="")) in body
    # a subfolder's discussion is its own page
    assert '<a href="sub/">sub/</a><!-- mod_social --> <span class="social-entry">' \
           '<a class="social-entry-count" href="%ssub/#social">0 comments</a>' % folder in body
    # bob may not read secret-*.pdf (mod_autoindex leaves it out for him);
    # alice sees it with its count
    assert "secret-plan.pdf" not in body
    assert ('secret-plan.pdf</a><!-- mod_social --> <span class="social-entry">'
            '<a class="social-entry-count" href="/_social/discuss?page=%s#social">1 comment</a>'
            % quote(folder + "secret-plan.pdf", safe="")) in alice.get(folder).body.decode()
    # the sorting links and the parent folder are not entries
    assert body.count('class="social-entry"') == 4
    # the listing itself has a discussion
    assert social_div(resp.body).get("data-social-page") == folder
    item = bob.create(folder, "what is in here?")
    assert item["page"] == folder


def test_listing_counts_are_read_in_one_statement_per_fifty(lists, strip_blocks):
    alice = Client(lists, "alice")
    folder = "/lists/many-%s/" % RUN
    for k in range(120):
        lists.write_file(folder + "doc-%03d.txt" % k, documents.text())
    alice.create(folder + "doc-077.txt", "seventy-seven")
    body = alice.get(folder).body.decode()
    assert body.count('class="social-entry"') == 120
    assert body.count(">0 comments</a>") == 119
    assert ('doc-077.txt</a><!-- mod_social --> <span class="social-entry">'
            '<a class="social-entry-count" href="/_social/discuss?page=%s#social">1 comment</a>'
            % quote(folder + "doc-077.txt", safe="")) in body


# ---------------------------------------------------------------- SocialDocumentLinks

LINKS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Training &lt;a href="x.pdf"&gt;</title>
<script>var s = '<a href="guide.pdf">in a script</a>';</script></head>
<body><h1>Training</h1>
<ul>
<li><a href="guide.pdf">The guide</a></li>
<li><A class="doc" HREF='/docs-links/Deck.PPTX?v=2#slide-3'>Slides</A></li>
<li><a href="./sub/../guide.pdf#page=2">Page 2 of the guide</a></li>
<li><a href="map.png">A map (not listed)</a></li>
<li><a href="missing.pdf">Gone</a></li>
<li><a href="https://example.org/other.pdf">Elsewhere</a></li>
<li><a href="//example.org/other.pdf">Elsewhere too</a></li>
<li><a href="secret-board.pdf">For alice only</a></li>
<!-- <a href="guide.pdf">commented out</a> -->
<li><a href="mailto:x@example.org?subject=a.pdf">Mail</a></li>
</ul>
<textarea><a href="guide.pdf">in a textarea</a></textarea>
</body></html>
"""
LINK_FILES = {"guide.pdf": documents.pdf(2, "Guide"), "Deck.PPTX": b"PK\x03\x04 not really",
              "map.png": documents.png(), "secret-board.pdf": documents.pdf(1, "Board")}


def links_conf(htpasswd):
    return site_conf(htpasswd) + (
        config.block('"@DOCROOT@/docs-links"', "SocialDocumentLinks pdf pptx", kind="Directory")
        + 'ExtFilterDefine mark02 mode=output ftype=8 cmd="/bin/sed -e s/./&\x02/g"\n'
        + config.block('"@DOCROOT@/docs-links/split"', "SetOutputFilter mark02;BUCKETEER",
                       kind="Directory")
        + config.block('"@DOCROOT@/docs-links/off"', "SocialDocumentLinks Off",
                       kind="Directory"))


@pytest.fixture(scope="module")
def links(httpd_factory, htpasswd):
    files = {"/docs-links/" + n: d for n, d in LINK_FILES.items()}
    files.update({"/docs-links/%s/%s" % (sub, n): d for sub in ("split", "off")
                  for n, d in LINK_FILES.items()})
    files["/docs-links/training.html"] = LINKS_PAGE
    files["/docs-links/split/training.html"] = LINKS_PAGE.replace("/docs-links/",
                                                                  "/docs-links/split/")
    files["/docs-links/off/training.html"] = LINKS_PAGE
    return httpd_factory(files=files, conf=links_conf(htpasswd), name="doclinks",
                         modules=[("ext_filter_module", "mod_ext_filter.so"),
                                  ("bucketeer_module", "mod_bucketeer.so")])


def discuss_link(path):
    return ('<!-- mod_social --> <a class="social-doc-link" href="/_social/discuss?page=%s">'
            "Discuss</a><!-- /mod_social -->" % quote(path, safe=""))


@pytest.mark.parametrize("folder", ["/docs-links/", "/docs-links/split/"])
def test_document_links_follow_links_to_listed_documents(links, strip_blocks, folder):
    bob = Client(links, "bob")
    resp = bob.get(folder + "training.html")
    assert resp.status == 200
    body = resp.body.decode()
    # the page's bytes are kept: only delimited blocks are added
    raw = bob.get("/_raw" + folder + "training.html").body
    assert strip_blocks(resp.body) == raw
    guide = discuss_link(folder + "guide.pdf")
    assert '<a href="guide.pdf">The guide</a>' + guide in body
    assert "Slides</A>" + discuss_link(folder + "Deck.PPTX") in body
    assert "Page 2 of the guide</a>" + guide in body
    # a file bob may not open still gets its link (the page is the same for
    # every reader; the discuss page asks for the login)
    assert "For alice only</a>" + discuss_link(folder + "secret-board.pdf") in body
    for text in ("A map (not listed)</a></li>", "Gone</a></li>", "Elsewhere</a></li>",
                 "Elsewhere too</a></li>", "commented out</a> -->", "Mail</a></li>",
                 "in a textarea</a></textarea>", "in a script</a>';</script>"):
        assert text in body, text
    assert body.count('class="social-doc-link"') == 4


def test_document_links_are_off_by_default_and_with_off(links):
    alice = Client(links, "alice")
    assert b"social-doc-link" not in alice.get("/docs-links/off/training.html").body
    assert b"social-doc-link" not in discuss(alice, "/docs-links/guide.pdf").body


# ---------------------------------------------------------------- names

def test_activity_names_documents_by_file_name_and_links_their_discussion(server, alice,
                                                                          bob):
    spaced = FOLDER + "/Safety Plan 2026.pdf"
    server.write_file(spaced, documents.pdf(1, "Plan"))
    key = quote(spaced)
    item = post(alice, key, "names %s" % RUN).json()
    assert item["page"] == key
    doc = bob.api("GET", "activity?limit=50").json()
    mine = [i for i in doc["items"] if i.get("page") == key]
    assert mine, doc["items"][:3]
    assert mine[0]["page_title"] == "Safety Plan 2026.pdf"
    assert mine[0]["url"] == ("/_social/discuss?page=%s#comment-%d"
                              % (quote(key, safe=""), item["id"]))
    assert server.db.sql("SELECT title FROM social_pages WHERE path = '%s'" % key) \
        == [["Safety Plan 2026.pdf"]]
    # the HTML stream too
    html = bob.get("/_social/activity").body.decode()
    assert "><bdi>Safety Plan 2026.pdf</bdi></a>" in html


def test_count_markers_and_counts_link_a_document_to_its_discuss_page(server, alice):
    index = FOLDER + "/reading-%s.html" % uuid.uuid4().hex[:6]
    server.write_file(index, PAGE_TEMPLATE.format(title="Reading").replace(
        "</h1>", '</h1><p><!--social:count page="%s"--></p>' % PDF))
    body = alice.get(index).body.decode()
    assert re.search(r'<a class="social-count-link" href="/_social/discuss\?page=%s#social">'
                     r'\d+ comments?</a>' % re.escape(quote(PDF, safe="")), body), body[:3000]
    doc = alice.api("GET", "counts?page=%s&page=%s" % (PDF, HTML)).json()
    assert doc["pages"][PDF]["href"] == "/_social/discuss?page=" + quote(PDF, safe="")
    assert doc["pages"][FOLDER + "/"]["href"] == FOLDER + "/"
