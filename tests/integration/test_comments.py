"""Comments: the JSON API, the HTML forms and the discussion rendered into
pages, driven through a real httpd with HTTP Basic users.

The intranet is behind login (`<Location />`, users alice, bob and carol;
carol is the moderator). Three public folders have no login, one for each
SocialAnonymous policy. The endpoint takes credentials when a client sends
them and serves visitors without them as anonymous, so both kinds of
visitor reach it, as they would on a site with optional single sign-on.

Every test works on pages of its own (fresh file names), so tests never
see each other's comments.
"""

import json
import os
import re
import time
import uuid
from datetime import datetime, timezone
from html import unescape as html_unescape
from urllib.parse import quote

import pytest

import harness
from harness import BLOCK_START, main_blocks, strip_blocks
from social_test import config
from social_test.asserts import (ISO_Z, assert_html_error, assert_item_shape,
                                 assert_json_error, by_id, parse_iso)
from social_test.client import ALICE_MAIL, ALICE_NAME, API, PAGE_TEMPLATE, Client, fresh_page
from social_test.html import Discussion, parse_html, social_div

# While the database is stopped, mod_dbd and the module say so.
DB_DOWN_ALLOW = (
    r"\[dbd:",
    r"(?i)SOCIAL\d{4}:.*(database|dbd|mysql|mariadb|connect|sql|schema)",
)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=config.comments_site(htpasswd))


@pytest.fixture
def page(server):
    return fresh_page(server)


# ---------------------------------------------------------------- health, config

def latest_migration():
    names = os.listdir(harness.REPO / "sql" / "migrations")
    return max(int(m.group(1)) for m in (re.match(r"(\d+)_.*\.sql$", n) for n in names) if m)


def test_health_reports_the_schema(server):
    resp = server.get(API + "/health")
    assert resp.status == 200
    doc = resp.json()
    assert doc["database"] == "ok" and doc["status"] == "ok"
    # comments need schema 2 (social_comments, social_people); later
    # migrations add to it
    assert doc["schema"] >= 2
    assert doc["schema"] == latest_migration()


@pytest.mark.parametrize("value", ["900", "900s", "15m", "2h", "0"])
def test_edit_window_durations_accepted(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf="<Location /x>\n SocialEditWindow %s\n</Location>\n"
                        % value, name="conf-test")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code == 0, output


@pytest.mark.parametrize("value", ["15x", "-5", "abc", "1.5h", ""])
def test_edit_window_nonsense_refused(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf='<Location /x>\n SocialEditWindow "%s"\n</Location>\n'
                        % value, name="conf-test")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialEditWindow" in output


# ---------------------------------------------------------------- create and read

def test_post_comment_returns_201_item_and_location(alice, page):
    before = datetime.now(timezone.utc)
    resp = alice.api("POST", "comments", {"page": page, "body": "First!\nSecond line."})
    assert resp.status == 201, resp.body
    assert resp.content_type.startswith("application/json")
    item = resp.json()
    assert_item_shape(item)
    assert item["page"] == page
    assert item["parent"] is None
    assert item["status"] == "visible"
    assert item["depth"] == 1
    assert item["edited"] is None
    assert item["in_reply_to"] is None
    assert item["author"]["user"] == "alice"
    assert item["author"]["name"] == ALICE_NAME
    assert item["body"] == "First!\nSecond line."
    assert "First!" in item["html"] and "Second line." in item["html"]
    assert item["can"] == {"edit": True, "delete": True, "moderate": False, "reply": True}
    created = parse_iso(item["created"])
    assert abs((created - before).total_seconds()) < 120, (item["created"], before)
    location = resp.header("Location") or ""
    m = re.fullmatch(r"(?:http://127\.0\.0\.1:\d+)?(/_social/api/v1/comments/(\d+))", location)
    assert m and int(m.group(2)) == item["id"], location
    again = alice.get(m.group(1))
    assert again.status == 200
    assert again.json()["body"] == item["body"]


def test_get_one_comment_and_unknown_id(alice, bob, page):
    item = alice.create(page, "look me up")
    resp = bob.api("GET", "comments/%d" % item["id"])
    assert resp.status == 200
    got = resp.json()
    assert_item_shape(got)
    assert got["id"] == item["id"] and got["body"] == "look me up"
    assert got["can"] == {"edit": False, "delete": False, "moderate": False, "reply": True}
    for rel in ("comments/999999999999", "comments/0", "comments/abc", "comments/-1",
                "comments/%d/x" % item["id"], "comments/0%d" % item["id"]):
        assert_json_error(bob.api("GET", rel), 404, "not_found")


def test_list_of_page_without_comments(alice, page):
    doc = alice.listing(page)
    assert doc == {"page": page, "count": 0, "comments": [], "earlier": 0,
                   "next_before": None, "locked": False, "sort": "oldest"}


def test_head_of_list_has_no_body(alice, page):
    alice.create(page, "x")
    resp = alice.request("HEAD", API + "/comments?page=" + page)
    assert resp.status == 200
    assert resp.raw_body == b""
    assert resp.content_type.startswith("application/json")


def test_page_key_of_directory_index(server, alice):
    directory = "d-%s" % uuid.uuid4().hex[:10]
    fresh_page(server, directory, name="index.html")
    item = alice.create("/%s/index.html" % directory, "on the index")
    assert item["page"] == "/%s/" % directory
    for path in ("/%s/" % directory, "/%s/index.html" % directory,
                 "/%s/./index.html" % directory, "//%s//index.html" % directory):
        doc = alice.listing(path)
        assert doc["page"] == "/%s/" % directory, path
        assert [c["id"] for c in doc["comments"]] == [item["id"]], path
    # the page under its directory URL shows the comment inline
    disc = alice.discussion("/%s/" % directory)
    assert disc.body_text(item["id"]).strip() == "on the index"


@pytest.mark.parametrize("suffix", ["?a=1", "#frag", "?a=1#frag", "?page=/other.html"])
def test_page_key_drops_query_and_fragment(alice, page, suffix):
    item = alice.create(page + suffix, "keyed")
    assert item["page"] == page
    assert [c["id"] for c in alice.listing(page)["comments"]] == [item["id"]]


def test_comments_are_scoped_by_site(httpd_factory, htpasswd, server, alice):
    """Another site (ServerName) with the same page path and database
    shares nothing."""
    page = fresh_page(server)
    item = alice.create(page, "on the first site")
    other = httpd_factory(conf="ServerName intranet-b.example\n"
                          + config.comments_site(htpasswd), name="site-b")
    other.write_file(page, server.file_bytes(page))
    there = Client(other, "alice")
    assert there.listing(page)["comments"] == []
    assert there.discussion(page).ids() == []
    assert_json_error(there.api("GET", "comments/%d" % item["id"]), 404)
    assert_json_error(there.delete(item["id"]), 404)
    mine = there.create(page, "on the second site")
    assert [c["id"] for c in alice.listing(page)["comments"]] == [item["id"]]
    assert [c["id"] for c in there.listing(page)["comments"]] == [mine["id"]]
    other.stop()


def test_max_comment_length_directive(server, alice):
    page = fresh_page(server, "short")
    assert alice.create(page, "0123456789")["body"] == "0123456789"
    assert alice.create(page, "\u00e9" * 10)["body"] == "\u00e9" * 10
    assert_json_error(alice.api("POST", "comments", {"page": page, "body": "0123456789a"}),
                      422, "invalid_body")
    textarea = alice.discussion(page).new_form().find("textarea", name="body")
    # the limit is shown by a live count, never enforced by cutting (maxlength)
    assert textarea.get("data-social-max") == "10"
    assert textarea.get("maxlength") is None


