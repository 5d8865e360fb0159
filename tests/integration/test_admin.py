"""The moderation console ({base}/admin), driven through a real httpd and
a real MariaDB with HTTP Basic users: carol is the moderator (SocialModerator),
alice, bob and dave are not.

Covers who may use the console (nobody but moderators, on every URL and
form), the queue with its filters and paging, bulk moderation and its
audit entries, locked discussions, polls closed from the console, read-only
bans with a reason and an expiry, pre-moderation (SocialModeration Pre),
the engagement dashboard, CSV/JSON exports (parsed with Python's csv and
json; spreadsheet formulas neutralised) and escaping in the console.

Every test works on pages of its own, so tests never see each other's
comments; figures that are site-wide are compared before and after.
"""

import csv
import io
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest

from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import Discussion, parse_html, social_div
from test_likes_shares import like, share
from test_ideas import new_board, submit_ok, vote as idea_vote
from test_polls import created_poll, index_of, patch as poll_patch, poll_page, vote
from test_surveys import (Q_TEAM, created as created_survey, respond_ok, survey_marker,
                          survey_page)

LUNCH = '<!--social:poll name="lunch" question="Lunch on Friday?" options="Pizza|Sushi|Salad"-->'

HTTPD_CONF = r"""
SetEnvIf Authorization "^Basic YWxpY2U6YWxpY2U=$" "AUTHENTICATE_DISPLAYNAME=Alice <b>Liddell</b>"
""" + (config.login(display_name=True) + config.optional_login()
       + config.block("/premod", "SocialModeration Pre"))

ADMIN = "/_social/admin"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


def fresh_page(server, area=""):
    token = uuid.uuid4().hex[:12]
    path = "/%s/p-%s.html" % (area, token) if area else "/p-%s.html" % token
    server.write_file(path, PAGE_TEMPLATE.format(title="Page " + token))
    return path


def q(s):
    return quote(s, safe="/")


def today():
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


# ---------------------------------------------------------------- console helpers

def console(client, query=""):
    resp = client.get(ADMIN + query)
    assert resp.status == 200, (resp, resp.body[:500])
    assert resp.content_type.startswith("text/html")
    return resp


def console_token(client):
    root = parse_html(console(client).body)
    node = root.find("input", name="token")
    assert node is not None
    return node.get("value")


def admin_post(client, rel, fields, token=None, headers=None):
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    if token is None:
        token = console_token(client)
    if token is not False:
        fields.append(("token", token))
    hdrs = dict(FORM)
    hdrs.update(headers or {})
    return client.request("POST", ADMIN + rel, body=urlencode(fields).encode(), headers=hdrs)


def admin_ok(client, rel, fields):
    resp = admin_post(client, rel, fields)
    assert resp.status == 303, (resp, resp.body[:500])
    assert resp.header("Location").startswith(ADMIN + "?done="), resp.header("Location")
    return resp


def queue_ids(client, query=""):
    root = parse_html(console(client, query).body)
    table = root.find("table", cls="admin-queue")
    if table is None:
        return []
    return [int(i.get("value")) for i in table.find_all("input", name="id")]


def audit_rows(client):
    """The audit log in the console: [(actor, action, target, reason)]."""
    root = parse_html(console(client).body)
    table = root.find("table", cls="admin-audit")
    rows = []
    if table is None:
        return rows
    for tr in table.find("tbody").find_all("tr"):
        cells = [td.text().strip() for td in tr.find_all("td")]
        rows.append((cells[1], cells[2], cells[3], cells[4]))
    return rows


def audited(client, action, target, reason=None):
    """Audit rows of this action whose target mentions target."""
    return [r for r in audit_rows(client) if r[1] == action and target in r[2]
            and (reason is None or r[3] == reason)]


def status_of(client, page, cid):
    """The comment's status as client's listing shows it, or None."""
    for c in client.listing(page)["comments"]:
        if c["id"] == cid:
            return c["status"]
    return None


def make_comments(client, page, n, prefix="comment"):
    return [client.create(page, "%s %d" % (prefix, k))["id"] for k in range(n)]


# ---------------------------------------------------------------- who may

CONSOLE_GETS = [
    "", "/", "/dashboard", "/dashboard?from=2026-01-01&to=2026-01-31",
    "/export?what=comments&format=csv", "/export?what=audit&format=json",
    "/export?what=likes&format=csv", "/export?what=polls&format=json",
    "/export?what=shares&format=csv", "/nonexistent",
]
CONSOLE_POSTS = ["/comments", "/lock", "/polls", "/bans"]


@pytest.mark.parametrize("who", ["alice", "anon"])
def test_every_console_url_refuses_non_moderators(server, alice, anon, carol, who):
    client = {"alice": alice, "anon": anon}[who]
    page = fresh_page(server)
    cid = alice.create(page, "keep me")["id"]
    for rel in CONSOLE_GETS:
        resp = client.get(ADMIN + rel)
        assert_html_error(resp, 403)
        assert b"keep me" not in resp.body
        assert b'name="token"' not in resp.body
        assert b"for moderators only" in resp.body
    # A token the moderator was given does not help someone else.
    token = console_token(carol)
    forms = {
        "/comments": {"id": str(cid), "action": "delete"},
        "/lock": {"page": page, "action": "lock"},
        "/polls": {"poll": "1", "action": "close"},
        "/bans": {"user": "bob", "action": "ban", "reason": "r"},
    }
    for rel in CONSOLE_POSTS:
        resp = admin_post(client, rel, forms[rel], token=token)
        assert_html_error(resp, 403)
    assert status_of(alice, page, cid) == "visible"
    assert alice.listing(page)["locked"] is False
    # no ban was made (the queue may show bob's comments from other suites
    # sharing the database)
    bans = parse_html(console(carol).body).find("section", id="bans")
    assert bans is not None and "bob" not in bans.text()


