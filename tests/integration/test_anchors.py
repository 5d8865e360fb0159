"""Passage comments: a top-level comment anchored to a passage of its page
by a text-quote selector {exact, prefix, suffix, position}, through the
JSON API, the HTML form and the rendered discussion (real httpd, real
MariaDB). The re-anchoring itself runs in the browser: see
tests/js/anchor.test.js and tests/browser/test_anchors_browser.py.
"""

import pytest

from social_test.asserts import assert_html_error, assert_item_shape, assert_json_error, by_id
from social_test.client import PAGE_TEMPLATE, fresh_page
from social_test import config
from social_test.html import parse_html, social_div


ANCHOR = {"exact": "travel policy", "prefix": "opening hours & the new ",
          "suffix": ".", "position": 36}


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=config.comments_site(htpasswd))


@pytest.fixture
def page(server):
    return fresh_page(server)


def post(client, page, anchor, body="about this", **extra):
    doc = {"page": page, "body": body, "anchor": anchor}
    doc.update(extra)
    return client.api("POST", "comments", doc)


# ---------------------------------------------------------------- API

def test_passage_comment_keeps_its_anchor_in_item_one_and_listing(alice, bob, page):
    resp = post(alice, page, ANCHOR)
    assert resp.status == 201, resp.body
    item = resp.json()
    assert_item_shape(item)
    assert item["anchor"] == ANCHOR
    assert item["parent"] is None and item["depth"] == 1
    plain = alice.create(page, "about the whole page")
    assert plain["anchor"] is None
    listed = by_id(bob.listing(page))
    assert listed[item["id"]]["anchor"] == ANCHOR
    assert listed[plain["id"]]["anchor"] is None
    one = bob.api("GET", "comments/%d" % item["id"]).json()
    assert one["anchor"] == ANCHOR


def test_anchor_defaults_and_unicode_round_trip(alice, page):
    anchor = {"exact": "Caf\u00e9 \U0001F600 \u201cquoted\u201d"}
    item = post(alice, page, anchor).json()
    assert item["anchor"] == {"exact": anchor["exact"], "prefix": "", "suffix": "",
                              "position": 0}
    # context that is only white space is normal (a space before a word)
    item = post(alice, page, {"exact": "x", "prefix": " ", "suffix": "\n",
                              "position": 0}).json()
    assert item["anchor"]["prefix"] == " " and item["anchor"]["suffix"] == "\n"
    listed = by_id(alice.listing(page))[item["id"]]
    assert listed["anchor"]["prefix"] == " " and listed["anchor"]["suffix"] == "\n"


def test_anchor_size_limits_are_inclusive(alice, page):
    anchor = {"exact": "\u00e9" * 1000, "prefix": "p" * 64, "suffix": "\u00fc" * 64,
              "position": 100000000}
    resp = post(alice, page, anchor)
    assert resp.status == 201, resp.body
    assert by_id(alice.listing(page))[resp.json()["id"]]["anchor"] == anchor


@pytest.mark.parametrize("anchor,field", [
    ("travel policy", "anchor"),
    ([ANCHOR], "anchor"),
    ({"prefix": "a", "suffix": "b", "position": 1}, "anchor.exact"),
    ({"exact": None}, "anchor.exact"),
    ({"exact": ""}, "anchor.exact"),
    ({"exact": " \n\t "}, "anchor.exact"),
    ({"exact": 42}, "anchor.exact"),
    ({"exact": "x" * 1001}, "anchor.exact"),
    ({"exact": "\u00e9" * 1001}, "anchor.exact"),
    ({"exact": "bell\u0007"}, "anchor.exact"),
    ({"exact": "nul\u0000cut"}, "anchor.exact"),
    ({"exact": "ok", "prefix": "p" * 65}, "anchor.prefix"),
    ({"exact": "ok", "prefix": 3}, "anchor.prefix"),
    ({"exact": "ok", "suffix": "s" * 65}, "anchor.suffix"),
    ({"exact": "ok", "suffix": "esc\u001b"}, "anchor.suffix"),
    ({"exact": "ok", "position": -1}, "anchor.position"),
    ({"exact": "ok", "position": "12"}, "anchor.position"),
    ({"exact": "ok", "position": 1.5}, "anchor.position"),
    ({"exact": "ok", "position": 100000001}, "anchor.position"),
    ({"exact": "ok", "position": True}, "anchor.position"),
])
def test_invalid_anchor_is_422_naming_the_field_and_stores_nothing(alice, page, anchor,
                                                                   field):
    resp = post(alice, page, anchor)
    doc = assert_json_error(resp, 422, "invalid_anchor")
    assert doc["error"]["field"] == field, doc
    assert field in doc["error"]["message"] or field == "anchor", doc
    assert alice.listing(page)["comments"] == []


def test_reply_may_not_carry_an_anchor_but_joins_the_passage_thread(alice, bob, page):
    root = post(alice, page, ANCHOR).json()
    resp = post(bob, page, ANCHOR, parent=root["id"])
    doc = assert_json_error(resp, 422, "invalid_anchor")
    assert doc["error"]["field"] == "anchor"
    reply = bob.create(page, "me too", parent=root["id"])
    assert reply["anchor"] is None and reply["depth"] == 2
    listed = bob.listing(page)["comments"]
    assert [c["id"] for c in listed] == [root["id"], reply["id"]]


