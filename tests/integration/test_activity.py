"""The activity stream: {base}/activity (HTML), {base}/activity.atom (Atom)
and GET {base}/api/v1/activity (JSON), driven through a real httpd and a
real MariaDB with HTTP Basic users.

The intranet is behind login. /act-RUN/restricted/ is readable only by
alice and carol (a Require rule), /act-RUN/open/ by everybody; the stream
must apply the same rule to every page it lists. Other test modules share
the database (and the site name), so every check here filters by this
run's section or looks for items it made itself.
"""

import base64
import json
import os
import re
import subprocess
import tempfile
import uuid
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client

RUN = uuid.uuid4().hex[:8]
AREA = "/act-%s" % RUN
OPEN = AREA + "/open"
RESTRICTED = AREA + "/restricted"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "atom.rng"

# Bob and mallory fail the restricted section's Require rule, for the
# page itself and in the stream's subrequests; httpd logs each at error.
ERROR_LOG_ALLOW = (r'AH01631: user (bob|mallory|dave): authorization failure for "/act-',)

MALLORY_NAME = "<img src=x onerror=alert(1)>Mallory"
USERS = ["alice", "bob", "carol", "dave", "mallory"]


HTPASSWD_USERS = USERS
def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


HTTPD_CONF = (config.set_display_name("Basic " + b64("alice"), "Alice Liddell")
              + config.set_display_name("Basic " + b64("mallory"), MALLORY_NAME)
              + config.login(display_name=True)
              + config.block(RESTRICTED, "Require user alice carol"))

