"""Readers with a part of their own, served from the discussion cache.

A reader who liked or wrote something on a page gets the cached
discussion with their own variant of what differs for them: their likes
(page and comments), their comments marked as theirs with delete and no
"Report". What they get must be exactly what rendering for them gives:
every test compares the page on a server with SocialCache with the same
page on a server without it (SocialCache off), on one database. Readers
the cached discussion cannot show are rendered for: an author who may
still edit a comment (the edit form holds its text), a comment of theirs
hidden by a moderator, a discussion too long to keep every variant of.
"""
import re
import uuid

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import social_div
from test_admin import admin_ok

HTTPD_CONF = (config.login() + config.block("/short", "SocialEditWindow 3s")
              + config.block("/noedit", "SocialEditWindow 0"))

# What the stopped database makes httpd say (test_db_faults checks it).
ERROR_LOG_ALLOW = (r"\[dbd:", r"SOCIAL01\d\d:")

# What differs between two servers, or between two views, by design: the
# form token (per server secret and minute) and the server's own address
# in the page's link.
TOKEN = re.compile(rb'(<input type="hidden" name="token" value=")[^"]*(")')
ADDRESS = re.compile(rb"127\.0\.0\.1(:|%3A)\d+")


@pytest.fixture(scope="module")
def db(own_mariadb):
    """A MariaDB of these tests' own: one test stops it."""
    return own_mariadb


@pytest.fixture(scope="module")
def users():
    """The usual people and erin, who writes and likes nothing here."""
    folder, path = harness.make_htpasswd(harness.DEFAULT_USERS + ("erin",))
    yield path
    harness.shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(httpd_factory, users, db):
    conf = HTTPD_CONF.replace("@HTPASSWD@", users)
    cached = httpd_factory(conf=conf, db=db, name="personal-cached")
    rendered = httpd_factory(conf=conf + "SocialCache off\n", db=db, name="personal-rendered")
    return cached, rendered


def fresh_page(servers, area=""):
    path = "%s/p-%s.html" % (area, uuid.uuid4().hex[:10])
    for srv in servers:
        srv.write_file(path, PAGE_TEMPLATE.format(title="Personal " + path))
    return path


def block_of(client, path):
    body = client.page(path).body
    start = body.index(b'<div id="social"')
    end = body.index(b"<!-- /mod_social -->")
    return ADDRESS.sub(b"HOST", TOKEN.sub(rb"\1TOKEN\2", body[start:end]))


def assert_same_views(servers, names, path):
    """Each reader's discussion: twice from the cached server (the second
    from the cache), once rendered; all three the same."""
    cached, rendered = servers
    for name in names:
        on_cache = Client(cached, name)
        first = block_of(on_cache, path)
        again = block_of(on_cache, path)
        plain = block_of(Client(rendered, name), path)
        assert again == first, name
        assert again == plain, (name, diff(again, plain))


def diff(a, b):
    """Where two views part, for the failure message."""
    k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return a[max(0, k - 200):k + 200], b[max(0, k - 200):k + 200]


def people(servers):
    cached = servers[0]
    return {n: Client(cached, n) for n in ("alice", "bob", "carol", "dave", "erin")}


def likes_and_comments(p, page):
    """alice: two comments of hers and a like; bob: one comment; dave:
    likes only; erin: nothing of her own."""
    top = p["alice"].create(page, "alice opens")["id"]
    reply = p["bob"].create(page, "bob answers", parent=top)["id"]
    p["alice"].create(page, "alice again, on her own")
    assert p["dave"].api("PUT", "comments/%d/like" % top).status == 200
    assert p["dave"].api("PUT", "like?page=" + page).status == 200
    assert p["alice"].api("PUT", "comments/%d/like" % reply).status == 200


@pytest.mark.parametrize("area", ["/noedit", ""])
def test_authors_likers_and_others_see_what_rendering_shows(servers, area):
    p = people(servers)
    page = fresh_page(servers, area)
    likes_and_comments(p, page)
    assert_same_views(servers, ("alice", "bob", "dave", "erin"), page)
    html = block_of(Client(servers[0], "alice"), page).decode()
    assert html.count("social-mine") == 2
    assert html.count('name="action" value="delete"') == 2
    assert html.count('name="action" value="edit"') == (0 if area else 2)
    assert html.count('name="action" value="unlike"') == 1
    assert html.count("social-report-link") == 1     # bob's comment, not hers
    # nothing of a variant the reader does not get is left over
    assert not re.search(r"social-[0-9a-f]{24}", html)


def test_a_long_discussion_is_rendered_for_readers_with_a_part(servers):
    p = people(servers)
    page = fresh_page(servers, "/noedit")
    for k in range(64):
        p["bob"].create(page, "bob says %d" % k)
    p["alice"].create(page, "alice among many")
    assert_same_views(servers, ("alice", "bob", "erin"), page)


def test_the_edit_window_closes_in_the_cached_view_too(servers):
    p = people(servers)
    page = fresh_page(servers, "/short")
    cid = p["alice"].create(page, "quick to edit")["id"]
    assert 'value="edit"' in block_of(Client(servers[0], "alice"), page).decode()
    assert_same_views(servers, ("alice",), page)
    import time
    time.sleep(4.2)
    html = block_of(Client(servers[0], "alice"), page).decode()
    assert 'value="edit"' not in html and 'value="delete"' in html
    assert ("comments/%d" % cid) in html
    assert_same_views(servers, ("alice", "bob"), page)


def test_a_locked_page_keeps_delete_not_edit(servers):
    p = people(servers)
    page = fresh_page(servers)
    p["alice"].create(page, "before the lock")
    admin_ok(p["carol"], "/lock", {"page": page, "action": "lock"})
    html = block_of(Client(servers[0], "alice"), page).decode()
    assert 'value="edit"' not in html and 'value="delete"' in html
    assert_same_views(servers, ("alice", "dave"), page)


def test_a_hidden_comment_of_ones_own_is_rendered_for_its_author(servers):
    p = people(servers)
    page = fresh_page(servers)
    cid = p["alice"].create(page, "about to be hidden")["id"]
    p["bob"].create(page, "bob stays")
    resp = admin_ok(p["carol"], "/comments", [("id", str(cid)), ("action", "hide"),
                                               ("reason", "off topic")])
    assert resp.status == 303
    html = block_of(Client(servers[0], "alice"), page).decode()
    assert "hidden from others" in html and "about to be hidden" in html
    assert "about to be hidden" not in block_of(Client(servers[0], "dave"), page).decode()
    assert_same_views(servers, ("alice", "bob", "dave"), page)


def test_an_author_is_served_without_the_database(servers, db):
    """Once cached, an author's view needs no statement (past the edit
    window): it is served with the database stopped."""
    p = people(servers)
    page = fresh_page(servers, "/noedit")
    Client(servers[0], "erin").page(page)
    cid = p["alice"].create(page, "served from the cache")["id"]
    assert p["alice"].api("PUT", "like?page=" + page).status == 200
    alice = Client(servers[0], "alice")
    block_of(alice, page)
    before = block_of(alice, page)
    assert ("comments/%d" % cid).encode() in before
    db.freeze()
    try:
        during = block_of(alice, page)
    finally:
        db.thaw()
    assert during == before, diff(during, before)
    assert b"social-unavailable" not in during and b"unavailable" not in during.lower()
