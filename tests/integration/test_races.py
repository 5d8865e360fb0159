"""Racing requests over real HTTP: likes and votes stay exact.

A like is one row per person per target and a ballot one row per person
per poll (primary keys), so however requests interleave, counts are
exact. Racing requests of one person have no defined order, so the tests
only predict the end state where it is deterministic: several people race
on one target, and each person's last request is sent once their racing
ones have all been answered; or one person sends only one kind of request.

Every race is bounded (4 people x 50 requests, at most 12 at a time) and
checked through the API and directly in the database. A racing request
that is refused (say 503 after a database deadlock) fails the test; it is
sent again once, alone, so the end state can still be checked and the
test reports both.
"""

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from social_test import config
from social_test.client import Client

HTTPD_CONF = config.login()

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Race</title></head>
<body>
<h1>Race</h1>
{markers}
</body>
</html>
"""

PEOPLE = ("alice", "bob", "carol", "dave")
PER_PERSON = 50
PARALLEL = 12

# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def clients(server):
    return {user: Client(server, user) for user in PEOPLE}


@pytest.fixture
def rng():
    seed = random.randrange(1 << 30)
    print("random seed", seed)
    return random.Random(seed)


# ---------------------------------------------------------------- helpers

def new_page(server, *markers):
    path = "/race-%s.html" % uuid.uuid4().hex[:12]
    server.write_file(path, PAGE.format(markers="\n".join(markers)))
    return path


def q(path):
    return quote(path, safe="/")


class Race:
    """Runs calls (functions without arguments that return (user, what,
    response)) at once, at most PARALLEL at a time, the first ones
    released together. Refused requests are remembered in `refused` and
    sent again, alone, so that the race still ends in the state its
    requests ask for."""

    def __init__(self):
        self.refused = []

    def __call__(self, calls):
        start = threading.Barrier(min(PARALLEL, len(calls)))

        def run(call, first):
            if first:
                start.wait(timeout=30)
            return call()

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            futures = [pool.submit(run, call, k < PARALLEL) for k, call in enumerate(calls)]
            results = [f.result(timeout=120) for f in futures]
        out = []
        for call, (user, what, resp) in zip(calls, results):
            if resp.status != 200:
                self.refused.append((user, what, resp.status, resp.body[:200]))
                user, what, resp = call()
                assert resp.status == 200, (user, what, resp.status, resp.body[:200])
            out.append((user, what, resp))
        return out

    def assert_none_refused(self):
        assert not self.refused, "%d racing requests were refused, e.g. %r" % (
            len(self.refused), self.refused[:3])


@pytest.fixture
def race():
    """A Race for this test; the test ends with race.assert_none_refused()."""
    return Race()


def like_call(client, path, method):
    return lambda: (client.user, method, client.api(method, "like?page=" + q(path)))


def comment_like_call(client, cid, method):
    return lambda: (client.user, method, client.api(method, "comments/%d/like" % cid))


def vote_call(client, poll_id, choices):
    return lambda: (client.user, tuple(choices),
                    client.api("PUT", "polls/%d/vote" % poll_id, {"choices": list(choices)}))


def page_likes_in_db(mariadb, path):
    [[count]] = mariadb.sql(
        "SELECT COUNT(*) FROM social_likes l JOIN social_pages p "
        "ON l.target_kind = 'page' AND l.target_id = p.id WHERE p.path = '%s'" % path)
    return int(count)


def page_likers_in_db(mariadb, path):
    rows = mariadb.sql(
        "SELECT l.user FROM social_likes l JOIN social_pages p "
        "ON l.target_kind = 'page' AND l.target_id = p.id WHERE p.path = '%s' "
        "ORDER BY l.user" % path)
    return [row[0] for row in rows]


def comment_likers_in_db(mariadb, cid):
    rows = mariadb.sql("SELECT user FROM social_likes WHERE target_kind = 'comment' "
                       "AND target_id = %d ORDER BY user" % cid)
    return [row[0] for row in rows]


def ballots_in_db(mariadb, poll_id):
    return [row[0] for row in mariadb.sql(
        "SELECT user FROM social_poll_ballots WHERE poll_id = %d ORDER BY user" % poll_id)]


def choices_in_db(mariadb, poll_id):
    """{user: sorted choice indexes} from social_poll_choices."""
    out = {}
    for user, idx in mariadb.sql("SELECT user, idx FROM social_poll_choices "
                                 "WHERE poll_id = %d ORDER BY user, idx" % poll_id):
        out.setdefault(user, []).append(int(idx))
    return out


def likes_doc(client, path):
    resp = client.api("GET", "likes?page=" + q(path))
    assert resp.status == 200, resp.body
    return resp.json()


def the_poll(client, path):
    assert client.get(path).status == 200
    resp = client.api("GET", "polls?page=" + q(path))
    assert resp.status == 200, resp.body
    [poll] = resp.json()["polls"]
    return poll


def poll_by_id(client, poll_id):
    resp = client.api("GET", "polls/%d" % poll_id)
    assert resp.status == 200, resp.body
    return resp.json()


# ---------------------------------------------------------------- likes

def test_racing_likes_and_unlikes_of_several_people_end_exact(server, mariadb, clients, rng, race):
    path = new_page(server)
    calls = [like_call(clients[user], path, rng.choice(("PUT", "DELETE")))
             for user in PEOPLE for _ in range(PER_PERSON)]
    rng.shuffle(calls)
    results = race(calls)
    for user, method, resp in results:
        doc = resp.json()
        assert set(doc) == {"count", "liked"}, doc
        assert 0 <= doc["count"] <= len(PEOPLE), doc
    # whatever the race left, the count is the number of rows
    doc = likes_doc(clients["alice"], path)
    assert doc["count"] == len(doc["people"]) == page_likes_in_db(mariadb, path)
    assert sorted(p["user"] for p in doc["people"]) == page_likers_in_db(mariadb, path)

    # each person's last request, once their racing ones are answered;
    # the people still race each other
    last = {user: rng.choice(("PUT", "DELETE")) for user in PEOPLE}
    last["alice"], last["bob"] = "PUT", "DELETE"
    calls = [like_call(clients[user], path, method) for user, method in last.items()]
    calls += [like_call(clients[user], path, method)
              for user, method in last.items() for _ in range(3)]
    results = race(calls)
    for user, method, resp in results:
        assert resp.json()["liked"] is (method == "PUT"), (user, method, resp.json())
    likers = sorted(user for user, method in last.items() if method == "PUT")
    doc = likes_doc(clients["carol"], path)
    assert doc["count"] == len(likers)
    assert sorted(p["user"] for p in doc["people"]) == likers
    assert page_likers_in_db(mariadb, path) == likers
    for user in PEOPLE:
        resp = clients[user].api(last[user], "like?page=" + q(path))
        assert resp.json() == {"count": len(likers), "liked": last[user] == "PUT"}
    race.assert_none_refused()


def test_many_likes_of_one_person_count_once(server, mariadb, clients, race):
    path = new_page(server)
    results = race([like_call(clients["bob"], path, "PUT") for _ in range(PER_PERSON * 2)])
    for user, method, resp in results:
        assert resp.json() == {"count": 1, "liked": True}
    assert page_likers_in_db(mariadb, path) == ["bob"]
    assert likes_doc(clients["alice"], path)["count"] == 1
    # and many unlikes remove it once
    results = race([like_call(clients["bob"], path, "DELETE") for _ in range(PER_PERSON)])
    for user, method, resp in results:
        assert resp.json() == {"count": 0, "liked": False}
    assert page_likes_in_db(mariadb, path) == 0
    race.assert_none_refused()


def test_racing_likes_of_everybody_count_everybody(server, mariadb, clients, rng, race):
    path = new_page(server)
    calls = [like_call(clients[user], path, "PUT") for user in PEOPLE for _ in range(PER_PERSON)]
    rng.shuffle(calls)
    results = race(calls)
    counts = [resp.json()["count"] for _, _, resp in results]
    assert all(1 <= c <= len(PEOPLE) for c in counts), counts
    assert page_likers_in_db(mariadb, path) == sorted(PEOPLE)
    assert likes_doc(clients["dave"], path)["count"] == len(PEOPLE)
    race.assert_none_refused()


def test_racing_comment_likes_end_exact(server, mariadb, clients, rng, race):
    path = new_page(server)
    cid = clients["alice"].create(path, "race on me")["id"]
    calls = [comment_like_call(clients[user], cid, rng.choice(("PUT", "DELETE")))
             for user in PEOPLE for _ in range(PER_PERSON // 2)]
    calls += [comment_like_call(clients["dave"], cid, "PUT") for _ in range(PER_PERSON // 2)]
    rng.shuffle(calls)
    race(calls)
    last = {"alice": "PUT", "bob": "DELETE", "carol": "PUT", "dave": "DELETE"}
    race([comment_like_call(clients[user], cid, method) for user, method in last.items()])
    likers = sorted(u for u, m in last.items() if m == "PUT")
    assert comment_likers_in_db(mariadb, cid) == likers
    resp = clients["bob"].api("GET", "comments/%d/likes" % cid)
    assert sorted(p["user"] for p in resp.json()["people"]) == likers
    listed = {c["id"]: c for c in clients["bob"].listing(path)["comments"]}
    assert listed[cid]["likes"] == len(likers)


# ---------------------------------------------------------------- votes
    race.assert_none_refused()


def test_racing_votes_leave_one_ballot_per_person(server, mariadb, clients, rng, race):
    path = new_page(server, '<!--social:poll name="race" question="Which?" '
                            'options="Red|Green|Blue"-->')
    poll = the_poll(clients["alice"], path)
    indexes = [o["index"] for o in poll["options"]]
    calls = [vote_call(clients[user], poll["id"], [rng.choice(indexes)])
             for user in PEOPLE for _ in range(PER_PERSON)]
    rng.shuffle(calls)
    results = race(calls)
    for user, choices, resp in results:
        doc = resp.json()
        assert 1 <= doc["ballots"] <= len(PEOPLE), doc
        assert len(doc["my_choices"]) == 1, doc
    got = poll_by_id(clients["bob"], poll["id"])
    assert got["ballots"] == len(PEOPLE)
    assert sum(o["votes"] for o in got["options"]) == len(PEOPLE)
    assert ballots_in_db(mariadb, poll["id"]) == sorted(PEOPLE)
    in_db = choices_in_db(mariadb, poll["id"])
    assert sorted(in_db) == sorted(PEOPLE)
    assert all(len(c) == 1 for c in in_db.values()), in_db
    for user in PEOPLE:
        assert poll_by_id(clients[user], poll["id"])["my_choices"] == in_db[user]

    # each person's last vote, racing the others: exact figures
    final = {user: indexes[k % len(indexes)] for k, user in enumerate(PEOPLE)}
    calls = [vote_call(clients[user], poll["id"], [choice]) for user, choice in final.items()]
    calls += [vote_call(clients[user], poll["id"], [choice])
              for user, choice in final.items() for _ in range(5)]
    race(calls)
    got = poll_by_id(clients["carol"], poll["id"])
    assert got["ballots"] == len(PEOPLE)
    expected = {o["index"]: list(final.values()).count(o["index"]) for o in got["options"]}
    assert {o["index"]: o["votes"] for o in got["options"]} == expected
    assert choices_in_db(mariadb, poll["id"]) == {u: [c] for u, c in final.items()}
    assert ballots_in_db(mariadb, poll["id"]) == sorted(PEOPLE)
    race.assert_none_refused()


def test_racing_multiple_choice_ballots_are_never_mixed(server, mariadb, clients, rng, race):
    path = new_page(server, '<!--social:poll name="multi" question="Which ones?" '
                            'options="A|B|C|D|E" multiple-->')
    poll = the_poll(clients["alice"], path)
    indexes = [o["index"] for o in poll["options"]]
    sent = {user: set() for user in PEOPLE}
    calls = []
    for user in PEOPLE:
        for _ in range(PER_PERSON):
            choices = tuple(sorted(rng.sample(indexes, rng.randint(1, len(indexes)))))
            sent[user].add(choices)
            calls.append(vote_call(clients[user], poll["id"], choices))
    rng.shuffle(calls)
    race(calls)
    assert ballots_in_db(mariadb, poll["id"]) == sorted(PEOPLE)
    in_db = choices_in_db(mariadb, poll["id"])
    for user in PEOPLE:
        assert tuple(in_db[user]) in sent[user], \
            "%s's choices %r are no ballot they sent: two ballots were mixed" % (
                user, in_db[user])
        assert sorted(poll_by_id(clients[user], poll["id"])["my_choices"]) == in_db[user]
    got = poll_by_id(clients["bob"], poll["id"])
    assert got["ballots"] == len(PEOPLE)
    assert sum(o["votes"] for o in got["options"]) == sum(len(c) for c in in_db.values())
    race.assert_none_refused()


def test_racing_first_views_create_the_poll_once(server, mariadb, clients, race):
    markers = '<!--social:poll name="first" question="First?" options="One|Two|Three"-->'
    path = new_page(server, markers)
    users = [clients[PEOPLE[k % len(PEOPLE)]] for k in range(PARALLEL)]
    results = race([lambda c=c: (c.user, "GET", c.get(path)) for c in users])
    for _, _, resp in results:
        assert b'id="poll-first"' in resp.body
        assert b"social-poll-question" in resp.body, "a view without the rendered poll"
    rows = mariadb.sql("SELECT po.id FROM social_polls po JOIN social_pages p "
                       "ON p.id = po.page_id WHERE p.path = '%s' AND po.name = 'first'" % path)
    assert len(rows) == 1, rows
    poll_id = int(rows[0][0])
    options = mariadb.sql("SELECT idx, label, removed FROM social_poll_options "
                          "WHERE poll_id = %d ORDER BY idx" % poll_id)
    assert sorted(label for _, label, _ in options) == ["One", "Three", "Two"], options
    assert all(removed == "0" for _, _, removed in options), options
    poll = the_poll(clients["alice"], path)
    assert poll["id"] == poll_id
    assert sorted(o["label"] for o in poll["options"]) == ["One", "Three", "Two"]
    race.assert_none_refused()


def test_racing_first_comments_of_a_page_are_all_stored(server, mariadb, clients):
    """The first comments of new pages, sent at once: the page's row is
    made by one of them while the others look, and every one is stored
    (none is taken for a refusal of a locked page)."""
    for _ in range(10):
        path = new_page(server)
        users = [clients[PEOPLE[k % len(PEOPLE)]] for k in range(PARALLEL)]
        start = threading.Barrier(PARALLEL)

        def post(client, k):
            start.wait(timeout=30)
            return client.api("POST", "comments", {"page": path, "body": "first %d" % k})

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            futures = [pool.submit(post, c, k) for k, c in enumerate(users)]
            answers = [f.result(timeout=120) for f in futures]
        assert [a.status for a in answers] == [201] * PARALLEL, [
            (a.status, a.body[:120]) for a in answers if a.status != 201]
        rows = mariadb.sql("SELECT COUNT(*) FROM social_comments c JOIN social_pages p "
                           "ON p.id = c.page_id WHERE p.path = '%s'" % path)
        assert rows == [[str(PARALLEL)]], rows
