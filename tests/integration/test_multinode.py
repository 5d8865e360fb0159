"""Scale-out: two httpd nodes, one MariaDB, one memcached.

Two httpd servers (different ports, the same site name and the same
database) stand for two nodes behind a load balancer; their shared
socache is a real memcached (Debian's memcached, started here on a free
loopback port and stopped by its pid). Whatever one node writes, the other
shows at once: a comment posted through A is in B's inline page, fragment
and JSON listing; an edit, delete or hide through B is seen on A; a page
like through A is counted on B. Every check first reads the view on the
other node (so a cache there would hold the old state), then writes, then
reads again without waiting.

Likes and poll votes race through both nodes from 20 people at once and
end exact on both nodes and in the database. The rate limit
(`SocialRateLimit`, counters in memcached through `SocialRateLimitCache
memcache:...`) is shared: writes through A and writes through B count
together, and whichever node goes over the limit answers 429 with
Retry-After.

Users are Basic users whose password is their name: alice, bob, carol (a
moderator), and one group of 20 per race so that no test eats another's
rate-limit quota.
"""

import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

import harness
from social_test import config
from social_test.asserts import assert_json_error, by_id
from social_test.client import Client
from social_test.html import Discussion, parse_html, social_div

MEMCACHED = "/usr/bin/memcached"
MEMCACHE = [("socache_memcache_module", "mod_socache_memcache.so")]

# Writes each person may make per window; the racing people stay well
# under it (at most RACE_TOGGLES + 1 writes each), the rate-limit test
# goes over it.
RATE_LIMIT = 40
RATE_WINDOW = 60

RACERS = 20
RACE_TOGGLES = 8
PARALLEL = 16
GROUPS = ("lk", "cl", "pv", "rl")
USERS = ("alice", "bob", "carol") + tuple(
    "%s%02d" % (group, k) for group in GROUPS for k in range(1, RACERS + 1))

HTPASSWD_USERS = USERS
# Both nodes keep rendered discussions in the same memcached, so a write
# through one node must reach the other's readers through the page version
# (@MEMCACHED_PORT@ is replaced by the port of this module's memcached).
EXTRA_NODE_CONF = "SocialCache memcache:127.0.0.1:@MEMCACHED_PORT@\n"

NODE_CONF = r"""
ServerName intranet.example
""" + config.login() + """SocialRateLimit @RATE@
SocialRateLimitCache memcache:127.0.0.1:@MEMCACHED_PORT@
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>The canteen menu.</p>
{markers}
</body>
</html>
"""

# ---------------------------------------------------------------- memcached

