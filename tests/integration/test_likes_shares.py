"""Likes and shares: the JSON API, the HTML forms and what the page block
shows, driven through a real httpd with HTTP Basic users.

The intranet is behind login (alice, bob, carol, dave and a few people
made for this run; carol is the moderator); /pub-read and /pub-write are
public folders where visitors are anonymous. Shares may only name people
the module has seen (who commented, liked, voted or shared), and the
people table is shared by every site in the database, so tests that need
somebody never seen use user names made fresh for this run.

Every test works on pages of its own (fresh file names).
"""

import re
import uuid
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pytest

from harness import BLOCK_START
from social_test import config
from social_test.asserts import ISO_Z, assert_html_error, assert_json_error, by_id
from social_test.client import ALICE_NAME, PAGE_TEMPLATE, Client, fresh_page
from social_test.html import Discussion, parse_html, social_div

RUN = uuid.uuid4().hex[:8]
# People nobody has seen before this run: one per way of becoming seen.
NEWCOMERS = {how: "new-%s-%s" % (how.replace("_", ""), RUN)
             for how in ("page_like", "comment_like", "comment", "share", "vote", "never")}
# Enough colleagues to fill a share to the brim.
CROWD = ["crowd-%s-%02d" % (RUN, k) for k in range(21)]
USERS = ["alice", "bob", "carol", "dave"] + sorted(NEWCOMERS.values()) + CROWD

HTPASSWD_USERS = USERS
HTTPD_CONF = r"""
SetEnvIf Authorization "^Basic YWxpY2U6YWxpY2U=$" "AUTHENTICATE_DISPLAYNAME=Alice Liddell"
""" + (config.login(display_name=True) + config.optional_login()
       + config.block("/nosocial", "Social Off")
       + config.anonymous("/pub-read", "Read") + config.anonymous("/pub-write", "Write"))

POLL_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Poll</title></head>
<body>
<h1>Poll</h1>
<!--social:poll name="quick" question="Quick?" options="Yes|No"-->
</body>
</html>
"""

CROSS_SITE = [{"Origin": "http://evil.example"}, {"Origin": "null"},
              {"Sec-Fetch-Site": "cross-site"}]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def seen(server, alice, bob, carol, dave):
    """alice, bob, carol and dave have each liked a page: all are seen."""
    page = fresh_page(server)
    for client in (alice, bob, carol, dave):
        assert like(client, page).status == 200
    return page


@pytest.fixture
def page(server):
    return fresh_page(server)


# ---------------------------------------------------------------- helpers

def q(page):
    return quote(page, safe="/")


def like(client, page, method="PUT", headers=None):
    return client.api(method, "like?page=" + q(page), headers=headers)


def like_ok(client, page, method="PUT"):
    resp = like(client, page, method)
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("application/json")
    return resp.json()


def comment_like(client, cid, method="PUT", headers=None):
    return client.api(method, "comments/%d/like" % cid, headers=headers)


def likers(client, page):
    resp = client.api("GET", "likes?page=" + q(page))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def counts(client, *pages):
    resp = client.api("GET", "counts?" + "&".join("page=" + q(p) for p in pages))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["pages"]


def share(client, doc, headers=None):
    return client.api("POST", "shares", doc, headers=headers)


def share_ok(client, doc):
    resp = share(client, doc)
    assert resp.status == 201, (resp, resp.body[:500])
    return resp.json()


def inbox(client):
    resp = client.api("GET", "shares")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["shares"]


def form_post(client, path, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", path, body=urlencode(fields, doseq=True).encode(),
                          headers=hdrs)


def fields_of(form):
    """The form's inputs as a dict (checkboxes only when checked)."""
    out = {}
    for node in form.find_all("input"):
        if node.get("type") == "checkbox" and "checked" not in node.attrs:
            continue
        out[node.get("name")] = node.get("value", "")
    for node in form.find_all("textarea"):
        out[node.get("name")] = node.text()
    return out


def page_actions(client, page):
    """The .social-page-actions element of the page as client sees it."""
    div = social_div(client.page(page).body)
    actions = div.find(cls="social-page-actions")
    assert actions is not None, "no .social-page-actions in #social"
    return actions


def page_like_form(actions):
    forms = [f for f in actions.find_all("form") if "social-like" in f.classes]
    assert len(forms) == 1, forms
    return forms[0]


def text_of(node):
    return " ".join(node.text().split())


