"""Notifications ("for you"): replies to my comments, @mentions of me,
pages shared with me and likes of my comments (aggregated); marking read
one by one and all at once, as forms and JSON; one user's notification is
nobody else's (IDOR); the people look-up for mentions; e-mail digests
through SocialMailCommand, batched per person and with an opt-out.

Users are made fresh for this run (the people table and the database are
shared with other test modules), every password is the user name.
SocialMailCommand is a script that stores each message in a folder.
"""

import base64
import email
import os
import re
import shutil
import time
import uuid
from email import policy
from html import unescape
from urllib.parse import quote, urlencode

import pytest

import harness
from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import parse_html
from harness import write_htpasswd

RUN = uuid.uuid4().hex[:6]
ANN, BEN, CY, DEE, EVE, FAY, GRETA, HANA = ("%s%s" % (n, RUN) for n in (
    "ann", "ben", "cy", "dee", "eve", "fay", "greta", "hana"))
USERS = [ANN, BEN, CY, DEE, EVE, FAY, GRETA, HANA]
MAIL = {u: "%s@example.org" % u for u in USERS}
MAIL[FAY] = "fay at the front desk"   # what a directory may hold: no address
EVE_NAME = "<script>alert(1)</script>Eve"
CY_NAME = "Cyrille \u00d6lz"   # not ASCII: an RFC 2047 word in mail headers
MAIL_INTERVAL = 3


def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


def conf(htpasswd, mail_dir):
    lines = ['SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_MAIL=%s"' % (b64(u), MAIL[u])
             for u in USERS]
    lines.append('SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_DISPLAYNAME=%s"'
                 % (b64(EVE), EVE_NAME))
    lines.append('SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_DISPLAYNAME=%s"'
                 % (b64(CY), CY_NAME))
    return "\n".join(lines) + r"""
SocialMailCommand "%(script)s"
SocialMailInterval %(interval)d
""" % {"script": os.path.join(mail_dir, "capture.sh"), "interval": MAIL_INTERVAL} + (
        config.login(htpasswd, moderator_user=None, display_name=True, email=True)
        # Optional login at the endpoint, so the module itself refuses visitors.
        + config.optional_login())


CAPTURE = """#!/bin/sh
# Stores the message on standard input as one file (what sendmail -t gets).
f="%s/mail-$(date +%%s%%N)-$$"
cat > "$f.tmp" && mv "$f.tmp" "$f.eml"
"""


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def mail_dir():
    directory = harness.make_temp_dir("social-mail-")
    os.chmod(directory, 0o777)   # httpd's children may run as www-data
    script = os.path.join(directory, "capture.sh")
    with open(script, "w") as f:
        f.write(CAPTURE % directory)
    os.chmod(script, 0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(httpd_factory, mail_dir):
    directory = harness.make_temp_dir("social-users-")
    path = os.path.join(directory, "htpasswd")
    write_htpasswd(path, USERS)
    yield httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                        conf=conf(path, mail_dir))
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def clients(server):
    people = {u: Client(server, u) for u in USERS}
    # Everybody is "seen" once (so they can be mentioned and shared with).
    page = new_page(server)
    for c in people.values():
        assert c.api("PUT", "like?page=" + quote(page)).status == 200
    return people


@pytest.fixture(scope="module")
def ann(clients):
    return clients[ANN]


@pytest.fixture(scope="module")
def ben(clients):
    return clients[BEN]


@pytest.fixture(scope="module")
def cy(clients):
    return clients[CY]


@pytest.fixture(scope="module")
def dee(clients):
    return clients[DEE]


@pytest.fixture(scope="module")
def eve(clients):
    return clients[EVE]


def new_page(server):
    token = uuid.uuid4().hex[:10]
    path = "/n-%s/p-%s.html" % (RUN, token)
    server.write_file(path, PAGE_TEMPLATE.format(title="Page " + token))
    return path


def title_of(page):
    """The title new_page gave the page: lists name the page by it."""
    return "Page " + page.rsplit("/p-", 1)[1][:-len(".html")]


def notes(client, unread=False):
    resp = client.api("GET", "notifications" + ("?unread=1" if unread else ""))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def on_page(client, page):
    return [n for n in notes(client)["items"] if n["page"] == page]


def mark_read(client, nid, **kw):
    return client.api("POST", "notifications/%d/read" % nid, {}, **kw)


def for_you(client):
    resp = client.get("/_social/notifications")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.body.decode("ascii")


def token_of(html):
    m = re.search(r'name="token" value="([^"]+)"', html)
    assert m, html[:2000]
    return m.group(1)


