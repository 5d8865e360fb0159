"""A locked discussion refuses every change by people who do not moderate,
through the API (423 `locked`, as a new comment on a locked page) and the
HTML forms (a 423 page): comments, replies, edits, likes and unlikes of the
page and its comments, votes in its polls. Deleting one's own comment and
sharing the page still work; moderators still act. The page says so before
anyone types: a "This discussion is locked" note, no comment, reply or edit
form, like buttons disabled, no voting form.

A lock being taken while a comment is posted: the post waits for the
lock's transaction and is then refused. Posts on one page do not wait
for each other: a post reads the page's row with a shared lock only.
"""

import select
import subprocess
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

import harness

from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import PAGE_TEMPLATE
from social_test.html import Discussion, parse_html, social_div
from test_admin import HTTPD_CONF, LUNCH, admin_ok, fresh_page
from test_likes_shares import comment_like, like, share
from test_polls import created_poll, index_of, poll_page, vote

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


def token_of(client, page):
    node = social_div(client.page(page).body).find("input", name="token")
    assert node is not None
    return node.get("value")


def post_form(client, rel, fields):
    return client.request("POST", "/_social" + rel, body=urlencode(fields).encode(),
                          headers=FORM)


@pytest.fixture
def locked(server, alice, bob, carol):
    """A locked page with a poll, alice's comment (liked by bob), bob's
    reply, bob's like of the page and bob's vote; the form tokens."""
    page = poll_page(server, LUNCH)
    poll = created_poll(alice, page)
    top = alice.create(page, "alice before the lock")
    reply = bob.create(page, "bob before the lock", parent=top["id"])
    assert comment_like(bob, top["id"]).status == 200
    assert like(bob, page).status == 200
    assert vote(bob, poll["id"], [index_of(poll, "Pizza")]).status == 200
    tokens = {c.user: token_of(c, page) for c in (alice, bob, carol)}
    admin_ok(carol, "/lock", {"page": page, "action": "lock"})
    return {"page": page, "poll": poll, "top": top["id"], "reply": reply["id"],
            "tokens": tokens}


def test_api_refuses_every_change_of_a_locked_discussion(server, alice, bob, locked):
    page, top, reply = locked["page"], locked["top"], locked["reply"]
    poll = locked["poll"]
    refused = [
        alice.api("POST", "comments", {"page": page, "body": "new"}),
        bob.api("POST", "comments", {"page": page, "body": "reply", "parent": top}),
        alice.patch(top, {"body": "edited after the lock"}),
        bob.patch(reply, {"body": "edited after the lock"}),
        comment_like(alice, reply),                 # like a comment
        comment_like(bob, top, "DELETE"),           # unlike a comment
        like(alice, page),                          # like the page
        like(bob, page, "DELETE"),                  # unlike the page
        vote(alice, poll["id"], [index_of(poll, "Sushi")]),   # a first vote
        vote(bob, poll["id"], [index_of(poll, "Salad")]),     # a changed vote
    ]
    for resp in refused:
        doc = assert_json_error(resp, 423, "locked")
        assert "locked" in doc["error"]["message"]
    # nothing changed
    listing = alice.listing(page)
    assert [c["body"] for c in listing["comments"]] == ["alice before the lock",
                                                       "bob before the lock"]
    by = {c["id"]: c for c in listing["comments"]}
    assert by[top]["likes"] == 1 and by[reply]["likes"] == 0
    assert all(c["edited"] is None for c in listing["comments"])
    assert alice.api("GET", "likes?page=" + page).json()["count"] == 1
    again = alice.api("GET", "polls/%d" % poll["id"]).json()
    assert again["ballots"] == 1 and again["can_vote"] is False
    assert {o["label"]: o["votes"] for o in again["options"]}["Pizza"] == 1


def test_forms_refuse_every_change_of_a_locked_discussion(server, alice, bob, locked):
    page, top, reply, poll = locked["page"], locked["top"], locked["reply"], locked["poll"]
    ta, tb = locked["tokens"]["alice"], locked["tokens"]["bob"]
    refused = [
        post_form(alice, "/comments", {"page": page, "body": "new", "token": ta}),
        post_form(bob, "/comments", {"page": page, "body": "r", "parent": top, "token": tb}),
        post_form(alice, "/comments/%d" % top, {"action": "edit", "body": "x", "token": ta}),
        post_form(alice, "/comments/%d" % reply, {"action": "like", "token": ta}),
        post_form(bob, "/comments/%d" % top, {"action": "unlike", "token": tb}),
        post_form(alice, "/like", {"page": page, "action": "like", "token": ta}),
        post_form(bob, "/like", {"page": page, "action": "unlike", "token": tb}),
        post_form(alice, "/polls/%d" % poll["id"],
                  [("action", "vote"), ("choice", index_of(poll, "Sushi")), ("token", ta)]),
    ]
    for resp in refused:
        assert_html_error(resp, 423)
        assert b"locked" in resp.body
    listing = alice.listing(page)
    assert len(listing["comments"]) == 2
    assert {c["id"]: c["likes"] for c in listing["comments"]} == {top: 1, reply: 0}
    assert alice.api("GET", "likes?page=" + page).json()["count"] == 1
    assert alice.api("GET", "polls/%d" % poll["id"]).json()["ballots"] == 1


