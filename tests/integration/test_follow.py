"""Following a page or a thread: a follower hears of new comments there in
one notification per page (or thread) while it is unread, counting the new
comments and pointing at the first of them; unfollowing from the
notification, the page (a plain form) or the API. Following asks the same
access question as the page.
"""

import uuid
from urllib.parse import quote, urlencode

import pytest

from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import PAGE_TEMPLATE, Client, fresh_page
from social_test.html import parse_html

RUN = uuid.uuid4().hex[:6]
ANN, BEN, CY = ("%s%s" % (n, RUN) for n in ("ann", "ben", "cy"))
HTPASSWD_USERS = [ANN, BEN, CY]

HTTPD_CONF = (config.login(moderator_user=None) + config.optional_login()
              + config.block("/secret", "Require user " + ANN))

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ERROR_LOG_ALLOW = [r"AH01631: user \w+: authorization failure for"]


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def ann(server):
    return Client(server, ANN)


@pytest.fixture(scope="module")
def ben(server):
    return Client(server, BEN)


@pytest.fixture(scope="module")
def cy(server):
    return Client(server, CY)


def follow(client, page, thread=None, method="PUT"):
    rel = "follow?page=" + quote(page, safe="/") + ("&thread=%d" % thread if thread else "")
    return client.api(method, rel)


def followed(client, page, kind="follow"):
    resp = client.api("GET", "notifications")
    assert resp.status == 200, (resp, resp.body[:300])
    return [n for n in resp.json()["items"] if n["page"] == page and n["kind"] == kind]


def test_one_notification_per_page_counting_new_comments(server, ann, ben, cy):
    page = fresh_page(server)
    resp = follow(ben, page)
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.json() == {"page": page, "following": True, "threads": []}
    assert follow(ben, page, method="GET").json()["following"] is True
    assert followed(ben, page) == []

    first = ann.create(page, "first news")["id"]
    [n] = followed(ben, page)
    assert n["comments"] == 1 and n["comment"] == first and n["read"] is False
    named = n["page_title"] or page          # the page's own title once known
    assert n["title"] == "%s commented on %s, which you follow" % (ANN, named)
    assert n["url"] == "%s#comment-%d" % (page, first)
    assert n["text"] == "first news"
    cy.create(page, "second news")
    ben.create(page, "ben's own words count for nothing")
    [n] = followed(ben, page)                     # still one
    assert n["comments"] == 2 and n["actor"]["user"] == CY
    assert n["title"] == "2 new comments on %s, which you follow" % named
    assert n["url"] == "%s#comment-%d" % (page, first)   # the first not seen
    assert n["text"] == "second news"                    # the latest
    # the commenters themselves are not told of their own comments
    assert followed(ann, page) == []

    # read: the next comment starts a new count, from itself
    assert ben.api("POST", "notifications/%d/read" % n["id"], {}).status == 200
    third = ann.create(page, "third news")["id"]
    [n] = followed(ben, page)
    assert n["read"] is False and n["comments"] == 1
    assert n["url"] == "%s#comment-%d" % (page, third)
    # unfollowed: nothing more
    resp = follow(ben, page, method="DELETE")
    assert resp.status == 200 and resp.json()["following"] is False
    assert ben.api("POST", "notifications/%d/read" % n["id"], {}).status == 200
    ann.create(page, "nobody follows this any more")
    assert [x["read"] for x in followed(ben, page)] == [True]


def test_following_a_thread(server, ann, ben, cy):
    page = fresh_page(server)
    top = ann.create(page, "a question")["id"]
    other = ann.create(page, "another thread")["id"]
    reply = cy.create(page, "an answer", parent=top)["id"]
    resp = follow(ben, page, thread=top)
    assert resp.status == 200 and resp.json() == {"page": page, "following": False,
                                                  "threads": [top]}
    # only top-level comments of this page are threads
    assert_json_error(follow(ben, page, thread=reply), 404, "not_found")
    assert_json_error(follow(ben, fresh_page(server), thread=top), 404, "not_found")
    assert_json_error(ben.api("PUT", "follow?page=%s&thread=x1" % quote(page)), 400,
                      "invalid_thread")
    cy.create(page, "elsewhere on the page", parent=other)
    assert followed(ben, page, "thread") == []
    r1 = cy.create(page, "more on it", parent=reply)["id"]
    ann.create(page, "and more", parent=top)
    [n] = followed(ben, page, "thread")
    assert n["comments"] == 2 and n["thread"] == top and n["comment"] == r1
    assert n["title"] == "2 new replies in a thread you follow on %s" % (
        n["page_title"] or page)
    # a new comment gone again is not counted; all gone, not listed
    assert cy.delete(r1).status == 204
    assert followed(ben, page, "thread")[0]["comments"] == 1