POLL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Poll</title></head>
<body><h1>Poll</h1>
<!--social:poll name="lunch" question="Lunch at noon or one?" options="Noon|One"-->
</body></html>
"""


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def mallory(server):
    return Client(server, "mallory")


def new_page(server, folder, content=None):
    """A new page in folder (a section of its own); its path."""
    token = uuid.uuid4().hex[:10]
    path = "%s/%s/p-%s.html" % (folder, token, token)
    server.write_file(path, content or PAGE_TEMPLATE.format(title="Page " + token))
    return path


def section_of(path):
    return path.rsplit("/", 1)[0] + "/"


def stream(client, **params):
    resp = client.api("GET", "activity?" + urlencode(params))
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("application/json")
    return resp.json()


def all_items(client, **params):
    """Every item, following next_before to the end."""
    items, before, pages = [], None, 0
    while True:
        query = dict(params)
        if before:
            query["before"] = before
        doc = stream(client, **query)
        items += doc["items"]
        pages += 1
        before = doc["next_before"]
        if before is None:
            return items, pages
        assert pages < 50


def texts(items):
    return [i.get("text") for i in items if i["kind"] == "comment"]


def html_page(client, **params):
    resp = client.get("/_social/activity" + ("?" + urlencode(params) if params else ""))
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("text/html")
    return resp.body.decode("ascii")


def atom(client, **params):
    resp = client.get("/_social/activity.atom" + ("?" + urlencode(params) if params else ""))
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("application/atom+xml")
    return resp.body


def assert_valid_atom(body):
    """xmllint against RFC 4287's RELAX NG schema, then what the schema
    cannot say: unique entry ids, an alternate link per entry (no
    content), absolute URLs, and a feed author covering every entry."""
    with tempfile.NamedTemporaryFile(suffix=".atom", delete=False) as f:
        f.write(body)
        name = f.name
    try:
        run = subprocess.run(["xmllint", "--noout", "--relaxng", str(SCHEMA), name],
                             capture_output=True, text=True)
    finally:
        os.unlink(name)
    assert run.returncode == 0, run.stderr
    root = ET.fromstring(body)
    assert root.tag == ATOM_NS + "feed"
    assert root.find(ATOM_NS + "author") is not None
    ids = [e.findtext(ATOM_NS + "id") for e in root.findall(ATOM_NS + "entry")]
    assert len(ids) == len(set(ids))
    for entry in root.findall(ATOM_NS + "entry"):
        links = [l for l in entry.findall(ATOM_NS + "link") if l.get("rel") == "alternate"]
        assert len(links) == 1 and links[0].get("href").startswith("http://127.0.0.1:")
    self_links = [l for l in root.findall(ATOM_NS + "link") if l.get("rel") == "self"]
    assert len(self_links) == 1 and self_links[0].get("href").startswith("http://")
    return root


def entry_summaries(root):
    return [e.findtext(ATOM_NS + "summary") for e in root.findall(ATOM_NS + "entry")]


# ---------------------------------------------------------------- access

def test_stream_shows_each_viewer_only_pages_they_may_read(server, alice, bob, carol):
    open_page = new_page(server, OPEN)
    secret_page = new_page(server, RESTRICTED)
    open_text = "open words %s" % uuid.uuid4().hex[:6]
    secret_text = "secret words %s" % uuid.uuid4().hex[:6]
    alice.create(open_page, open_text)
    alice.create(secret_page, secret_text)
    # bob cannot read the restricted page itself: the rule is real
    assert bob.get(secret_page).status in (401, 403)
    assert carol.get(secret_page).status == 200

    for viewer, sees_secret in ((bob, False), (carol, True), (alice, True)):
        seen = texts(all_items(viewer, section=AREA + "/")[0])
        assert open_text in seen
        assert (secret_text in seen) == sees_secret, (viewer.user, seen)
        html = html_page(viewer, section=AREA + "/")
        assert open_text in html
        assert (secret_text in html) == sees_secret
        summaries = entry_summaries(assert_valid_atom(atom(viewer, section=AREA + "/")))
        assert open_text in summaries
        assert (secret_text in summaries) == sees_secret


def test_shares_likes_and_polls_of_restricted_pages_stay_hidden(server, alice, bob, carol):
    secret_page = new_page(server, RESTRICTED)
    note = "secret note %s" % uuid.uuid4().hex[:6]
    assert alice.api("POST", "shares", {"page": secret_page, "note": note}).status == 201
    assert alice.api("PUT", "like?page=" + quote(secret_page)).status == 200
    section = section_of(secret_page)
    assert stream(bob, section=section)["items"] == []
    kinds = sorted(i["kind"] for i in stream(carol, section=section)["items"])
    assert kinds == ["like", "share"]


def test_over_fetch_keeps_a_page_of_results_full(server, alice, bob):
    """Newer items on pages bob may not read do not shorten his page."""
    folder = "%s/mix-%s" % (AREA, uuid.uuid4().hex[:6])
    open_page = new_page(server, folder.replace(AREA, OPEN))
    secret_page = new_page(server, folder.replace(AREA, RESTRICTED))
    for k in range(3):
        alice.create(open_page, "visible %d" % k)
    for k in range(12):
        alice.create(secret_page, "hidden from bob %d" % k)
    doc = stream(bob, section=AREA + "/", limit=2)
    assert len(doc["items"]) == 2
    assert [i["text"] for i in doc["items"]] == ["visible 2", "visible 1"]
    assert doc["next_before"] is not None


# ---------------------------------------------------------------- what appears

def test_only_visible_comments_appear(server, alice, bob, carol):
    page = new_page(server, OPEN)
    kept = alice.create(page, "kept comment")
    deleted = alice.create(page, "deleted comment")
    hidden = bob.create(page, "hidden comment")
    assert alice.delete(deleted["id"]).status == 204
    assert carol.patch(hidden["id"], {"status": "hidden"}).status == 200
    for viewer in (alice, bob, carol):   # a moderator sees no hidden ones either
        items = stream(viewer, section=section_of(page))["items"]
        assert texts(items) == ["kept comment"]
        assert items[0]["id"] == kept["id"]
        html = html_page(viewer, section=section_of(page))
        assert "deleted comment" not in html and "hidden comment" not in html
        assert b"hidden comment" not in atom(viewer, section=section_of(page))


def test_comments_replies_shares_and_likes_are_described(server, alice, bob):
    page = new_page(server, OPEN)
    top = alice.create(page, "a question")
    reply = bob.create(page, "an answer", parent=top["id"])
    assert bob.api("POST", "shares", {"page": page, "note": "worth reading"}).status == 201
    assert bob.api("POST", "shares", {"page": page, "to": ["alice"], "public": False,
                                      "note": "private note"}).status == 201
    assert bob.api("PUT", "like?page=" + quote(page)).status == 200
    assert bob.api("PUT", "comments/%d/like" % top["id"]).status == 200
    items = stream(alice, section=section_of(page))["items"]
    kinds = [(i["kind"], i.get("target")) for i in items]
    assert kinds == [("like", "comment"), ("like", "page"), ("share", None),
                     ("comment", None), ("comment", None)]
    comment_like, page_like, share, answer, question = items
    assert comment_like["comment"] == top["id"]
    assert comment_like["comment_author"] == "Alice Liddell"
    assert comment_like["url"] == "%s#comment-%d" % (page, top["id"])
    assert page_like["user"] == "bob" and page_like["page"] == page
    assert share["note"] == "worth reading"
    assert "private note" not in json.dumps(items)
    assert answer["parent"] == top["id"] and question["parent"] is None
    assert answer["url"] == "%s#comment-%d" % (page, reply["id"])
    assert answer["name"] == "bob" and question["name"] == "Alice Liddell"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", answer["created"])
    html = unescape(html_page(alice, section=section_of(page)))
    assert "worth reading" in html and "private note" not in html
    assert "liked <bdi>Alice Liddell</bdi>\u2019s comment on" in html
    assert "replied on" in html and "commented on" in html


def test_polls_show_totals_never_ballots(server, alice, bob, carol):
    page = new_page(server, OPEN, POLL_PAGE)
    alice.page(page)    # the first view makes the poll
    polls = alice.api("GET", "polls?page=" + quote(page)).json()["polls"]
    poll_id = polls[0]["id"]
    assert alice.api("PUT", "polls/%d/vote" % poll_id, {"choices": [0]}).status == 200
    assert bob.api("PUT", "polls/%d/vote" % poll_id, {"choices": [1]}).status == 200
    items = stream(carol, section=section_of(page))["items"]
    assert len(items) == 1
    poll = items[0]
    assert poll["kind"] == "poll" and poll["ballots"] == 2
    assert poll["question"] == "Lunch at noon or one?"
    assert "user" not in poll
    dumped = json.dumps(items)
    assert "alice" not in dumped and "bob" not in dumped
    assert "Noon" not in dumped and "One\"" not in dumped
    html = html_page(carol, section=section_of(page))
    main = html[html.index("<main"):]
    assert "2 votes" in main
    assert "alice" not in main and ">bob<" not in main and "Noon" not in main
    root = assert_valid_atom(atom(carol, section=section_of(page)))
    assert b"alice" not in ET.tostring(root) and b"Noon" not in ET.tostring(root)


def test_mentions_link_to_the_person(server, alice, bob):
    page = new_page(server, OPEN)
    alice.create(page, "thanks @bob, and mail alice@example.org")
    html = html_page(alice, section=section_of(page))
    assert '<a class="social-mention" href="/_social/activity?user=bob">@bob</a>' in html
    assert "?user=example.org" not in html
    block = alice.page(page).body.decode("ascii", "replace")
    assert 'href="/_social/activity?user=bob">@bob</a>' in block


# ---------------------------------------------------------------- paging and filters

def test_json_paging_walks_every_item_once_newest_first(server, alice):
    page = new_page(server, OPEN)
    made = [alice.create(page, "item %02d" % k)["id"] for k in range(7)]
    items, pages = all_items(alice, section=section_of(page), limit=3)
    assert pages == 3
    assert [i["id"] for i in items] == list(reversed(made))
    first = stream(alice, section=section_of(page), limit=3)
    assert len(first["items"]) == 3 and first["next_before"] is not None
    second = stream(alice, section=section_of(page), limit=3, before=first["next_before"])
    assert [i["id"] for i in second["items"]] == list(reversed(made))[3:6]
    # the HTML page links to the same next page
    html = html_page(alice, section=section_of(page), limit=3)
    older = re.search(r'rel="next" href="([^"]+)"', html)
    assert older is not None
    older_url = unescape(older.group(1))
    assert first["next_before"] in older_url and "limit=3" in older_url
    assert "section=" + quote(section_of(page), safe="") in older_url
    resp = alice.get(older_url)
    assert resp.status == 200
    html = resp.body.decode("ascii")
    shown = re.findall(r'<div class="social-body"[^>]*><p>(item \d\d)</p>', html)
    assert shown == ["item %02d" % k for k in (3, 2, 1)]


def test_filter_by_person_and_by_section(server, alice, bob):
    page_a = new_page(server, OPEN)
    page_b = new_page(server, OPEN)
    alice.create(page_a, "alice on a")
    bob.create(page_a, "bob on a")
    bob.create(page_b, "bob on b")
    both = AREA + "/open/"
    by_bob = [i for i in all_items(alice, section=both, user="bob")[0]]
    assert {i["user"] for i in by_bob} == {"bob"}
    assert {"bob on a", "bob on b"} <= set(texts(by_bob))
    assert "alice on a" not in texts(by_bob)
    in_a = texts(stream(alice, section=section_of(page_a))["items"])
    assert sorted(in_a) == ["alice on a", "bob on a"]
    # a person filter leaves polls out (pages declare them, nobody posts them)
    root = assert_valid_atom(atom(alice, section=both, user="bob"))
    assert root.findtext(ATOM_NS + "title") == "Intranet activity by bob in %s" % both
    assert set(entry_summaries(root)) >= {"bob on a", "bob on b"}
    assert "alice on a" not in entry_summaries(root)
    html = html_page(alice, user="bob", section=section_of(page_a))
    assert "bob on a" in html and "alice on a" not in html and "bob on b" not in html
    # the page's filter form and feed link keep the filters
    assert 'value="bob"' in html
    assert "activity.atom?user=bob&amp;section=" in html


def test_section_prefix_is_literal(server, alice):
    """_ and % in a section are path characters, not wildcards."""
    page = new_page(server, OPEN)
    alice.create(page, "literal prefix")
    section = section_of(page)
    wild = section[:-3] + "_" + section[-2:]
    assert stream(alice, section=wild)["items"] == []
    assert stream(alice, section=section[:-3] + "%")["items"] == []


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "before=yesterday",
                                   "before=1.5-q-3", "before=1.5-c-3", "before=1.0000001-c-3",
                                   "section=news", "user=" + "u" * 300])
def test_bad_parameters_are_400(alice, query):
    assert_json_error(alice.api("GET", "activity?" + query), 400, "invalid_query")
    assert alice.get("/_social/activity?" + query).status == 400
    assert alice.get("/_social/activity.atom?" + query).status == 400


def test_writes_to_the_stream_are_405(alice):
    resp = alice.api("POST", "activity", {})
    assert resp.status == 405 and resp.header("Allow") == "GET, HEAD"


# ---------------------------------------------------------------- hostile text

XSS_BODY = '<script>alert("x")</script> & "quotes" \'single\''
XSS_NOTE = '"><img src=x onerror=alert(2)>'


def test_hostile_text_is_escaped_in_html_atom_and_json(server, mallory, alice):
    page = new_page(server, OPEN)
    mallory.create(page, XSS_BODY)
    assert mallory.api("POST", "shares", {"page": page, "note": XSS_NOTE}).status == 201
    section = section_of(page)

    html = html_page(alice, section=section)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    assert "&lt;img src=x onerror=alert(1)&gt;Mallory" in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in html

    body = atom(alice, section=section)
    assert b"<script>" not in body and b"<img" not in body
    root = assert_valid_atom(body)
    assert XSS_BODY in entry_summaries(root)
    assert XSS_NOTE in entry_summaries(root)
    names = [e.findtext(ATOM_NS + "author/" + ATOM_NS + "name")
             for e in root.findall(ATOM_NS + "entry")]
    assert MALLORY_NAME in names

    resp = alice.api("GET", "activity?" + urlencode({"section": section}))
    assert resp.header("X-Content-Type-Options") == "nosniff"
    assert resp.content_type.startswith("application/json")   # never sniffed as HTML
    items = resp.json()["items"]
    assert {i.get("text") for i in items} >= {XSS_BODY}
    assert {i.get("note") for i in items} >= {XSS_NOTE}
    assert {i["name"] for i in items} == {MALLORY_NAME}