def test_threaded_order_parent_before_replies_siblings_by_id(alice, bob, carol, page):
    c1 = alice.create(page, "root one")
    c2 = bob.create(page, "root two")
    r1 = bob.create(page, "reply to one", parent=c1["id"])
    r2 = carol.create(page, "second reply to one", parent=c1["id"])
    rr = alice.create(page, "reply to the reply", parent=r1["id"])
    r3 = alice.create(page, "reply to two", parent=c2["id"])
    doc = bob.listing(page)
    assert doc["count"] == 6
    order = [c["id"] for c in doc["comments"]]
    assert order == [c1["id"], r1["id"], rr["id"], r2["id"], c2["id"], r3["id"]]
    items = by_id(doc)
    for item in doc["comments"]:
        assert_item_shape(item)
    assert [items[i]["depth"] for i in order] == [1, 2, 3, 2, 1, 2]
    assert items[r1["id"]]["parent"] == c1["id"]
    assert items[rr["id"]]["parent"] == r1["id"]
    assert items[c2["id"]]["parent"] is None
    # the same tree in the page
    disc = bob.discussion(page)
    assert disc.ids() == order
    assert [disc.depth(i) for i in order] == [1, 2, 3, 2, 1, 2]
    li_c1 = disc.item(c1["id"])
    replies = Discussion.own(li_c1, "social-replies")
    assert replies is not None and replies.tag == "ol"
    nested = [int(li.get("id")[8:]) for li in replies.find_all("li", cls="social-comment")]
    assert nested == [r1["id"], rr["id"], r2["id"]]
    assert disc.body_text(rr["id"]).strip() == "reply to the reply"


def test_replies_deeper_than_3_stay_at_3_with_in_reply_to(alice, bob, carol, page):
    chain = []
    parent = None
    for client in (alice, bob, alice, carol, bob, alice):
        item = client.create(page, "level %d" % (len(chain) + 1), parent=parent)
        chain.append(item)
        parent = item["id"]
    items = by_id(bob.listing(page))
    depths = [items[c["id"]]["depth"] for c in chain]
    assert depths == [1, 2, 3, 3, 3, 3]
    replies_to = [items[c["id"]]["in_reply_to"] for c in chain]
    assert replies_to == [None, None, None, ALICE_NAME, "carol", "bob"]
    disc = bob.discussion(page)
    assert [disc.depth(c["id"]) for c in chain] == [1, 2, 3, 3, 3, 3]
    note = Discussion.own(disc.item(chain[3]["id"]), "social-reply-to")
    assert note is not None and "in reply to " + ALICE_NAME in " ".join(note.text().split())
    note = Discussion.own(disc.item(chain[4]["id"]), "social-reply-to")
    assert note is not None and "carol" in note.text()
    assert Discussion.own(disc.item(chain[2]["id"]), "social-reply-to") is None


def reply_chain(page, clients):
    chain = []
    parent = None
    for client in clients:
        chain.append(client.create(page, "depth test", parent=parent))
        parent = chain[-1]["id"]
    return chain


PLACEMENT = ("depth", "in_reply_to", "parent", "page", "status")


def test_single_comment_matches_its_list_item(alice, bob, page):
    """GET comments/ID gives the item as placed in its thread (depth and
    in_reply_to included)."""
    chain = reply_chain(page, (alice, bob, alice, bob))
    items = by_id(alice.listing(page))
    for created in chain:
        one = alice.api("GET", "comments/%d" % created["id"]).json()
        assert one == items[created["id"]]


def test_created_and_edited_replies_carry_their_thread_placement(alice, bob, page):
    """The 201 of a reply and the 200 of an edit give the same depth and
    in_reply_to as the list."""
    chain = reply_chain(page, (alice, bob, alice, bob))
    edited = alice.patch(chain[2]["id"], {"body": "edited"}).json()
    items = by_id(alice.listing(page))
    wrong = []
    for what, item in [("201", c) for c in chain] + [("PATCH 200", edited)]:
        got = {key: item[key] for key in PLACEMENT}
        want = {key: items[item["id"]][key] for key in PLACEMENT}
        if got != want:
            wrong.append((what, item["id"], got, want))
    assert not wrong


def test_body_limits_in_code_points(alice, page):
    item = alice.create(page, "\u00e9" * 5000)
    assert item["body"] == "\u00e9" * 5000
    item = alice.create(page, "\U0001F600" * 5000)
    assert len(item["body"]) == 5000
    doc = assert_json_error(alice.api("POST", "comments", {"page": page, "body": "a" * 5001}),
                            422, "invalid_body")
    assert doc["error"]["message"]
    assert alice.listing(page)["count"] == 2


@pytest.mark.parametrize("text", ["\t tabs\tand\nnewlines\r\nkept ", "line\rbreak"])
def test_body_allows_tab_newline_carriage_return(alice, page, text):
    item = alice.create(page, text)
    assert item["body"] == text


@pytest.mark.parametrize("text", ["", " ", "   \n\t \r\n ", "bell\u0001", "esc\u001b[31m",
                                  "nul\u0000byte", "del\u007f", "c1\u0085"])
def test_empty_or_control_character_body_is_422(alice, page, text):
    assert_json_error(alice.api("POST", "comments", {"page": page, "body": text}),
                      422, "invalid_body")
    assert alice.listing(page)["count"] == 0


@pytest.mark.parametrize("value", [42, ["text"], {"text": "x"}, True])
def test_body_not_a_string_is_422(alice, page, value):
    assert_json_error(alice.api("POST", "comments", {"page": page, "body": value}),
                      422, "invalid_body")


def test_body_missing_is_422(alice, page):
    assert_json_error(alice.api("POST", "comments", {"page": page}), 422, "invalid_body")


@pytest.mark.parametrize("value", [None, 42, ["/x.html"], "", "relative.html",
                                   "/../x.html", "/a%00b.html", "/a%zzb", "/a%2Fb.html",
                                   "http://evil.example/x.html"])
def test_invalid_page_is_422(alice, value):
    doc = {"body": "hello"}
    if value is not None:
        doc["page"] = value
    assert_json_error(alice.api("POST", "comments", doc), 422, "invalid_page")


def test_invalid_parent_is_422(server, alice, bob, carol, page):
    other = fresh_page(server)
    elsewhere = alice.create(other, "on another page")
    here = alice.create(page, "here")
    hidden = alice.create(page, "to be hidden")
    assert carol.patch(hidden["id"], {"status": "hidden"}).status == 200
    deleted = alice.create(page, "to be deleted")
    assert alice.delete(deleted["id"]).status == 204
    for parent in (elsewhere["id"], hidden["id"], deleted["id"], 999999999999,
                   "%d" % here["id"], 1.5, True, -1, 0, [here["id"]], {"id": here["id"]}):
        resp = bob.api("POST", "comments", {"page": page, "body": "reply", "parent": parent})
        assert_json_error(resp, 422, "invalid_parent")
    assert [c["id"] for c in bob.listing(page)["comments"]] == [here["id"]]


def test_parent_null_is_a_top_level_comment(alice, page):
    item = alice.create(page, "top", parent=None)
    resp = alice.api("POST", "comments", {"page": page, "body": "top", "parent": None})
    assert resp.status == 201
    assert resp.json()["parent"] is None and item["parent"] is None


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x",
                                          "application/jsonp", "text/json"])
def test_post_without_json_content_type_is_415(alice, page, content_type):
    body = json.dumps({"page": page, "body": "hello"}).encode()
    resp = alice.api("POST", "comments", raw=body, content_type=content_type)
    assert_json_error(resp, 415)
    assert alice.listing(page)["count"] == 0


def test_json_content_type_with_charset_accepted(alice, page):
    resp = alice.api("POST", "comments", raw=json.dumps({"page": page, "body": "x"}).encode(),
                     content_type="application/json; charset=utf-8")
    assert resp.status == 201


@pytest.mark.parametrize("raw", [b"{", b"{\"page\": ", b"not json", b"",
                                 b"{\"page\": \"/x\", \"body\": \"caf\xe9\"}",
                                 b"{\"body\": \"\xff\xfe\"}",
                                 b"[\"/x.html\", \"hello\"]", b"\"a string\"", b"42", b"null",
                                 b"{\"body\": \"a\", \"body\": \"b\"}"])
def test_malformed_json_is_400(alice, page, raw):
    raw = raw.replace(b"/x", page.encode())
    assert_json_error(alice.api("POST", "comments", raw=raw), 400)
    assert alice.listing(page)["count"] == 0