def allow_set(resp):
    return {m.strip().upper() for m in (resp.header("Allow") or "").split(",") if m.strip()}


def assert_share_shape(item):
    assert set(item) >= {"id", "page", "from", "note", "public", "to", "created"}, item
    assert isinstance(item["id"], int) and not isinstance(item["id"], bool)
    assert set(item["from"]) >= {"user", "name"}
    assert isinstance(item["public"], bool)
    assert isinstance(item["to"], list)
    assert ISO_Z.match(item["created"]), item["created"]


# ---------------------------------------------------------------- page likes

def test_like_and_unlike_a_page_are_idempotent(alice, bob, page):
    assert like_ok(alice, page) == {"count": 1, "liked": True}
    assert like_ok(alice, page) == {"count": 1, "liked": True}
    assert like_ok(bob, page) == {"count": 2, "liked": True}
    assert like_ok(alice, page, "DELETE") == {"count": 1, "liked": False}
    assert like_ok(alice, page, "DELETE") == {"count": 1, "liked": False}
    assert like_ok(bob, page) == {"count": 1, "liked": True}
    assert like_ok(bob, page, "DELETE") == {"count": 0, "liked": False}
    assert like_ok(bob, page, "DELETE") == {"count": 0, "liked": False}


def test_unlike_without_like_changes_nothing(alice, bob, page):
    like_ok(bob, page)
    assert like_ok(alice, page, "DELETE") == {"count": 1, "liked": False}
    assert [p["user"] for p in likers(alice, page)["people"]] == ["bob"]


def test_likes_list_the_people_with_their_names(alice, bob, carol, page):
    assert likers(bob, page) == {"count": 0, "people": []}
    like_ok(alice, page)
    like_ok(bob, page)
    doc = likers(carol, page)
    assert doc["count"] == 2
    people = sorted(doc["people"], key=lambda p: p["user"])
    assert people == [{"user": "alice", "name": ALICE_NAME}, {"user": "bob", "name": "bob"}]
    like_ok(alice, page, "DELETE")
    assert [p["user"] for p in likers(carol, page)["people"]] == ["bob"]
    assert likers(carol, page)["count"] == 1


def test_likes_are_per_page(server, alice, page):
    other = fresh_page(server)
    like_ok(alice, page)
    assert likers(alice, other)["people"] == []
    assert like_ok(alice, other, "DELETE") == {"count": 0, "liked": False}
    assert [p["user"] for p in likers(alice, page)["people"]] == ["alice"]


def test_like_page_key_is_normalised(server, alice, bob):
    directory = "d-%s" % uuid.uuid4().hex[:10]
    fresh_page(server, directory, name="index.html")
    assert like_ok(alice, "/%s/index.html" % directory)["count"] == 1
    assert like_ok(bob, "/%s/" % directory)["count"] == 2
    assert likers(alice, "/%s/./index.html" % directory)["count"] == 2


@pytest.mark.parametrize("area", ["pub-read", "pub-write", ""])
def test_anonymous_like_is_401(server, alice, anon, area):
    page = fresh_page(server, area)
    like_ok(alice, page)
    for method in ("PUT", "DELETE"):
        assert_json_error(like(anon, page, method), 401)
    assert likers(alice, page)["count"] == 1


def test_anonymous_may_read_likes_of_a_public_page(server, alice, anon):
    page = fresh_page(server, "pub-read")
    like_ok(alice, page)
    doc = likers(anon, page)
    assert doc["count"] == 1 and doc["people"][0]["user"] == "alice"


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_like_is_403(alice, bob, page, headers):
    like_ok(bob, page)
    assert_json_error(like(alice, page, "PUT", headers), 403)
    assert_json_error(like(bob, page, "DELETE", headers), 403)
    assert [p["user"] for p in likers(alice, page)["people"]] == ["bob"]


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "HEAD"])
def test_like_other_methods_are_405_with_allow(alice, page, method):
    resp = alice.api(method, "like?page=" + q(page))
    assert resp.status == 405, resp
    if method != "HEAD":
        assert_json_error(resp, 405)
    assert allow_set(resp) == {"PUT", "DELETE"}, resp.headers
    assert likers(alice, page)["count"] == 0


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST"])
def test_likes_list_takes_only_get(alice, page, method):
    resp = alice.api(method, "likes?page=" + q(page))
    assert_json_error(resp, 405)
    assert "GET" in allow_set(resp) and method not in allow_set(resp)


