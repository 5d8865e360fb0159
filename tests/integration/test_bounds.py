"""A page view and a listing render a bounded number of comments whatever
the shape of the threads: a long thread shows its newest replies with "Show
N earlier replies" (a plain link to the thread's fragment, paged), the API
says how many replies were left out and how to fetch them
(`comments?page=&thread=ID&before=`), and a view holds at most about 300
comments, the older threads moving to "earlier comments". Writes have a
default per-person limit (30 a minute) that `SocialRateLimit` raises or
turns off.
"""

import re
import uuid
from urllib.parse import quote

import pytest

from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client
from social_test import config
from social_test.html import parse_html, social_div

REPLIES = 600
SHOWN = 20
VIEW_MAX = 300


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=config.comments_site(htpasswd))


def fresh_page(server):
    path = "/bounds-%s.html" % uuid.uuid4().hex[:12]
    server.write_file(path, PAGE_TEMPLATE.format(title="Bounds " + path))
    return path


def add_replies(db, root, count, author="bob", chain=0):
    """count replies to comment root straight in the database (as the
    module writes them: root_id set), the first `chain` of them each a
    reply to the one before."""
    sql = ["SET @root = %d" % root, "SET @p = %d" % root,
           "SET @page = (SELECT page_id FROM social_comments WHERE id = @root)"]
    for k in range(chain):
        sql.append("INSERT INTO social_comments (page_id, parent_id, root_id, author, "
                   "author_name, body, status) VALUES (@page, @p, @root, '%s', '%s', "
                   "'chain %d', 'visible')" % (author, author, k))
        sql.append("SET @p = LAST_INSERT_ID()")
    if count > chain:
        sql.append("INSERT INTO social_comments (page_id, parent_id, root_id, author, "
                   "author_name, body, status) SELECT @page, @root, @root, '%s', '%s', "
                   "CONCAT('reply ', seq), 'visible' FROM seq_1_to_%d"
                   % (author, author, count - chain))
    db.sql(";\n".join(sql))


def ids_in(html):
    return [int(m) for m in re.findall(rb'<li id="comment-(\d+)"', html)]


@pytest.fixture(scope="module")
def long_thread(server, mariadb):
    alice = Client(server, "alice")
    page = fresh_page(server)
    top = alice.create(page, "the start of a long thread")["id"]
    add_replies(mariadb, top, REPLIES, chain=10)
    every = [int(r[0]) for r in mariadb.sql(
        "SELECT id FROM social_comments WHERE root_id = %d ORDER BY id" % top)]
    assert len(every) == REPLIES + 1
    return page, top, every


def test_long_thread_page_view_is_bounded(server, long_thread):
    page, top, every = long_thread
    dave = Client(server, "dave")
    for client in (dave, Client(server, "carol"), dave):   # rendered, moderator, cached
        body = client.page(page).body
        assert len(body) < 80 * 1024, len(body)
        shown = ids_in(body)
        assert shown[0] == top and len(shown) == 1 + SHOWN
        assert shown[1:] == every[-SHOWN:]     # the newest replies
        div = social_div(body)
        link = div.find("a", cls="social-more-link")
        assert link is not None and "Show %d earlier replies" % (REPLIES - SHOWN) in link.text()


def test_show_more_without_javascript_reaches_every_reply(server, long_thread):
    page, top, every = long_thread
    dave = Client(server, "dave")
    seen = set(ids_in(dave.page(page).body))
    href = social_div(dave.page(page).body).find("a", cls="social-more-link").get("href")
    pages = 0
    while href:
        pages += 1
        assert pages <= 10
        resp = dave.get(href.replace("&amp;", "&").split("#")[0])
        assert resp.status == 200, resp
        assert len(resp.body) < 300 * 1024, len(resp.body)
        got = ids_in(resp.body)
        assert got[0] == top and len(got) <= 101
        seen.update(got)
        link = parse_html(resp.body).find("a", cls="social-more-link")
        href = link.get("href") if link is not None else None
    assert seen == set(every)