def form(client, rel, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", "/_social/notifications" + rel,
                          body=urlencode(fields).encode(), headers=hdrs)


# ---------------------------------------------------------------- kinds

def test_reply_notifies_the_parent_author_only(server, ann, ben):
    page = new_page(server)
    top = ann.create(page, "who has the projector key?")
    reply = ben.create(page, "the front desk has it", parent=top["id"])
    ben.create(page, "(and a spare in IT)", parent=reply["id"])   # ben replies to himself
    mine = on_page(ann, page)
    assert len(mine) == 1
    n = mine[0]
    assert n["kind"] == "reply" and n["read"] is False
    assert n["actor"] == {"user": BEN, "name": BEN}
    assert n["text"] == "the front desk has it"
    assert n["comment"] == reply["id"]
    assert n["url"] == "%s#comment-%d" % (page, reply["id"])
    assert n["title"] == "%s replied to your comment on %s" % (BEN, title_of(page))
    assert on_page(ben, page) == []


def test_mentions_notify_known_people_once(server, ann, ben, cy):
    page = new_page(server)
    c = ann.create(page, "@%s and @%s, see this. Also @%s again, @%s, and @nobody%s."
                   % (BEN, CY, BEN, ANN, RUN))
    for who in (ben, cy):
        got = on_page(who, page)
        assert [(n["kind"], n["comment"]) for n in got] == [("mention", c["id"])]
        assert got[0]["title"] == "%s mentioned you on %s" % (ANN, title_of(page))
    assert on_page(ann, page) == []   # mentioning yourself notifies nobody
    # an address is not a mention
    page2 = new_page(server)
    ann.create(page2, "write to %s@example.org" % BEN)
    assert on_page(ben, page2) == []


def test_a_share_notifies_each_recipient(server, ann, ben, cy):
    page = new_page(server)
    resp = ann.api("POST", "shares", {"page": page, "to": [BEN, CY], "note": "for Monday"})
    assert resp.status == 201
    for who in (ben, cy):
        got = on_page(who, page)
        assert len(got) == 1
        assert got[0]["kind"] == "share" and got[0]["text"] == "for Monday"
        assert got[0]["title"] == "%s shared %s with you" % (ANN, title_of(page))
        assert got[0]["url"] == page + "#social"
    assert on_page(ann, page) == []


def test_likes_are_one_notification_per_comment_with_a_count(server, ann, ben, cy, dee):
    page = new_page(server)
    c = ann.create(page, "cake in the kitchen")
    for who in (ben, cy, dee):
        assert who.api("PUT", "comments/%d/like" % c["id"]).status == 200
    assert ann.api("PUT", "comments/%d/like" % c["id"]).status == 200   # own like: no one
    got = on_page(ann, page)
    assert len(got) == 1
    n = got[0]
    assert n["kind"] == "like" and n["likes"] == 3
    assert n["title"] == "3 people liked your comment on %s" % title_of(page)
    assert n["actor"]["user"] == DEE   # the latest
    assert "3 people liked your comment" in unescape(for_you(ann))
    # taking a like back lowers the count; liking again does not notify twice
    assert cy.api("DELETE", "comments/%d/like" % c["id"]).status == 200
    assert on_page(ann, page)[0]["likes"] == 2
    assert mark_read(ann, n["id"]).status == 200
    assert ben.api("PUT", "comments/%d/like" % c["id"]).status == 200   # a repeat
    assert on_page(ann, page)[0]["read"] is True
    # a new like makes it unread again
    assert cy.api("PUT", "comments/%d/like" % c["id"]).status == 200
    again = on_page(ann, page)
    assert len(again) == 1 and again[0]["read"] is False and again[0]["likes"] == 3
    # one like: named
    c2 = ann.create(page, "and coffee")
    assert ben.api("PUT", "comments/%d/like" % c2["id"]).status == 200
    one = [x for x in on_page(ann, page) if x["comment"] == c2["id"]][0]
    assert one["title"] == "%s liked your comment on %s" % (BEN, title_of(page))


def test_hidden_or_deleted_comments_drop_their_notifications(server, ann, ben):
    page = new_page(server)
    top = ann.create(page, "top")
    reply = ben.create(page, "soon gone", parent=top["id"])
    assert len(on_page(ann, page)) == 1
    assert ben.delete(reply["id"]).status == 204
    assert on_page(ann, page) == []


# ---------------------------------------------------------------- reading