def test_body_larger_than_64k_is_413(alice, page):
    doc = json.dumps({"page": page, "body": "a" * 70000}).encode()
    assert_json_error(alice.api("POST", "comments", raw=doc), 413)
    assert alice.listing(page)["count"] == 0


@pytest.mark.parametrize("size,status", [(65535, 201), (65536, 201), (65537, 413)])
def test_body_size_limit_is_64k(alice, page, size, status):
    """Up to 65536 bytes are read; white space pads a short comment."""
    doc = json.dumps({"page": page, "body": "padded"}).encode()
    raw = doc[:-1] + b" " * (size - len(doc)) + b"}"
    assert len(raw) == size
    resp = alice.api("POST", "comments", raw=raw)
    assert resp.status == status, (resp, resp.body[:200])


def test_post_to_page_without_discussion_is_404(server, alice):
    off = fresh_page(server, "nosocial")
    assert_json_error(alice.api("POST", "comments", {"page": off, "body": "x"}), 404)
    missing = "/no-such-%s.html" % uuid.uuid4().hex
    assert_json_error(alice.api("POST", "comments", {"page": missing, "body": "x"}), 404)
    assert_json_error(alice.api("GET", "comments?page=" + off), 404)
    assert_json_error(alice.api("GET", "comments?page=" + missing), 404)
    # a file the module is not on: the raw alias of the docroot
    raw = fresh_page(server)
    assert_json_error(alice.api("POST", "comments",
                                {"page": "/_raw" + raw, "body": "x"}), 404)


