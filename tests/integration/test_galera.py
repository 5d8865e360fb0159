"""Scale-out on a Galera cluster: multi-master, proven with real servers.

A three-node MariaDB Galera cluster (Debian's galera-4) runs on loopback,
started once for this module by the harness (harness.GaleraCluster) and
stopped by its pids. httpd node A writes to Galera node 1, node B to
Galera node 2 (multi-master), both with the shared memcached of
test_multinode.py. Everything test_multinode.py proves for one MariaDB is
run here again (its tests are imported, with this module's `nodes` and
`mariadb`), and then:

- likes, votes (those imported races), idempotent posts and moderation
  (console bulk actions and the API) racing through both nodes count
  exactly; conflicts Galera finds at commit are run again as a whole
  (the module's SOCIAL0105 "run again" lines are counted);
- ids interleave across nodes (auto_increment_increment 3, one offset per
  node): the newest threads, "show earlier" paging, the activity stream
  and "for you" show every item once, newest first; a follower's one
  notification counts every comment posted at once through both nodes
  (and on one server);
- mail digests run once across every httpd node (a lease row, not
  GET_LOCK, which Galera refuses), here and on a single server;
- a Galera node killed (SIGKILL) while three httpd nodes take writes: the
  httpd node on it degrades (pages served, API 503) and comes back when
  the node rejoins (by IST); the one behind HAProxy keeps writing and,
  with a SocialDBTimeout past the cluster's eviction, refuses nothing; no
  acknowledged write is lost and none doubled;
- every table has a primary key, and the migrations ran on the cluster.
"""

import email
import os
import re
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email import policy
from urllib.parse import quote, urlencode

import pytest

import harness
import test_multinode as mn
from social_test import config
from social_test.client import Client
from social_test.html import parse_html

# The checks of test_multinode.py, run here against the cluster.
from test_multinode import (  # noqa: F401  (fixtures and tests pytest collects)
    memcached, rng, race,
    test_the_nodes_share_the_database_and_memcached,
    test_comment_posted_through_a_is_shown_by_b_at_once,
    test_edit_through_b_is_seen_on_a_at_once,
    test_delete_through_b_is_seen_on_a_at_once,
    test_hide_and_unhide_through_b_are_seen_on_a_at_once,
    test_page_like_through_a_is_counted_on_b_at_once,
    test_comment_like_through_a_is_counted_on_b_at_once,
    test_racing_page_likes_through_both_nodes_count_exactly,
    test_racing_comment_likes_through_both_nodes_count_exactly,
    test_racing_poll_votes_through_both_nodes_count_exactly,
    test_rate_limit_is_shared_by_the_nodes,
    test_rate_limit_alone_on_one_node_would_allow_more,
)

POSTERS = ["ip%02d" % k for k in range(1, 11)]
ORDER = ["io%02d" % k for k in range(1, 5)]
DIGEST = ["dg%02d" % k for k in range(1, 9)]
# six writers, each with ten people (the rate limit counts per person)
KILL = ["kw%02d" % k for k in range(1, 61)]
HTPASSWD_USERS = mn.USERS + tuple(POSTERS + ORDER + DIGEST + KILL)

# The module's note that a transaction met a deadlock (on Galera: a
# certification conflict found at commit) and runs again.
RETRIED = re.compile(r"SOCIAL0105: statement .* failed \(1213\).*run again")

GALERA_NODE_CONF = "LogLevel warn social:info\n"

WRITES = re.compile(r'"(POST|PUT|PATCH|DELETE) [^"]*" (200|201|204|303) ')


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def galera():
    cluster = harness.GaleraCluster(3)
    try:
        cluster.setup()
    except BaseException:
        cluster.close()
        raise
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def mariadb(galera):
    """What the imported tests read the database through: Galera node 1
    (reads wait for the cluster's commits: wsrep_sync_wait=1)."""
    return galera[0]


def node_conf(htpasswd, memcached):
    return mn.node_conf(htpasswd, memcached) + GALERA_NODE_CONF


@pytest.fixture(scope="module")
def nodes(httpd_factory, htpasswd, memcached, galera):
    """httpd A on Galera node 1, httpd B on Galera node 2."""
    a = httpd_factory(conf=node_conf(htpasswd, memcached), modules=mn.MEMCACHE,
                      name="galera-a", db=galera[0])
    b = httpd_factory(conf=node_conf(htpasswd, memcached), modules=mn.MEMCACHE,
                      name="galera-b", db=galera[1])
    return a, b