def test_mark_read_one_and_all_through_the_api(server, ann, ben):
    page = new_page(server)
    top = ann.create(page, "question")
    for k in range(3):
        ben.create(page, "answer %d" % k, parent=top["id"])
    before = notes(ann)["unread"]
    got = on_page(ann, page)
    assert len(got) == 3 and not any(n["read"] for n in got)
    resp = mark_read(ann, got[0]["id"])
    assert resp.status == 200 and resp.json()["read"] is True
    assert notes(ann)["unread"] == before - 1
    assert mark_read(ann, got[0]["id"]).status == 200   # idempotent
    assert notes(ann)["unread"] == before - 1
    one = ann.api("GET", "notifications/%d" % got[1]["id"])
    assert one.status == 200 and one.json()["id"] == got[1]["id"]
    unread_ids = {n["id"] for n in notes(ann, unread=True)["items"]}
    assert got[0]["id"] not in unread_ids and got[1]["id"] in unread_ids
    resp = ann.api("POST", "notifications/read-all", {})
    assert resp.status == 200 and resp.json()["marked"] >= 2
    assert notes(ann)["unread"] == 0
    assert notes(ann, unread=True)["items"] == []


def test_mark_read_through_the_for_you_page(server, ann, ben):
    page = new_page(server)
    top = ann.create(page, "forms")
    ben.create(page, "first", parent=top["id"])
    ben.create(page, "second", parent=top["id"])
    got = on_page(ann, page)
    html = for_you(ann)
    assert 'action="/_social/notifications/%d/read"' % got[0]["id"] in html
    unread = notes(ann)["unread"]
    assert "%d unread" % unread in html
    resp = form(ann, "/%d/read" % got[0]["id"], {"token": token_of(html)})
    assert resp.status == 303 and resp.header("Location") == "/_social/notifications"
    assert notes(ann)["unread"] == unread - 1
    assert 'action="/_social/notifications/%d/read"' % got[0]["id"] not in for_you(ann)
    # the block on any page shows the count to its viewer
    assert "(%d unread)" % (unread - 1) in ann.page(page).body.decode("ascii", "replace")
    resp = form(ann, "/read-all", {"token": token_of(for_you(ann))})
    assert resp.status == 303
    assert notes(ann)["unread"] == 0
    assert "Nothing unread." in for_you(ann)
    assert "unread)" not in ann.page(page).body.decode("ascii", "replace")


def test_writes_need_the_token_json_and_the_same_origin(server, ann, ben):
    page = new_page(server)
    top = ann.create(page, "csrf")
    ben.create(page, "reply", parent=top["id"])
    nid = on_page(ann, page)[0]["id"]
    assert form(ann, "/%d/read" % nid, {}).status == 403
    assert form(ann, "/%d/read" % nid, {"token": "1.abc"}).status == 403
    assert form(ann, "/%d/read" % nid, {"token": token_of(for_you(ben))}).status == 403
    assert form(ann, "/%d/read" % nid, {"token": token_of(for_you(ann))},
                headers={"Origin": "http://evil.example"}).status == 403
    assert_json_error(ann.api("POST", "notifications/%d/read" % nid, raw=b"x",
                              content_type="text/plain"), 415)
    assert_json_error(mark_read(ann, nid, headers={"Sec-Fetch-Site": "cross-site"}), 403)
    assert_json_error(ann.api("POST", "notifications/read-all", raw=b"",
                              content_type="application/x-www-form-urlencoded"), 415)
    assert on_page(ann, page)[0]["read"] is False
    resp = ann.api("GET", "notifications/%d/read" % nid)
    assert resp.status == 405 and resp.header("Allow") == "POST"
    assert_json_error(Client(server, None).api("GET", "notifications"), 401)


def test_another_users_notification_is_404(server, ann, ben, cy):
    page = new_page(server)
    top = ann.create(page, "mine")
    ben.create(page, "reply", parent=top["id"])
    nid = on_page(ann, page)[0]["id"]
    assert_json_error(cy.api("GET", "notifications/%d" % nid), 404, "not_found")
    assert_json_error(mark_read(cy, nid), 404, "not_found")
    assert_json_error(mark_read(ben, nid), 404, "not_found")   # not even the actor's
    assert form(cy, "/%d/read" % nid, {"token": token_of(for_you(cy))}).status == 404
    assert form(cy, "/read-all", {"token": token_of(for_you(cy))}).status == 303
    assert on_page(ann, page)[0]["read"] is False   # untouched by all of it
    assert nid not in [n["id"] for n in notes(cy)["items"]]
    assert_json_error(ann.api("GET", "notifications/999999999999"), 404)
    assert_json_error(ann.api("GET", "notifications/0"), 404)
    assert_json_error(ann.api("GET", "notifications/1x"), 404)