def test_list_without_page_is_400(alice):
    assert_json_error(alice.api("GET", "comments"), 400, "invalid_page")
    assert_json_error(alice.api("GET", "comments?page="), 400, "invalid_page")
    assert_json_error(alice.api("GET", "comments?page=relative"), 400, "invalid_page")
    assert_json_error(alice.api("GET", "comments?page=/a%2500b"), 400)


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Origin": "null"},
                                     {"Origin": "http://127.0.0.1:1"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_cross_site_write_is_403(alice, page, headers):
    resp = alice.api("POST", "comments", {"page": page, "body": "cross"}, headers=headers)
    assert_json_error(resp, 403)
    assert alice.listing(page)["count"] == 0
    item = alice.create(page, "mine")
    assert_json_error(alice.patch(item["id"], {"body": "changed"}, headers=headers), 403)
    assert_json_error(alice.delete(item["id"], headers=headers), 403)
    assert by_id(alice.listing(page))[item["id"]]["body"] == "mine"


def test_same_origin_write_with_fetch_metadata_accepted(alice, page):
    resp = alice.api("POST", "comments", {"page": page, "body": "same"},
                     headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 201


# ---------------------------------------------------------------- methods

@pytest.mark.parametrize("method,rel,allowed", [
    ("PUT", "comments", {"GET", "HEAD", "POST"}),
    ("DELETE", "comments", {"GET", "HEAD", "POST"}),
    ("PATCH", "comments", {"GET", "HEAD", "POST"}),
    ("POST", "comments/1", {"GET", "PATCH", "DELETE"}),
    ("PUT", "comments/1", {"GET", "PATCH", "DELETE"}),
    ("POST", "counts?page=/index.html", {"GET"}),
    ("DELETE", "me", {"GET"}),
    ("POST", "me", {"GET"}),
])
def test_wrong_method_is_405_with_allow(alice, method, rel, allowed):
    resp = alice.api(method, rel, raw=b"{}")
    assert_json_error(resp, 405)
    allow = {m.strip().upper() for m in (resp.header("Allow") or "").split(",")}
    assert allowed <= allow, resp.headers
    assert method not in allow


def test_form_endpoint_takes_only_post(alice):
    resp = alice.get("/_social/comments")
    assert resp.status == 405
    assert "POST" in (resp.header("Allow") or "")
    resp = alice.get("/_social/comments/1")
    assert resp.status == 405


def test_fragment_takes_only_get(alice, page):
    resp = alice.request("POST", "/_social/fragment?page=" + page, body=b"")
    assert resp.status == 405
    assert "GET" in (resp.header("Allow") or "")


# ---------------------------------------------------------------- edit, moderate

def test_author_edits_within_window(alice, bob, page):
    item = alice.create(page, "typo teh")
    resp = alice.patch(item["id"], {"body": "typo the"})
    assert resp.status == 200, resp.body
    got = resp.json()
    assert_item_shape(got)
    assert got["body"] == "typo the"
    assert got["edited"] is not None and ISO_Z.match(got["edited"])
    listed = by_id(bob.listing(page))[item["id"]]
    assert listed["body"] == "typo the" and listed["edited"] is not None
    disc = bob.discussion(page)
    assert disc.body_text(item["id"]).strip() == "typo the"
    assert Discussion.own(disc.item(item["id"]), "social-edited") is not None


def test_other_user_cannot_edit_is_403(alice, bob, page):
    item = alice.create(page, "alice's words")
    assert_json_error(bob.patch(item["id"], {"body": "bob's words"}), 403)
    assert_json_error(bob.patch(item["id"], {"status": "hidden"}), 403)
    listed = by_id(alice.listing(page))[item["id"]]
    assert listed["body"] == "alice's words" and listed["status"] == "visible"


def test_moderator_edits_and_hides(alice, bob, carol, page):
    item = alice.create(page, "needs moderation")
    resp = carol.patch(item["id"], {"body": "[edited by moderator]"})
    assert resp.status == 200
    assert resp.json()["body"] == "[edited by moderator]"
    assert resp.json()["author"]["user"] == "alice"
    resp = carol.patch(item["id"], {"status": "hidden"})
    assert resp.status == 200
    assert resp.json()["status"] == "hidden"
    assert item["id"] not in by_id(bob.listing(page))
    resp = carol.patch(item["id"], {"status": "visible"})
    assert resp.status == 200 and resp.json()["status"] == "visible"
    assert by_id(bob.listing(page))[item["id"]]["status"] == "visible"


@pytest.mark.parametrize("doc", [{}, {"body": "x", "status": "hidden"}, {"other": 1},
                                 {"status": "deleted"}, {"status": "HIDDEN"},
                                 {"body": 42}, {"status": 1}])
def test_patch_needs_exactly_one_valid_field(alice, carol, page, doc):
    item = alice.create(page, "unchanged")
    assert_json_error(carol.patch(item["id"], doc), 422)
    listed = by_id(alice.listing(page))[item["id"]]
    assert listed["body"] == "unchanged" and listed["status"] == "visible"


def test_patch_edit_checks_body_like_create(alice, page):
    item = alice.create(page, "original")
    for text in ("", "  \n", "a" * 5001, "x\u0002"):
        assert_json_error(alice.patch(item["id"], {"body": text}), 422, "invalid_body")
    assert by_id(alice.listing(page))[item["id"]]["body"] == "original"


def test_patch_content_type_and_json_errors(alice, page):
    item = alice.create(page, "original")
    assert_json_error(alice.patch(item["id"], None, raw=b'{"body": "x"}',
                                  content_type="text/plain"), 415)
    assert_json_error(alice.patch(item["id"], None, raw=b'{"body": '), 400)
    assert_json_error(alice.patch(item["id"], None, raw=b'["x"]'), 400)


def test_patch_unknown_id_is_404(alice, carol):
    assert_json_error(alice.patch(999999999998, {"body": "x"}), 404)
    assert_json_error(carol.patch(999999999998, {"status": "hidden"}), 404)


def test_author_cannot_hide_own_comment(alice, page):
    item = alice.create(page, "mine")
    assert_json_error(alice.patch(item["id"], {"status": "hidden"}), 403)


def test_edit_window_zero_forbids_author_edit(server, alice, carol):
    page = fresh_page(server, "noedit")
    item = alice.create(page, "set in stone")
    assert item["can"]["edit"] is False
    assert item["can"]["delete"] is True
    assert_json_error(alice.patch(item["id"], {"body": "changed"}), 403)
    assert by_id(alice.listing(page))[item["id"]]["body"] == "set in stone"
    disc = alice.discussion(page)
    assert disc.action_form(item["id"], "edit") is None
    assert disc.action_form(item["id"], "delete") is not None
    # a moderator still may
    assert carol.patch(item["id"], {"body": "moderated"}).status == 200


def test_edit_window_passes(server, alice):
    page = fresh_page(server, "shortedit")
    item = alice.create(page, "quick")
    assert item["can"]["edit"] is True
    assert alice.patch(item["id"], {"body": "quick fix"}).status == 200
    time.sleep(3.2)
    assert by_id(alice.listing(page))[item["id"]]["can"]["edit"] is False
    assert_json_error(alice.patch(item["id"], {"body": "too late"}), 403)
    assert by_id(alice.listing(page))[item["id"]]["body"] == "quick fix"


# ---------------------------------------------------------------- delete, tombstones

def test_author_deletes_then_text_gone_everywhere(mariadb, alice, bob, page):
    secret = "delete-me-%s" % uuid.uuid4().hex
    item = alice.create(page, secret)
    assert secret.encode() in bob.page(page).body
    resp = alice.delete(item["id"])
    assert resp.status == 204
    assert resp.body == b""
    assert item["id"] not in by_id(bob.listing(page))
    assert bob.listing(page)["count"] == 0
    assert_json_error(bob.api("GET", "comments/%d" % item["id"]), 404)
    assert_json_error(alice.api("GET", "comments/%d" % item["id"]), 404)
    for client in (alice, bob):
        assert secret.encode() not in client.page(page).body
        assert secret.encode() not in client.fragment(page).body
        assert secret.encode() not in client.api("GET", "comments?page=" + page).body
    rows = mariadb.sql("SELECT body, status FROM social_comments WHERE id = %d" % item["id"])
    assert rows and rows[0][0] == "" and rows[0][1] == "deleted", rows
    assert_json_error(alice.delete(item["id"]), 404)


def test_other_user_cannot_delete_is_403(alice, bob, page):
    item = alice.create(page, "stays")
    assert_json_error(bob.delete(item["id"]), 403)
    assert by_id(alice.listing(page))[item["id"]]["body"] == "stays"


def test_moderator_deletes(alice, carol, page):
    item = alice.create(page, "spam")
    assert carol.delete(item["id"]).status == 204
    assert item["id"] not in by_id(alice.listing(page))


def test_delete_unknown_id_is_404(alice):
    assert_json_error(alice.delete(999999999997), 404)


def test_deleted_comment_with_reply_is_a_tombstone(alice, bob, page):
    secret = "gone-%s" % uuid.uuid4().hex
    parent = alice.create(page, secret)
    reply = bob.create(page, "a reply that stays", parent=parent["id"])
    assert alice.delete(parent["id"]).status == 204
    for client in (alice, bob):
        doc = client.listing(page)
        assert [c["id"] for c in doc["comments"]] == [parent["id"], reply["id"]]
        assert doc["count"] == 1
        tomb = by_id(doc)[parent["id"]]
        assert tomb["status"] == "deleted"
        assert tomb["body"] is None and tomb["author"] is None
        assert tomb.get("html") in (None, "")
        assert not any(tomb["can"].values()), tomb["can"]
        assert by_id(doc)[reply["id"]]["depth"] == 2
        assert secret.encode() not in client.api("GET", "comments?page=" + page).body
        disc = client.discussion(page)
        li = disc.item(parent["id"])
        assert "social-tombstone" in li.classes
        assert "deleted" in li.text()
        assert secret not in disc.text()
        assert disc.author(parent["id"]) is None
        assert disc.forms(parent["id"]) == []
        assert disc.body_text(reply["id"]).strip() == "a reply that stays"
    # the reply goes too: nothing is left
    assert bob.delete(reply["id"]).status == 204
    assert alice.listing(page)["comments"] == []


def test_deleted_comment_without_reply_is_not_listed(alice, bob, page):
    first = alice.create(page, "first")
    second = alice.create(page, "second")
    assert alice.delete(first["id"]).status == 204
    doc = bob.listing(page)
    assert [c["id"] for c in doc["comments"]] == [second["id"]]
    assert bob.discussion(page).ids() == [second["id"]]


def test_hidden_comment_visibility(alice, bob, carol, page):
    secret = "hidden-%s" % uuid.uuid4().hex
    lone = alice.create(page, secret + " lone")
    parent = alice.create(page, secret + " parent")
    reply = bob.create(page, "reply below a hidden one", parent=parent["id"])
    for item in (lone, parent):
        assert carol.patch(item["id"], {"status": "hidden"}).status == 200
    # others: the lone one is gone, the parent is a tombstone without text
    doc = bob.listing(page)
    assert [c["id"] for c in doc["comments"]] == [parent["id"], reply["id"]]
    assert doc["count"] == 1
    tomb = by_id(doc)[parent["id"]]
    assert tomb["status"] == "hidden" and tomb["body"] is None and tomb["author"] is None
    assert secret.encode() not in bob.api("GET", "comments?page=" + page).body
    assert secret.encode() not in bob.page(page).body
    assert secret.encode() not in bob.fragment(page).body
    assert_json_error(bob.api("GET", "comments/%d" % lone["id"]), 404)
    disc = bob.discussion(page)
    assert "social-tombstone" in disc.item(parent["id"]).classes
    assert "hidden" in disc.item(parent["id"]).text()
    # the author sees her own hidden comments, marked as such
    doc = alice.listing(page)
    items = by_id(doc)
    assert items[lone["id"]]["status"] == "hidden"
    assert items[lone["id"]]["body"] == secret + " lone"
    assert items[parent["id"]]["body"] == secret + " parent"
    assert alice.api("GET", "comments/%d" % lone["id"]).status == 200
    disc = alice.discussion(page)
    assert "social-hidden" in disc.item(lone["id"]).classes
    assert disc.body_text(lone["id"]).strip() == secret + " lone"
    # the moderator sees everything, with an unhide form
    doc = carol.listing(page)
    assert [c["id"] for c in doc["comments"]] == [lone["id"], parent["id"], reply["id"]]
    assert doc["count"] == 1
    assert by_id(doc)[lone["id"]]["can"]["moderate"] is True
    disc = carol.discussion(page)
    assert disc.action_form(lone["id"], "unhide") is not None
    assert disc.action_form(lone["id"], "hide") is None
    assert disc.action_form(reply["id"], "hide") is not None
    # and nobody may reply to a hidden comment
    assert_json_error(carol.api("POST", "comments", {"page": page, "body": "x",
                                                     "parent": lone["id"]}),
                      422, "invalid_parent")


# ---------------------------------------------------------------- counts, me

def comment_counts(doc):
    """{page: comments} of a counts answer (other counts may be there too)."""
    assert set(doc) == {"pages"}, doc
    for key, value in doc["pages"].items():
        assert isinstance(value.get("comments"), int) and value["comments"] >= 0, (key, value)
    return {key: value["comments"] for key, value in doc["pages"].items()}


def test_counts_of_several_pages(server, alice, bob, carol):
    a = fresh_page(server)
    b = fresh_page(server)
    empty = fresh_page(server)
    directory = "c-%s" % uuid.uuid4().hex[:10]
    fresh_page(server, directory, name="index.html")
    alice.create(a, "1")
    alice.create(a, "2")
    hidden = bob.create(a, "3")
    carol.patch(hidden["id"], {"status": "hidden"})
    bob.create(b, "1")
    alice.create("/%s/" % directory, "x")
    off = fresh_page(server, "nosocial")
    missing = "/missing-%s.html" % uuid.uuid4().hex
    query = "&".join("page=" + quote(p, safe="/") for p in
                     (a, b, empty, "/%s/index.html" % directory, off, missing))
    resp = bob.api("GET", "counts?" + query)
    assert resp.status == 200
    assert comment_counts(resp.json()) == {a: 2, b: 1, empty: 0, "/%s/" % directory: 1}


def test_counts_leave_out_pages_the_visitor_may_not_read(server, alice, anon):
    private = fresh_page(server)
    public = fresh_page(server, "pub-read")
    closed = fresh_page(server, "pub-off")
    for p in (private, public, closed):
        alice.create(p, "hello")
    resp = anon.api("GET", "counts?page=%s&page=%s&page=%s" % (private, public, closed))
    assert resp.status == 200
    assert comment_counts(resp.json()) == {public: 1}


def test_counts_need_1_to_100_pages(alice, page):
    assert_json_error(alice.api("GET", "counts"), 400)
    many = "&".join(["page=" + page] * 101)
    assert_json_error(alice.api("GET", "counts?" + many), 400)
    hundred = "&".join(["page=" + page] * 100)
    resp = alice.api("GET", "counts?" + hundred)
    assert resp.status == 200
    assert comment_counts(resp.json()) == {page: 0}


def test_me_for_users_and_moderator(alice, bob, carol, page):
    me = alice.me()
    assert me["user"] == "alice" and me["name"] == ALICE_NAME and me["email"] == ALICE_MAIL
    assert me["anonymous"] is False and me["moderator"] is False
    assert me["can_comment"] is True
    assert "page" not in me
    me = alice.me(page)
    assert me["page"] == page and me["can_comment"] is True
    me = bob.me(page)
    assert me["user"] == "bob" and me["name"] == "bob" and me["email"] is None
    assert me["moderator"] is False
    me = carol.me(page)
    assert me["user"] == "carol" and me["moderator"] is True


def test_me_for_anonymous_visitors(server, anon):
    for area, can in (("pub-read", False), ("pub-write", True)):
        path = fresh_page(server, area)
        me = anon.me(path)
        assert me["user"] is None and me["anonymous"] is True
        assert me["moderator"] is False
        assert me["can_comment"] is can
        assert me["page"] == path
    # a page behind login: not for anonymous visitors
    resp = anon.api("GET", "me?page=" + fresh_page(server))
    assert_json_error(resp, 401)


def test_me_with_invalid_page(alice):
    assert_json_error(alice.api("GET", "me?page=relative"), 400)
    assert_json_error(alice.api("GET", "me?page=/missing-%s.html" % uuid.uuid4().hex), 404)


# ---------------------------------------------------------------- identity

SPOOF_HEADERS = {
    "X-Display-Name": "Mallory Spoofed",
    "AUTHENTICATE_DISPLAYNAME": "Mallory Spoofed",
    "Authenticate-Displayname": "Mallory Spoofed",
    "X-Remote-User": "carol",
    "Remote-User": "carol",
    "X-Forwarded-User": "carol",
    "AUTHENTICATE_MAIL": "mallory@evil.example",
}


def test_display_name_comes_from_the_environment(alice, bob, page):
    item = alice.create(page, "named")
    assert item["author"]["name"] == ALICE_NAME
    disc = bob.discussion(page)
    assert disc.author(item["id"]) == ALICE_NAME
    assert bob.fragment(page).body.count(ALICE_NAME.encode()) >= 1
    # without a name in the environment the user name stands in
    item = bob.create(page, "unnamed")
    assert item["author"] == {"user": "bob", "name": "bob"}


def test_display_name_never_from_a_header(alice, bob, page):
    mine = bob.create(page, "spoof attempt", headers=SPOOF_HEADERS)
    assert mine["author"]["name"] == "bob" and mine["author"]["user"] == "bob"
    assert mine["can"]["moderate"] is False
    me = bob.me(page, headers=SPOOF_HEADERS)
    assert me["name"] == "bob" and me["user"] == "bob" and me["moderator"] is False
    assert me["email"] is None
    theirs = alice.create(page, "alice again", headers=SPOOF_HEADERS)
    assert theirs["author"]["name"] == ALICE_NAME
    assert alice.me(page, headers=SPOOF_HEADERS)["email"] == ALICE_MAIL
    body = bob.request("GET", page, headers=SPOOF_HEADERS).body
    assert b"Mallory" not in body and b"mallory" not in body
    assert b"Mallory" not in bob.api("GET", "comments?page=" + page).body
    # and a spoofed moderator header does not make bob a moderator
    assert_json_error(bob.patch(theirs["id"], {"status": "hidden"}, headers=SPOOF_HEADERS), 403)


# ---------------------------------------------------------------- permission matrix

def test_permissions_of_author_other_user_and_moderator(alice, bob, carol, page):
    item = alice.create(page, "matrix")
    expect = {
        alice: {"edit": True, "delete": True, "moderate": False, "reply": True},
        bob: {"edit": False, "delete": False, "moderate": False, "reply": True},
        carol: {"edit": True, "delete": True, "moderate": True, "reply": True},
    }
    for client, can in expect.items():
        assert by_id(client.listing(page))[item["id"]]["can"] == can, client.user
        assert client.api("GET", "comments/%d" % item["id"]).json()["can"] == can
        disc = client.discussion(page)
        assert (disc.action_form(item["id"], "edit") is not None) == can["edit"]
        assert (disc.action_form(item["id"], "delete") is not None) == can["delete"]
        assert (disc.action_form(item["id"], "hide") is not None) == can["moderate"]
        reply = disc.own(disc.item(item["id"]), "social-reply-link")
        assert (reply is not None) == can["reply"], client.user
        if reply is not None:
            assert reply.tag == "a"
            assert reply.get("href") == "/_social/reply?comment=%d" % item["id"]
        assert ("social-mine" in disc.item(item["id"]).classes) == (client is alice)


def test_anonymous_off_sees_and_writes_nothing(server, alice, anon):
    page = fresh_page(server, "pub-off")
    secret = "closed-%s" % uuid.uuid4().hex
    item = alice.create(page, secret)
    resp = anon.get(page)
    assert resp.status == 200
    assert strip_blocks(resp.body) == server.file_bytes(page)
    assert secret.encode() not in resp.body
    div = social_div(resp.body)
    assert div.find("form") is None
    assert div.find(cls="social-login") is not None
    assert_json_error(anon.api("GET", "comments?page=" + page), 401)
    # an id answers like an unknown id (no 401 oracle; test_access.py)
    assert_json_error(anon.api("GET", "comments/%d" % item["id"]), 404, "not_found")
    assert_json_error(anon.api("POST", "comments", {"page": page, "body": "x"}), 401)
    resp = anon.get("/_social/fragment?page=" + page)
    assert resp.status == 401 and secret.encode() not in resp.body
    assert_json_error(anon.patch(item["id"], {"body": "x"}), 404, "not_found")
    assert_json_error(anon.delete(item["id"]), 404, "not_found")
    assert [c["body"] for c in alice.listing(page)["comments"]] == [secret]


def test_anonymous_read_sees_but_cannot_write(server, alice, anon):
    page = fresh_page(server, "pub-read")
    item = alice.create(page, "readable by everyone")
    doc = anon.listing(page)
    assert [c["body"] for c in doc["comments"]] == ["readable by everyone"]
    assert doc["comments"][0]["can"] == {"edit": False, "delete": False,
                                         "moderate": False, "reply": False}
    assert anon.api("GET", "comments/%d" % item["id"]).status == 200
    resp = anon.get(page)
    assert resp.status == 200
    assert strip_blocks(resp.body) == server.file_bytes(page)
    disc = Discussion(social_div(resp.body))
    assert disc.body_text(item["id"]).strip() == "readable by everyone"
    assert disc.new_form() is None and disc.root.find("form") is None
    assert "Log in to comment" in disc.text()
    assert_json_error(anon.api("POST", "comments", {"page": page, "body": "x"}), 401)
    assert_json_error(anon.api("POST", "comments", {"page": page, "body": "x",
                                                    "parent": item["id"]}), 401)
    assert anon.patch(item["id"], {"body": "x"}).status in (401, 403)
    assert anon.delete(item["id"]).status in (401, 403)
    resp = anon.form("", {"page": page, "body": "by form", "token": ""})
    assert resp.status in (401, 403)
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["readable by everyone"]


def test_anonymous_write_posts_as_anonymous(server, alice, bob, anon):
    page = fresh_page(server, "pub-write")
    item = anon.create(page, "anonymous hello")
    assert item["author"]["name"] == "Anonymous"
    assert not item["author"]["user"]
    assert item["can"]["edit"] is False and item["can"]["delete"] is False
    reply = anon.create(page, "anonymous reply", parent=item["id"])
    assert reply["parent"] == item["id"]
    # one anonymous visitor is not the author of another's comment
    assert anon.patch(item["id"], {"body": "changed"}).status in (401, 403)
    assert anon.delete(item["id"]).status in (401, 403)
    # users see it, and bob may reply
    assert bob.create(page, "bob replies", parent=item["id"])["parent"] == item["id"]
    doc = alice.listing(page)
    assert [c["body"] for c in doc["comments"]] == [
        "anonymous hello", "anonymous reply", "bob replies"]
    # the page offers anonymous visitors the form, and the form works
    disc = anon.discussion(page)
    assert disc.new_form() is not None
    resp = anon.form("", {"page": page, "body": "anonymous by form", "token": disc.token()})
    assert resp.status == 303, resp.body[:300]
    assert [c["body"] for c in alice.listing(page)["comments"]][-1] == "anonymous by form"


def test_anonymous_default_is_read(server, alice, anon):
    page = fresh_page(server, "pub-default")
    alice.create(page, "default policy")
    assert [c["body"] for c in anon.listing(page)["comments"]] == ["default policy"]
    assert anon.me(page)["can_comment"] is False
    assert_json_error(anon.api("POST", "comments", {"page": page, "body": "x"}), 401)
    assert anon.discussion(page).new_form() is None


def test_anonymous_cannot_reach_pages_behind_login(server, alice, anon):
    page = fresh_page(server)
    item = alice.create(page, "internal")
    assert_json_error(anon.api("GET", "comments?page=" + page), 401)
    # an id answers like an unknown id (no 401 oracle; test_access.py)
    assert_json_error(anon.api("GET", "comments/%d" % item["id"]), 404, "not_found")
    assert_json_error(anon.api("POST", "comments", {"page": page, "body": "x"}), 401)
    assert anon.get(page).status == 401


# ---------------------------------------------------------------- inline rendering

def test_inline_page_holds_the_discussion(server, alice, bob, page, strip_blocks):
    top = alice.create(page, "Welcome <everyone> & see https://example.org/info.")
    reply = bob.create(page, "Thanks!", parent=top["id"])
    resp = bob.page(page)
    assert strip_blocks(resp.body) == server.file_bytes(page)
    assert len(main_blocks(resp.body)) == 1
    assert "private" in (resp.header("Cache-Control") or "")
    assert "no-cache" in (resp.header("Cache-Control") or "")
    assert resp.header("ETag") is None
    div = social_div(resp.body)
    assert div.get("data-social-render") == "inline"
    section = div.find("section", cls="social-thread")
    assert section is not None
    disc = Discussion(div)
    assert disc.ids() == [top["id"], reply["id"]]
    li = disc.item(top["id"])
    assert li.tag == "li" and "social-comment" in li.classes
    assert disc.depth(top["id"]) == 1 and disc.depth(reply["id"]) == 2
    assert disc.author(top["id"]) == ALICE_NAME
    assert disc.author(reply["id"]) == "bob"
    assert disc.body_text(top["id"]).strip() == \
        "Welcome <everyone> & see https://example.org/info."
    link = Discussion.own(li, "social-body").find("a")
    assert link is not None and link.get("href") == "https://example.org/info"
    assert set(link.get("rel").split()) >= {"nofollow", "noopener"}
    replies = Discussion.own(li, "social-replies")
    assert replies is not None and replies.tag == "ol"
    assert disc.item(reply["id"]) in replies.find_all("li")
    # the form for a new comment
    form = disc.new_form()
    assert form.get("method", "").lower() == "post"
    assert form.get("action") == "/_social/comments"
    fields = disc.form_fields(form)
    assert fields["page"] == page
    assert re.fullmatch(r"[0-9]+\.[0-9a-f]{64}", fields["token"]), fields  # HMAC-SHA256
    assert form.find("textarea", name="body") is not None
    # Reply: a link to the reply's page (the widget opens the one reply
    # form of the discussion's template in place, naming the comment)
    link = Discussion.own(li, "social-reply-link")
    assert link.tag == "a" and link.get("href") == "/_social/reply?comment=%d" % top["id"]
    assert link.get("data-social-comment") == str(top["id"])
    templates = div.find_all("template")
    assert [t.get("id") for t in templates] == ["social-reply-template"]
    rform = templates[0].find("form")
    rfields = disc.form_fields(rform)
    assert rform.get("action") == "/_social/comments"
    assert rfields == {"token": fields["token"], "page": page, "parent": ""}
    assert rform.find("textarea", name="body") is not None
    rpage = parse_html(bob.get(link.get("href")).body)
    rform = rpage.find("form", cls="social-reply-form")
    rfields = disc.form_fields(rform)
    assert rform.get("action") == "/_social/comments"
    assert rfields["parent"] == str(top["id"]) and rfields["page"] == page
    assert re.fullmatch(r"[0-9]+\.[0-9a-f]{64}", rfields["token"]), rfields
    assert rform.find("textarea", name="body") is not None
    # bob may not edit alice's comment, but his own
    assert disc.action_form(top["id"], "edit") is None
    edit = disc.action_form(reply["id"], "edit")
    assert edit is not None and edit.get("action") == "/_social/comments/%d" % reply["id"]
    assert "social-edit" in edit.parent.classes and edit.parent.tag == "details"
    assert edit.find("textarea", name="body").text() == "Thanks!"
    delete = disc.action_form(reply["id"], "delete")
    assert delete.get("action") == "/_social/comments/%d" % reply["id"]
    assert disc.form_fields(delete)["token"] == fields["token"]


def test_alice_comments_and_bob_sees_it_at_once(alice, bob, page):
    assert bob.discussion(page).ids() == []
    text = "fresh %s" % uuid.uuid4().hex
    item = alice.create(page, text)
    disc = bob.discussion(page)
    assert disc.ids() == [item["id"]]
    assert disc.body_text(item["id"]).strip() == text
    count = disc.root.find(cls="social-count")
    assert count is not None and "1" in count.text()


def test_page_with_database_rows_of_another_page_is_unaffected(server, alice, page):
    other = fresh_page(server)
    alice.create(other, "on the other page")
    assert alice.discussion(page).ids() == []
    assert alice.listing(page)["count"] == 0


def test_deferred_page_has_empty_block_and_fragment_has_the_discussion(server, alice, bob):
    page = fresh_page(server, "deferred")
    item = alice.create(page, "deferred comment")
    resp = bob.page(page)
    assert strip_blocks(resp.body) == server.file_bytes(page)
    div = social_div(resp.body)
    assert div.get("data-social-render") == "deferred"
    assert all(isinstance(c, str) and not c.strip() for c in div.children), div.children
    assert b"deferred comment" not in resp.body
    frag = bob.fragment(page)
    assert frag.content_type.startswith("text/html")
    assert BLOCK_START not in frag.body
    disc = Discussion(parse_html(frag.body))
    assert disc.root.find("section", cls="social-thread") is not None
    assert disc.body_text(item["id"]).strip() == "deferred comment"
    assert disc.new_form() is not None


def _normalized(html_text):
    html_text = re.sub(r'name="token" value="[^"]*"', 'name="token" value=""', html_text)
    html_text = re.sub(r"<time[^>]*>[^<]*</time>", "<time/>", html_text)
    return html_text.strip()


def test_fragment_equals_the_inline_discussion(alice, bob, page):
    top = alice.create(page, "same everywhere")
    bob.create(page, "indeed", parent=top["id"])
    body = bob.page(page).body.decode("utf-8")
    inner = re.search(r'<div id="social"[^>]*>(.*?)</div><script', body, re.S).group(1)
    frag = bob.fragment(page).body.decode("ascii")
    assert _normalized(frag) == _normalized(inner)


def test_fragment_errors(server, alice):
    assert_json_error(alice.get("/_social/fragment"), 400)
    assert_json_error(alice.get("/_social/fragment?page=" + fresh_page(server, "nosocial")), 404)
    assert_json_error(alice.get("/_social/fragment?page=/missing-%s.html" % uuid.uuid4().hex),
                      404)


def test_rendered_discussion_is_ascii_in_a_latin1_page(server, alice, bob):
    content = ("<!DOCTYPE html><html><head><meta charset=\"iso-8859-1\"><title>Men\u00fc"
               "</title></head><body><p>Gr\u00fc\u00dfe aus K\u00f6ln</p></body></html>\n"
               ).encode("latin-1")
    page = fresh_page(server, name="latin1-%s.html" % uuid.uuid4().hex[:10], content=content)
    text = "Gr\u00fc\u00dfe \u2014 \u65e5\u672c \U0001F600 \u00e9"
    item = alice.create(page, text)
    resp = bob.page(page)
    assert "ISO-8859-1" in resp.content_type.upper()
    assert strip_blocks(resp.body) == content
    block = main_blocks(resp.body)[0][2]
    assert all(b < 0x80 for b in block), [bytes([b]) for b in block if b >= 0x80][:5]
    assert b"&#x1F600;" in block and b"&#xFC;" in block
    disc = Discussion(social_div(resp.body.decode("latin-1")))
    assert disc.body_text(item["id"]).strip() == text
    assert all(b < 0x80 for b in bob.fragment(page).body)
    assert all(b < 0x80 for b in bob.api("GET", "comments?page=" + page).body)


def test_links_and_no_javascript_links(alice, bob, page):
    text = ("see http://a.example/x?y=1&z=2, https://b.example/(c) and "
            "mailto:team@example.org; not javascript:alert(1) nor JaVaScRiPt:alert(2)")
    item = alice.create(page, text)
    for root in (Discussion(parse_html(item["html"])).root,
                 Discussion.own(bob.discussion(page).item(item["id"]), "social-body")):
        hrefs = [a.get("href") for a in root.find_all("a")]
        assert hrefs == ["http://a.example/x?y=1&z=2", "https://b.example/(c)",
                         "mailto:team@example.org"], hrefs
        for a in root.find_all("a"):
            assert set(a.get("rel", "").split()) >= {"nofollow", "noopener"}
        assert root.text().strip() == text


# ---------------------------------------------------------------- forms

def test_form_post_redirects_to_the_comment(server, alice, bob, page):
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "by form", "token": token})
    assert resp.status == 303, resp.body[:400]
    location = resp.header("Location")
    m = re.fullmatch(re.escape(page) + r"\?social=posted#comment-(\d+)", location or "")
    assert m, location
    cid = int(m.group(1))
    assert by_id(bob.listing(page))[cid]["body"] == "by form"
    # the page it goes back to says so (a fixed text: nothing sent is shown)
    said = alice.discussion(location.split("#")[0]).root.find("p", cls="social-live")
    assert said.text() == "Comment posted"
    for key in ("<script>alert(1)</script>", "posted2", ""):
        said = alice.discussion(page + "?social=" + quote(key)).root.find("p", cls="social-live")
        assert said.text() == "", key
    # the reply form
    resp = bob.form("", {"page": page, "body": "reply by form", "parent": str(cid),
                         "token": bob.token(page)})
    assert resp.status == 303
    m = re.fullmatch(re.escape(page) + r"\?social=replied#comment-(\d+)",
                     resp.header("Location") or "")
    assert m, resp.header("Location")
    rid = int(m.group(1))
    item = by_id(alice.listing(page))[rid]
    assert item["parent"] == cid and item["body"] == "reply by form"
    assert item["author"]["user"] == "bob"