def test_unfollow_from_the_notification(server, ann, ben):
    page = fresh_page(server)
    assert follow(ben, page).status == 200
    ann.create(page, "news")
    html = parse_html(ben.get("/_social/notifications").body)
    form = html.find("form", cls="social-unfollow")
    assert form is not None, "no unfollow button on the notification"
    fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert fields["page"] == page and fields["action"] == "unfollow"
    assert form.find("button").text() == "Unfollow this page"
    resp = ben.request("POST", form.get("action"), body=urlencode(fields).encode(), headers=FORM)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == "/_social/notifications?done=unfollow"
    said = parse_html(ben.get(resp.header("Location")).body).find("p", cls="social-live")
    assert said.text() == "Unfollowed: no more notifications of it"
    assert follow(ben, page, method="GET").json()["following"] is False


def test_the_page_shows_follow_and_a_plain_form_follows(server, ann, ben, cy):
    page = fresh_page(server)
    top = ann.create(page, "thread one")["id"]
    # cy has not followed anything: the cached discussion, "Follow"
    for _ in range(2):
        button = cy.discussion(page).root.find("form", cls="social-follow").find("button")
        assert button.text() == "Follow" and button.get("aria-pressed") == "false"
    form = ben.discussion(page).root.find("form", cls="social-follow")
    fields = {i.get("name"): i.get("value") for i in form.find_all("input")}
    assert fields["action"] == "follow"
    resp = ben.request("POST", "/_social/follow", body=urlencode(fields).encode(), headers=FORM)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == page + "?social=following#social"
    assert follow(ben, page, method="GET").json()["following"] is True
    root = ben.discussion(page).root
    button = root.find("form", cls="social-follow").find("button")
    assert button.text() == "Following" and button.get("aria-pressed") == "true"
    # a thread's button belongs to the discussion's shared form, and its
    # formaction names the thread
    button = root.find("button", cls="social-follow-thread")
    assert button.text() == "Follow thread" and button.get("aria-pressed") == "false"
    assert button.get("form") == "social-acts"
    assert button.get("formaction") == "/_social/follow/%d" % top
    assert (button.get("name"), button.get("value")) == ("action", "follow")
    shared = root.find("form", id="social-acts")
    fields = {i.get("name"): i.get("value") for i in shared.find_all("input")}
    fields["action"] = "follow"
    assert "thread" not in fields
    assert ben.request("POST", button.get("formaction"), body=urlencode(fields).encode(),
                       headers=FORM).status == 303
    root = ben.discussion(page).root
    button = root.find("button", cls="social-follow-thread")
    assert button.text() == "Following thread" and button.get("aria-pressed") == "true"
    assert button.get("value") == "unfollow"
    assert follow(ben, page, method="GET").json()["threads"] == [top]
    # others still see it unfollowed
    assert cy.discussion(page).root.find("form", cls="social-follow").find("button") \
        .text() == "Follow"
    # a forged token is refused with a page
    fields["token"] = "forged"
    assert_html_error(ben.request("POST", "/_social/follow", body=urlencode(fields).encode(),
                                  headers=FORM), 403)


def test_following_asks_the_page_access_question(server, ann, ben):
    secret = fresh_page(server, area="secret")
    assert follow(ann, secret).status == 200
    # (Basic: httpd's Require answers 401 to a person who may not read it)
    resp = follow(ben, secret)
    assert resp.status in (401, 403), (resp, resp.body[:300])
    assert follow(ben, secret, method="GET").status in (401, 403)
    # nobody logged in
    assert Client(server, None).api("PUT", "follow?page=" + quote(fresh_page(server))) \
        .status == 401
    ann.create(secret, "only ann reads this")
    assert followed(ben, secret) == []


def test_a_thread_button_names_its_thread_in_its_address(server, ann, ben):
    """POST /follow/ID follows thread ID with the discussion's shared form's
    fields; an address that names no comment, or a comment of another
    page, follows nothing."""
    page, other = fresh_page(server), fresh_page(server)
    top = ann.create(page, "a thread")["id"]
    elsewhere = ann.create(other, "a thread elsewhere")["id"]
    shared = ben.discussion(page).root.find("form", id="social-acts")
    fields = {i.get("name"): i.get("value") for i in shared.find_all("input")}
    assert set(fields) == {"token", "page"}
    fields["action"] = "follow"
    for rel in ("/_social/follow/0", "/_social/follow/x1", "/_social/follow/"):
        assert_html_error(ben.request("POST", rel, body=urlencode(fields).encode(),
                                      headers=FORM), 404)
    resp = ben.request("POST", "/_social/follow/%d" % elsewhere,
                       body=urlencode(fields).encode(), headers=FORM)
    assert resp.status >= 400, (resp, resp.body[:300])
    assert follow(ben, page, method="GET").json()["threads"] == []
    assert follow(ben, other, method="GET").json()["threads"] == []
    resp = ben.request("POST", "/_social/follow/%d" % top, body=urlencode(fields).encode(),
                       headers=FORM)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == page + "?social=following-thread#social"
    assert follow(ben, page, method="GET").json()["threads"] == [top]