def test_own_deletes_and_shares_still_work_when_locked(server, alice, bob, locked):
    page, reply = locked["page"], locked["reply"]
    # someone else's comment: still refused
    assert_json_error(alice.delete(reply), 403)
    assert bob.delete(reply).status == 204
    resp = share(alice, {"page": page, "note": "worth a read"})
    assert resp.status == 201, (resp, resp.body[:300])
    # the form's delete of one's own comment (asked, then confirmed)
    resp = post_form(alice, "/comments/%d" % locked["top"],
                     {"action": "delete", "token": locked["tokens"]["alice"]})
    assert resp.status == 200 and b"Delete this comment?" in resp.body, resp.body[:300]
    resp = post_form(alice, "/comments/%d" % locked["top"],
                     {"action": "delete", "token": locked["tokens"]["alice"], "confirmed": "1"})
    assert resp.status == 303, (resp, resp.body[:300])
    assert [c["status"] for c in alice.listing(page)["comments"]] in ([], ["deleted"])


def test_moderators_still_act_on_a_locked_discussion(server, alice, carol, locked):
    page, top, poll = locked["page"], locked["top"], locked["poll"]
    resp = carol.patch(top, {"body": "edited by a moderator"})
    assert resp.status == 200, (resp, resp.body[:300])
    assert comment_like(carol, top).status == 200
    assert like(carol, page).status == 200
    assert vote(carol, poll["id"], [index_of(poll, "Salad")]).status == 200
    assert carol.patch(top, {"status": "hidden"}).status == 200


def test_locked_discussion_says_so_before_anyone_types(server, alice, bob, carol, locked):
    page = locked["page"]
    body = bob.page(page).body
    div = social_div(body)
    assert "This discussion is locked" in div.text()
    disc = Discussion(div)
    assert disc.new_form() is None
    assert div.find("a", cls="social-reply-link") is None
    assert div.find("template", id="social-reply-template") is None
    assert div.find("details", cls="social-edit") is None   # bob's own reply: no edit
    like_buttons = div.find_all("button", cls="social-like-button")
    assert like_buttons and all(b.get("disabled") is not None for b in like_buttons)
    # bob may still delete his own reply
    assert disc.action_form(locked["reply"], "delete") is not None
    # the poll: a note, no voting form
    root = parse_html(body)
    poll = root.find("section", cls="social-poll")
    assert poll is not None and "This discussion is locked" in poll.text()
    assert not [f for f in poll.find_all("form")
                if any(i.get("value") == "vote" for i in f.find_all("input"))]
    # a moderator sees the note and keeps the buttons
    cdiv = social_div(carol.page(page).body)
    assert "This discussion is locked" in cdiv.text()
    assert all(b.get("disabled") is None
               for b in cdiv.find_all("button", cls="social-like-button"))
    # unlocked again: everything comes back
    admin_ok(carol, "/lock", {"page": page, "action": "unlock"})
    div = social_div(bob.page(page).body)
    assert "This discussion is locked" not in div.text()
    assert all(b.get("disabled") is None for b in div.find_all("button", cls="social-like-button"))
    assert like(alice, page).status == 200


def test_an_empty_locked_discussion_does_not_invite_comments(server, bob, carol):
    page = fresh_page(server)
    div = social_div(bob.page(page).body)
    assert "Be the first to say something." in div.text()
    admin_ok(carol, "/lock", {"page": page, "action": "lock"})
    text = social_div(bob.page(page).body).text()
    assert "No comments yet." in text and "This discussion is locked" in text
    assert "Be the first" not in text
    # a moderator may still comment: the invitation stays for her
    assert "Be the first to say something." in social_div(carol.page(page).body).text()


class HeldTransaction:
    """Another session's transaction, open until commit(): the given
    statements have run when the constructor returns."""

    def __init__(self, mariadb, statements):
        self.proc = subprocess.Popen(
            [harness.MARIADB, "--no-defaults", "--protocol=socket",
             "--socket=%s" % mariadb.socket, "--user=root", "--batch",
             "--skip-column-names", "--unbuffered", harness.DB_NAME],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.send("START TRANSACTION; %s SELECT 'held';" % statements)
        out = b""
        while not out.endswith(b"held\n"):   # after the rows the statements printed
            ready, _, _ = select.select([self.proc.stdout], [], [], 30)
            assert ready, "the held transaction did not start: %r" % out
            chunk = self.proc.stdout.read(4096)
            assert chunk, "the mariadb client ended: %r" % out
            out += chunk

    def send(self, statements):
        self.proc.stdin.write(statements.encode() + b"\n")
        self.proc.stdin.flush()

    def commit(self):
        self.send("COMMIT;")
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


def lock_waits(mariadb):
    return int(mariadb.sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX "
                           "WHERE trx_state = 'LOCK WAIT'")[0][0])


def test_a_post_waits_for_a_lock_being_taken_and_is_refused(server, mariadb, alice):
    page = fresh_page(server)
    assert alice.create(page, "before the lock")["body"] == "before the lock"
    held = HeldTransaction(mariadb, "UPDATE social_pages SET locked = 1 WHERE path = '%s';"
                           % page)
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            post = pool.submit(alice.api, "POST", "comments",
                               {"page": page, "body": "during the lock"})
            # the post is seen waiting for the lock's row, or it answered
            # without waiting (wrong: it read the page as unlocked)
            harness.wait_until(lambda: post.done() or lock_waits(mariadb) > 0, 30)
            assert not post.done(), "the post did not wait for the lock's transaction"
        finally:
            held.commit()
        assert_json_error(post.result(timeout=30), 423, "locked")
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["before the lock"]


def test_posts_on_one_page_do_not_wait_for_each_other(server, mariadb, alice, bob):
    page = fresh_page(server)
    assert alice.create(page, "first")["body"] == "first"
    # what a post holds on the page's row until its commit
    held = HeldTransaction(mariadb, "SELECT id FROM social_pages WHERE path = '%s' "
                           "LOCK IN SHARE MODE;" % page)
    try:
        resp = bob.api("POST", "comments", {"page": page, "body": "beside a post"})
        assert resp.status == 201, resp.body
    finally:
        held.commit()
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["first", "beside a post"]