def test_form_edit_delete_hide_unhide(alice, bob, carol, page):
    item = alice.create(page, "form target")
    disc = alice.discussion(page)
    fields = disc.form_fields(disc.action_form(item["id"], "edit"))
    fields["body"] = "edited by form"
    resp = alice.form("/%d" % item["id"], fields)
    assert resp.status == 303, resp.body[:300]
    assert resp.header("Location").startswith(page)
    assert by_id(bob.listing(page))[item["id"]]["body"] == "edited by form"
    # carol hides and unhides it with her forms
    disc = carol.discussion(page)
    resp = carol.form("/%d" % item["id"], disc.form_fields(disc.action_form(item["id"], "hide")))
    assert resp.status == 303
    assert item["id"] not in by_id(bob.listing(page))
    disc = carol.discussion(page)
    resp = carol.form("/%d" % item["id"],
                      disc.form_fields(disc.action_form(item["id"], "unhide")))
    assert resp.status == 303
    assert by_id(bob.listing(page))[item["id"]]["status"] == "visible"
    # alice deletes it: without JavaScript the form first asks (a page of
    # its own, nothing deleted yet), then its own form deletes
    disc = alice.discussion(page)
    resp = alice.form("/%d" % item["id"],
                      disc.form_fields(disc.action_form(item["id"], "delete")))
    assert resp.status == 200, (resp, resp.body[:300])
    asked = parse_html(resp.body)
    assert asked.find("title").text() == "Delete this comment?"
    assert "edited by form" in asked.find("p", cls="social-confirm-body").text()
    assert asked.find("a", cls="social-confirm-keep").get("href") == \
        "%s#comment-%d" % (page, item["id"])
    assert item["id"] in by_id(bob.listing(page))          # not yet
    confirm = asked.find("form", cls="social-confirm-form")
    assert confirm.get("action") == "/_social/comments/%d" % item["id"]
    # bob may not delete it: refused at once, no question
    resp = bob.form("/%d" % item["id"], {"action": "delete", "token": bob.token(page)})
    assert resp.status == 403
    resp = alice.form("/%d" % item["id"], {i.get("name"): i.get("value")
                                           for i in confirm.find_all("input")})
    assert resp.status == 303
    location = resp.header("Location")
    assert location == page + "?social=deleted#social", location
    assert item["id"] not in by_id(bob.listing(page))
    assert b"edited by form" not in bob.page(page).body