def on(node, user):
    return Client(node, user)


def q(path):
    return quote(path, safe="/")


# ---------------------------------------------------------------- the cluster itself

def test_the_cluster_has_three_nodes_and_interleaves_ids(galera, nodes):
    """Galera sets auto_increment_increment to the cluster's size and a
    different offset on each node: ids made through A and B interleave."""
    offsets = set()
    for node in galera.nodes:
        assert node.cluster_size() == 3
        [[inc, off, fmt]] = node.sql("SELECT @@auto_increment_increment, "
                                     "@@auto_increment_offset, @@binlog_format")
        assert int(inc) == 3 and fmt == "ROW"
        offsets.add(int(off))
    assert offsets == {1, 2, 3}
    a, b = nodes
    path = mn.new_page(nodes)
    ids_a = [on(a, "alice").create(path, "via A %d" % k)["id"] for k in range(3)]
    ids_b = [on(b, "bob").create(path, "via B %d" % k)["id"] for k in range(3)]
    off_a = int(galera[0].sql("SELECT @@auto_increment_offset")[0][0])
    off_b = int(galera[1].sql("SELECT @@auto_increment_offset")[0][0])
    assert {i % 3 for i in ids_a} == {off_a % 3}, ids_a
    assert {i % 3 for i in ids_b} == {off_b % 3}, ids_b


def test_every_table_has_a_primary_key_and_is_innodb(galera):
    rows = galera[1].sql(
        "SELECT t.table_name, t.engine, "
        "(SELECT COUNT(*) FROM information_schema.table_constraints c "
        " WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name "
        " AND c.constraint_type = 'PRIMARY KEY') "
        "FROM information_schema.tables t WHERE t.table_schema = 'social' "
        "AND t.table_type = 'BASE TABLE' ORDER BY 1", database=None)
    assert len(rows) >= 19, rows
    assert "social_leases" in [r[0] for r in rows]
    without = [r[0] for r in rows if r[2] != "1"]
    assert without == [], "tables without a primary key: %s" % without
    assert {r[1] for r in rows} == {"InnoDB"}, rows


def test_migrations_ran_on_the_cluster_and_replicated(galera, nodes):
    """social-db upgrade ran through node 1 (every migration's DDL is
    replicated in total order); node 2 and 3 have the same tables, the
    same definitions and the same version. Upgrading again through node 3
    while the httpd nodes serve is a no-op."""
    def schema(node):
        tables = [r[0] for r in node.sql("SHOW TABLES")]
        # the next auto-increment value is each node's own (its offset)
        return {t: re.sub(r" AUTO_INCREMENT=\d+", "",
                          node.sql("SHOW CREATE TABLE `%s`" % t)[0][1]) for t in tables}

    first = schema(galera[0])
    for node in galera.nodes[1:]:
        assert schema(node) == first
    versions = [node.sql("SELECT MAX(version) FROM social_schema_version")[0][0]
                for node in galera.nodes]
    newest = max(int(name[:3]) for name in os.listdir(harness.REPO / "sql" / "migrations")
                 if re.match(r"\d{3}_.*\.sql$", name))
    assert versions == [str(newest)] * 3, versions
    galera[2].upgrade()
    assert schema(galera[1]) == first
    for node in nodes:
        resp = on(node, "alice").api("GET", "health")
        assert resp.status == 200 and resp.json()["database"] == "ok", resp.body


# ---------------------------------------------------------------- more races