def test_moderator_gets_the_console(carol):
    resp = console(carol)
    root = parse_html(resp.body)
    for section in ("queue", "locks", "polls", "bans", "audit"):
        assert root.find("section", id=section) is not None, section
    assert resp.header("Cache-Control").startswith("private")
    assert "frame-ancestors 'none'" in resp.header("Content-Security-Policy")


# ---------------------------------------------------------------- queue

def test_queue_filters_by_page_person_and_status(server, alice, bob, carol):
    page, other = fresh_page(server), fresh_page(server)
    a = alice.create(page, "from alice")["id"]
    b = bob.create(page, "from bob")["id"]
    o = bob.create(other, "elsewhere")["id"]
    assert queue_ids(carol, "?page=" + q(page)) == [b, a]
    assert queue_ids(carol, "?page=" + q(page) + "&person=alice") == [a]
    ids = queue_ids(carol, "?person=bob")
    assert b in ids and o in ids and a not in ids
    admin_ok(carol, "/comments", [("id", str(b)), ("action", "hide")])
    assert queue_ids(carol, "?page=" + q(page) + "&status=hidden") == [b]
    assert queue_ids(carol, "?page=" + q(page) + "&status=visible") == [a]
    assert_html_error(carol.get(ADMIN + "?status=bogus"), 400)
    assert_html_error(carol.get(ADMIN + "?before=x"), 400)


def test_queue_is_paged_and_bounded(server, alice, carol):
    page = fresh_page(server)
    ids = make_comments(alice, page, 55)
    resp = console(carol, "?page=" + q(page))
    root = parse_html(resp.body)
    first = [int(i.get("value")) for i in root.find("table", cls="admin-queue")
             .find_all("input", name="id")]
    assert first == sorted(ids, reverse=True)[:50]
    more = root.find("a", rel="next")
    assert more is not None
    href = more.get("href")
    assert href.startswith(ADMIN + "?before=%d" % first[-1])
    second = queue_ids(carol, href[len(ADMIN):])
    assert second == sorted(ids, reverse=True)[50:]
    assert parse_html(console(carol, href[len(ADMIN):]).body).find("a", rel="next") is None


# ---------------------------------------------------------------- bulk actions and audit

def test_moderators_read_what_they_deleted_authors_deletions_are_gone(server, mariadb,
                                                                      alice, carol):
    page = fresh_page(server)
    removed = alice.create(page, "Call me at <b>555</b>, everyone")["id"]
    own = alice.create(page, "a typo I regret")["id"]
    admin_ok(carol, "/comments", [("id", str(removed)), ("action", "delete"),
                                  ("reason", "phone number")])
    assert alice.delete(own).status in (200, 204)
    # the page shows neither text
    assert "555" not in social_div(alice.page(page).body).text()
    root = parse_html(console(carol, "?status=deleted&page=" + quote(page)).body)
    row = root.find("tr", id="queue-%d" % removed)
    details = row.find("details", cls="admin-removed")
    assert details is not None and "Call me at <b>555</b>, everyone" in details.text()
    gone = root.find("tr", id="queue-%d" % own)
    assert "the text is gone" in gone.text() and "typo" not in gone.text()
    assert mariadb.sql("SELECT COALESCE(removed_body, '-'), body FROM social_comments "
                       "WHERE id = %d" % own) == [["-", ""]]


# ---------------------------------------------------------------- reports from readers

def report(client, cid, reason):
    return client.api("POST", "comments/%d/report" % cid,
                      {} if reason is None else {"reason": reason})


def test_readers_report_comments_and_moderators_see_the_reports(server, alice, bob, dave,
                                                                 carol):
    page = fresh_page(server)
    rude, fine = make_comments(alice, page, 2, prefix="report me")
    resp = report(bob, rude, "Insults a colleague")
    assert resp.status == 200 and resp.json() == {"reported": True}, resp.body
    assert report(dave, rude, "first thought").status == 200
    assert report(dave, rude, "Rude <b>tone</b>").status == 200    # again: replaces
    root = parse_html(console(carol, "?reported=1&page=" + quote(page)).body)
    rows = root.find("table", cls="admin-queue").find_all("tr", cls="admin-status-visible")
    assert [r.get("id") for r in rows] == ["queue-%d" % rude]
    reports = rows[0].find("details", cls="admin-reports")
    assert reports is not None and "2 reports from readers" in reports.text()
    assert "Insults a colleague" in reports.text() and "Rude <b>tone</b>" in reports.text()
    assert "first thought" not in reports.text()
    assert "bob" not in reports.text() and "dave" not in reports.text()
    # the discussion shows nothing of it, to the author or anyone
    for client in (alice, bob):
        text = social_div(client.page(page).body).text()
        assert "Insults" not in text and "reports" not in text
    # unfiltered, the queue has both
    root = parse_html(console(carol, "?page=" + quote(page)).body)
    assert {"queue-%d" % rude, "queue-%d" % fine} <= {
        r.get("id") for r in root.find("table", cls="admin-queue").find_all("tr")}