def test_like_of_missing_or_invalid_page(server, alice):
    missing = "/no-such-%s.html" % uuid.uuid4().hex
    assert_json_error(like(alice, missing), 404)
    assert_json_error(like(alice, fresh_page(server, "nosocial")), 404)
    assert_json_error(alice.api("GET", "likes?page=" + missing), 404)
    for bad in ("like", "like?page=", "like?page=relative.html"):
        resp = alice.api("PUT", bad)
        assert resp.status in (400, 422), resp
        assert_json_error(resp, resp.status, "invalid_page")


# ---------------------------------------------------------------- comment likes

def test_like_a_comment(alice, bob, carol, page):
    item = alice.create(page, "likeable")
    resp = comment_like(bob, item["id"])
    assert resp.status == 200, resp.body
    assert resp.json() == {"count": 1, "liked": True}
    assert comment_like(bob, item["id"]).json() == {"count": 1, "liked": True}
    assert comment_like(carol, item["id"]).json() == {"count": 2, "liked": True}
    resp = bob.api("GET", "comments/%d/likes" % item["id"])
    assert resp.status == 200
    doc = resp.json()
    assert doc["count"] == 2
    assert sorted(p["user"] for p in doc["people"]) == ["bob", "carol"]
    assert comment_like(bob, item["id"], "DELETE").json() == {"count": 1, "liked": False}
    assert comment_like(bob, item["id"], "DELETE").json() == {"count": 1, "liked": False}
    # the page itself has no likes from this
    assert likers(alice, page)["count"] == 0


def test_comment_items_carry_likes_and_liked(alice, bob, carol, page):
    liked = alice.create(page, "liked one")
    plain = alice.create(page, "plain one", parent=liked["id"])
    comment_like(bob, liked["id"])
    comment_like(carol, liked["id"])
    for client, mine in ((bob, True), (carol, True), (alice, False)):
        items = by_id(client.listing(page))
        assert items[liked["id"]]["likes"] == 2
        assert items[liked["id"]]["liked"] is mine
        assert items[plain["id"]]["likes"] == 0
        assert items[plain["id"]]["liked"] is False


def test_one_comment_carries_the_same_likes_as_the_list(alice, bob, carol, page):
    """GET comments/ID gives the item of the list; if it carries likes,
    they are the real ones."""
    item = alice.create(page, "liked one")
    comment_like(bob, item["id"])
    comment_like(carol, item["id"])
    listed = by_id(bob.listing(page))[item["id"]]
    one = bob.api("GET", "comments/%d" % item["id"]).json()
    assert "likes" in one and "liked" in one, one
    assert (one["likes"], one["liked"]) == (listed["likes"], listed["liked"]) == (2, True)


def test_like_of_unknown_hidden_or_deleted_comment_is_404(alice, bob, carol, page):
    hidden = alice.create(page, "to be hidden")
    assert comment_like(bob, hidden["id"]).status == 200
    assert carol.patch(hidden["id"], {"status": "hidden"}).status == 200
    deleted = alice.create(page, "to be deleted")
    assert comment_like(bob, deleted["id"]).status == 200
    assert alice.delete(deleted["id"]).status == 204
    top = alice.create(page, "top")
    tomb = bob.create(page, "tombstone with a reply", parent=top["id"])
    alice.create(page, "the reply", parent=tomb["id"])
    assert bob.delete(tomb["id"]).status == 204
    for cid in (hidden["id"], deleted["id"], tomb["id"], 999999999999):
        for method in ("PUT", "DELETE"):
            assert_json_error(comment_like(bob, cid, method), 404)
        assert_json_error(bob.api("GET", "comments/%d/likes" % cid), 404)
    # the moderator cannot like a hidden comment either
    assert_json_error(comment_like(carol, hidden["id"]), 404)


def test_anonymous_comment_like_is_401(server, alice, anon):
    page = fresh_page(server, "pub-read")
    item = alice.create(page, "public comment")
    assert_json_error(comment_like(anon, item["id"]), 401)
    assert_json_error(comment_like(anon, item["id"], "DELETE"), 401)
    page = fresh_page(server, "pub-write")
    item = alice.create(page, "comment where anybody may write")
    assert_json_error(comment_like(anon, item["id"]), 401)
    assert by_id(alice.listing(page))[item["id"]]["likes"] == 0


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_comment_like_is_403(alice, bob, page, headers):
    item = alice.create(page, "x")
    assert_json_error(comment_like(bob, item["id"], "PUT", headers), 403)
    assert by_id(alice.listing(page))[item["id"]]["likes"] == 0


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH"])
def test_comment_like_other_methods_are_405(alice, page, method):
    item = alice.create(page, "x")
    resp = alice.api(method, "comments/%d/like" % item["id"])
    assert_json_error(resp, 405)
    assert allow_set(resp) == {"PUT", "DELETE"}, resp.headers