def test_racing_idempotent_posts_through_both_nodes_make_one_comment_each(nodes, mariadb):
    """Every Idempotency-Key is sent twice at once, once through each
    node: one comment per key, and both answers name it."""
    path = mn.new_page(nodes)
    keys = {user: uuid.uuid4().hex for user in POSTERS}
    start = threading.Barrier(2 * len(POSTERS))

    def post(node, user):
        start.wait(timeout=30)
        return user, on(node, user).api("POST", "comments",
                                        {"page": path, "body": "once " + keys[user]},
                                        headers={"Idempotency-Key": keys[user]})

    with ThreadPoolExecutor(max_workers=2 * len(POSTERS)) as pool:
        futures = [pool.submit(post, node, user) for user in POSTERS for node in nodes]
        results = [f.result(timeout=120) for f in futures]
    ids = {}
    for user, resp in results:
        assert resp.status in (200, 201), (user, resp.status, resp.body[:300])
        ids.setdefault(user, []).append((resp.status, resp.json()["id"]))
    # what was stored first: one comment per key, whatever the answers said
    rows = mariadb.sql("SELECT c.author, GROUP_CONCAT(c.id ORDER BY c.id) FROM social_comments c "
                       "JOIN social_pages p ON p.id = c.page_id WHERE p.path = '%s' "
                       "GROUP BY c.author" % path)
    stored = {u: [int(i) for i in found.split(",")] for u, found in rows}
    assert all(len(v) == 1 for v in stored.values()) and set(stored) == set(POSTERS), stored
    twice = {u: v for u, v in ids.items() if len({i for _, i in v}) != 1}
    assert twice == {}, (twice, {u: stored.get(u) for u in twice})
    assert {u: v[0][1] for u, v in ids.items()} == {u: v[0] for u, v in stored.items()}
    for node in nodes:
        assert on(node, "bob").listing(path)["count"] == len(POSTERS)


def console_token(client):
    resp = client.get("/_social/admin")
    assert resp.status == 200, (resp, resp.body[:300])
    token = parse_html(resp.body).find("input", name="token")
    assert token is not None
    return token.get("value")


def test_racing_console_and_api_moderation_through_both_nodes(nodes, mariadb, rng):
    """Moderation through both nodes at once: the console's bulk form
    (hide or show a set of comments) and the API's status change race on
    the same comments; a last round through alternating nodes sets a
    known state, which both nodes and the database show exactly."""
    path = mn.new_page(nodes)
    ids = [on(nodes[k % 2], "alice").create(path, "moderate me %d" % k)["id"]
           for k in range(8)]
    tokens = [console_token(on(node, "carol")) for node in nodes]

    def bulk(k, chosen, action):
        fields = [("id", str(c)) for c in chosen] + [("action", action),
                                                      ("token", tokens[k])]
        return on(nodes[k], "carol").request(
            "POST", "/_social/admin/comments", body=urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def api(k, cid, status):
        return on(nodes[k], "carol").patch(cid, {"status": status})

    calls = []
    for _ in range(24):
        k = rng.randrange(2)
        if rng.random() < 0.5:
            chosen = rng.sample(ids, 3)
            action = rng.choice(("hide", "unhide"))
            calls.append(lambda k=k, c=chosen, a=action: bulk(k, c, a))
        else:
            cid = rng.choice(ids)
            status = rng.choice(("hidden", "visible"))
            calls.append(lambda k=k, c=cid, s=status: api(k, c, s))
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda f: f(), calls))
    for resp in answers:
        assert resp.status in (200, 303), (resp.status, resp.body[:300])
    final = {cid: ("hidden" if k % 3 == 0 else "visible") for k, cid in enumerate(ids)}
    for k, (cid, status) in enumerate(final.items()):
        assert api(k % 2, cid, status).status == 200
    rows = mariadb.sql("SELECT id, status FROM social_comments WHERE id IN (%s)"
                       % ",".join(map(str, ids)))
    assert {int(i): s for i, s in rows} == final
    visible = sorted(c for c, s in final.items() if s == "visible")
    for node in nodes:
        assert sorted(mn.listing_ids(on(node, "bob"), path)) == visible


# ---------------------------------------------------------------- ids are not time

def page_through(client, path, limit):
    """Every top-level comment id, newest first, by the API's pages
    (limit, sort=newest, next_before)."""
    seen, before = [], None
    for _ in range(100):
        rel = "comments?page=%s&limit=%d&sort=newest" % (q(path), limit)
        if before is not None:
            rel += "&before=%d" % before
        resp = client.api("GET", rel)
        assert resp.status == 200, (resp, resp.body[:300])
        doc = resp.json()
        seen += [c["id"] for c in doc["comments"] if not c.get("parent")]
        before = doc["next_before"]
        if before is None:
            return seen
    raise AssertionError("paging does not end: %r" % seen)


def activity_through(client, user, limit):
    seen, before = [], None
    for _ in range(100):
        rel = "activity?user=%s&limit=%d" % (user, limit)
        if before:
            rel += "&before=" + quote(before)
        resp = client.api("GET", rel)
        assert resp.status == 200, (resp, resp.body[:300])
        doc = resp.json()
        seen += [(i["kind"], i["id"], i["created"]) for i in doc["items"]]
        before = doc.get("next_before")
        if not before:
            return seen
    raise AssertionError("activity paging does not end")


