"""The API's listings from the discussion cache, with ETags.

GET comments?page=... is kept under the page's version like the rendered
discussion: one entry for every uninvolved reader of a kind, so a first
ask of another such reader needs no statement, and an ETag that makes a
repeat ask a 304. Readers with a part of their own (a like, a comment)
and moderators are read from the store; the page access question is asked
before any of it.
"""
import time
import uuid
from urllib.parse import quote

import pytest

from social_test import config
from social_test.client import PAGE_TEMPLATE, Client

HTTPD_CONF = (config.login() + config.optional_login() + config.anonymous("/pub", "Read")
              + "SocialDBTimeout 1500ms\n")

# What the frozen database makes httpd say (test_db_faults checks the wording).
ERROR_LOG_ALLOW = (r"\[dbd:", r"SOCIAL01\d\d:")


@pytest.fixture(scope="module")
def db(own_mariadb):
    """A MariaDB of these tests' own: freezing it must not stop others."""
    return own_mariadb


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd, db):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd), db=db)


@pytest.fixture(scope="module")
def people(server):
    return {name: Client(server, name) for name in ("alice", "bob", "carol", "dave")}


def fresh_page(server, area=""):
    path = "%s/l-%s.html" % (area, uuid.uuid4().hex[:10])
    server.write_file(path, PAGE_TEMPLATE.format(title="Listing " + path))
    return path


def listing(client, page, etag=None, query=""):
    headers = {"If-None-Match": etag} if etag else None
    return client.api("GET", "comments?page=%s%s" % (quote(page, safe="/"), query),
                      headers=headers)


def bodies(resp):
    return [c["body"] for c in resp.json()["comments"]]


def test_repeat_ask_is_304_until_the_discussion_changes(server, people):
    anon = Client(server, None)
    page = fresh_page(server, "/pub")
    people["alice"].create(page, "first words")
    first = listing(anon, page)
    assert first.status == 200, (first, first.body)
    etag = first.header("ETag")
    assert etag and etag.startswith('"') and etag.endswith('"')
    assert first.header("Cache-Control") == "private, no-cache"
    for _ in range(3):
        again = listing(anon, page, etag)
        assert again.status == 304 and again.body == b""
    # the same entry for the same query, another for another query
    assert listing(anon, page).header("ETag") == etag
    assert listing(anon, page, query="&limit=5").header("ETag") != etag
    people["alice"].create(page, "second words")
    changed = listing(anon, page, etag)
    assert changed.status == 200
    assert bodies(changed) == ["first words", "second words"]
    assert changed.header("ETag") != etag
    assert listing(anon, page, changed.header("ETag")).status == 304


def test_cached_listing_needs_no_statement(server, people, db):
    """With the database stopped, the listing readers have asked for
    before is still served, and repeat asks still get 304; a reader with
    a part of their own needs the store, and hears 503."""
    alice, bob, dave = people["alice"], people["bob"], people["dave"]
    page = fresh_page(server)
    public = fresh_page(server, "/pub")
    for p in (page, public):
        alice.create(p, "kept words")
    anon = Client(server, None)
    warm = {}
    for name, client, p in (("anon", anon, public), ("bob", bob, page)):
        listing(client, p)
        warm[name] = listing(client, p)
        assert warm[name].status == 200 and bodies(warm[name]) == ["kept words"]
    db.freeze()
    try:
        started = time.monotonic()
        got = listing(anon, public)
        assert got.status == 200 and got.body == warm["anon"].body
        assert listing(anon, public, warm["anon"].header("ETag")).status == 304
        # dave has never asked: his viewer state is not in the cache yet,
        # but bob's is, and the entry is the one every uninvolved reader shares
        got = listing(bob, page)
        assert got.status == 200 and got.body == warm["bob"].body
        assert time.monotonic() - started < 1.0   # no statement waited on the deadline
        # the author's listing is theirs: from the store, which is away
        assert listing(alice, page).status == 503
    finally:
        db.thaw()
    deadline = time.monotonic() + 20
    while listing(alice, page).status != 200:
        assert time.monotonic() < deadline, "the store did not come back"
        time.sleep(0.3)
    assert bodies(listing(dave, page)) == ["kept words"]


def test_a_reader_with_a_like_gets_their_own_listing(server, people):
    alice, bob, dave = people["alice"], people["bob"], people["dave"]
    page = fresh_page(server)
    cid = alice.create(page, "like me")["id"]
    shared = listing(bob, page)
    assert shared.json()["comments"][0]["liked"] is False
    assert bob.api("PUT", "comments/%d/like" % cid).status == 200
    mine = listing(bob, page)
    assert mine.status == 200
    assert mine.json()["comments"][0]["liked"] is True
    assert mine.json()["comments"][0]["likes"] == 1
    assert mine.header("ETag") is None and mine.header("Cache-Control") == "no-store"
    # an old ETag of the shared entry is no answer for bob now
    assert listing(bob, page, shared.header("ETag")).status == 200
    other = listing(dave, page)
    assert other.json()["comments"][0]["liked"] is False
    assert other.json()["comments"][0]["likes"] == 1
    # the author's own listing lets them edit; the shared one does not
    own = listing(alice, page).json()["comments"][0]
    assert own["can"]["edit"] is True
    assert other.json()["comments"][0]["can"]["edit"] is False


def test_moderators_are_read_from_the_store(server, people):
    page = fresh_page(server)
    people["alice"].create(page, "moderated words")
    resp = listing(people["carol"], page)
    assert resp.status == 200 and bodies(resp) == ["moderated words"]
    assert resp.header("ETag") is None


def test_an_etag_does_not_open_a_page_one_may_not_read(server, people):
    page = fresh_page(server)
    people["alice"].create(page, "for colleagues")
    etag = listing(people["dave"], page).header("ETag")
    assert etag
    anon = Client(server, None)
    resp = listing(anon, page, etag)
    assert resp.status in (401, 404), resp
    assert b"for colleagues" not in resp.body
    resp = listing(people["dave"], "/no-such-page.html", etag)
    assert resp.status == 404