# ---------------------------------------------------------------- counts

def test_counts_report_comments_likes_and_shares(server, alice, bob, carol, seen):
    a, b = fresh_page(server), fresh_page(server)
    alice.create(a, "1")
    alice.create(a, "2")
    like_ok(alice, a)
    like_ok(bob, a)
    share_ok(alice, {"page": a, "to": ["bob"]})
    share_ok(carol, {"page": a})
    share_ok(carol, {"page": b, "to": ["alice"]})
    doc = counts(bob, a, b)
    # href: where the discussion is read (the page itself for a page)
    assert doc[a] == {"comments": 2, "likes": 2, "shares": 2, "href": a}
    assert doc[b] == {"comments": 0, "likes": 0, "shares": 1, "href": b}
    like_ok(alice, a, "DELETE")
    assert counts(bob, a)[a]["likes"] == 1


def test_counts_of_an_untouched_page_are_zero(alice, page):
    assert counts(alice, page) == {page: {"comments": 0, "likes": 0, "shares": 0,
                                          "href": page}}


# ---------------------------------------------------------------- the block

def test_block_shows_like_form_and_counts(server, alice, bob, page):
    actions = page_actions(bob, page)
    form = page_like_form(actions)
    assert form.get("method", "").lower() == "post"
    assert form.get("action") == "/_social/like"
    fields = fields_of(form)
    assert fields["page"] == page and fields["action"] == "like"
    assert re.fullmatch(r"[0-9]+\.[0-9a-f]{64}", fields["token"]), fields  # HMAC-SHA256
    button = form.find("button", cls="social-like-button")
    assert button is not None and button.get("aria-pressed") == "false"
    count = actions.find(cls="social-like-count")
    assert count is not None and text_of(count).startswith("0 likes"), text_of(count)
    shares = actions.find(cls="social-share-count")
    assert shares is not None and text_of(shares).startswith("0 "), text_of(shares)

    like_ok(alice, page)
    like_ok(bob, page)
    actions = page_actions(bob, page)
    form = page_like_form(actions)
    assert fields_of(form)["action"] == "unlike"
    assert form.find("button", cls="social-like-button").get("aria-pressed") == "true"
    assert text_of(actions.find(cls="social-like-count")).startswith("2 likes")
    # alice's view of the same page
    like_ok(alice, page, "DELETE")
    actions = page_actions(alice, page)
    assert fields_of(page_like_form(actions))["action"] == "like"
    assert re.match(r"1 likes?\b", text_of(actions.find(cls="social-like-count")))


def test_block_shows_a_like_form_per_comment(alice, bob, page):
    item = alice.create(page, "comment with a like button")
    disc = Discussion(social_div(bob.page(page).body))
    form = disc.action_form(item["id"], "like")
    assert form is not None, "no like form for the comment"
    assert form.get("action") == "/_social/comments/%d" % item["id"]
    assert form.get("method", "").lower() == "post"
    assert disc.form_fields(form)["token"]
    button = form.find("button")
    assert button is not None and button.get("aria-pressed") == "false"
    comment_like(bob, item["id"])
    disc = Discussion(social_div(bob.page(page).body))
    assert disc.action_form(item["id"], "like") is None
    form = disc.action_form(item["id"], "unlike")
    assert form is not None and form.find("button").get("aria-pressed") == "true"
    count = Discussion.own(disc.item(item["id"]), "social-like-count")
    assert count is not None and re.match(r"1 likes?\b", text_of(count))