def test_form_with_fragment_header_returns_the_fragment(alice, page):
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "fragment please", "token": token},
                      headers={"X-Social-Fragment": "1"})
    assert resp.status == 200, resp.body[:300]
    assert resp.content_type.startswith("text/html")
    assert resp.header("Location") is None
    assert BLOCK_START not in resp.body
    disc = Discussion(parse_html(resp.body))
    assert disc.root.find("section", cls="social-thread") is not None
    [cid] = disc.ids()
    assert disc.body_text(cid).strip() == "fragment please"
    live = disc.root.find(cls="social-live")
    assert live is not None and live.text().strip(), "no announcement in .social-live"
    assert live.get("aria-live") in ("polite", "assertive")


def test_form_errors_are_html_pages_or_json_with_fragment_header(server, alice, page):
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "   ", "token": token})
    assert_html_error(resp, 422)
    resp = alice.form("", {"page": page, "body": "   ", "token": token},
                      headers={"X-Social-Fragment": "1"})
    assert_json_error(resp, 422)
    resp = alice.form("", {"page": page, "body": "a" * 5001, "token": token})
    assert_html_error(resp, 422)
    resp = alice.form("", {"page": page, "body": "x", "parent": "abc", "token": token})
    assert_html_error(resp, 422)
    resp = alice.form("", {"page": fresh_page(server, "nosocial"), "body": "x",
                           "token": token})
    assert resp.status == 404
    resp = alice.form("/999999999996", {"action": "delete", "token": token})
    assert_html_error(resp, 404)
    item = alice.create(page, "x")
    resp = alice.form("/%d" % item["id"], {"action": "explode", "token": token})
    assert_html_error(resp, 422)
    resp = alice.form("", {"page": page, "body": "a" * 70000, "token": token})
    assert resp.status == 413
    assert alice.listing(page)["count"] == 1