def test_for_you_page_escapes_what_others_wrote(server, ann, eve):
    page = new_page(server)
    top = ann.create(page, "plain")
    eve.create(page, '<img src=x onerror=alert(2)> "hi"', parent=top["id"])
    html = for_you(ann)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Eve replied to your comment" in html
    assert "&lt;img src=x onerror=alert(2)&gt; &quot;hi&quot;" in html
    # the widget links to "for you" only for people who are logged in
    assert Client(server, None).get(page).status == 401
    assert for_you(ann).count("<form") >= 1


# ---------------------------------------------------------------- people look-up

def test_people_prefix_search(server, ann, ben):
    resp = ann.api("GET", "people?q=" + quote(BEN[:4]))
    assert resp.status == 200
    people = resp.json()["people"]
    assert BEN in [p["user"] for p in people]
    prefix = BEN[:4].lower()
    assert all(p["user"].lower().startswith(prefix) or p["name"].lower().startswith(prefix)
               for p in people), people
    assert ann.api("GET", "people?q=" + quote(BEN)).json()["people"] == [
        {"user": BEN, "name": BEN}]
    # LIKE wildcards are plain characters
    assert ann.api("GET", "people?q=%25").json()["people"] == []
    assert ann.api("GET", "people?q=_").json()["people"] == []
    assert_json_error(ann.api("GET", "people"), 400)
    assert_json_error(Client(server, None).api("GET", "people?q=a"), 401)


# ---------------------------------------------------------------- e-mail

def raw_mails_to(mail_dir, user):
    """The messages to user as the mail command got them, oldest first."""
    found = []
    for name in sorted(os.listdir(mail_dir)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(mail_dir, name), "rb") as f:
            raw = f.read()
        if MAIL[user] in str(email.message_from_bytes(raw, policy=policy.default)["To"]):
            found.append(raw)
    return found


def mails_to(mail_dir, user):
    return [email.message_from_bytes(raw, policy=policy.default)
            for raw in raw_mails_to(mail_dir, user)]