def test_what_cannot_be_reported(server, alice, bob, carol):
    page = fresh_page(server)
    mine, hidden = make_comments(alice, page, 2, prefix="report rules")
    assert_json_error(report(alice, mine, "my own"), 422, "own_comment")
    doc = assert_json_error(report(bob, mine, ""), 422, "invalid_reason")
    assert doc["error"]["field"] == "reason"
    assert_json_error(report(bob, mine, None), 422, "invalid_reason")
    assert_json_error(report(bob, mine, "x" * 1001), 422, "invalid_reason")
    assert_json_error(report(bob, mine, "bell\x07"), 422, "invalid_reason")
    admin_ok(carol, "/comments", [("id", str(hidden)), ("action", "hide")])
    assert_json_error(report(bob, hidden, "gone"), 404, "not_found")
    assert_json_error(report(bob, 999999999, "nothing"), 404, "not_found")
    # a visitor who may not read the page learns nothing of the comment
    anon = Client(server, None)
    resp = anon.api("POST", "comments/%d/report" % mine, {"reason": "anonymous"})
    assert_json_error(resp, 404, "not_found")


def test_report_with_the_plain_form(server, alice, bob, carol):
    page = fresh_page(server)
    theirs = alice.create(page, "report by form")["id"]
    own = bob.create(page, "bob's own words")["id"]
    div = social_div(bob.page(page).body)
    links = {a.get("data-social-comment"): a.get("href")
             for a in div.find_all("a", cls="social-report-link")}
    assert str(own) not in links                           # not one's own
    assert links[str(theirs)] == "/_social/report?comment=%d" % theirs
    # the link leads to a page of its own with the form (the page's rules
    # apply: someone who may not read the page gets nothing)
    resp = bob.get(links[str(theirs)])
    assert resp.status == 200, (resp, resp.body[:300])
    root = parse_html(resp.body)
    assert "report by form" in root.find("blockquote").text()
    form = root.find("form", cls="social-report-form")
    assert form.get("action") == "/_social/comments/%d" % theirs
    fields = {i.get("name"): i.get("value", "") for i in form.find_all("input")}
    assert set(fields) == {"token", "action", "reason"} and fields["action"] == "report"
    assert Client(server, None).get(links[str(theirs)]).status in (401, 404)
    assert bob.get("/_social/report?comment=999999999").status == 404
    fields["reason"] = "Spam link"
    resp = bob.request("POST", "/_social/comments/%d" % theirs,
                       body=urlencode(fields).encode(), headers=FORM)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == "%s?social=reported#comment-%d" % (page, theirs)
    root = parse_html(console(carol, "?reported=1&page=" + quote(page)).body)
    assert "Spam link" in root.find("tr", id="queue-%d" % theirs).text()


def test_bulk_hide_unhide_delete_are_applied_and_audited(server, alice, bob, carol):
    page = fresh_page(server)
    ids = make_comments(alice, page, 3)
    admin_ok(carol, "/comments", [("id", str(ids[0])), ("id", str(ids[1])),
                                  ("action", "hide"), ("reason", "off topic")])
    assert [status_of(bob, page, i) for i in ids] == [None, None, "visible"]
    assert [status_of(alice, page, i) for i in ids] == ["hidden", "hidden", "visible"]
    for cid in ids[:2]:
        assert audited(carol, "hide", "comment #%d %s" % (cid, page), "off topic")
    assert not audited(carol, "hide", "comment #%d" % ids[2])
    row = audited(carol, "hide", "comment #%d" % ids[0])[0]
    assert row[0] == "carol"

    admin_ok(carol, "/comments", [("id", str(ids[0])), ("action", "unhide")])
    assert status_of(bob, page, ids[0]) == "visible"
    assert audited(carol, "unhide", "comment #%d" % ids[0], "")

    admin_ok(carol, "/comments", [("id", str(ids[1])), ("id", str(ids[2])),
                                  ("action", "delete"), ("reason", "spam")])
    assert status_of(alice, page, ids[2]) is None
    assert bob.listing(page)["count"] == 1
    assert audited(carol, "delete", "comment #%d" % ids[2], "spam")
    done = console(carol, "?done=delete&n=2").body
    assert b"2 comments deleted" in done


def test_bulk_is_all_or_nothing(server, alice, bob, carol):
    page = fresh_page(server)
    [cid] = make_comments(alice, page, 1)
    resp = admin_post(carol, "/comments", [("id", str(cid)), ("id", "999999999"),
                                           ("action", "hide")])
    assert_html_error(resp, 404)
    assert status_of(bob, page, cid) == "visible"
    assert not audited(carol, "hide", "comment #%d" % cid)


@pytest.mark.parametrize("fields", [
    [("action", "hide")],
    [("id", "abc"), ("action", "hide")],
    [("id", "1"), ("action", "explode")],
    [("id", "1")],
    [("id", "1"), ("action", "hide"), ("reason", "x" * 1001)],
    [("id", str(k + 1)) for k in range(201)] + [("action", "hide")],
])
def test_bulk_refuses_bad_forms(carol, fields):
    assert_html_error(admin_post(carol, "/comments", fields), 422)


def test_console_forms_need_the_token_and_our_origin(server, alice, bob, carol):
    page = fresh_page(server)
    [cid] = make_comments(alice, page, 1)
    fields = [("id", str(cid)), ("action", "hide")]
    assert_html_error(admin_post(carol, "/comments", fields, token=False), 403)
    assert_html_error(admin_post(carol, "/comments", fields, token="1.deadbeef"), 403)
    assert_html_error(admin_post(carol, "/comments", fields,
                                 headers={"Origin": "http://evil.example"}), 403)
    assert_html_error(admin_post(carol, "/comments", fields,
                                 headers={"Sec-Fetch-Site": "cross-site"}), 403)
    # Another user's token is not the moderator's.
    token = Discussion(social_div(alice.page(page).body)).token()
    assert_html_error(admin_post(carol, "/comments", fields, token=token), 403)
    assert status_of(bob, page, cid) == "visible"
    resp = carol.get(ADMIN + "/comments")
    assert_html_error(resp, 405)