def test_listing_is_bounded_and_says_how_to_fetch_the_rest(server, long_thread):
    page, top, every = long_thread
    bob = Client(server, "bob")
    resp = bob.api("GET", "comments?page=" + quote(page))
    assert resp.status == 200 and len(resp.body) < 100 * 1024, len(resp.body)
    doc = resp.json()
    assert doc["count"] == REPLIES + 1
    assert [c["id"] for c in doc["comments"]] == [top] + every[-SHOWN:]
    head = doc["comments"][0]
    assert head["replies_omitted"] == REPLIES - SHOWN
    seen = {c["id"] for c in doc["comments"]}
    before, rounds = head["replies_before"], 0
    while before is not None:
        rounds += 1
        assert rounds <= 10
        part = bob.api("GET", "comments?page=%s&thread=%d&before=%d"
                       % (quote(page), top, before))
        assert part.status == 200, (part, part.body[:300])
        part = part.json()
        assert part["thread"] == top and part["comments"][0]["id"] == top
        assert len(part["comments"]) <= 101
        assert all(c["id"] < before for c in part["comments"][1:])
        seen.update(c["id"] for c in part["comments"])
        before = part["next_before"]
        assert part["replies_omitted"] == 0 or before is not None
    assert seen == set(every)
    # the whole thread from its newest reply on, and refusals
    first = bob.api("GET", "comments?page=%s&thread=%d" % (quote(page), top)).json()
    assert [c["id"] for c in first["comments"]][1:] == every[-100:]
    assert_json_error(bob.api("GET", "comments?page=%s&thread=%d" % (quote(page), every[5])),
                      404, "not_found")
    assert_json_error(bob.api("GET", "comments?page=%s&thread=x" % quote(page)), 400)
    other = fresh_page(server)
    assert_json_error(bob.api("GET", "comments?page=%s&thread=%d" % (quote(other), top)),
                      404, "not_found")


def test_many_long_threads_stay_under_the_view_bound(server, mariadb):
    alice = Client(server, "alice")
    page = fresh_page(server)
    tops = [alice.create(page, "thread %d" % k)["id"] for k in range(25)]
    for top in tops:
        add_replies(mariadb, top, 30)
    dave = Client(server, "dave")
    body = dave.page(page).body
    shown = ids_in(body)
    assert len(shown) <= VIEW_MAX, len(shown)
    assert len(body) < 600 * 1024, len(body)
    div = social_div(body)
    earlier = div.find("a", cls="social-earlier-link")
    assert earlier is not None
    listing = dave.api("GET", "comments?page=" + quote(page)).json()
    assert len(listing["comments"]) <= VIEW_MAX and listing["next_before"] is not None
    # the newest threads are shown; "earlier" reaches every other one
    roots_seen = {c for c in shown if c in tops}
    assert max(tops) in roots_seen
    href, rounds = earlier.get("href"), 0
    while href:
        rounds += 1
        assert rounds <= 10
        resp = dave.get(href.replace("&amp;", "&"))
        assert resp.status == 200, resp
        got = ids_in(resp.body)
        assert len(got) <= VIEW_MAX
        roots_seen.update(c for c in got if c in tops)
        link = parse_html(resp.body).find("a", cls="social-earlier-link")
        href = link.get("href") if link is not None else None
    assert roots_seen == set(tops)


def test_default_write_limit_applies_and_off_turns_it_off(httpd_factory, htpasswd):
    conf = config.comments_site(htpasswd)
    limited = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                            conf=conf, rate_limit=None)
    page = fresh_page(limited)
    alice = Client(limited, "alice")
    statuses = [alice.api("POST", "comments", {"page": page, "body": "w%d" % k}).status
                for k in range(31)]
    assert statuses[:30] == [201] * 30 and statuses[30] == 429, statuses
    # another person has a limit of their own
    assert Client(limited, "bob").api("POST", "comments",
                                      {"page": page, "body": "bob"}).status == 201
    off = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                        conf=conf + "\nSocialRateLimit off\n", rate_limit=None)
    page = fresh_page(off)
    alice = Client(off, "alice")
    assert all(alice.api("POST", "comments", {"page": page, "body": "w%d" % k}).status == 201
               for k in range(40))