def drive_until(server, predicate, timeout):
    """Requests keep the digest check running; True once predicate holds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        server.get("/_social/api/v1/health")
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


def test_mail_digest_is_batched_per_person(server, mail_dir, cy, ben, dee):
    # What earlier tests left for cy is read, so it is never mailed.
    assert cy.api("POST", "notifications/read-all", {}).status == 200
    done = len(mails_to(mail_dir, CY))
    page = new_page(server)
    first = cy.create(page, "first for the digest")
    ben.create(page, "reply one, secret words", parent=first["id"])
    assert drive_until(server, lambda: len(mails_to(mail_dir, CY)) >= done + 1, 15)
    msg = mails_to(mail_dir, CY)[done]
    assert msg["Subject"] == "1 new notification on the intranet"
    assert msg["To"].addresses[0].display_name == CY_NAME
    assert msg["To"].addresses[0].addr_spec == MAIL[CY]
    body = msg.get_content()
    assert "%s replied to your comment on %s" % (BEN, title_of(page)) in body
    assert "http://127.0.0.1:%d%s#comment-" % (server.port, page) in body
    assert "secret words" not in body   # what was said stays on the page
    assert "/_social/notifications" in body
    # two more at once: one message with both, after the interval
    ben.create(page, "reply two", parent=first["id"])
    dee.create(page, "reply three", parent=first["id"])
    sent_at = time.time()
    assert drive_until(server, lambda: len(mails_to(mail_dir, CY)) >= done + 2, 15)
    assert time.time() - sent_at >= MAIL_INTERVAL - 2
    second = mails_to(mail_dir, CY)[done + 1]
    assert second["Subject"] == "2 new notifications on the intranet"
    text = second.get_content()
    assert "%s replied" % BEN in text and "%s replied" % DEE in text
    time.sleep(MAIL_INTERVAL + 1)
    drive_until(server, lambda: False, 2)
    assert len(mails_to(mail_dir, CY)) == done + 2   # nothing new, nothing sent


@pytest.mark.parametrize("who,accept,subject,lang,footer", [
    (GRETA, "de-DE,de;q=0.9", "1 neue Benachrichtigung im Intranet", "de",
     "Alle Ihre Benachrichtigungen"),
    (HANA, "ja", "イントラネットに新しい通知が1件あります", "ja", "すべての通知")])
def test_mail_digest_is_in_the_language_the_person_reads_in(server, mail_dir, ben, who, accept,
                                                          subject, lang, footer):
    """A person whose browser asks for German (Japanese) gets a German
    (Japanese) digest, whatever language the page or the person who
    replied used: the subject as RFC 2047 encoded words of at most 75
    characters on header lines of at most 78, and Content-Language."""
    reader = Client(server, who)
    page = new_page(server)
    # their visit records their language (their browser's, not the page's English)
    assert reader.get(page, headers={"Accept-Language": accept}).status == 200
    top = reader.api("POST", "comments", {"page": page, "body": "Frage"},
                     headers={"Accept-Language": accept}).json()
    ben.create(page, "an answer", parent=top["id"])
    assert drive_until(server, lambda: len(mails_to(mail_dir, who)) >= 1, 15)
    msg = mails_to(mail_dir, who)[0]
    assert msg["Subject"] == subject, msg["Subject"]
    assert msg["Content-Language"] == lang
    body = msg.get_content()
    assert footer in body and "All your notifications" not in body
    assert "replied to your comment" not in body, body
    head = raw_mails_to(mail_dir, who)[0].split(b"\n\n", 1)[0].decode("ascii")
    assert all(len(line) <= 78 for line in head.split("\n")), head
    assert all(len(w) <= 75 for w in re.findall(r"=\?utf-8\?b\?[^?]*\?=", head)), head


def test_unusable_address_is_skipped_once_not_at_every_check(server, mail_dir, ben):
    fay = Client(server, FAY)
    page = new_page(server)
    top = fay.create(page, "no mail for me")
    ben.create(page, "a reply fay cannot be mailed", parent=top["id"])
    drive_until(server, lambda: False, 2 * MAIL_INTERVAL + 2)
    lines = [l for l in server.error_log_path.read_text(errors="replace").splitlines()
             if "SOCIAL1022" in l and FAY in l]
    assert len(lines) == 1, lines
    assert mails_to(mail_dir, FAY) == []
    # the notification itself is still there to read
    assert fay.api("GET", "notifications?unread=1").json()["unread"] >= 1


def test_read_notifications_are_not_mailed(server, mail_dir, ann, ben):
    page = new_page(server)
    top = ben.create(page, "read before mailed?")
    # ben may have had a digest moments ago: stay inside his interval
    ann.create(page, "quick reply", parent=top["id"])
    assert ben.api("POST", "notifications/read-all", {}).status == 200
    count = len(mails_to(mail_dir, BEN))
    drive_until(server, lambda: False, MAIL_INTERVAL + 2)
    assert all("quick reply" not in m.get_content() and
               ("%s replied to your comment on %s" % (ANN, title_of(page))) not in m.get_content()
               for m in mails_to(mail_dir, BEN)[count:])


def test_mail_opt_out_and_back_in(server, mail_dir, dee, ann):
    html = for_you(dee)
    assert "You get an e-mail digest" in html
    resp = form(dee, "/settings", {"token": token_of(html), "email": "off"})
    assert resp.status == 303
    html = for_you(dee)
    assert "You get no notification e-mail." in html and 'value="on"' in html
    assert dee.api("GET", "notifications/settings").json() == {
        "email": False, "mail_configured": True, "sort": "oldest"}
    page = new_page(server)
    top = dee.create(page, "please do not mail me")
    ann.create(page, "a reply dee will not get by mail", parent=top["id"])
    drive_until(server, lambda: False, MAIL_INTERVAL + 2)
    assert not any(page in m.get_content() for m in mails_to(mail_dir, DEE))
    assert len(on_page(dee, page)) == 1   # still notified on the page
    # back on (JSON): the waiting notification is mailed
    resp = dee.api("PUT", "notifications/settings", {"email": True})
    assert resp.status == 200 and resp.json()["email"] is True
    assert drive_until(server, lambda: any(page in m.get_content()
                                           for m in mails_to(mail_dir, DEE)), 15)
    assert_json_error(dee.api("PUT", "notifications/settings", {"email": "no"}), 422)
    assert form(dee, "/settings", {"token": token_of(for_you(dee)), "email": "x"}).status == 422


def test_times_read_as_people_say_them(server, ann, ben):
    """Lists say "just now" or "5 min ago", with the exact time (UTC) on
    hover and the machine-readable one in datetime: never a raw timestamp."""
    page = new_page(server)
    ann.create(page, "@%s a question for you" % BEN)
    root = parse_html(for_you(ben).encode())
    times = root.find_all("time", cls="social-time")
    assert times
    for t in times:
        assert not re.match(r"\d{4}-\d\d-\d\dT", t.text().strip()), t.text()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", t.get("title") or ""), t.attrs
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t.get("datetime")), t.attrs
    resp = ben.get("/_social/activity")
    assert resp.status == 200
    for t in parse_html(resp.body).find_all("time", cls="social-time"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", t.get("title") or ""), t.attrs