@pytest.mark.parametrize("token", [None, "", "forged", "1." + "0" * 40,
                                   "%d.%s" % (int(time.time()), "0" * 40)])
def test_form_without_valid_token_is_403(alice, page, token):
    fields = {"page": page, "body": "no token"}
    if token is not None:
        fields["token"] = token
    resp = alice.form("", fields)
    assert_html_error(resp, 403)
    assert alice.listing(page)["count"] == 0


def test_form_token_of_another_user_is_403(alice, bob, page):
    item = alice.create(page, "keep me")
    bobs = bob.token(page)
    resp = alice.form("", {"page": page, "body": "with bob's token", "token": bobs})
    assert_html_error(resp, 403)
    resp = alice.form("/%d" % item["id"], {"action": "delete", "token": bobs})
    assert_html_error(resp, 403)
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["keep me"]


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_cross_site_form_is_403(alice, page, headers):
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "csrf", "token": token}, headers=headers)
    assert resp.status == 403
    assert alice.listing(page)["count"] == 0


@pytest.mark.parametrize("field,value", [
    ("return", "//evil.example/x"), ("return", "http://evil.example/"),
    ("redirect", "https://evil.example/"), ("next", "//evil.example"),
])
def test_form_redirect_never_leaves_the_site(alice, page, field, value):
    resp = alice.form("", {"page": page, "body": "redirect test", "token": alice.token(page),
                           field: value})
    assert resp.status == 303
    location = resp.header("Location")
    assert location.startswith(page + "?social=posted#comment-"), location