class Memcached:
    """A private memcached on a free loopback port (TCP only), stopped
    through its own pid; its pid file lies under SOCIAL_TEST_RUNDIR so that
    scripts/check can stop it if a run crashes."""

    def __init__(self):
        self.dir = harness.make_temp_dir("social-memcached-")
        self.port = harness.free_port()
        self.pid_file = os.path.join(self.dir, "memcached.pid")
        self.log_file = os.path.join(self.dir, "memcached.log")
        self.proc = None

    def start(self):
        cmd = [MEMCACHED, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0", "-m", "64"]
        if os.geteuid() == 0:
            cmd[1:1] = ["-u", "nobody"]
        with open(self.log_file, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        with open(self.pid_file, "w") as f:
            f.write("%d\n" % self.proc.pid)
        if not harness.wait_until(lambda: self.proc.poll() is not None
                                  or harness.port_open(self.port), 15):
            self.stop()
            raise RuntimeError("memcached does not listen on %d" % self.port)
        if self.proc.poll() is not None:
            raise RuntimeError("memcached exited with %d:\n%s"
                               % (self.proc.returncode, harness.tail(self.log_file)))
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def stats(self):
        """memcached's `stats` as a dict, read over its text protocol."""
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(b"stats\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                piece = s.recv(65536)
                if not piece:
                    break
                data += piece
        out = {}
        for line in data.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "STAT":
                out[parts[1]] = parts[2]
        return out


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def memcached():
    server = Memcached().start()
    yield server
    server.stop()


def node_conf(htpasswd, memcached):
    text = (NODE_CONF + EXTRA_NODE_CONF).replace("@HTPASSWD@", htpasswd)
    return (text.replace("@RATE@", "%d/%ds" % (RATE_LIMIT, RATE_WINDOW))
            .replace("@MEMCACHED_PORT@", str(memcached.port)))


@pytest.fixture(scope="module")
def nodes(httpd_factory, htpasswd, memcached):
    """Nodes A and B: the same site, database and memcached."""
    a = httpd_factory(conf=node_conf(htpasswd, memcached), modules=MEMCACHE, name="node-a")
    b = httpd_factory(conf=node_conf(htpasswd, memcached), modules=MEMCACHE, name="node-b")
    return a, b


@pytest.fixture
def rng():
    seed = random.randrange(1 << 30)
    print("random seed", seed)
    return random.Random(seed)


def on(node, user):
    return Client(node, user)


def new_page(nodes, *markers):
    """The same new page file on both nodes; its path."""
    path = "/mn-%s.html" % uuid.uuid4().hex[:12]
    for node in nodes:
        node.write_file(path, PAGE.format(title="Page " + path, markers="\n".join(markers)))
    return path


def q(path):
    return quote(path, safe="/")


# ---------------------------------------------------------------- views

def inline_ids(client, path):
    return client.discussion(path).ids()


def fragment_ids(client, path):
    return Discussion(parse_html(client.fragment(path).body)).ids()


def listing_ids(client, path):
    return [c["id"] for c in client.listing(path)["comments"]]


def all_views(client, path):
    """What the page, the fragment and the JSON listing show: for each, the
    comment ids and the whole text."""
    page = client.page(path).body
    frag = client.fragment(path).body
    listing = client.api("GET", "comments?page=" + q(path))
    assert listing.status == 200, listing
    return {
        "inline": (Discussion(social_div(page)).ids(), page),
        "fragment": (Discussion(parse_html(frag)).ids(), frag),
        "listing": ([c["id"] for c in listing.json()["comments"]], listing.body),
    }


def assert_views(client, path, ids, present=(), absent=()):
    for view, (shown, body) in all_views(client, path).items():
        assert shown == ids, (client.server.name, view, shown, ids)
        for text in present:
            assert text.encode() in body, (client.server.name, view, text)
        for text in absent:
            assert text.encode() not in body, (client.server.name, view, text)


def page_like_text(client, path):
    """The page's like count as the inline page and the fragment show it."""
    out = []
    for body in (client.page(path).body, client.fragment(path).body):
        root = parse_html(body)
        actions = root.find(cls="social-page-actions")
        assert actions is not None, body[-1500:]
        count = actions.find(cls="social-like-count")
        assert count is not None, body[-1500:]
        out.append(" ".join(count.text().split()))
    return out


def page_likes(client, path):
    resp = client.api("GET", "likes?page=" + q(path))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


# ---------------------------------------------------------------- one node writes, the other shows

def test_the_nodes_share_the_database_and_memcached(nodes, memcached):
    """Both nodes answer from the database, and both count writes in
    memcached (each write stores its rate-limit counter there)."""
    a, b = nodes
    assert a.port != b.port
    for node in nodes:
        resp = on(node, "alice").api("GET", "health")
        assert resp.status == 200 and resp.json()["database"] == "ok", resp.body
    path = new_page(nodes)
    for node in nodes:
        sets = int(memcached.stats()["cmd_set"])
        assert on(node, "alice").api("PUT", "like?page=" + q(path)).status == 200
        assert int(memcached.stats()["cmd_set"]) > sets, node.name


def test_comment_posted_through_a_is_shown_by_b_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    text = "posted on A %s" % uuid.uuid4().hex
    assert_views(on(b, "bob"), path, [], absent=[text])
    first = on(a, "alice").create(path, text)
    assert_views(on(b, "bob"), path, [first["id"]], present=[text])
    # a reply through A, and a second top-level comment through B
    reply_text = "reply on A %s" % uuid.uuid4().hex
    reply = on(a, "alice").create(path, reply_text, parent=first["id"])
    assert_views(on(b, "bob"), path, [first["id"], reply["id"]], present=[text, reply_text])
    second_text = "posted on B %s" % uuid.uuid4().hex
    second = on(b, "bob").create(path, second_text)
    want = listing_ids(on(b, "bob"), path)
    assert sorted(want) == sorted([first["id"], reply["id"], second["id"]])
    assert_views(on(a, "alice"), path, want, present=[text, reply_text, second_text])
    assert on(a, "carol").listing(path)["count"] == on(b, "carol").listing(path)["count"] == 3


def test_edit_through_b_is_seen_on_a_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    old, new = "before %s" % uuid.uuid4().hex, "after %s" % uuid.uuid4().hex
    item = on(a, "alice").create(path, old)
    assert_views(on(a, "bob"), path, [item["id"]], present=[old], absent=[new])
    resp = on(b, "alice").patch(item["id"], {"body": new})
    assert resp.status == 200, (resp, resp.body[:300])
    assert_views(on(a, "bob"), path, [item["id"]], present=[new], absent=[old])
    listed = by_id(on(a, "bob").listing(path))[item["id"]]
    assert listed["body"] == new and listed["edited"] is not None


def test_delete_through_b_is_seen_on_a_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    secret = "delete me %s" % uuid.uuid4().hex
    keep = "keep me %s" % uuid.uuid4().hex
    kept = on(a, "bob").create(path, keep)
    item = on(a, "alice").create(path, secret)
    assert_views(on(a, "bob"), path, [kept["id"], item["id"]], present=[secret, keep])
    resp = on(b, "alice").delete(item["id"])
    assert resp.status == 204, (resp, resp.body[:300])
    assert_views(on(a, "bob"), path, [kept["id"]], present=[keep], absent=[secret])
    assert on(a, "bob").listing(path)["count"] == 1
    assert_json_error(on(a, "bob").api("GET", "comments/%d" % item["id"]), 404)


def test_hide_and_unhide_through_b_are_seen_on_a_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    secret = "hide me %s" % uuid.uuid4().hex
    item = on(a, "alice").create(path, secret)
    assert_views(on(a, "bob"), path, [item["id"]], present=[secret])
    resp = on(b, "carol").patch(item["id"], {"status": "hidden"})
    assert resp.status == 200 and resp.json()["status"] == "hidden", resp.body[:300]
    assert_views(on(a, "bob"), path, [], absent=[secret])
    assert on(a, "bob").listing(path)["count"] == 0
    # the author still sees it, marked hidden; unhidden through B, it is back on A
    assert by_id(on(a, "alice").listing(path))[item["id"]]["status"] == "hidden"
    resp = on(b, "carol").patch(item["id"], {"status": "visible"})
    assert resp.status == 200, resp.body[:300]
    assert_views(on(a, "bob"), path, [item["id"]], present=[secret])


def test_page_like_through_a_is_counted_on_b_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    assert page_like_text(on(b, "bob"), path) == ["0 likes", "0 likes"]
    assert page_likes(on(b, "bob"), path)["count"] == 0
    assert on(a, "alice").api("PUT", "like?page=" + q(path)).json() == {"count": 1,
                                                                        "liked": True}
    assert page_like_text(on(b, "bob"), path) == ["1 like", "1 like"]
    assert page_like_text(on(b, "alice"), path) == ["1 like (including you)"] * 2
    doc = page_likes(on(b, "bob"), path)
    assert doc["count"] == 1 and [p["user"] for p in doc["people"]] == ["alice"]
    resp = on(b, "bob").api("GET", "counts?page=" + q(path))
    assert resp.status == 200 and resp.json()["pages"][path]["likes"] == 1, resp.body[:300]
    # and the unlike through B is seen on A
    assert on(b, "alice").api("DELETE", "like?page=" + q(path)).json() == {"count": 0,
                                                                           "liked": False}
    assert page_like_text(on(a, "bob"), path) == ["0 likes", "0 likes"]
    assert page_likes(on(a, "alice"), path)["count"] == 0


def test_comment_like_through_a_is_counted_on_b_at_once(nodes):
    a, b = nodes
    path = new_page(nodes)
    item = on(a, "alice").create(path, "like me")
    assert by_id(on(b, "carol").listing(path))[item["id"]]["likes"] == 0
    assert on(b, "carol").discussion(path).item(item["id"]) is not None
    resp = on(a, "bob").api("PUT", "comments/%d/like" % item["id"])
    assert resp.status == 200 and resp.json() == {"count": 1, "liked": True}, resp.body
    assert by_id(on(b, "carol").listing(path))[item["id"]]["likes"] == 1
    for disc in (on(b, "carol").discussion(path),
                 Discussion(parse_html(on(b, "carol").fragment(path).body))):
        count = Discussion.own(disc.item(item["id"]), "social-like-count")
        assert count is not None and " ".join(count.text().split()) == "1 like"


# ---------------------------------------------------------------- races through both nodes

class Race:
    """Runs calls (functions without arguments returning (user, what,
    response)) at once, at most PARALLEL at a time, the first ones
    released together. A refused request (not 200) is remembered and sent
    again alone, so the race still ends in the state it asks for; the
    test then fails with race.assert_none_refused()."""

    def __init__(self, nodes=()):
        self.refused = []
        self.nodes = nodes
        self.marks = [node.error_log_size() for node in nodes]

    def __call__(self, calls):
        start = threading.Barrier(min(PARALLEL, len(calls)))

        def run(call, first):
            if first:
                start.wait(timeout=30)
            return call()

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            futures = [pool.submit(run, call, k < PARALLEL) for k, call in enumerate(calls)]
            results = [f.result(timeout=180) for f in futures]
        out = []
        for call, (user, what, resp) in zip(calls, results):
            if resp.status != 200:
                self.refused.append((user, what, resp.status, resp.body[:200]))
                user, what, resp = call()
                assert resp.status == 200, (user, what, resp.status, resp.body[:200])
            out.append((user, what, resp))
        return out

    def assert_none_refused(self):
        """Fails, with the module's log lines of the race, if any racing
        request was refused."""
        if not self.refused:
            return
        lines = [line for node, mark in zip(self.nodes, self.marks)
                 for line in node.error_log_lines(mark) if "SOCIAL" in line]
        raise AssertionError("%d racing requests were refused, e.g. %r\nlog:\n%s" % (
            len(self.refused), self.refused[:3], "\n".join(lines[-12:])))


@pytest.fixture
def race(nodes):
    return Race(nodes)


def racers(group):
    return ["%s%02d" % (group, k) for k in range(1, RACERS + 1)]


def toggle_race(nodes, rng, race, group, send):
    """Phase 1: every racer sends RACE_TOGGLES random PUT/DELETE through
    random nodes, all at once. Phase 2, once those are answered: each
    racer's last request, through the node the racer did not use last,
    racing the other racers. Returns {user: last method}."""
    users = racers(group)
    calls = [send(rng.choice(nodes), user, rng.choice(("PUT", "DELETE")))
             for user in users for _ in range(RACE_TOGGLES)]
    rng.shuffle(calls)
    for _, _, resp in race(calls):
        assert set(resp.json()) == {"count", "liked"}, resp.body
        assert 0 <= resp.json()["count"] <= RACERS
    last = {user: ("PUT" if k % 3 else "DELETE") for k, user in enumerate(users)}
    calls = [send(nodes[k % 2], user, method) for k, (user, method) in enumerate(last.items())]
    rng.shuffle(calls)
    for user, method, resp in race(calls):
        assert resp.json()["liked"] is (method == "PUT"), (user, method, resp.json())
    return last


def test_racing_page_likes_through_both_nodes_count_exactly(nodes, mariadb, rng, race):
    path = new_page(nodes)

    def send(node, user, method):
        client = on(node, user)
        return lambda: (user, method, client.api(method, "like?page=" + q(path)))

    last = toggle_race(nodes, rng, race, "lk", send)
    likers = sorted(u for u, m in last.items() if m == "PUT")
    assert 0 < len(likers) < RACERS
    rows = mariadb.sql("SELECT l.user FROM social_likes l JOIN social_pages p "
                       "ON l.target_kind = 'page' AND l.target_id = p.id "
                       "WHERE p.path = '%s' ORDER BY l.user" % path)
    assert [r[0] for r in rows] == likers
    n = len(likers)
    for node in nodes:
        doc = page_likes(on(node, "bob"), path)
        assert doc["count"] == n and sorted(p["user"] for p in doc["people"]) == likers
        assert page_like_text(on(node, "bob"), path) == ["%d likes" % n] * 2
        resp = on(node, "bob").api("GET", "counts?page=" + q(path))
        assert resp.json()["pages"][path]["likes"] == n, resp.body
    race.assert_none_refused()


def test_racing_comment_likes_through_both_nodes_count_exactly(nodes, mariadb, rng, race):
    path = new_page(nodes)
    cid = on(nodes[0], "alice").create(path, "race on me")["id"]

    def send(node, user, method):
        client = on(node, user)
        return lambda: (user, method, client.api(method, "comments/%d/like" % cid))

    last = toggle_race(nodes, rng, race, "cl", send)
    likers = sorted(u for u, m in last.items() if m == "PUT")
    rows = mariadb.sql("SELECT user FROM social_likes WHERE target_kind = 'comment' "
                       "AND target_id = %d ORDER BY user" % cid)
    assert [r[0] for r in rows] == likers
    n = len(likers)
    for node in nodes:
        resp = on(node, "bob").api("GET", "comments/%d/likes" % cid)
        assert resp.status == 200, resp.body
        assert sorted(p["user"] for p in resp.json()["people"]) == likers
        assert by_id(on(node, "bob").listing(path))[cid]["likes"] == n
        for disc in (on(node, "bob").discussion(path),
                     Discussion(parse_html(on(node, "bob").fragment(path).body))):
            count = Discussion.own(disc.item(cid), "social-like-count")
            assert count is not None and " ".join(count.text().split()) == "%d likes" % n
    race.assert_none_refused()


def test_racing_poll_votes_through_both_nodes_count_exactly(nodes, mariadb, rng, race):
    path = new_page(nodes, '<!--social:poll name="lunch" question="Lunch?" '
                           'options="Pizza|Sushi|Salad"-->')
    # the first views of the page, on both nodes at once, create the poll once
    views = race([lambda n=n: ("alice", "GET", on(n, "alice").get(path))
                  for n in nodes for _ in range(4)])
    assert all(b'id="poll-lunch"' in resp.body for _, _, resp in views)
    rows = mariadb.sql("SELECT po.id FROM social_polls po JOIN social_pages p "
                       "ON p.id = po.page_id WHERE p.path = '%s'" % path)
    assert len(rows) == 1, rows
    resp = on(nodes[1], "alice").api("GET", "polls?page=" + q(path))
    [poll] = resp.json()["polls"]
    assert poll["id"] == int(rows[0][0])
    assert sorted(o["label"] for o in poll["options"]) == ["Pizza", "Salad", "Sushi"]
    indexes = [o["index"] for o in poll["options"]]
    users = racers("pv")

    def vote(node, user, choice):
        client = on(node, user)
        return lambda: (user, choice, client.api("PUT", "polls/%d/vote" % poll["id"],
                                                 {"choices": [choice]}))

    calls = [vote(rng.choice(nodes), user, rng.choice(indexes))
             for user in users for _ in range(RACE_TOGGLES)]
    rng.shuffle(calls)
    for _, _, resp in race(calls):
        assert 1 <= resp.json()["ballots"] <= RACERS, resp.body
    final = {user: indexes[k % len(indexes)] for k, user in enumerate(users)}
    calls = [vote(nodes[k % 2], user, choice) for k, (user, choice) in enumerate(final.items())]
    rng.shuffle(calls)
    race(calls)

    expected = {i: list(final.values()).count(i) for i in indexes}
    rows = mariadb.sql("SELECT user, idx FROM social_poll_choices WHERE poll_id = %d "
                       "ORDER BY user" % poll["id"])
    assert {u: int(i) for u, i in rows} == final
    [[ballots]] = mariadb.sql("SELECT COUNT(*) FROM social_poll_ballots WHERE poll_id = %d"
                              % poll["id"])
    assert int(ballots) == RACERS
    for node in nodes:
        for user in (users[0], users[-1]):
            got = on(node, user).api("GET", "polls/%d" % poll["id"]).json()
            assert got["ballots"] == RACERS, got
            assert {o["index"]: o["votes"] for o in got["options"]} == expected, got
            assert got["my_choices"] == [final[user]], got
    race.assert_none_refused()


# ---------------------------------------------------------------- the shared rate limit

def early_in_window(margin=15):
    """Wait, if need be, until a new rate-limit window has just begun, so
    that a test's writes all fall in one window."""
    into = time.time() % RATE_WINDOW
    if into > RATE_WINDOW - margin:
        time.sleep(RATE_WINDOW - into + 0.5)


def write(node, user, path):
    return on(node, user).api("PUT", "like?page=" + q(path))


def assert_limited(resp):
    doc = assert_json_error(resp, 429, "rate_limited")
    retry = resp.header("Retry-After")
    assert retry is not None and re.fullmatch(r"\d+", retry), resp.headers
    assert 1 <= int(retry) <= RATE_WINDOW, retry
    return doc


@pytest.mark.parametrize("over_on", [1, 0])
def test_rate_limit_is_shared_by_the_nodes(nodes, mariadb, over_on):
    """RATE_LIMIT writes alternate between the nodes; the next one is 429
    on whichever node it reaches, and other people are not affected."""
    user = "rl%02d" % (1 + over_on)
    other = "rl%02d" % (3 + over_on)
    path = new_page(nodes)
    early_in_window()
    first = nodes[over_on]
    sent = 0
    # half through the node that will not go over, half through the other
    for k in range(RATE_LIMIT):
        node = nodes[1 - over_on] if k < RATE_LIMIT // 2 else first
        resp = write(node, user, path)
        assert resp.status == 200, (k, node.name, resp, resp.body[:300])
        sent += 1
    assert_limited(write(first, user, path))
    assert_limited(write(nodes[1 - over_on], user, path))
    # a comment is a write as well; a read is never limited
    assert_limited(on(first, user).api("POST", "comments", {"page": path, "body": "one more"}))
    assert on(first, user).listing(path)["comments"] == []
    assert page_likes(on(nodes[1 - over_on], user), path)["count"] == 1
    # someone else writes on
    for node in nodes:
        assert write(node, other, path).status == 200
    assert sent == RATE_LIMIT


def test_rate_limit_alone_on_one_node_would_allow_more(nodes):
    """The limit of one node is reached by writes through the other only:
    RATE_LIMIT writes all through B, then A refuses the first write it
    sees from that person."""
    a, b = nodes
    user = "rl05"
    path = new_page(nodes)
    early_in_window()
    for k in range(RATE_LIMIT):
        resp = write(b, user, path)
        assert resp.status == 200, (k, resp, resp.body[:300])
    assert_limited(write(a, user, path))