def test_interleaved_ids_keep_every_list_whole_and_newest_first(nodes, mariadb):
    """Threads written through alternating nodes (one after the other,
    then in bursts through both at once) have interleaved ids. Paging
    the discussion, the activity stream and "for you" through either node
    shows every item once; the ones written one after the other come
    newest first; the discussion's order agrees with creation times."""
    a, b = nodes
    path = mn.new_page(nodes)
    writer, other = ORDER[0], ORDER[1]
    seq = []
    for k in range(6):
        seq.append(on(nodes[k % 2], writer).create(path, "in turn %d" % k)["id"])
    burst = []
    for round_ in range(3):
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(on(nodes[k % 2], writer).create, path,
                                   "burst %d.%d" % (round_, k)) for k in range(6)]
            burst += [f.result(timeout=60)["id"] for f in futures]
    # replies to `other`'s comment through both nodes: notifications
    target = on(a, other).create(path, "reply to me")["id"]
    replies = [on(nodes[k % 2], writer).create(path, "reply %d" % k, parent=target)["id"]
               for k in range(4)]
    everything = seq + burst + [target]
    assert len(set(everything)) == len(everything)
    # ids are not consecutive: the nodes' offsets interleave them
    assert any(y - x != 1 for x, y in zip(sorted(everything), sorted(everything)[1:]))
    created = {int(i): t for i, t in mariadb.sql(
        "SELECT id, UNIX_TIMESTAMP(created_at) FROM social_comments WHERE id IN (%s)"
        % ",".join(map(str, everything + replies)))}
    for node in nodes:
        for limit in (1, 4, 7):
            shown = page_through(on(node, "bob"), path, limit)
            assert sorted(shown) == sorted(everything), (node.name, limit)
            # the written-in-turn threads, newest first
            assert [i for i in shown if i in seq] == list(reversed(seq))
            # Threads come newest first by id, the paging cursor's own
            # order. Comments posted at the same moment through two nodes
            # may take their ids in the other order than their creation
            # times (a few ms apart: neither saw the other); anything
            # written a moment apart is in time order.
            times = [float(created[i]) for i in shown]
            for k, t in enumerate(times):
                assert all(t >= later - 0.5 for later in times[k + 1:]), (node.name, limit)
        items = activity_through(on(node, "bob"), writer, 5)
        comment_ids = [i for kind, i, _ in items if kind == "comment"]
        assert sorted(comment_ids) == sorted(seq + burst + replies), node.name
        assert [i for i in comment_ids if i in seq] == list(reversed(seq))
        resp = on(node, other).api("GET", "notifications")
        assert resp.status == 200, resp.body[:300]
        notes = [n for n in resp.json()["items"] if n["kind"] == "reply"]
        assert len(notes) == len(replies), notes
        stamps = [n["created"] for n in notes]
        assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("where", ["galera", "single"])
def test_a_follower_counts_every_comment_written_at_once_through_both_nodes(
        where, nodes, httpd_factory, htpasswd, memcached):
    """A follower's one notification for the page counts the new comments
    from the first one not seen: "first" must be the lowest id of them,
    not the first committed, or a comment that took a lower id and
    committed after a higher one (waiting for the notification's row
    lock, on one server) would be left out. On Galera and on one MariaDB
    (two httpd nodes on it)."""
    single = None
    if where == "single":
        single = harness.acquire_shared_mariadb()
        nodes = [httpd_factory(conf=node_conf(htpasswd, memcached), modules=mn.MEMCACHE,
                               name="single-%d" % k, db=single) for k in range(2)]
    try:
        follower_counts_every_comment(nodes)
    finally:
        if single is not None:
            for node in nodes:
                node.stop()
            harness.release_shared_mariadb()


