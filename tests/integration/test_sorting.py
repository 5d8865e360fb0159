"""Sorting a discussion: oldest first (the default), newest first or most
liked first, chosen by each reader (a plain form, the widget or the API)
and remembered for them across pages; replies stay under their thread in
the order they were written. The JSON API takes ?sort= per request.
"""

import uuid
from urllib.parse import quote, urlencode

import pytest

from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import PAGE_TEMPLATE, Client, fresh_page
from social_test.html import Discussion, social_div

RUN = uuid.uuid4().hex[:8]
READER, OTHER, SETTER = ("%s-%s" % (who, RUN) for who in ("sorter", "other", "setter"))
HTPASSWD_USERS = ["alice", "bob", "carol", READER, OTHER, SETTER]

HTTPD_CONF = config.login() + config.optional_login()


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture
def threads(server, alice, bob, carol):
    """A page with three threads: first (1 like, a reply), second (2
    likes), third (no like)."""
    page = fresh_page(server)
    first = alice.create(page, "first thread")["id"]
    reply = bob.create(page, "a reply to the first", parent=first)["id"]
    second = bob.create(page, "second thread")["id"]
    third = carol.create(page, "third thread")["id"]
    assert carol.api("PUT", "comments/%d/like" % first).status == 200
    for who in (alice, carol):
        assert who.api("PUT", "comments/%d/like" % second).status == 200
    assert alice.api("PUT", "comments/%d/like" % reply).status == 200   # does not count
    return page, first, reply, second, third


def api_ids(client, page, sort=None):
    rel = "comments?page=" + quote(page, safe="/") + ("&sort=" + sort if sort else "")
    resp = client.api("GET", rel)
    assert resp.status == 200, (resp, resp.body[:300])
    return [c["id"] for c in resp.json()["comments"]], resp.json()


def page_ids(client, page):
    return list(client.discussion(page).items)


def sort_form(client, page, sort, fragment=False):
    token = client.token(page)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if fragment:
        headers["X-Social-Fragment"] = "1"
    return client.request("POST", "/_social/sort",
                          body=urlencode({"page": page, "sort": sort, "token": token}).encode(),
                          headers=headers)


def selected(discussion):
    select = discussion.root.find("select", id="social-sort")
    assert select is not None, "no sort control"
    return [o.get("value") for o in select.find_all("option") if "selected" in o.attrs]


def test_the_api_sorts_per_request(server, alice, threads):
    page, first, reply, second, third = threads
    ids, doc = api_ids(alice, page)
    assert ids == [first, reply, second, third] and doc["sort"] == "oldest"
    ids, doc = api_ids(alice, page, "newest")
    assert ids == [third, second, first, reply] and doc["sort"] == "newest"
    ids, doc = api_ids(alice, page, "liked")
    assert ids == [second, first, reply, third] and doc["sort"] == "liked"
    assert_json_error(alice.api("GET", "comments?page=%s&sort=best" % quote(page)), 400,
                      "invalid_sort")
    assert_json_error(alice.api("GET", "comments?page=%s&sort=liked&before=%d"
                                % (quote(page), third)), 400, "invalid_before")


def test_a_reader_chooses_an_order_without_javascript_and_it_is_remembered(
        server, threads, carol):
    page, first, reply, second, third = threads
    reader = Client(server, READER)
    assert page_ids(reader, page) == [first, reply, second, third]
    assert selected(reader.discussion(page)) == ["oldest"]

    resp = sort_form(reader, page, "newest")
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == page + "?social=newest#social"
    assert page_ids(reader, page) == [third, second, first, reply]
    assert selected(reader.discussion(page)) == ["newest"]
    # on every page, not just this one
    other_page = fresh_page(server)
    a = carol.create(other_page, "a")["id"]
    b = carol.create(other_page, "b")["id"]
    assert page_ids(reader, other_page) == [b, a]
    # everyone else keeps the default (and is served from the cache)
    assert page_ids(Client(server, OTHER), page) == [first, reply, second, third]
    assert page_ids(Client(server, OTHER), page) == [first, reply, second, third]
    assert page_ids(reader, page) == [third, second, first, reply]

    resp = sort_form(reader, page, "liked", fragment=True)
    assert resp.status == 200
    frag = Discussion(social_div(b'<div id="social">' + resp.body + b"</div>"))
    assert list(frag.items) == [second, first, reply, third]
    assert "Most liked first" in resp.body.decode()
    assert page_ids(reader, page) == [second, first, reply, third]
    # a reply keeps its place under its thread, at its depth
    assert reader.discussion(page).depth(reply) == 2

    # back to the default
    assert sort_form(reader, page, "oldest").status == 303
    assert page_ids(reader, page) == [first, reply, second, third]


def test_a_bad_order_or_token_is_refused_with_a_page(server, threads):
    page = threads[0]
    reader = Client(server, READER)
    assert sort_form(reader, page, "oldest").status == 303
    assert_html_error(sort_form(reader, page, "loudest"), 422)
    resp = reader.request("POST", "/_social/sort",
                          body=urlencode({"page": page, "sort": "newest",
                                          "token": "forged"}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_html_error(resp, 403)
    assert page_ids(reader, page)[0] == threads[1]   # nothing changed


def test_the_order_is_a_setting_in_the_api(server, threads):
    page, first, reply, second, third = threads
    who = Client(server, SETTER)
    resp = who.api("PUT", "notifications/settings", {"sort": "liked"})
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.json()["sort"] == "liked"
    assert resp.json()["email"] is True        # untouched
    assert who.api("GET", "notifications/settings").json()["sort"] == "liked"
    assert page_ids(who, page) == [second, first, reply, third]
    assert_json_error(who.api("PUT", "notifications/settings", {"sort": "random"}), 422,
                      "invalid_settings")
    assert_json_error(who.api("PUT", "notifications/settings", {}), 422, "invalid_settings")
    assert who.api("PUT", "notifications/settings", {"sort": "oldest"}).json()["sort"] == "oldest"
    assert page_ids(who, page) == [first, reply, second, third]


def test_most_liked_reaches_past_the_newest_threads(server, alice, bob):
    """A page with more threads than a view shows: the most liked view
    finds an old thread; its link offers the rest ("more"), and the
    newest-first view puts its "older" link after the list."""
    page = fresh_page(server)
    ids = [alice.create(page, "thread %d" % k)["id"] for k in range(53)]
    assert bob.api("PUT", "comments/%d/like" % ids[0]).status == 200
    shown, doc = api_ids(alice, page, "liked")
    assert shown[0] == ids[0]
    reader = Client(server, READER)
    assert sort_form(reader, page, "liked").status == 303
    d = reader.discussion(page)
    assert list(d.items)[0] == ids[0] and len(d.items) == 50
    link = d.root.find("a", cls="social-earlier-link")
    assert link.text().strip() == "Show 3 more comments"
    everything = reader.get(link.get("href").replace("&amp;", "&"))
    assert everything.status == 200
    all_ids = list(Discussion(social_div(b'<div id="social">' + everything.body
                                         + b"</div>")).items)
    assert all_ids[0] == ids[0] and sorted(all_ids) == ids
    assert sort_form(reader, page, "newest").status == 303
    d = reader.discussion(page)
    assert list(d.items)[:2] == [ids[-1], ids[-2]]
    link = d.root.find("a", cls="social-earlier-link")
    assert link.text().strip() == "Show 3 older comments"
    ol = d.root.find("ol", cls="social-comments")
    assert link.parent.parent is ol.parent      # after the list, beside it
    assert ol.parent.children.index(link.parent) > ol.parent.children.index(ol)
    assert sort_form(reader, page, "oldest").status == 303
