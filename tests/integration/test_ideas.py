"""Ideas boards declared by page markers: the board rendered into the page,
the JSON API (ideas, votes, status, merge) with its errors and
permissions, the plain forms, closing, racing votes, each idea's own
comment thread, notifications of status changes, the activity stream,
and page access rules applied to all of it.

The intranet is behind login (alice, bob, carol, dave; carol is the
moderator); /pub-read and /pub-write are public folders; /secret/ is
readable by alice and carol only. Every test works on pages of its own.
"""

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest

from harness import BLOCK_START
from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import Client

HTTPD_CONF = r"""
LogLevel warn social:notice
""" + (config.login() + config.optional_login()
       + config.block("/secret", "Require user alice carol")
       + config.block("/deferred", "SocialRender Deferred")
       + config.anonymous("/pub-read", "Read") + config.anonymous("/pub-write", "Write"))

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Before the board.</p>
{markers}
<p>After the board.</p>
</body>
</html>
"""

COSTS = '<!--social:ideas name="costs" title="Ways to cut costs"-->'

CROSS_SITE = [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]

ERROR_LOG_ALLOW = (r"AH01631: user bob: authorization failure for \"/secret/",)


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                         error_log_allow=ERROR_LOG_ALLOW)


# ---------------------------------------------------------------- helpers

def q(page):
    return quote(page, safe="/")


def board_page(server, *markers, area="", title="Ideas page"):
    """A new page file with these markers; its path."""
    name = "ideas-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, PAGE.format(title=title, markers="\n".join(markers or (COSTS,))))
    return path


def served(client, path):
    resp = client.get(path)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp


def new_board(server, client, *markers, area=""):
    path = board_page(server, *markers, area=area)
    served(client, path)   # the first view makes the board exist
    return path


def submit(client, path, title="Switch off screens at night", text="Saves **power**.",
           board="costs", headers=None):
    return client.api("POST", "ideas", {"page": path, "board": board, "title": title,
                                        "text": text}, headers=headers)


def submit_ok(client, path, **kw):
    resp = submit(client, path, **kw)
    assert resp.status == 201, (resp, resp.body[:300])
    return resp.json()


def listing(client, path, board="costs", **params):
    query = "ideas?page=%s&board=%s" % (q(path), board)
    if params:
        query += "&" + urlencode(params)
    resp = client.api("GET", query)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def one(client, idea_id):
    resp = client.api("GET", "ideas/%d" % idea_id)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def vote(client, idea_id, method="PUT"):
    return client.api(method, "ideas/%d/vote" % idea_id)


def set_status(client, idea_id, status, response=""):
    return client.api("PATCH", "ideas/%d/status" % idea_id,
                      {"status": status, "response": response})


def votes_in_db(mariadb, idea_id):
    return [row[0] for row in mariadb.sql(
        "SELECT user FROM social_idea_votes WHERE idea_id = %d ORDER BY user" % idea_id)]


def token_of(html):
    m = re.search(rb'name="token" value="([^"]+)"', html)
    assert m, html[:500]
    return m.group(1).decode()


def form_post(client, action, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", action, body=urlencode(fields).encode(), headers=hdrs)


def board_section(html, name="costs"):
    m = re.search(rb'<div class="social-marker social-marker-ideas"[^>]*id="ideas-'
                  + name.encode() + rb'".*?</section>\s*</div>', html, re.S)
    assert m, html[-1500:]
    return m.group(0)


def notifications(client):
    resp = client.api("GET", "notifications")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["items"]


def activity(client):
    resp = client.api("GET", "activity?limit=100")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["items"]


# ---------------------------------------------------------------- the marker

def test_marker_renders_the_board_in_the_page(server, alice):
    path = board_page(server)
    body = served(alice, path).body
    section = board_section(body)
    assert b"Ways to cut costs" in section
    assert b'action="/_social/ideas"' in section          # the submit form
    assert b'name="ideas_sort"' in section and b'name="ideas_status"' in section
    for status in (b"new", b"under review", b"planned", b"done", b"declined"):
        assert b">" + status + b"</option>" in section
    # placed after its marker, where the author put it
    assert (body.index(b"Before the board.") < body.index(COSTS.encode()) < body.index(section)
            < body.index(b"After the board."))


def test_invalid_markers_are_left_alone(server, alice):
    for marker in ('<!--social:ideas title="No name"-->',
                   '<!--social:ideas name="Bad Name" title="x"-->',
                   '<!--social:ideas name="x"-->',
                   '<!--social:ideas name="x" title="t" closes="2026-02-30"-->',
                   '<!--social:ideas name="x" title="t" statuses="only"-->',
                   '<!--social:ideas name="x" title="t" statuses="a|a"-->',
                   '<!--social:ideas name="x" title="t" colour="red"-->'):
        path = board_page(server, marker)
        body = served(alice, path).body
        assert b"social-marker-ideas" not in body, marker
        assert marker.encode() in body, marker


def test_custom_statuses_and_the_first_is_a_new_ideas(server, alice, carol):
    path = new_board(server, alice, '<!--social:ideas name="round" title="Feedback" '
                                    'statuses="received|incorporated|not taken"-->')
    idea = submit_ok(alice, path, board="round")
    assert idea["status"] == "received"
    doc = listing(alice, path, board="round")
    assert doc["board"]["statuses"] == ["received", "incorporated", "not taken"]
    assert set_status(carol, idea["id"], "planned").status == 422
    resp = set_status(carol, idea["id"], "not taken", "Out of scope for 2027.")
    assert resp.status == 200, resp.body
    assert resp.json()["status"] == "not taken"


# ---------------------------------------------------------------- the API

def test_submit_answers_201_with_the_idea(server, alice, bob):
    path = new_board(server, alice)
    resp = submit(alice, path, title="Print less", text="Double-sided by *default*.")
    assert resp.status == 201, resp.body
    idea = resp.json()
    assert resp.header("Location") == "/_social/api/v1/ideas/%d" % idea["id"]
    for key in ("id", "title", "text", "author", "votes", "voted", "status", "response"):
        assert key in idea, key
    assert idea["title"] == "Print less"
    assert idea["text"] == "Double-sided by *default*."
    assert "<em>default</em>" in idea["html"]
    assert idea["author"]["user"] == "alice"
    assert idea["votes"] == 0 and idea["voted"] is False
    assert idea["status"] == "new" and idea["response"] == ""
    assert idea["thread"] == path + "#idea-%d" % idea["id"]
    assert idea["page"] == path and idea["board"] == "costs"
    assert one(bob, idea["id"])["title"] == "Print less"
    doc = listing(bob, path)
    assert [i["id"] for i in doc["ideas"]] == [idea["id"]]
    assert doc["board"]["title"] == "Ways to cut costs" and doc["board"]["open"] is True


def test_submit_errors(server, alice, anon):
    path = new_board(server, alice)
    assert_json_error(submit(alice, path, title=""), 422, "invalid_title")
    assert_json_error(submit(alice, path, title="a\nb"), 422, "invalid_title")
    assert_json_error(submit(alice, path, title="x" * 201), 422, "invalid_title")
    assert_json_error(submit(alice, path, text="   "), 422, "invalid_text")
    assert_json_error(submit(alice, path, text="x" * 5001), 422, "invalid_text")
    assert_json_error(submit(alice, path, board="nope"), 404, "not_found")
    assert_json_error(submit(alice, path, board=""), 422, "invalid_board")
    assert_json_error(alice.api("POST", "ideas", {"page": path, "board": "costs",
                                                  "title": 5, "text": "t"}), 422)
    assert_json_error(submit(alice, "/missing-%s.html" % uuid.uuid4().hex), 404)
    assert_json_error(alice.api("POST", "ideas", raw=b"title=x",
                                content_type="application/x-www-form-urlencoded"), 415)
    for headers in CROSS_SITE:
        assert_json_error(submit(alice, path, headers=headers), 403, "cross_origin")
    assert_json_error(alice.api("PUT", "ideas"), 405)
    assert listing(alice, path)["ideas"] == []
    public = new_board(server, anon, area="pub-read")
    assert_json_error(submit(anon, public), 401, "login_required")


def test_submit_with_an_idempotency_key_makes_one_idea(server, alice):
    path = new_board(server, alice)
    key = {"Idempotency-Key": "idea-%s" % uuid.uuid4().hex}
    first = submit(alice, path, title="Once", headers=key)
    again = submit(alice, path, title="Once", headers=key)
    assert first.status == again.status == 201, (first.body, again.body)
    assert first.json()["id"] == again.json()["id"]
    assert [i["id"] for i in listing(alice, path)["ideas"]] == [first.json()["id"]]
    assert_json_error(submit(alice, path, title="Other", headers=key), 422,
                      "idempotency_mismatch")
    assert_json_error(submit(alice, path, headers={"Idempotency-Key": "x" * 201}), 400)


def test_list_errors(server, alice):
    path = new_board(server, alice)
    assert_json_error(alice.api("GET", "ideas?page=" + q(path)), 400, "invalid_board")
    assert_json_error(alice.api("GET", "ideas?page=%s&board=other" % q(path)), 404)
    assert_json_error(alice.api("GET", "ideas?page=%s&board=costs&sort=best" % q(path)),
                      400, "invalid_sort")
    assert_json_error(alice.api("GET", "ideas?page=%s&board=costs&status=maybe" % q(path)),
                      400, "invalid_status")
    assert_json_error(alice.api("GET", "ideas?page=%s&board=costs&before=x" % q(path)),
                      400, "invalid_before")
    assert_json_error(alice.api("GET", "ideas/0"), 404)
    assert_json_error(alice.api("GET", "ideas/999999999"), 404, "not_found")
    assert_json_error(alice.api("GET", "ideas/1/other"), 404)
    assert_json_error(alice.api("POST", "ideas/1"), 405)
    assert_json_error(alice.api("GET", "ideas/1/vote"), 405)
    assert_json_error(alice.api("PUT", "ideas/1/status"), 405)


def test_votes_are_idempotent_and_per_person(server, alice, bob, carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path)
    for _ in range(2):
        resp = vote(bob, idea["id"])
        assert resp.status == 200 and resp.json() == {"id": idea["id"], "votes": 1,
                                                      "voted": True}
    assert vote(carol, idea["id"]).json()["votes"] == 2
    assert one(bob, idea["id"])["voted"] is True
    assert one(alice, idea["id"])["voted"] is False
    for _ in range(2):
        resp = vote(bob, idea["id"], "DELETE")
        assert resp.json() == {"id": idea["id"], "votes": 1, "voted": False}
    for headers in CROSS_SITE:
        assert_json_error(bob.api("PUT", "ideas/%d/vote" % idea["id"], headers=headers), 403)


def test_sort_and_filter(server, alice, bob, carol, dave):
    path = new_board(server, alice)
    a = submit_ok(alice, path, title="A")
    b = submit_ok(bob, path, title="B")
    c = submit_ok(dave, path, title="C")
    for user in (alice, bob, carol):
        vote(user, b["id"])
    vote(alice, a["id"])
    assert [i["title"] for i in listing(alice, path)["ideas"]] == ["B", "A", "C"]
    assert [i["title"] for i in listing(alice, path, sort="votes")["ideas"]] == ["B", "A", "C"]
    assert [i["title"] for i in listing(alice, path, sort="newest")["ideas"]] == ["C", "B", "A"]
    assert set_status(carol, a["id"], "planned").status == 200
    assert set_status(carol, c["id"], "under review").status == 200
    assert [i["title"] for i in listing(alice, path, sort="status")["ideas"]] == ["B", "C", "A"]
    assert [i["title"] for i in listing(alice, path, status="planned")["ideas"]] == ["A"]
    assert [i["title"] for i in listing(alice, path, sort="newest",
                                        before=str(c["id"]))["ideas"]] == ["B", "A"]
    # the page itself sorts and filters without JavaScript
    body = served(alice, path + "?ideas_sort=newest&ideas_status=new").body
    section = board_section(body)
    assert b">B</a>" in section and b">A</a>" not in section and b">C</a>" not in section
    assert b'<option value="newest" selected="selected">' in section


def test_edit_and_delete_permissions(server, alice, bob, carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path)
    rel = "ideas/%d" % idea["id"]
    assert_json_error(bob.api("PATCH", rel, {"title": "Mine now"}), 403, "forbidden")
    assert_json_error(alice.api("PATCH", rel, {}), 422)
    assert_json_error(alice.api("PATCH", rel, {"title": ""}), 422, "invalid_title")
    resp = alice.api("PATCH", rel, {"title": "Screens off at 8pm"})
    assert resp.status == 200 and resp.json()["title"] == "Screens off at 8pm"
    assert resp.json()["text"] == idea["text"] and resp.json()["edited"] is not None
    resp = carol.api("PATCH", rel, {"text": "Moderated text"})
    assert resp.status == 200 and resp.json()["text"] == "Moderated text"
    assert_json_error(bob.api("DELETE", rel), 403, "forbidden")
    resp = alice.api("DELETE", rel)
    assert resp.status == 204, resp.body
    assert_json_error(alice.api("GET", rel), 404)
    assert listing(alice, path)["ideas"] == []
    other = submit_ok(bob, path)
    assert carol.api("DELETE", "ideas/%d" % other["id"]).status == 204


def test_status_is_for_moderators_and_notifies_author_and_voters(server, alice, bob,
                                                                 carol, dave):
    path = new_board(server, alice)
    idea = submit_ok(alice, path, title="Car pooling")
    vote(bob, idea["id"])
    vote(carol, idea["id"])
    assert_json_error(set_status(alice, idea["id"], "planned"), 403, "forbidden")
    assert_json_error(set_status(bob, idea["id"], "planned"), 403, "forbidden")
    assert_json_error(set_status(carol, idea["id"], "maybe"), 422, "invalid_status")
    assert_json_error(carol.api("PATCH", "ideas/%d/status" % idea["id"], {"status": 3}), 422)
    before = {u.user: len(notifications(u)) for u in (alice, bob, carol, dave)}
    resp = set_status(carol, idea["id"], "planned", "We start in March.")
    assert resp.status == 200, resp.body
    got = resp.json()
    assert got["status"] == "planned" and got["response"] == "We start in March."
    assert got["responder"] == "carol" and got["status_changed"] is not None
    assert one(dave, idea["id"])["response"] == "We start in March."
    for user in (alice, bob):
        notes = [n for n in notifications(user) if n["kind"] == "idea"
                 and n["idea"] == idea["id"]]
        assert len(notes) == 1, notes
        assert notes[0]["text"] == '"Car pooling" is now planned'
        assert notes[0]["read"] is False and notes[0]["page"] == path
    # the moderator who acted and someone who did not vote hear nothing
    assert len(notifications(carol)) == before["carol"]
    assert len(notifications(dave)) == before["dave"]
    # a second change makes the one notification unread again, with the new status
    n_id = [n for n in notifications(bob) if n["kind"] == "idea"][0]["id"]
    assert bob.api("POST", "notifications/%d/read" % n_id, {}).status in (200, 204)
    assert set_status(carol, idea["id"], "done").status == 200
    notes = [n for n in notifications(bob) if n["kind"] == "idea" and n["idea"] == idea["id"]]
    assert len(notes) == 1 and notes[0]["read"] is False
    assert notes[0]["text"] == '"Car pooling" is now done'


def test_merge_keeps_the_votes_of_both_a_voter_counted_once(server, mariadb, alice, bob,
                                                            carol, dave):
    path = new_board(server, alice)
    dup = submit_ok(alice, path, title="Fewer printers")
    keep = submit_ok(bob, path, title="Remove printers")
    for user in (alice, bob):
        vote(user, dup["id"])
    for user in (bob, dave):
        vote(user, keep["id"])
    merge = "ideas/%d/merge" % dup["id"]
    assert_json_error(alice.api("POST", merge, {"into": keep["id"]}), 403, "forbidden")
    assert_json_error(carol.api("POST", merge, {"into": dup["id"]}), 422, "invalid_into")
    assert_json_error(carol.api("POST", merge, {"into": 999999999}), 422, "invalid_into")
    assert_json_error(carol.api("GET", merge), 405)
    resp = carol.api("POST", merge, {"into": keep["id"]})
    assert resp.status == 200, resp.body
    assert resp.json()["merged_into"] == keep["id"]
    assert one(alice, keep["id"])["votes"] == 3
    assert votes_in_db(mariadb, keep["id"]) == ["alice", "bob", "dave"]
    assert votes_in_db(mariadb, dup["id"]) == ["alice", "bob"]
    assert [i["id"] for i in listing(alice, path)["ideas"]] == [keep["id"]]
    assert_json_error(vote(dave, dup["id"]), 409, "idea_merged")
    assert_json_error(carol.api("POST", merge, {"into": keep["id"]}), 422, "invalid_into")
    [[kind, action]] = mariadb.sql("SELECT target_kind, action FROM social_audit "
                                   "WHERE target_kind = 'idea' AND target_id = %d"
                                   % dup["id"])
    assert (kind, action) == ("idea", "merge")


# ---------------------------------------------------------------- closing

def test_a_closed_board_takes_no_ideas_or_votes(server, mariadb, alice, bob):
    path = new_board(server, alice, '<!--social:ideas name="costs" title="Old" '
                                    'closes="2020-01-31"-->')
    doc = listing(alice, path)
    assert doc["board"]["open"] is False and doc["can_submit"] is False
    assert_json_error(submit(alice, path), 409, "board_closed")
    # an idea from before the board closed
    [[board_id]] = mariadb.sql("SELECT b.id FROM social_idea_boards b JOIN social_pages p "
                               "ON p.id = b.page_id WHERE p.path = '%s'" % path)
    mariadb.sql("INSERT INTO social_ideas (board_id, author, author_name, title, body, "
                "status, response) VALUES (%s, 'bob', 'bob', 'Old idea', 'text', 'new', '')"
                % board_id)
    [old] = listing(alice, path)["ideas"]
    assert_json_error(vote(alice, old["id"]), 409, "board_closed")
    assert_json_error(alice.api("PATCH", "ideas/%d" % old["id"], {"title": "x"}), 403)
    assert_json_error(bob.api("PATCH", "ideas/%d" % old["id"], {"title": "x"}), 409)
    section = board_section(served(alice, path).body)
    assert b"The board is closed." in section
    assert b'action="/_social/ideas"' not in section and b'value="vote"' not in section


def test_a_board_is_open_through_its_closing_day(server, alice):
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    path = new_board(server, alice, '<!--social:ideas name="costs" title="Today" '
                                    'closes="%s"-->' % today)
    assert listing(alice, path)["board"]["open"] is True
    idea = submit_ok(alice, path)
    assert vote(alice, idea["id"]).status == 200


# ---------------------------------------------------------------- racing votes

def test_racing_votes_count_exactly(server, mariadb, htpasswd):
    people = ("alice", "bob", "carol", "dave")
    clients = {u: Client(server, u) for u in people}
    path = new_board(server, clients["alice"])
    idea = submit_ok(clients["alice"], path)
    rel = "ideas/%d/vote" % idea["id"]
    import random
    rng = random.Random(17)
    calls = [(u, rng.choice(("PUT", "DELETE"))) for u in people for _ in range(30)]
    rng.shuffle(calls)

    def send(call):
        user, method = call
        return user, method, clients[user].api(method, rel)

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(send, calls))
    refused = [(u, m, r.status) for u, m, r in results if r.status != 200]
    assert refused == []
    for _, _, resp in results:
        assert 0 <= resp.json()["votes"] <= len(people)
    assert one(clients["bob"], idea["id"])["votes"] == len(votes_in_db(mariadb, idea["id"]))
    # each person's last word, while the people still race each other
    last = {"alice": "PUT", "bob": "DELETE", "carol": "PUT", "dave": "PUT"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(send, [(u, m) for u, m in last.items() for _ in range(5)]))
    assert all(r.status == 200 and r.json()["voted"] is (m == "PUT") for _, m, r in results)
    voters = sorted(u for u, m in last.items() if m == "PUT")
    assert votes_in_db(mariadb, idea["id"]) == voters
    assert one(clients["bob"], idea["id"])["votes"] == len(voters) == 3


# ---------------------------------------------------------------- access

def test_restricted_page_applies_to_ideas(server, alice, bob, carol):
    path = new_board(server, alice, area="secret")
    idea = submit_ok(alice, path, title="Secret saving")
    # the intranet's own rule refuses bob (Basic login answers 401)
    assert bob.api("GET", "ideas?page=%s&board=costs" % q(path)).status in (401, 403)
    assert submit(bob, path).status in (401, 403)
    for method, rel in (("GET", "ideas/%d"), ("PUT", "ideas/%d/vote"),
                        ("PATCH", "ideas/%d"), ("DELETE", "ideas/%d")):
        assert_json_error(bob.api(method, rel % idea["id"], {"title": "x"}
                                  if method == "PATCH" else None), 404, "not_found")
    assert bob.get("/_social/ideas/%d" % idea["id"]).status == 404
    # its thread too
    assert bob.api("GET", "comments?page=" + q(idea["thread"])).status in (401, 403)
    assert set_status(carol, idea["id"], "planned").status == 200
    titles = [i.get("idea_title") for i in activity(alice)]
    assert titles.count("Secret saving") == 2
    assert "Secret saving" not in [i.get("idea_title") for i in activity(bob)]
    assert b"Secret saving" not in bob.get("/_social/activity").body


def test_activity_shows_ideas_and_status_changes_with_the_title_only(server, alice, bob,
                                                                     carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path, title="Reuse folders", text="SECRET-TEXT-%s" % uuid.uuid4())
    set_status(carol, idea["id"], "done", "Thanks!")
    items = [i for i in activity(bob) if i.get("idea") == idea["id"]]
    kinds = sorted(i["kind"] for i in items)
    assert kinds == ["idea", "idea_status"], items
    for item in items:
        assert item["idea_title"] == "Reuse folders"
        assert item["url"] == path + "#idea-%d" % idea["id"]
        assert "SECRET-TEXT" not in str(item)
    [status] = [i for i in items if i["kind"] == "idea_status"]
    assert status["status"] == "done" and status["user"] == "carol"
    page = bob.get("/_social/activity").body
    assert b"Reuse folders" in page and b"SECRET-TEXT" not in page
    atom = bob.get("/_social/activity.atom").body
    assert b"Reuse folders" in atom


# ---------------------------------------------------------------- each idea's thread

def test_each_idea_has_its_own_comment_thread(server, alice, bob, carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path)
    other = submit_ok(bob, path)
    thread = idea["thread"]
    first = bob.create(thread, "Good one")
    reply = alice.create(thread, "Thanks", parent=first["id"])
    assert reply["parent"] == first["id"]
    assert carol.api("PUT", "comments/%d/like" % first["id"]).json()["liked"] is True
    doc = bob.listing(thread)
    assert doc["page"] == thread and doc["count"] == 2
    assert bob.listing(other["thread"])["count"] == 0
    assert bob.listing(path)["count"] == 0             # not the page's own discussion
    assert one(bob, idea["id"])["comments"] == 2
    # in the stream and in alice's notifications, a comment there links to the idea
    [item] = [i for i in activity(carol) if i["kind"] == "comment" and i["id"] == first["id"]]
    assert item["url"] == thread
    [note] = [n for n in notifications(bob) if n["kind"] == "reply"
              and n["comment"] == reply["id"]]
    assert note["url"] == thread
    assert_json_error(bob.api("POST", "comments", {
        "page": thread, "body": "On a passage",
        "anchor": {"exact": "Before the board.", "prefix": "", "suffix": ""}}),
        422, "invalid_anchor")
    assert_json_error(bob.api("POST", "comments", {"page": path + "#idea-999999999",
                                                   "body": "x"}), 404)
    assert_json_error(bob.api("POST", "comments", {"page": path.replace(".html", "-x.html")
                                                   + "#idea-%d" % idea["id"], "body": "x"}),
                      404)
    # the idea's own page shows the idea and its thread, without JavaScript
    resp = bob.get("/_social/ideas/%d" % idea["id"])
    assert resp.status == 200, resp.body[:300]
    assert b"Switch off screens at night" in resp.body and b"Good one" in resp.body
    assert b"Thanks" in resp.body


def test_a_locked_page_locks_its_board_and_the_ideas_threads(server, alice, bob, carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path)
    first = bob.create(idea["thread"], "Before the lock")
    page = served(carol, path).body
    token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
    resp = form_post(carol, "/_social/admin/lock", {"page": path, "action": "lock",
                                                    "token": token})
    assert resp.status == 303, (resp, resp.body[:300])
    assert_json_error(submit(alice, path), 423, "locked")
    assert_json_error(vote(bob, idea["id"]), 423, "locked")
    assert_json_error(bob.api("POST", "comments", {"page": idea["thread"], "body": "x"}), 423)
    assert_json_error(alice.api("POST", "comments", {"page": idea["thread"], "body": "x",
                                                     "parent": first["id"]}), 423)
    assert_json_error(alice.api("PUT", "comments/%d/like" % first["id"]), 423)
    # the moderator still votes, but comments stop for everyone, as on any locked page
    assert vote(carol, idea["id"]).status == 200
    assert_json_error(carol.api("POST", "comments", {"page": idea["thread"], "body": "x"}), 423)
    # readers are told, on the board and on the idea's own page, and get no form to fill
    board = board_section(served(bob, path).body)
    assert b"social-locked-note" in board and b'name="title"' not in board
    own = bob.get("/_social/ideas/%d" % idea["id"])
    assert own.status == 200
    assert b"social-locked-note" in own.body, own.body.decode()[-3000:]
    # the idea's discussion says it too, with no comment or reply form
    thread = own.body.split(b'class="social-idea-thread"', 1)[1]
    assert b"social-locked-note" in thread
    assert b'name="body"' not in thread, thread.decode()[-3000:]


# ---------------------------------------------------------------- forms (no JavaScript)

def test_forms_submit_vote_and_set_status(server, alice, bob, carol):
    path = new_board(server, alice)
    token = token_of(board_section(served(alice, path).body))
    resp = form_post(alice, "/_social/ideas", {"token": token, "page": path, "board": "costs",
                                               "title": "Cheaper coffee", "text": "Beans."})
    assert resp.status == 303, (resp, resp.body[:300])
    [idea] = listing(alice, path)["ideas"]
    assert resp.header("Location") == path + "?social=idea#idea-%d" % idea["id"]
    section = board_section(served(bob, path).body)
    assert b"Cheaper coffee" in section and b'value="vote"' in section
    resp = form_post(bob, "/_social/ideas/%d" % idea["id"],
                     {"token": token_of(section), "action": "vote"})
    assert resp.status == 303 and resp.header("Location") == (
        path + "?social=voted#idea-%d" % idea["id"])
    assert one(bob, idea["id"])["votes"] == 1
    assert b'value="unvote"' in board_section(served(bob, path).body)
    # a stranger's token, a forged one, or none: refused
    for bad in (token, "forged", None):
        fields = {"action": "unvote"}
        if bad:
            fields["token"] = bad
        assert_html_error(form_post(bob, "/_social/ideas/%d" % idea["id"], fields), 403)
    # only the moderator's board has the status form
    assert b"social-idea-status-form" not in section
    carols = board_section(served(carol, path).body)
    assert b"social-idea-status-form" in carols
    resp = form_post(bob, "/_social/ideas/%d" % idea["id"],
                     {"token": token_of(section), "action": "status", "status": "done"})
    assert_html_error(resp, 403)
    resp = form_post(carol, "/_social/ideas/%d" % idea["id"],
                     {"token": token_of(carols), "action": "status", "status": "planned",
                      "response": "Next quarter"}, headers={"X-Social-Fragment": "1"})
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    assert b"Next quarter" in resp.body and BLOCK_START not in resp.body
    assert one(bob, idea["id"])["status"] == "planned"
    assert_html_error(form_post(carol, "/_social/ideas/%d" % idea["id"],
                                {"token": token_of(carols), "action": "fly"}), 422)


@pytest.mark.parametrize("area", ["pub-read", "pub-write"])
def test_anonymous_readers_see_the_board_but_cannot_act(server, alice, carol, anon, area):
    path = new_board(server, anon, area=area)
    idea = submit_ok(alice, path, title="Public idea")
    section = board_section(served(anon, path).body)
    assert b"Log in to suggest ideas and vote." in section and b"Public idea" in section
    assert b'name="token"' not in section
    doc = listing(anon, path)
    assert [i["title"] for i in doc["ideas"]] == ["Public idea"] and doc["can_submit"] is False
    assert one(anon, idea["id"])["voted"] is False
    assert_json_error(submit(anon, path), 401, "login_required")
    assert_json_error(vote(anon, idea["id"]), 401, "login_required")
    assert_json_error(vote(anon, idea["id"], "DELETE"), 401, "login_required")
    assert_json_error(anon.api("PATCH", "ideas/%d" % idea["id"], {"title": "x"}), 401)
    assert_json_error(anon.api("DELETE", "ideas/%d" % idea["id"]), 401)
    assert_json_error(set_status(anon, idea["id"], "done"), 401, "login_required")
    assert_json_error(anon.api("POST", "ideas/%d/merge" % idea["id"], {"into": 1}), 401)
    assert one(carol, idea["id"])["status"] == "new"


def test_deferred_page_leaves_the_board_to_the_widget(server, alice, bob):
    path = new_board(server, alice, area="deferred")
    body = served(alice, path).body
    assert re.search(rb'<div class="social-marker social-marker-ideas"[^>]*id="ideas-costs"'
                     rb'[^>]*></div>', body), body[-1500:]
    idea = submit_ok(alice, path, title="Deferred idea")
    vote(bob, idea["id"])
    resp = bob.get("/_social/ideas?page=%s&board=costs&sort=newest" % q(path))
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    assert b"Deferred idea" in resp.body and b'value="unvote"' in resp.body
    assert b'<option value="newest" selected="selected">' in resp.body
    assert_json_error(bob.get("/_social/ideas?page=%s&board=none" % q(path)), 404)
    assert_json_error(bob.get("/_social/ideas?page=/missing.html&board=costs"), 404)


def test_console_exports_ideas_with_votes_and_statuses(server, alice, bob, carol):
    import csv
    import io
    import json
    path = new_board(server, alice)
    idea = submit_ok(alice, path, title='=HYPERLINK("x") idea')
    vote(bob, idea["id"])
    set_status(carol, idea["id"], "planned", "Yes")
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    query = "/_social/admin/export?what=ideas&format=%s&from=%s&to=%s"
    resp = carol.get(query % ("json", day, day))
    assert resp.status == 200, resp.body[:300]
    doc = json.loads(resp.body)
    [row] = [r for r in doc["rows"] if r["id"] == idea["id"]]
    assert row["page"] == path and row["board"] == "costs" and row["votes"] == 1
    assert row["status"] == "planned" and row["response"] == "Yes"
    assert row["author"] == "alice" and row["status_changed"]
    resp = carol.get(query % ("csv", day, day))
    assert resp.status == 200 and resp.content_type.startswith("text/csv")
    [row] = [r for r in csv.DictReader(io.StringIO(resp.body.decode(), newline=""))
             if r["id"] == str(idea["id"])]
    assert not row["title"].startswith("=")     # a formula is neutralised
    assert bob.get(query % ("csv", day, day)).status == 403


def test_marker_edits_change_the_board_and_keep_its_ideas(server, mariadb, alice, carol):
    path = new_board(server, alice)
    idea = submit_ok(alice, path)
    server.write_file(path, PAGE.format(title="Ideas page", markers=(
        '<!--social:ideas name="costs" title="Cheaper in 2027" statuses="open|closed"-->')),
        mtime=time.time() + 5)
    section = board_section(served(alice, path).body)
    assert b"Cheaper in 2027" in section and b">closed</option>" in section
    doc = listing(alice, path)
    assert doc["board"]["title"] == "Cheaper in 2027"
    assert doc["board"]["statuses"] == ["open", "closed"]
    assert [i["id"] for i in doc["ideas"]] == [idea["id"]]
    assert set_status(carol, idea["id"], "closed").status == 200
    assert_json_error(set_status(carol, idea["id"], "planned"), 422, "invalid_status")
    [[count]] = mariadb.sql("SELECT COUNT(*) FROM social_idea_boards b JOIN social_pages p "
                            "ON p.id = b.page_id WHERE p.path = '%s'" % path)
    assert count == "1"


def test_hostile_titles_and_texts_stay_inert(server, alice, bob):
    path = new_board(server, alice)
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    idea = submit_ok(alice, path, title=hostile, text=hostile + " [x](javascript:alert(3))")
    assert one(bob, idea["id"])["title"] == hostile
    for body in (served(bob, path).body, bob.get("/_social/ideas/%d" % idea["id"]).body):
        assert b"<script>alert" not in body and b"<img src=x" not in body
        assert b'href="javascript:' not in body
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize("name,board,statuses,closes", [
    ("2026-12-ways-to-cut-costs.html", "costs",
     ["new", "under review", "planned", "done", "declined"], None),
    ("2026-12-fieldkit-feedback.html", "fieldkit", ["received", "incorporated", "not taken"],
     "2027-01-15"),
])
def test_demo_pages_declare_working_boards(server, alice, name, board, statuses, closes):
    import harness
    text = (harness.REPO / "demo" / "intranet" / "news" / name).read_text()
    path = "/demo-%s-%s" % (uuid.uuid4().hex[:8], name)
    server.write_file(path, text)
    board_section(served(alice, path).body, board)
    doc = listing(alice, path, board=board)
    assert doc["board"]["statuses"] == statuses
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    if closes is not None:
        # the first moment it is closed: open through its closing day
        assert doc["board"]["closes"] == "2027-01-16T00:00:00Z"
    if closes is None or today <= closes:
        assert doc["board"]["open"] is True
        assert submit_ok(alice, path, board=board)["status"] == statuses[0]
    else:
        assert doc["board"]["open"] is False