def test_passage_comments_are_liked_edited_and_deleted_like_any(alice, bob, page):
    item = post(alice, page, ANCHOR).json()
    resp = bob.api("PUT", "comments/%d/like" % item["id"])
    assert resp.status == 200 and resp.json() == {"count": 1, "liked": True}
    resp = alice.patch(item["id"], {"body": "edited text"})
    assert resp.status == 200
    assert resp.json()["anchor"] == ANCHOR and resp.json()["body"] == "edited text"
    assert alice.delete(item["id"]).status == 204
    assert by_id(alice.listing(page)).get(item["id"]) is None


def test_idempotent_retry_with_another_anchor_is_a_mismatch(alice, page):
    key = {"Idempotency-Key": "anchor-retry-" + page.strip("/")}
    first = alice.api("POST", "comments", {"page": page, "body": "b", "anchor": ANCHOR},
                      headers=key)
    assert first.status == 201
    again = alice.api("POST", "comments", {"page": page, "body": "b", "anchor": ANCHOR},
                      headers=key)
    assert again.status == 201 and again.json()["id"] == first.json()["id"]
    other = dict(ANCHOR, exact="new travel")
    resp = alice.api("POST", "comments", {"page": page, "body": "b", "anchor": other},
                     headers=key)
    assert_json_error(resp, 422, "idempotency_mismatch")


# ---------------------------------------------------------------- HTML

def passage_items(client, page):
    div = social_div(client.page(page).body)
    return div, [li for li in div.find_all("li", cls="social-comment")
                 if "social-passage-comment" in li.classes]


def test_rendered_thread_shows_the_quote_and_carries_the_anchor(alice, bob, page):
    tricky = {"exact": "<b>\"travel\" & 'policy'</b> \u00e9", "prefix": "a\"<",
              "suffix": "&amp;", "position": 7}
    item = post(alice, page, tricky, body="what does this mean?").json()
    plain = alice.create(page, "whole page")
    reply = bob.create(page, "a reply", parent=item["id"])
    resp = bob.page(page)
    # escaped in text and in attributes alike
    assert b"<b>\"travel\"" not in resp.body
    div, items = passage_items(bob, page)
    assert [li.get("id") for li in items] == ["comment-%d" % item["id"]]
    li = items[0]
    assert li.get("data-social-exact") == tricky["exact"]
    assert li.get("data-social-prefix") == tricky["prefix"]
    assert li.get("data-social-suffix") == tricky["suffix"]
    assert li.get("data-social-position") == "7"
    quote = li.find("blockquote", cls="social-quote")
    assert quote is not None and quote.find("q").text() == tricky["exact"]
    # replies and page-level comments carry no quote of their own
    for other in (plain["id"], reply["id"]):
        node = div.find("li", id="comment-%d" % other)
        assert node is not None and "social-passage-comment" not in node.classes
        assert node.get("data-social-exact") is None
    assert len(div.find_all("blockquote", cls="social-quote")) == 1
    # the fragment the widget fetches says the same
    frag = parse_html(bob.fragment(page).body)
    li = frag.find("li", id="comment-%d" % item["id"])
    assert li is not None and li.get("data-social-exact") == tricky["exact"]
    assert li.find("q").text() == tricky["exact"]


def test_form_post_with_anchor_fields_stores_a_passage_comment(alice, bob, page):
    token = alice.token(page)
    resp = alice.form("", {"page": page, "body": "by form", "token": token,
                           "anchor_exact": "travel policy",
                           "anchor_prefix": "the new ", "anchor_suffix": ".",
                           "anchor_position": "36"})
    assert resp.status == 303, resp.body[:400]
    cid = int(resp.header("Location").rsplit("#comment-", 1)[1])
    assert by_id(bob.listing(page))[cid]["anchor"] == {
        "exact": "travel policy", "prefix": "the new ", "suffix": ".", "position": 36}
    # without the anchor fields (no JavaScript): an ordinary comment
    resp = alice.form("", {"page": page, "body": "plain", "token": token,
                           "anchor_exact": "", "anchor_position": ""})
    assert resp.status == 303
    cid = int(resp.header("Location").rsplit("#comment-", 1)[1])
    assert by_id(bob.listing(page))[cid]["anchor"] is None


@pytest.mark.parametrize("fields", [
    {"anchor_exact": "x", "anchor_position": "-3"},
    {"anchor_exact": "x", "anchor_position": "12abc"},
    {"anchor_exact": "x", "anchor_position": "99999999999"},
    {"anchor_exact": "x" * 1001},
    {"anchor_exact": "x", "anchor_prefix": "p" * 65},
    {"anchor_exact": "x", "anchor_suffix": "bad\x01"},
    {"anchor_exact": "   "},
])
def test_form_with_invalid_anchor_is_422_page(alice, page, fields):
    doc = {"page": page, "body": "by form", "token": alice.token(page)}
    doc.update(fields)
    resp = alice.form("", doc)
    assert_html_error(resp, 422)
    assert alice.listing(page)["comments"] == []


def test_form_reply_with_anchor_is_refused(alice, page):
    root = post(alice, page, ANCHOR).json()
    resp = alice.form("", {"page": page, "body": "r", "token": alice.token(page),
                           "parent": str(root["id"]), "anchor_exact": "travel"})
    assert_html_error(resp, 422)
    assert len(alice.listing(page)["comments"]) == 1


def test_health_reports_schema_6_or_later(server):
    resp = server.get("/_social/api/v1/health")
    assert resp.status == 200
    assert resp.json()["schema"] >= 6