def follower_counts_every_comment(nodes):
    a = nodes[0]
    path = mn.new_page(nodes)
    follower = ORDER[2]
    resp = on(a, follower).api("PUT", "follow?page=" + q(path))
    assert resp.status == 200, resp.body[:300]
    writers = POSTERS
    made = []
    for round_ in range(4):
        start = threading.Barrier(len(writers))

        def post(k, round_=round_, start=start):
            start.wait(timeout=30)
            return on(nodes[k % 2], writers[k]).create(path, "news %d.%d" % (round_, k))["id"]

        with ThreadPoolExecutor(max_workers=len(writers)) as pool:
            made += [f.result(timeout=60) for f in
                     [pool.submit(post, k) for k in range(len(writers))]]
    for node in nodes:
        resp = on(node, follower).api("GET", "notifications")
        assert resp.status == 200, resp.body[:300]
        [n] = [n for n in resp.json()["items"] if n["kind"] == "follow" and n["page"] == path]
        assert n["comments"] == len(made) and n["comment"] == min(made), (
            n["comments"], len(made), n["comment"], min(made))


# ---------------------------------------------------------------- mail once

CAPTURE = """#!/bin/sh
f="%s/mail-$(date +%%s%%N)-$$"
cat > "$f.tmp" && mv "$f.tmp" "$f.eml"
"""
MAIL_INTERVAL = 2


def mail_conf(htpasswd, mail_dir, people):
    import base64
    lines = ['SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_MAIL=%s@example.org"'
             % (base64.b64encode(("%s:%s" % (u, u)).encode()).decode(), u) for u in people]
    return ("\n".join(lines) + "\nSocialMailCommand \"%s\"\nSocialMailInterval %d\n"
            % (os.path.join(mail_dir, "capture.sh"), MAIL_INTERVAL)
            + config.login(htpasswd, moderator_user=None, email=True))


def mails(mail_dir):
    out = {}
    for name in sorted(os.listdir(mail_dir)):
        if name.endswith(".eml"):
            with open(os.path.join(mail_dir, name), "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=policy.default)
            out.setdefault(msg["To"].addresses[0].addr_spec.split("@")[0], []).append(msg)
    return out


@pytest.mark.parametrize("where", ["galera", "single"])
def test_one_digest_per_person_whatever_the_number_of_nodes(where, httpd_factory, htpasswd,
                                                             galera):
    """Three httpd nodes (on three Galera nodes, or on one MariaDB) check
    for due digests at once, driven by requests to all of them: each
    person gets exactly one digest."""
    mail_dir = harness.make_temp_dir("social-mail-")
    os.chmod(mail_dir, 0o777)
    script = os.path.join(mail_dir, "capture.sh")
    with open(script, "w") as f:
        f.write(CAPTURE % mail_dir)
    os.chmod(script, 0o755)
    single = harness.acquire_shared_mariadb() if where == "single" else None
    servers = []
    try:
        dbs = [single] * 3 if single else galera.nodes
        for k, db in enumerate(dbs):
            servers.append(httpd_factory(conf=mail_conf(htpasswd, mail_dir, DIGEST), db=db,
                                         name="digest-%s-%d" % (where, k)))
        people = ["%s" % u for u in DIGEST]
        path = "/digest-%s.html" % uuid.uuid4().hex[:8]
        for s in servers:
            s.write_file(path, mn.PAGE.format(title="Digest", markers=""))
        # what earlier runs left unread is read now
        for u in people:
            assert on(servers[0], u).api("POST", "notifications/read-all", {}).status == 200
        for name in os.listdir(mail_dir):
            if name.endswith(".eml"):
                os.unlink(os.path.join(mail_dir, name))
        for k, u in enumerate(people):
            top = on(servers[k % 3], u).create(path, "mine %d" % k)["id"]
            on(servers[(k + 1) % 3], "alice").create(path, "re %d" % k, parent=top)
        stop = time.time() + 4 * MAIL_INTERVAL + 6

        def drive(s):
            while time.time() < stop:
                s.get("/_social/api/v1/health")
                time.sleep(0.05)

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(drive, servers * 2))
        got = mails(mail_dir)
        assert {u: len(got.get(u, [])) for u in people} == {u: 1 for u in people}, \
            sorted(got)
    finally:
        for s in servers:   # their digest checks end with them
            s.stop()
        if single is not None:
            harness.release_shared_mariadb()
        shutil.rmtree(mail_dir, ignore_errors=True)


# ---------------------------------------------------------------- a node dies

@pytest.fixture(scope="module")
def haproxy(galera):
    proxy = harness.HAProxy(galera).start()
    yield proxy
    proxy.stop()