@pytest.mark.parametrize("value", ["//evil.example/x", "http://evil.example/",
                                   "https://evil.example/p.html", "/\\evil.example/x",
                                   "\\\\evil.example\\x", "//evil.example"])
def test_form_page_off_site_gives_no_off_site_location(server, alice, page, value):
    resp = alice.form("", {"page": value, "body": "redirect test",
                           "token": alice.token(page)})
    assert resp.status in (404, 422), (resp, resp.body[:300])
    location = resp.header("Location")
    assert location is None or (location.startswith("/") and location[1:2] not in "/\\"), \
        location


def test_form_redirect_for_page_under_backslash_directory_stays_local(server, alice):
    name = "\\evil.example"
    path = fresh_page(server, name, name="x.html")
    page = "/%5Cevil.example/x.html"
    resp = alice.form("", {"page": page, "body": "backslash", "token": alice.token(page)})
    assert resp.status == 303, (resp, resp.body[:300])
    location = resp.header("Location")
    assert location.startswith("/%5C") or location.startswith("/%5c"), location
    assert "\\" not in location
    assert path


# ---------------------------------------------------------------- database down

def wait_for_database(server, want, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        doc = server.get(API + "/health").json()
        if doc.get("database") == want:
            return doc
        if time.monotonic() > deadline:
            pytest.fail("health still says %r after %ds" % (doc, timeout))
        time.sleep(0.2)


def test_database_down_writes_503_and_page_still_served(server, mariadb, alice, bob, page):
    if not mariadb.controllable:
        pytest.skip("the MariaDB in use was started outside the tests")
    server.allow_errors(*DB_DOWN_ALLOW)
    item = alice.create(page, "before the outage")
    token = alice.token(page)
    mariadb.stop()
    try:
        wait_for_database(server, "down")
        for resp in (alice.api("POST", "comments", {"page": page, "body": "during"}),
                     alice.patch(item["id"], {"body": "during"}),
                     alice.delete(item["id"]),
                     alice.api("GET", "comments?page=" + page)):
            assert_json_error(resp, 503)
            retry = resp.header("Retry-After")
            assert retry is not None and retry.isdigit(), resp.headers
        resp = alice.form("", {"page": page, "body": "during", "token": token})
        assert resp.status == 503
        assert (resp.header("Retry-After") or "").isdigit()
        resp = bob.get(page)
        assert resp.status == 200
        assert strip_blocks(resp.body) == server.file_bytes(page)
        assert len(main_blocks(resp.body)) == 1
        text = " ".join(Discussion(social_div(resp.body)).text().split())
        assert "discussion is unavailable" in text, text
        assert b"before the outage" not in resp.body
    finally:
        mariadb.start()
    wait_for_database(server, "ok")
    deadline = time.monotonic() + 10
    while True:
        resp = alice.api("POST", "comments", {"page": page, "body": "after"})
        if resp.status == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert resp.status == 201, resp.body
    assert [c["body"] for c in bob.listing(page)["comments"]] == ["before the outage", "after"]


# ---------------------------------------------------------------- long threads

def test_rendered_discussion_shows_the_newest_50_threads_and_offers_the_rest(alice, bob, page):
    first = None
    for k in range(55):
        item = alice.create(page, "thread %d" % k)
        first = first or item
    bob.create(page, "a reply to the oldest", parent=first["id"])
    body = bob.get(page).body
    ids = re.findall(rb'<li id="comment-(\d+)" class="social-comment social-depth-1', body)
    assert len(ids) == 50
    assert str(first["id"]).encode() not in ids
    assert b"Show 5 earlier comments" in body
    assert b"(56)" in body   # the count is of every visible comment
    link = re.search(rb'class="social-earlier-link" href="([^"]+)"', body).group(1)
    whole = bob.get(html_unescape(link.decode())).body
    assert len(re.findall(rb'class="social-comment social-depth-1', whole)) == 55
    assert b"a reply to the oldest" in whole
    listing = bob.api("GET", "comments?page=" + page).json()
    assert len(listing["comments"]) == 56


def test_listing_pages_back_through_threads(alice, bob, page):
    made = [alice.create(page, "listed %d" % k)["id"] for k in range(7)]
    reply = bob.create(page, "reply in the second thread", parent=made[1])["id"]
    seen = []
    before = None
    while True:
        query = "comments?page=%s&limit=3" % page + ("&before=%d" % before if before else "")
        doc = bob.api("GET", query).json()
        assert doc["count"] == 8
        roots = [c["id"] for c in doc["comments"] if c["parent"] is None]
        assert len(roots) <= 3
        seen = roots + seen
        if doc["next_before"] is None:
            assert doc["earlier"] == 0
            break
        assert doc["earlier"] == len(made) - len(seen)
        before = doc["next_before"]
        if reply not in [c["id"] for c in doc["comments"]]:
            continue
    assert seen == made
    for bad in ("limit=0", "limit=501", "limit=x", "before=0", "before=-3"):
        assert_json_error(bob.api("GET", "comments?page=%s&%s" % (page, bad)), 400)
    everything = bob.api("GET", "comments?page=" + page).json()
    assert [c["id"] for c in everything["comments"]] == made[:2] + [reply] + made[2:]
    assert everything["next_before"] is None


def test_the_reply_page_posts_a_reply_and_asks_what_the_link_asks(server, alice, bob, page):
    """GET /_social/reply?comment=ID: the reply's page for readers without
    JavaScript. Its form posts the reply and comes back to it; a comment
    that is not there, or gone, or one the reader may not write under,
    gets an HTML refusal."""
    top = alice.create(page, "Who takes the minutes on Monday?")
    resp = bob.get("/_social/reply?comment=%d" % top["id"])
    assert resp.status == 200, (resp, resp.body[:300])
    assert "no-store" in (resp.header("Cache-Control") or "") or \
        "private" in (resp.header("Cache-Control") or ""), resp.headers
    doc = parse_html(resp.body)
    assert doc.find("p", cls="social-reply-quote").text() == "Who takes the minutes on Monday?"
    assert "Reply to" in doc.find("label", for_="social-reply-body").text()
    form = doc.find("form", cls="social-reply-form")
    fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
    fields["body"] = "I will."
    resp = bob.form("", fields)
    assert resp.status == 303, (resp, resp.body[:300])
    listing = alice.listing(page)["comments"]
    mine = [c for c in listing if c["body"] == "I will."]
    assert len(mine) == 1 and mine[0]["parent"] == top["id"], listing
    assert resp.header("Location").endswith("#comment-%d" % mine[0]["id"])
    # refusals
    assert_html_error(bob.get("/_social/reply?comment=999999999"), 404)
    assert_html_error(bob.get("/_social/reply?comment=x"), 404)
    assert_html_error(bob.get("/_social/reply"), 404)
    gone = alice.create(page, "soon gone")
    assert alice.delete(gone["id"]).status == 204
    assert_html_error(bob.get("/_social/reply?comment=%d" % gone["id"]), 404)
    resp = bob.request("POST", "/_social/reply?comment=%d" % top["id"], body=b"x=1",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 405, (resp, resp.body[:300])