def test_like_form_post_redirects_back_and_toggles(alice, bob, page):
    fields = fields_of(page_like_form(page_actions(alice, page)))
    resp = form_post(alice, "/_social/like", fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == page + "?social=page-liked#social"
    assert likers(bob, page)["count"] == 1
    # the same form again changes nothing
    assert form_post(alice, "/_social/like", fields).status == 303
    assert likers(bob, page)["count"] == 1
    fields = fields_of(page_like_form(page_actions(alice, page)))
    assert fields["action"] == "unlike"
    resp = form_post(alice, "/_social/like", fields)
    assert resp.status == 303
    assert resp.header("Location") == page + "?social=unliked#social"
    assert likers(bob, page)["count"] == 0


def test_like_form_with_fragment_header_returns_the_fragment(alice, page):
    fields = fields_of(page_like_form(page_actions(alice, page)))
    resp = form_post(alice, "/_social/like", fields, headers={"X-Social-Fragment": "1"})
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("text/html")
    assert resp.header("Location") is None
    assert BLOCK_START not in resp.body
    root = parse_html(resp.body)
    actions = root.find(cls="social-page-actions")
    assert actions is not None
    assert fields_of(page_like_form(actions))["action"] == "unlike"
    assert re.match(r"1 likes?\b", text_of(actions.find(cls="social-like-count")))


def test_like_form_errors(alice, bob, page):
    fields = fields_of(page_like_form(page_actions(alice, page)))
    for token in (None, "", "forged", fields_of(page_like_form(page_actions(bob, page)))["token"]):
        bad = dict(fields)
        if token is None:
            del bad["token"]
        else:
            bad["token"] = token
        assert_html_error(form_post(alice, "/_social/like", bad), 403)
    for action in (None, "", "love"):
        bad = dict(fields)
        if action is None:
            del bad["action"]
        else:
            bad["action"] = action
        assert_html_error(form_post(alice, "/_social/like", bad), 422)
    for headers in CROSS_SITE:
        assert form_post(alice, "/_social/like", fields, headers=headers).status == 403
    resp = alice.get("/_social/like")
    assert resp.status == 405 and "POST" in allow_set(resp)
    assert likers(alice, page)["count"] == 0


def test_comment_like_form_redirects_to_the_comment(alice, bob, page):
    item = alice.create(page, "like me by form")
    disc = Discussion(social_div(bob.page(page).body))
    fields = disc.form_fields(disc.action_form(item["id"], "like"))
    resp = form_post(bob, "/_social/comments/%d" % item["id"], fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == "%s?social=liked#comment-%d" % (page, item["id"])
    assert by_id(alice.listing(page))[item["id"]]["likes"] == 1
    disc = Discussion(social_div(bob.page(page).body))
    fields = disc.form_fields(disc.action_form(item["id"], "unlike"))
    assert form_post(bob, "/_social/comments/%d" % item["id"], fields).status == 303
    assert by_id(alice.listing(page))[item["id"]]["likes"] == 0


# ---------------------------------------------------------------- shares

def test_share_with_a_colleague(alice, bob, carol, seen, page):
    resp = share(alice, {"page": page, "note": "Have a look", "to": ["bob"]})
    assert resp.status == 201, resp.body
    assert resp.content_type.startswith("application/json")
    item = resp.json()
    assert_share_shape(item)
    assert item["page"] == page
    assert item["from"] == {"user": "alice", "name": ALICE_NAME}
    assert item["note"] == "Have a look"
    assert item["public"] is False
    assert item["to"] == ["bob"]
    got = [s for s in inbox(bob) if s["id"] == item["id"]]
    assert len(got) == 1
    assert_share_shape(got[0])
    assert got[0]["page"] == page and got[0]["from"]["user"] == "alice"
    assert got[0]["note"] == "Have a look"
    # not for third parties, and not in the sender's own inbox
    assert item["id"] not in [s["id"] for s in inbox(carol)]
    assert item["id"] not in [s["id"] for s in inbox(alice)]


def test_share_with_several_colleagues(alice, bob, carol, dave, seen, page):
    item = share_ok(alice, {"page": page, "to": ["bob", "carol"]})
    assert sorted(item["to"]) == ["bob", "carol"]
    assert item["id"] in [s["id"] for s in inbox(bob)]
    assert item["id"] in [s["id"] for s in inbox(carol)]
    assert item["id"] not in [s["id"] for s in inbox(dave)]


def test_share_public_by_default_without_recipients(alice, bob, seen, page):
    item = share_ok(alice, {"page": page})
    assert item["public"] is True and item["to"] == []
    assert item["note"] in ("", None)
    item = share_ok(alice, {"page": page, "to": ["bob"], "public": True})
    assert item["public"] is True and item["to"] == ["bob"]
    item = share_ok(alice, {"page": page, "to": ["bob"], "public": False})
    assert item["public"] is False
    item = share_ok(alice, {"page": page, "to": [], "public": True})
    assert item["public"] is True
    assert counts(bob, page)[page]["shares"] == 4


def test_inbox_is_newest_first(server, alice, bob, carol, dave, seen):
    pages = [fresh_page(server) for _ in range(3)]
    ids = [share_ok(alice, {"page": pages[0], "to": ["dave"]})["id"],
           share_ok(bob, {"page": pages[1], "to": ["dave"], "note": "second"})["id"],
           share_ok(carol, {"page": pages[2], "to": ["dave"], "note": "third"})["id"]]
    got = [s for s in inbox(dave) if s["id"] in ids]
    assert [s["id"] for s in got] == ids[::-1]
    assert [s["page"] for s in got] == pages[::-1]
    assert [s["from"]["user"] for s in got] == ["carol", "bob", "alice"]
    mine = inbox(dave)
    created = [s["created"] for s in mine]
    assert created == sorted(created, reverse=True)


def test_share_naming_an_unknown_person_is_422_and_stores_nothing(alice, bob, seen, page):
    before = [s["id"] for s in inbox(bob)]
    stranger = "nobody-%s" % uuid.uuid4().hex[:10]
    doc = assert_json_error(share(alice, {"page": page, "to": ["bob", stranger]}),
                            422, "unknown_recipient")
    assert stranger in doc["error"]["message"]
    assert [s["id"] for s in inbox(bob)] == before
    assert counts(alice, page)[page]["shares"] == 0
    # a person who exists in the login database but was never seen
    never = NEWCOMERS["never"]
    doc = assert_json_error(share(alice, {"page": page, "to": [never]}), 422,
                            "unknown_recipient")
    assert never in doc["error"]["message"]
    assert counts(alice, page)[page]["shares"] == 0


def _become_seen(server, how, user, page):
    client = Client(server, user)
    other = Client(server, "alice")
    if how == "page_like":
        assert like(client, page).status == 200
    elif how == "comment_like":
        item = other.create(page, "something to like")
        assert comment_like(client, item["id"]).status == 200
    elif how == "comment":
        client.create(page, "my first comment")
    elif how == "share":
        assert share(client, {"page": page}).status == 201
    elif how == "vote":
        path = fresh_page(server, content=POLL_PAGE)
        client.page(path)
        resp = client.api("GET", "polls?page=" + q(path))
        assert resp.status == 200, resp.body
        [poll] = resp.json()["polls"]
        resp = client.api("PUT", "polls/%d/vote" % poll["id"], {"choices": [0]})
        assert resp.status == 200, resp.body
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["page_like", "comment_like", "comment", "share", "vote"])
def test_a_person_is_seen_once_they_liked_commented_shared_or_voted(server, alice, page, how):
    user = NEWCOMERS[how]
    assert_json_error(share(alice, {"page": page, "to": [user]}), 422, "unknown_recipient")
    _become_seen(server, how, user, fresh_page(server))
    item = share_ok(alice, {"page": page, "to": [user]})
    assert item["to"] == [user]
    assert item["id"] in [s["id"] for s in inbox(Client(server, user))]


@pytest.mark.parametrize("doc", [{"public": False}, {"to": [], "public": False}])
def test_share_to_nobody_and_not_public_is_422(alice, page, doc):
    doc = dict(doc, page=page)
    assert_json_error(share(alice, doc), 422)
    assert counts(alice, page)[page]["shares"] == 0


def test_share_with_20_colleagues_but_not_21(server, alice, page):
    crowd_page = fresh_page(server)
    for user in CROWD:
        assert like(Client(server, user), crowd_page).status == 200
    item = share_ok(alice, {"page": page, "to": CROWD[:20]})
    assert sorted(item["to"]) == sorted(CROWD[:20])
    assert_json_error(share(alice, {"page": page, "to": CROWD}), 422)
    assert counts(alice, page)[page]["shares"] == 1
    assert item["id"] in [s["id"] for s in inbox(Client(server, CROWD[19]))]
    assert all(s["page"] != page for s in inbox(Client(server, CROWD[20])))


def test_share_note_up_to_1000_characters(alice, bob, seen, page):
    item = share_ok(alice, {"page": page, "to": ["bob"], "note": "\u00e9" * 1000})
    assert item["note"] == "\u00e9" * 1000
    item = share_ok(alice, {"page": page, "to": ["bob"], "note": "\U0001F600" * 1000})
    assert len(item["note"]) == 1000
    item = share_ok(alice, {"page": page, "to": ["bob"], "note": "two\nlines\tand a tab"})
    assert item["note"] == "two\nlines\tand a tab"
    assert_json_error(share(alice, {"page": page, "to": ["bob"], "note": "a" * 1001}),
                      422, "invalid_note")
    assert counts(alice, page)[page]["shares"] == 3


@pytest.mark.parametrize("note", ["bell\u0001", "esc\u001b[31m", "nul\u0000byte", "del\u007f",
                                  "c1\u0085"])
def test_share_note_with_control_characters_is_422(alice, bob, seen, page, note):
    assert_json_error(share(alice, {"page": page, "to": ["bob"], "note": note}),
                      422, "invalid_note")
    assert counts(alice, page)[page]["shares"] == 0


@pytest.mark.parametrize("area", ["pub-read", "pub-write"])
def test_anonymous_share_is_401(server, anon, seen, area):
    page = fresh_page(server, area)
    assert_json_error(share(anon, {"page": page}), 401)
    assert_json_error(share(anon, {"page": page, "to": ["bob"]}), 401)
    assert counts(anon, page)[page]["shares"] == 0


def test_anonymous_has_no_inbox(anon):
    assert_json_error(anon.api("GET", "shares"), 401)


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_share_is_403(alice, bob, seen, page, headers):
    assert_json_error(share(alice, {"page": page, "to": ["bob"]}, headers=headers), 403)
    assert counts(alice, page)[page]["shares"] == 0


@pytest.mark.parametrize("doc", [{}, {"page": 42}, {"page": "relative.html"},
                                 {"to": "bob"}, {"to": [42]}, {"to": [""]},
                                 {"public": "yes"}, {"note": 42}])
def test_share_with_invalid_fields_is_refused(alice, seen, page, doc):
    body = {"page": page, "to": ["bob"]}
    body.update(doc)
    if not doc:
        del body["page"]
    resp = share(alice, body)
    assert resp.status in (400, 422), (resp, resp.body[:300])
    assert_json_error(resp, resp.status)
    assert counts(alice, page)[page]["shares"] == 0


def test_share_of_a_page_without_discussion_is_404(server, alice, seen):
    assert_json_error(share(alice, {"page": fresh_page(server, "nosocial")}), 404)
    assert_json_error(share(alice, {"page": "/missing-%s.html" % uuid.uuid4().hex}), 404)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_shares_other_methods_are_405(alice, method):
    resp = alice.api(method, "shares", raw=b"{}")
    assert_json_error(resp, 405)
    assert {"GET", "POST"} <= allow_set(resp) and method not in allow_set(resp)


# ---------------------------------------------------------------- share block and form

def test_block_offers_mail_link_url_copy_button_and_share_form(server, alice, page):
    actions = page_actions(alice, page)
    details = actions.find("details", cls="social-share")
    assert details is not None, "no details.social-share"
    url = server.url(page)
    mail = [a for a in details.find_all("a") if a.get("href", "").startswith("mailto:")]
    assert len(mail) == 1
    href = mail[0].get("href")
    assert href.startswith("mailto:?subject="), href
    query = parse_qs(urlsplit(href).query)
    assert query.get("subject") and query["subject"][0].strip()
    assert url in query["body"][0], href
    box = details.find("input", cls="social-url")
    assert box is not None and "readonly" in box.attrs
    assert box.get("value") == url
    copies = [n for n in details.iter() if "data-social-copy" in n.attrs]
    assert len(copies) == 1
    copy = copies[0]
    assert "hidden" in copy.attrs, "the copy button must be hidden without JavaScript"
    assert copy.get("data-social-copy") == url
    form = details.find("form", cls="social-share-form")
    assert form is not None
    assert form.get("method", "").lower() == "post"
    assert form.get("action") == "/_social/shares"
    names = {n.get("name") for n in form.find_all("input")} | \
        {n.get("name") for n in form.find_all("textarea")}
    assert {"token", "page", "to", "note", "public"} <= names, names
    public = [n for n in form.find_all("input") if n.get("name") == "public"]
    assert public[0].get("type") == "checkbox"
    assert fields_of(form)["page"] == page


def test_mail_link_is_encoded_for_mail_clients(alice, page):
    """RFC 6068: a mailto URI is percent-encoded and '+' stands for itself,
    so a space written as '+' shows up as '+' in the mail."""
    actions = page_actions(alice, page)
    href = [a.get("href") for a in actions.find_all("a")
            if a.get("href", "").startswith("mailto:")][0]
    subject = parse_qs(urlsplit(href).query)["subject"][0]
    assert "+" not in urlsplit(href).query, \
        "spaces written as '+' in %r: a mail client shows %r" % (href, unquote(
            urlsplit(href).query.split("&")[0].partition("=")[2]))
    assert subject.strip()


def test_block_shows_the_share_count(alice, bob, seen, page):
    share_ok(alice, {"page": page, "to": ["bob"]})
    share_ok(bob, {"page": page})
    text = text_of(page_actions(alice, page).find(cls="social-share-count"))
    assert text.startswith("2 shares"), text


def test_share_form_post(alice, bob, carol, seen, page):
    form = page_actions(alice, page).find("form", cls="social-share-form")
    fields = fields_of(form)
    fields.pop("public", None)
    fields.update({"to": "bob, carol", "note": "by form"})
    resp = form_post(alice, "/_social/shares", fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == page + "?social=shared-with#social"
    got = [s for s in inbox(bob) if s["page"] == page]
    assert len(got) == 1
    assert got[0]["note"] == "by form" and got[0]["public"] is False
    assert got[0]["from"]["user"] == "alice"
    assert [s["page"] for s in inbox(carol)].count(page) == 1
    # public, to nobody
    fields = fields_of(form)
    fields.update({"to": "", "public": "1"})
    assert form_post(alice, "/_social/shares", fields).status == 303
    assert counts(alice, page)[page]["shares"] == 2
    # with the fragment header the widget gets the block back
    resp = form_post(alice, "/_social/shares", fields, headers={"X-Social-Fragment": "1"})
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    root = parse_html(resp.body)
    assert text_of(root.find(cls="social-share-count")).startswith("3 shares")


def test_share_form_to_colleagues_is_private_unless_asked(alice, bob, seen, page):
    """A note meant for colleagues goes to them only: the form, sent as it
    is rendered, does not post to the activity stream; ticking the box does."""
    form = page_actions(alice, page).find("form", cls="social-share-form")
    box = [n for n in form.find_all("input") if n.get("name") == "public"][0]
    assert "checked" not in box.attrs
    fields = dict(fields_of(form), to="bob", note="just for bob")
    assert form_post(alice, "/_social/shares", fields).status == 303
    got = [s for s in inbox(bob) if s["page"] == page]
    assert [(s["note"], s["public"]) for s in got] == [("just for bob", False)]
    fields = dict(fields_of(form), to="bob", note="for everyone", public="1")
    assert form_post(alice, "/_social/shares", fields).status == 303
    got = [s for s in inbox(bob) if s["page"] == page and s["note"] == "for everyone"]
    assert [s["public"] for s in got] == [True]


def test_refused_forms_say_what_was_not_done(alice, seen, page):
    """A refused share is not "Your comment was not saved"."""
    fields = fields_of(page_actions(alice, page).find("form", cls="social-share-form"))
    resp = form_post(alice, "/_social/shares", dict(fields, to="nobody-%s" % RUN))
    assert_html_error(resp, 422)
    title = parse_html(resp.body).find("title").text()
    assert title == "The page was not shared", title
    resp = form_post(alice, "/_social/like", dict(fields, action="dance"))
    assert_html_error(resp, 422)
    assert parse_html(resp.body).find("title").text() == "Your like was not saved"


def test_share_form_errors(alice, bob, seen, page):
    fields = fields_of(page_actions(alice, page).find("form", cls="social-share-form"))
    bad = dict(fields, to="bob, nobody-%s" % uuid.uuid4().hex[:8])
    assert_html_error(form_post(alice, "/_social/shares", bad), 422)
    bad = dict(fields, to="")
    bad.pop("public", None)
    assert_html_error(form_post(alice, "/_social/shares", bad), 422)
    bad = dict(fields, to="bob", note="x" * 1001)
    assert_html_error(form_post(alice, "/_social/shares", bad), 422)
    bad = dict(fields, to="bob", token="forged")
    assert_html_error(form_post(alice, "/_social/shares", bad), 403)
    for headers in CROSS_SITE:
        assert form_post(alice, "/_social/shares", dict(fields, to="bob"),
                         headers=headers).status == 403
    resp = alice.get("/_social/shares")
    assert resp.status == 405
    assert counts(alice, page)[page]["shares"] == 0
    assert all(s["page"] != page for s in inbox(bob))