def test_a_killed_node_degrades_its_httpd_and_the_balancer_keeps_writing(
        nodes, galera, haproxy, httpd_factory, htpasswd, memcached):
    """httpd A on Galera node 1, B on node 2, H on HAProxy in front of all
    three take comments with an Idempotency-Key each (a refused one is
    sent again with its key). Node 1 is killed with SIGKILL: A serves its
    pages without the discussion and answers the API 503; B and H go on
    writing. Node 1 is started again and rejoins by state transfer; A is
    back. Every acknowledged comment is in the database once, on every
    node."""
    a, b = nodes
    # H waits out the cluster's eviction of a lost node (about 2-4 s here)
    # instead of answering 503: its deadline per round trip is longer
    h = httpd_factory(conf=node_conf(htpasswd, memcached) + "SocialDBTimeout 8\n",
                      modules=mn.MEMCACHE, name="galera-h", dbd_params=haproxy.dbd_params())
    servers = {"A": a, "B": b, "H": h}
    for s in servers.values():
        # mod_dbd's own lines when a connection breaks, and the module's
        s.allow_errors(r"AH00639|AH00629|AH02655", r"SOCIAL0\d{3}")
        # A pooled connection that died with node 1 is found only when it
        # is next taken from the pool, possibly after this test: mod_dbd
        # then logs its failed ping (AH00639) and drops it. The module's
        # own lines stay checked: it takes the next connection, and does
        # not call the database down for a dead pooled one.
        s.error_log_allow.append(re.compile(r"AH00639: DBD \[mysql\] Error: "
                                            r"(Lost connection|.*gone away)"))
    path = mn.new_page(list(servers.values()))
    for s in servers.values():
        s.write_file(path, mn.PAGE.format(title="Kill", markers=""))
    acked = {name: [] for name in servers}     # (key, id)
    refused = {name: 0 for name in servers}
    acked_at = {name: [] for name in servers}
    slowest = {name: 0.0 for name in servers}
    tries = []                                 # (name, start, took, status)
    at = {}                                    # when each step happened
    phase = {"now": "before"}
    degraded = {"page": None, "api": None}
    stop = threading.Event()

    failures = []

    def writer(name, people):
        try:
            write_on(name, people)
        except BaseException as e:   # noqa: B036  (reported by the test)
            failures.append((name, repr(e)[:500]))

    def write_on(name, people):
        turn = 0
        while not stop.is_set():
            client = on(servers[name], people[turn % len(people)])
            turn += 1
            key = uuid.uuid4().hex
            while True:
                t0 = time.monotonic()
                resp = client.api("POST", "comments", {"page": path, "body": "k " + key},
                                  headers={"Idempotency-Key": key}, )
                took = time.monotonic() - t0
                tries.append((name, t0, took, resp.status))
                if resp.status in (200, 201):
                    slowest[name] = max(slowest[name], took)
                    acked[name].append((key, resp.json()["id"]))
                    acked_at[name].append(time.monotonic())
                    break
                assert resp.status == 503, (name, resp.status, resp.body[:300])
                refused[name] += 1
                # the same key again in a moment (each try counts against
                # the person's rate limit)
                time.sleep(0.8)
                if name == "A" and phase["now"] == "down" and degraded["page"] is None:
                    degraded["api"] = resp.status
                    degraded["page"] = client.get(path)
                time.sleep(0.2)
            time.sleep(0.05)

    names = ["A", "A", "B", "B", "H", "H"]
    threads = [threading.Thread(target=writer, args=(n, KILL[10 * k:10 * k + 10]), daemon=True)
               for k, n in enumerate(names)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        before = {n: len(v) for n, v in acked.items()}
        phase["now"] = "down"
        at["killed"] = time.monotonic()
        galera[0].kill9()
        assert galera.wait_size(2, 30)
        at["evicted"] = time.monotonic()
        time.sleep(4)
        during = {n: len(v) for n, v in acked.items()}
        restarted = at["restarted"] = time.monotonic()
        galera[0].start()
        at["started"] = time.monotonic()
        assert galera.wait_size(3, 60)
        at["three again"] = time.monotonic()
        phase["now"] = "back"
        assert harness.wait_until(
            lambda: on(a, "alice").api("GET", "health").status == 200, 60)
        back_after = time.monotonic() - restarted
        at["A back"] = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
    gaps = {n: max(y - x for x, y in zip(v, v[1:])) for n, v in acked_at.items() if len(v) > 1}
    print("acknowledged before/during/after:", before, during,
          {n: len(v) for n, v in acked.items()}, "refused (503, sent again):", refused,
          "slowest ack (s):", slowest, "longest gap between acks (s):", gaps,
          "A back %.1fs after the restart" % back_after)
    assert failures == []
    # A degraded as a database fault: its page served, the API 503
    assert degraded["api"] == 503
    page = degraded["page"]
    assert page is not None and page.status == 200 and b"The canteen menu." in page.body
    # B and H wrote while node 1 was away; H through the balancer
    assert during["B"] > before["B"] and during["H"] > before["H"], (before, during)
    assert all(len(v) > during[n] for n, v in acked.items() if n != "A")
    assert len(acked["A"]) > during["A"]        # A is back
    # Writing goes on through the balancer and on node 2: the longest wait
    # is the cluster's eviction of the lost node (evs.suspect_timeout).
    # B, with the default SocialDBTimeout (3 s), may answer 503 meanwhile
    # (its writes are sent again); H, with a deadline past the eviction,
    # refuses nothing.
    assert gaps["H"] < 8 and gaps["B"] < 15, gap_report(gaps, acked_at, tries, at, galera)
    assert refused["H"] == 0, refused
    # every acknowledged write is there once, on every node
    keys = [k for v in acked.values() for k, _ in v]
    assert len(keys) == len(set(keys))
    for node in galera.nodes:
        rows = node.sql("SELECT c.id, c.body FROM social_comments c JOIN social_pages p "
                        "ON p.id = c.page_id WHERE p.path = '%s'" % path)
        bodies = [body for _, body in rows]
        assert len(bodies) == len(set(bodies)), "a write doubled on %s" % node.name
        by_body = {body: int(i) for i, body in rows}
        for name, v in acked.items():
            for key, cid in v:
                assert by_body.get("k " + key) == cid, (node.name, name, key)
        assert len(rows) == len(keys), (node.name, len(rows), len(keys))


def gap_report(gaps, acked_at, tries, at, galera):
    """What a failed gap assertion needs to be understood: where each
    server's longest gap lies against the steps of the test, its slowest
    requests, and the state-transfer lines of each node's log."""
    zero = at.get("killed", 0.0)
    lines = ["longest gap between acks (s): %r" % gaps,
             "steps (s from the kill): " + ", ".join("%s %+.1f" % (k, v - zero)
                                                   for k, v in at.items())]
    for name, times in acked_at.items():
        pairs = list(zip(times, times[1:]))
        if pairs:
            x, y = max(pairs, key=lambda p: p[1] - p[0])
            lines.append("%s: longest gap from %+.1f to %+.1f" % (name, x - zero, y - zero))
    for name, t0, took, status in sorted(tries, key=lambda t: -t[2])[:8]:
        lines.append("slow request on %s: sent at %+.1f, answered %d after %.1f s"
                     % (name, t0 - zero, status, took))
    wanted = re.compile(r"SST|IST|state transfer|Shifting|Synchronized|desync|"
                        r"flow control|Flow-control|WSREP: (Member|Quorum)")
    for node in galera.nodes:
        try:
            with open(node.log_file, errors="replace") as f:
                hits = [line.rstrip() for line in f if wanted.search(line)]
        except OSError as e:
            hits = ["(no log: %s)" % e]
        lines.append("%s:\n  %s" % (node.name, "\n  ".join(hits[-30:])))
    return "\n".join(lines)


# ---------------------------------------------------------------- figures

def test_conflicts_retried_per_thousand_writes(nodes):
    """Counts, over this module's run so far, the module's notes that a
    transaction was run again after a deadlock or a certification
    conflict, against the writes the httpd nodes acknowledged. The figure
    is printed (run with -s); the test only asserts that every retry was
    logged by a write that then succeeded or was counted."""
    retried = writes = at_commit = 0
    for node in nodes:
        lines = node.error_log_lines()
        retried += sum(1 for line in lines if RETRIED.search(line))
        at_commit += sum(1 for line in lines if RETRIED.search(line)
                         and "statement commit failed" in line)
        try:
            with open(node.root / "logs" / "access_log", errors="replace") as f:
                writes += sum(1 for line in f if WRITES.search(line))
        except OSError:
            pass
    assert writes > 500
    print("galera: %d writes acknowledged, %d transactions run again (%d of them for a "
          "conflict reported on COMMIT): %.1f per thousand writes"
          % (writes, retried, at_commit, 1000.0 * retried / writes))