def test_audit_log_is_paged(server, alice, carol):
    page = fresh_page(server)
    ids = make_comments(alice, page, 55)
    admin_ok(carol, "/comments", [("id", str(i)) for i in ids] + [("action", "hide"),
                                                                  ("reason", "sweep")])
    root = parse_html(console(carol).body)
    rows = root.find("table", cls="admin-audit").find("tbody").find_all("tr")
    assert len(rows) == 50
    newest = [int(re.search(r"#(\d+)", tr.text()).group(1)) for tr in rows]
    # One entry per comment, in the order written (ids ascending), newest first.
    assert newest == sorted(ids)[::-1][:50]
    [more] = [a.get("href") for a in root.find("section", id="audit").find_all("a")
              if "audit_before=" in a.get("href", "")]
    rest = parse_html(console(carol, more[len(ADMIN):].split("#")[0]).body)
    older = rest.find("table", cls="admin-audit").find("tbody").find_all("tr")
    older_ids = [int(re.search(r"#(\d+)", tr.text()).group(1)) for tr in older[:5]]
    assert older_ids == sorted(ids)[::-1][50:]


def test_page_moderation_writes_audit_entries(server, alice, carol):
    page = fresh_page(server)
    ids = make_comments(alice, page, 3)
    # The discussion's own hide form.
    disc = Discussion(social_div(carol.page(page).body))
    fields = disc.form_fields(disc.action_form(ids[0], "hide"))
    fields["reason"] = "rude"
    resp = carol.form("/%d" % ids[0], fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert audited(carol, "hide", "comment #%d %s" % (ids[0], page), "rude")
    # The API's hide and delete.
    resp = carol.patch(ids[1], {"status": "hidden"})
    assert resp.status == 200, resp.body
    assert audited(carol, "hide", "comment #%d" % ids[1])
    resp = carol.patch(ids[1], {"status": "visible"})
    assert resp.status == 200, resp.body
    assert audited(carol, "unhide", "comment #%d" % ids[1])
    assert carol.delete(ids[2]).status == 204
    assert audited(carol, "delete", "comment #%d" % ids[2])
    # An author deleting their own comment is not moderation.
    own = alice.create(page, "mine")["id"]
    assert alice.delete(own).status == 204
    assert not audited(carol, "delete", "comment #%d" % own)


# ---------------------------------------------------------------- locks

def test_the_lock_list_says_who_locked_and_why(server, carol):
    reasoned, bare = fresh_page(server), fresh_page(server)
    admin_ok(carol, "/lock", {"page": reasoned, "action": "lock", "reason": "first reason"})
    admin_ok(carol, "/lock", {"page": reasoned, "action": "unlock", "reason": "calm"})
    admin_ok(carol, "/lock", {"page": reasoned, "action": "lock", "reason": "Heated <thread>"})
    admin_ok(carol, "/lock", {"page": bare, "action": "lock"})
    items = {li.find("a").get("href"): li.text()
             for li in parse_html(console(carol).body).find("ul", cls="admin-locked")
             .find_all("li")}
    why = items[reasoned]
    assert "locked by carol on 20" in why and "UTC" in why, why
    assert "Heated <thread>" in why and "first reason" not in why, why
    assert "(no reason given)" in items[bare], items[bare]


def test_locked_discussion_takes_no_comments_or_replies(server, alice, bob, carol):
    page = fresh_page(server)
    parent = alice.create(page, "before the lock")["id"]
    admin_ok(carol, "/lock", {"page": page, "action": "lock", "reason": "heated"})
    assert audited(carol, "lock", page, "heated")
    assert alice.listing(page)["locked"] is True
    doc = assert_json_error(bob.api("POST", "comments", {"page": page, "body": "x"}), 423,
                            "locked")
    assert "locked" in doc["error"]["message"]
    assert_json_error(bob.api("POST", "comments", {"page": page, "body": "x",
                                                   "parent": parent}), 423, "locked")
    # The block says so and offers no forms to write.
    block = social_div(bob.page(page).body)
    assert "Discussion locked" in block.text()
    assert block.find("form", cls="social-new") is None
    assert block.find("a", cls="social-reply-link") is None
    # The HTML form: a page saying so (moderators are held to it too).
    resp = carol.form("", {"page": page, "body": "moderator too",
                           "token": _thread_token(carol, page)})
    assert_html_error(resp, 423)
    assert b"locked" in resp.body
    assert [c["body"] for c in bob.listing(page)["comments"]] == ["before the lock"]
    # The console lists it; unlocking opens it again.
    root = parse_html(console(carol).body)
    assert page in [a.get("href") for a in root.find("ul", cls="admin-locked").find_all("a")]
    admin_ok(carol, "/lock", {"page": page, "action": "unlock"})
    assert audited(carol, "unlock", page)
    assert bob.create(page, "after")["id"] > parent
    assert "Discussion locked" not in social_div(bob.page(page).body).text()


def _thread_token(client, page):
    """The form token of client's thread forms (any form of the block)."""
    block = social_div(client.page(page).body)
    node = block.find("input", name="token")
    assert node is not None
    return node.get("value")


def test_lock_refuses_unknown_pages_and_actions(server, carol):
    assert_html_error(admin_post(carol, "/lock", {"page": "/no-such-page.html",
                                                   "action": "lock"}), 404)
    assert_html_error(admin_post(carol, "/lock", {"page": fresh_page(server),
                                                   "action": "freeze"}), 422)


# ---------------------------------------------------------------- polls

def test_polls_closed_and_reopened_from_the_console_are_audited(server, alice, carol):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    pizza = index_of(poll, "Pizza")
    admin_ok(carol, "/polls", {"poll": str(poll["id"]), "action": "close", "reason": "done"})
    assert created_poll(alice, path)["closed"] is True
    assert_json_error(vote(alice, poll["id"], [pizza]), 409, "poll_closed")
    assert audited(carol, "close", "poll #%d %s#poll-lunch" % (poll["id"], path), "done")
    root = parse_html(console(carol).body)
    row = root.find("tr", id="poll-row-%d" % poll["id"])
    assert row is not None and "closed" in row.text()
    admin_ok(carol, "/polls", {"poll": str(poll["id"]), "action": "reopen"})
    assert vote(alice, poll["id"], [pizza]).status == 200
    assert audited(carol, "reopen", "poll #%d" % poll["id"])
    # Closing through the poll's own API is audited as well.
    assert poll_patch(carol, poll["id"], {"closed": True}).status == 200
    assert len(audited(carol, "close", "poll #%d" % poll["id"])) == 2
    assert_html_error(admin_post(carol, "/polls", {"poll": "999999999",
                                                    "action": "close"}), 404)


# ---------------------------------------------------------------- bans

def test_banned_person_reads_but_every_write_is_refused(server, alice, carol, dave):
    page = fresh_page(server)
    path = poll_page(server, LUNCH)
    poll = created_poll(dave, path)
    own = dave.create(page, "before the ban")["id"]
    other = alice.create(page, "alice's")["id"]
    admin_ok(carol, "/bans", {"user": "dave", "action": "ban", "reason": "Spam links",
                              "expires": "2099-01-01T12:30"})
    assert audited(carol, "ban", "person dave", "Spam links")
    attempts = [
        dave.api("POST", "comments", {"page": page, "body": "hello"}),
        dave.api("POST", "comments", {"page": page, "body": "re", "parent": other}),
        dave.patch(own, {"body": "edited"}),
        dave.delete(own),
        like(dave, page),
        dave.api("PUT", "comments/%d/like" % other),
        share(dave, {"page": page, "note": "look"}),
        vote(dave, poll["id"], [index_of(poll, "Pizza")]),
    ]
    for resp in attempts:
        doc = assert_json_error(resp, 403, "banned")
        assert "Spam links" in doc["error"]["message"]
        assert "2099-01-01 12:30 UTC" in doc["error"]["message"]
        assert doc["error"]["expires"] == "2099-01-01T12:30:00Z"
    resp = dave.form("", {"page": page, "body": "by form", "token": _thread_token(dave, page)})
    assert_html_error(resp, 403)
    assert b"Spam links" in resp.body and b"2099-01-01 12:30 UTC" in resp.body, resp.body.decode()[-700:]
    # The pages without JavaScript for a reply or a report refuse too.
    for rel in ("/_social/reply?comment=%d", "/_social/report?comment=%d"):
        resp = dave.get(rel % other)
        assert resp.status == 403 and b"alice's" not in resp.body, (rel, resp.status)
    # Reading still works, and nothing was written.
    assert dave.page(page).status == 200
    listing = dave.listing(page)
    assert [c["body"] for c in listing["comments"]] == ["before the ban", "alice's"]
    assert all(c["likes"] == 0 for c in listing["comments"])
    # The console shows the ban; lifting it lets dave write again.
    root = parse_html(console(carol).body)
    bans = root.find("table", cls="admin-bans")
    assert bans is not None and "dave" in bans.text() and "Spam links" in bans.text()
    admin_ok(carol, "/bans", {"user": "dave", "action": "unban", "reason": "appealed"})
    assert audited(carol, "unban", "person dave", "appealed")
    assert dave.create(page, "back again")["id"] > other


def test_ban_without_end_and_ban_expiry(server, mariadb, carol, dave):
    page = fresh_page(server)
    admin_ok(carol, "/bans", {"user": "dave", "action": "ban", "reason": "cool down"})
    doc = assert_json_error(dave.api("POST", "comments", {"page": page, "body": "x"}),
                            403, "banned")
    assert doc["error"]["expires"] is None and "no end date" in doc["error"]["message"]
    # Once the end has passed, the ban no longer holds.
    mariadb.sql("UPDATE social_bans SET expires_at = UNIX_TIMESTAMP() - 1 WHERE user = 'dave'")
    assert dave.create(page, "free again")["id"] > 0
    assert "cool down" not in parse_html(console(carol).body).find("section", id="bans").text()


def test_a_banned_person_is_told_before_typing(server, alice, carol, dave):
    """The ban shows on every page view at once (even one served from the
    discussion cache before), with its end; no form invites writing; lifted,
    everything is back."""
    page = fresh_page(server)
    alice.create(page, "something to read")
    before = social_div(dave.page(page).body)
    assert before.find("form", cls="social-new") is not None
    assert before.find(cls="social-banned-note") is None
    admin_ok(carol, "/bans", {"user": "dave", "action": "ban", "reason": "Spam links",
                              "expires": "2099-01-01T12:30"})
    try:
        div = social_div(dave.page(page).body)
        note = div.find(cls="social-banned-note")
        assert note is not None and "until 2099-01-01 12:30 UTC" in note.text(), div.text()
        assert div.find("form", cls="social-new") is None
        assert div.find("a", cls="social-reply-link") is None
        assert div.find("form", cls="social-share-form") is None
        likes = div.find_all("button", cls="social-like-button")
        assert likes and all(b.get("disabled") is not None for b in likes)
        # others are not affected
        assert social_div(alice.page(page).body).find(cls="social-banned-note") is None
        # no end set: "until further notice"
        admin_ok(carol, "/bans", {"user": "dave", "action": "ban", "reason": "again"})
        note = social_div(dave.page(page).body).find(cls="social-banned-note")
        assert note is not None and "until further notice" in note.text()
    finally:
        admin_ok(carol, "/bans", {"user": "dave", "action": "unban", "reason": "appealed"})
    div = social_div(dave.page(page).body)
    assert div.find(cls="social-banned-note") is None
    assert div.find("form", cls="social-new") is not None


def test_a_new_comment_checks_the_ban_in_its_own_insert(server, mariadb, carol, dave):
    """A new comment's insert refuses a banned author (no statement of its
    own asks first): the refusal is the ban's, on a locked page too; the
    transaction leaves nothing behind, not even the Idempotency-Key, so the
    same key posts once the ban is lifted."""
    page = fresh_page(server)
    assert dave.create(page, "before the ban")["id"] > 0     # the page has its row
    key = uuid.uuid4().hex
    admin_ok(carol, "/bans", {"user": "dave", "action": "ban", "reason": "Cool down",
                              "expires": "2099-01-01T12:30"})
    try:
        resp = dave.api("POST", "comments", {"page": page, "body": "during the ban"},
                        headers={"Idempotency-Key": key})
        doc = assert_json_error(resp, 403, "banned")
        assert "Cool down" in doc["error"]["message"]
        assert doc["error"]["expires"] == "2099-01-01T12:30:00Z"
        assert mariadb.sql("SELECT COUNT(*) FROM social_idempotency WHERE idem_key = '%s'"
                           % key) == [["0"]]
        admin_ok(carol, "/lock", {"page": page, "action": "lock"})
        try:
            doc = assert_json_error(dave.api("POST", "comments",
                                             {"page": page, "body": "locked and banned"}),
                                    403, "banned")
        finally:
            admin_ok(carol, "/lock", {"page": page, "action": "unlock"})
    finally:
        admin_ok(carol, "/bans", {"user": "dave", "action": "unban", "reason": "over"})
    resp = dave.api("POST", "comments", {"page": page, "body": "after the ban"},
                    headers={"Idempotency-Key": key})
    assert resp.status == 201, resp.body
    assert [c["body"] for c in dave.listing(page)["comments"]] == ["before the ban",
                                                                  "after the ban"]


@pytest.mark.parametrize("fields", [
    {"user": "dave", "action": "ban"},                                  # no reason
    {"user": "", "action": "ban", "reason": "r"},
    {"user": "dave", "action": "ban", "reason": "r", "expires": "2001-01-01"},
    {"user": "dave", "action": "ban", "reason": "r", "expires": "2099-02-30"},
    {"user": "dave", "action": "ban", "reason": "r", "expires": "tomorrow"},
    {"user": "dave", "action": "exile", "reason": "r"},
])
def test_ban_refuses_bad_forms(carol, dave, server, fields):
    assert_html_error(admin_post(carol, "/bans", fields), 422)
    page = fresh_page(server)
    assert dave.create(page, "still allowed")["id"] > 0


# ---------------------------------------------------------------- pre-moderation

def test_premoderation_author_sees_pending_others_do_not(server, alice, bob, carol, anon):
    page = fresh_page(server, "premod")
    item = alice.create(page, "needs approval")
    cid = item["id"]
    assert item["status"] == "pending"
    mine = alice.listing(page)
    assert [(c["id"], c["status"]) for c in mine["comments"]] == [(cid, "pending")]
    assert mine["count"] == 0
    block = social_div(alice.page(page).body)
    assert "pending approval" in block.text() and "needs approval" in block.text()
    for client in (bob, carol):
        assert client.listing(page)["comments"] == []
        assert "needs approval" not in social_div(client.page(page).body).text()
    assert_json_error(bob.api("GET", "comments/%d" % cid), 404)
    # Nobody replies to what is not there yet.
    assert_json_error(bob.api("POST", "comments", {"page": page, "body": "re",
                                                   "parent": cid}), 422)
    # The queue shows it to the moderator.
    assert cid in queue_ids(carol, "?status=pending")
    admin_ok(carol, "/comments", [("id", str(cid)), ("action", "approve"),
                                  ("reason", "fine")])
    assert audited(carol, "approve", "comment #%d" % cid, "fine")
    assert status_of(bob, page, cid) == "visible"
    assert bob.listing(page)["count"] == 1
    assert "pending approval" not in social_div(alice.page(page).body).text()
    # A rejected one is gone for everybody.
    other = bob.create(page, "rejected text")["id"]
    assert status_of(bob, page, other) == "pending"
    admin_ok(carol, "/comments", [("id", str(other)), ("action", "reject")])
    assert status_of(bob, page, other) is None
    assert audited(carol, "reject", "comment #%d" % other)
    # A moderator's own comment needs nobody's approval.
    assert carol.create(page, "from the moderator")["status"] == "visible"


def test_premoderation_form_post_waits_too(server, alice, bob):
    page = fresh_page(server, "premod")
    resp = alice.form("", {"page": page, "body": "via form",
                           "token": _thread_token(alice, page)})
    assert resp.status == 303, (resp, resp.body[:300])
    assert [c["status"] for c in alice.listing(page)["comments"]] == ["pending"]
    assert bob.listing(page)["comments"] == []


def test_outside_premoderation_comments_are_visible(server, alice, bob):
    page = fresh_page(server)
    assert alice.create(page, "straight away")["status"] == "visible"
    assert status_of(bob, page, alice.listing(page)["comments"][0]["id"]) == "visible"


# ---------------------------------------------------------------- dashboard

def dashboard(client, query=""):
    resp = client.get(ADMIN + "/dashboard" + query)
    assert resp.status == 200, (resp, resp.body[:500])
    return parse_html(resp.body)


def day_row(root, day):
    """A day's figures; a day nothing happened on has no row (zeros)."""
    table = root.find("table", cls="admin-days")
    if table is None:
        return [0] * 7
    for tr in table.find("tbody").find_all("tr"):
        if tr.find("th").text() == day:
            return [int(td.text()) for td in tr.find_all("td")]
    return [0] * 7


def quiet_days(root):
    """How many days the dashboard says it left out as quiet."""
    note = root.find("p", cls="admin-quiet")
    if note is None:
        return 0
    return int(note.get("data-quiet-days") or 0)


def day_rows(root):
    table = root.find("table", cls="admin-days")
    return [] if table is None else table.find("tbody").find_all("tr")


def test_dashboard_counts_per_day_and_ranks(server, alice, bob, carol):
    day = today()
    before = day_row(dashboard(carol, "?from=%s&to=%s" % (day, day)), day)
    section = "sec" + uuid.uuid4().hex[:8]
    page = fresh_page(server, section)
    make_comments(alice, page, 3)
    make_comments(bob, page, 1)
    assert like(bob, page).status == 200
    assert share(alice, {"page": page}).status == 201
    path = poll_page(server, LUNCH)
    poll = created_poll(bob, path)
    assert vote(bob, poll["id"], [index_of(poll, "Sushi")]).status == 200
    board = new_board(server, alice, area=section)
    idea = submit_ok(alice, board)
    assert idea_vote(bob, idea["id"]).status == 200
    assert idea_vote(carol, idea["id"]).status == 200
    survey = created_survey(alice, survey_page(server, survey_marker(), Q_TEAM, area=section))
    respond_ok(bob, survey["id"], {"team": "Sales"})
    root = dashboard(carol, "?from=%s&to=%s" % (day, day))
    after = day_row(root, day)
    # comments, likes, shares, ballots, ideas, votes for ideas, responses
    assert [a - b for a, b in zip(after, before)] == [4, 1, 1, 1, 1, 2, 1]
    heads = [th.text() for th in root.find("table", cls="admin-days").find("thead")
             .find_all("th")]
    assert heads == ["Day", "Comments", "Likes", "Shares", "Poll ballots", "Ideas",
                     "Idea votes", "Survey responses"]
    # The chart: one polyline per series, one point per day, within the frame.
    svg = root.find("svg")
    lines = svg.find_all("polyline")
    assert [p.get("class").split()[-1] for p in lines] == [
        "series-comments", "series-likes", "series-shares", "series-ballots", "series-ideas",
        "series-idea_votes", "series-responses"]
    for p in lines:
        points = p.get("points").split()
        assert len(points) == 1
        x, y = map(float, points[0].split(","))
        assert 0 <= x <= 720 and 0 <= y <= 260
    # Rankings name the page, the person and the section.
    pages = root.find("section", id="top-pages").text()
    assert page in pages
    people = root.find("section", id="top-people").text()
    assert "alice" in people and "bob" in people
    assert "/%s/" % section in root.find("section", id="top-sections").text()


def test_dashboard_period_spans_days(carol):
    end = datetime.now(timezone.utc).date()
    start = end - timedelta(days=6)
    root = dashboard(carol, "?from=%s&to=%s" % (start, end))
    # Only days something happened on have a row, in order; the others
    # are counted, never listed as rows of zeros.
    rows = day_rows(root)
    days = [tr.find("th").text() for tr in rows]
    assert days == sorted(days)
    assert set(days) <= {str(start + timedelta(days=k)) for k in range(7)}
    assert len(rows) + quiet_days(root) == 7
    for tr in rows:
        assert sum(int(td.text()) for td in tr.find_all("td")) > 0
    for p in root.find("svg").find_all("polyline"):
        xs = [float(pt.split(",")[0]) for pt in p.get("points").split()]
        assert len(xs) == 7 and xs == sorted(xs)
    # The default: the last 30 days.
    root = dashboard(carol)
    assert len(day_rows(root)) + quiet_days(root) == 30


@pytest.mark.parametrize("query", ["?from=2026-13-01", "?to=yesterday",
                                   "?from=2026-02-01&to=2026-01-01",
                                   "?from=2020-01-01&to=2026-01-01"])
def test_dashboard_refuses_bad_periods(carol, query):
    assert_html_error(carol.get(ADMIN + "/dashboard" + query), 400)


# ---------------------------------------------------------------- exports

def export(client, what, fmt, day=None):
    day = day or today()
    resp = client.get(ADMIN + "/export?what=%s&format=%s&from=%s&to=%s" % (what, fmt, day, day))
    assert resp.status == 200, (resp, resp.body[:500])
    disposition = resp.header("Content-Disposition")
    assert disposition == 'attachment; filename="social-%s-%s-%s.%s"' % (what, day, day, fmt)
    if fmt == "csv":
        assert resp.content_type.startswith("text/csv")
        text = resp.body.decode("utf-8")
        assert text.endswith("\r\n")
        return list(csv.DictReader(io.StringIO(text, newline="")))
    assert resp.content_type.startswith("application/json")
    doc = json.loads(resp.body)
    assert doc["kind"] == what and doc["count"] == len(doc["rows"])
    assert doc["truncated"] is False
    return doc["rows"]


HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


def test_exports_parse_and_hold_what_was_made(server, alice, bob, carol):
    page = fresh_page(server)
    body = 'Commas, "quotes"\nand a second line'
    cid = alice.create(page, body)["id"]
    hostile = [alice.create(page, text)["id"] for text in HOSTILE if not text.startswith("\r")]
    assert like(bob, page).status == 200
    assert bob.api("PUT", "comments/%d/like" % cid).status == 200
    assert share(alice, {"page": page, "note": "=cmd|' /C calc'!A0", "to": ["bob"]}).status == 201
    path = poll_page(server, LUNCH)
    poll = created_poll(bob, path)
    assert vote(bob, poll["id"], [index_of(poll, "Salad")]).status == 200
    assert vote(alice, poll["id"], [index_of(poll, "Salad")]).status == 200
    admin_ok(carol, "/comments", [("id", str(cid)), ("action", "hide"),
                                  ("reason", "@evil, \"quoted\"")])

    for fmt in ("csv", "json"):
        rows = export(carol, "comments", fmt)
        mine = {int(r["id"]): r for r in rows if r["page"] == page}
        assert set(mine) == {cid, *hostile}
        assert mine[cid]["status"] == "hidden" and mine[cid]["author"] == "alice"
        assert mine[cid]["body"] == body
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z", mine[cid]["created"])
        for k, text in zip(hostile, [t for t in HOSTILE if not t.startswith("\r")]):
            # CSV: neutralised with a leading quote (and after a TAB, where a
            # tab-separated reader starts a cell); JSON: exactly as written.
            neutral = "'" + text.replace("\t=", "\t'=")
            assert mine[k]["body"] == (neutral if fmt == "csv" else text), mine[k]
        if fmt == "json":
            assert isinstance(rows[0]["id"], int) and isinstance(rows[0]["parent"], int)

        likes = [r for r in export(carol, "likes", fmt) if r["page"] == page]
        assert sorted((r["target_kind"], r["user"]) for r in likes) == [
            ("comment", "bob"), ("page", "bob")]

        shares = [r for r in export(carol, "shares", fmt) if r["page"] == page]
        assert len(shares) == 1 and shares[0]["user"] == "alice"
        assert shares[0]["note"] == ("'" if fmt == "csv" else "") + "=cmd|' /C calc'!A0"
        assert int(shares[0]["recipients"]) == 1

        polls = [r for r in export(carol, "polls", fmt) if r["page"] == path]
        assert [r["option"] for r in polls] == ["Pizza", "Sushi", "Salad"]
        assert [int(r["votes"]) for r in polls] == [0, 0, 2]
        assert all(int(r["ballots"]) == 2 for r in polls)

        audit = [r for r in export(carol, "audit", fmt)
                 if r["action"] == "hide" and int(r["target_id"]) == cid]
        assert len(audit) == 1
        assert audit[0]["actor"] == "carol" and audit[0]["target"] == page
        assert audit[0]["reason"] == ("'" if fmt == "csv" else "") + '@evil, "quoted"'


def test_csv_is_rfc4180_and_never_starts_a_cell_with_a_formula(server, alice, carol):
    page = fresh_page(server)
    for text in HOSTILE[:-1]:
        alice.create(page, text)
    resp = carol.get(ADMIN + "/export?what=comments&format=csv&from=%s&to=%s"
                     % (today(), today()))
    text = resp.body.decode()
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row
    # Quoted fields double their quotes; records end with CRLF.
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    assert text.split("\r\n")[0] == ('"id","page","parent","author","author_name",'
                                     '"status","created","edited","body","page_title"')


@pytest.mark.parametrize("query", ["what=users&format=csv", "what=comments&format=xml",
                                   "what=comments", "format=csv",
                                   "what=audit&format=csv&from=2026-02-01&to=2026-01-01"])
def test_export_refuses_bad_requests(carol, query):
    assert_html_error(carol.get(ADMIN + "/export?" + query), 400)


# ---------------------------------------------------------------- escaping

def test_console_escapes_everything_people_wrote(server, alice, carol):
    page = fresh_page(server)
    cid = alice.create(page, "<script>alert('body')</script>")["id"]
    admin_ok(carol, "/comments", [("id", str(cid)), ("action", "hide"),
                                  ("reason", "<img src=x onerror=alert(1)>")])
    admin_ok(carol, "/bans", {"user": "<b>mallory</b>", "action": "ban",
                              "reason": "\"><svg onload=alert(2)>"})
    resp = carol.get(ADMIN + "?person=" + quote('"><script>alert(3)</script>'))
    assert resp.status == 200
    for query in ("", "?page=" + q(page)):
        body = console(carol, query).body
        assert b"<script>alert" not in body
        assert b"<img src=x" not in body
        assert b"<svg onload" not in body
        assert b"<b>mallory" not in body
        assert b"<b>Liddell" not in body
    body = console(carol, "?page=" + q(page)).body
    assert b"&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in body
    assert b"Alice &lt;b&gt;Liddell&lt;/b&gt;" in body
    body = console(carol).body
    assert b"&lt;img src=x onerror=alert(1)&gt;" in body
    assert b"&lt;b&gt;mallory&lt;/b&gt;" in body
    assert b"<script>" not in carol.get(ADMIN + "?person=" + quote("<script>x")).body
    # The ranking shows the display name escaped too.
    dash = carol.get(ADMIN + "/dashboard").body
    assert b"<b>Liddell" not in dash and b"Alice &lt;b&gt;Liddell&lt;/b&gt;" in dash
    admin_ok(carol, "/bans", {"user": "<b>mallory</b>", "action": "unban"})


def test_health_reports_schema_9(server, anon):
    """Moderation came with schema 8; 9 marks people from the directory;
    12 records imported comments."""
    resp = anon.api("GET", "health")
    assert resp.json()["schema"] == 18 and resp.json()["status"] == "ok"
