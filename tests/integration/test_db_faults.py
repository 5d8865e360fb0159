"""The intranet stays up whatever the database does.

Beyond a database that refuses connections (test_reliability.py), one
that stops answering without closing anything:

- frozen with SIGSTOP (a network partition, a stuck disk, a hung VM) for
  longer than every deadline, then thawed;
- a "black hole": DBDParams pointing at a loopback listener that accepts
  connections and never says a word, including httpd's start-up and a
  graceful restart;
- slow: a loopback proxy that delays every packet by more than the
  deadline, then by less.

While the database is away a page is served in full with the block
saying the discussion is unavailable (or the cached discussion), pages
without the module are served as always, and the API answers 503 with
Retry-After at once instead of waiting. When it answers again, writes come
back without a restart and nothing acknowledged is lost or doubled.
E-mail digests go out from mod_social's background thread with no request
being served at all.

The servers run with SocialDBTimeout 1500ms and SocialDBConnectTimeout 1,
so a test waits seconds, not the defaults' 3 s and 2 s per step.
"""

import os
import re
import shutil
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

import harness
from harness import main_blocks, strip_blocks
from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import Client, basic_auth

API = "/_social/api/v1"
ROUND_TRIP = 1.5   # SocialDBTimeout, seconds
CONNECT = 1        # SocialDBConnectTimeout, seconds

HTTPD_CONF = r"""
SocialDBTimeout 1500ms
SocialDBConnectTimeout 1
SetEnvIf Request_URI ^/legal/ no-social
""" + (config.login(moderator_user=None)
       + config.block("/public", "Require all granted", "SocialAnonymous Read")
       + config.block("/off", "Social Off"))

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>The canteen opens at 11:30; the travel policy changed in May.</p>
</body>
</html>
"""

FILES = {
    "index.html": PAGE.format(title="Home"),
    "public/index.html": PAGE.format(title="Public notices"),
    "off/index.html": PAGE.format(title="No discussion here"),
    "legal/index.html": PAGE.format(title="Legal notice"),
}

UNAVAILABLE_TEXT = "The discussion is unavailable right now"

# What mod_dbd and the store say while the database is away.
ERROR_LOG_ALLOW = (
    r"\[dbd:",
    r"SOCIAL01\d\d:",
    r"SOCIAL\d{4}:.*(database|dbd|mysql|mariadb|connect|lost|timeout|gone|answer)",
)


# ---------------------------------------------------------------- helpers

def conf(htpasswd, extra=""):
    return HTTPD_CONF.replace("@HTPASSWD@", htpasswd) + extra


def fresh_page(server, folder=""):
    token = uuid.uuid4().hex[:10]
    path = "%s/faults-%s.html" % (folder, token)
    server.write_file(path, PAGE.format(title="Page " + token))
    return path


def timed(fn, *args, **kw):
    started = time.monotonic()
    result = fn(*args, **kw)
    return result, time.monotonic() - started


def block_text(resp):
    blocks = main_blocks(resp.body)
    assert len(blocks) == 1, (resp, blocks)
    return " ".join(blocks[0][2].decode("utf-8", "replace").split())


def assert_page_in_full(server, resp, path):
    """200 and the file byte for byte outside the module's block."""
    assert resp.status == 200, (resp, resp.body[:300])
    assert strip_blocks(resp.body) == server.file_bytes(path)


def assert_unavailable_block(server, resp, path):
    assert_page_in_full(server, resp, path)
    assert UNAVAILABLE_TEXT in block_text(resp)


def assert_503_at_once(resp, elapsed):
    assert_json_error(resp, 503, "unavailable")
    retry = resp.header("Retry-After")
    assert retry is not None and retry.isdigit() and int(retry) >= 1, resp.headers
    # the breaker answered: nobody waited for the database's deadline
    assert elapsed < ROUND_TRIP, elapsed


def post_until_created(client, page, text, timeout):
    """Posts until the store takes it (201); the response and the seconds
    it took. Each 503 must carry Retry-After."""
    started = time.monotonic()
    while True:
        resp = client.api("POST", "comments", {"page": page, "body": text})
        if resp.status == 201:
            return resp, time.monotonic() - started
        assert resp.status == 503, (resp, resp.body[:300])
        assert resp.header("Retry-After", "").isdigit()
        if time.monotonic() - started > timeout:
            pytest.fail("no write %.0f s after the database came back: %r"
                        % (timeout, resp.body[:300]))
        time.sleep(0.2)


def comments_with_body(db, text):
    return db.sql("SELECT COUNT(*) FROM social_comments WHERE body = '%s'" % text)[0][0]


class BlackHole:
    """A loopback listener that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)   # held open, never read or written

    def close(self):
        self.closed = True
        self.sock.close()
        for conn in self.accepted:
            conn.close()


class SlowProxy:
    """A loopback TCP proxy to the database that delays every packet by
    `delay` seconds (each packet on its own: latency, not a throughput
    limit). The delay can change while connections are open."""

    def __init__(self, upstream_port, delay):
        self.upstream_port = upstream_port
        self.delay = delay
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.closed = False
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                client.close()
                continue
            self.conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        """Reads packets as they come and sends each one `delay` later."""
        pending = []
        cond = threading.Condition()

        def sender():
            while True:
                with cond:
                    while not pending:
                        cond.wait()
                    due, data = pending.pop(0)
                if data is None:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    dst.sendall(data)
                except OSError:
                    break
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        threading.Thread(target=sender, daemon=True).start()
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            with cond:
                pending.append((time.monotonic() + self.delay, data or None))
                cond.notify()
            if not data:
                return

    def close(self):
        self.closed = True
        self.sock.close()
        for conn in self.conns:
            try:
                conn.close()
            except OSError:
                pass


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def db(own_mariadb):
    """A MariaDB of these tests' own: freezing it must not stop others."""
    return own_mariadb


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd, db):
    return httpd_factory(files=FILES, conf=conf(htpasswd), db=db)


# ---------------------------------------------------------------- frozen

def test_frozen_database_pages_served_api_503_at_once_then_writes_back(
        server, db, alice, bob, dave, anon):
    page = fresh_page(server)
    public = fresh_page(server, "/public")
    cached = fresh_page(server)
    # acknowledged before the freeze
    before = ["before the freeze %s %d" % (uuid.uuid4().hex[:6], k) for k in range(5)]
    ids = [alice.create(page, text)["id"] for text in before]
    assert all(i > 0 for i in ids)
    assert alice.create(cached, "kept in the cache")["id"] > 0
    # bob reads one page before the freeze: its discussion is in the cache
    resp = bob.get(cached)
    assert "kept in the cache" in block_text(resp)
    # warm connections in mod_dbd's pools, which the freeze leaves hanging
    with ThreadPoolExecutor(8) as pool:
        assert all(r.status == 200 for r in pool.map(lambda _: bob.get(page), range(16)))

    db.freeze()
    try:
        # The first request to reach the database waits for one deadline
        # at most (a pooled connection's ping or its statement); after it
        # the breaker is open and nothing waits.
        resp, first_wait = timed(alice.get, page)
        assert_unavailable_block(server, resp, page)
        assert first_wait < 2 * ROUND_TRIP + CONNECT + 1, first_wait
        print("first page view after the freeze waited %.2f s" % first_wait)

        # the author (involved: never from the cache), a reader and an
        # anonymous visitor the cache knows nothing of
        assert_unavailable_block(server, alice.get(page), page)
        assert_unavailable_block(server, dave.get(page), page)
        assert_unavailable_block(server, anon.get(public), public)
        # a discussion the cache holds for this reader is shown as it was
        for path, text in ((cached, "kept in the cache"), (page, before[0])):
            resp = bob.get(path)
            assert_page_in_full(server, resp, path)
            assert text in block_text(resp)

        # 200 concurrent page views (bounded), every one served in full
        def view(k):
            client, path = ((alice, page), (bob, page), (anon, public))[k % 3]
            return path, client.get(path)

        with ThreadPoolExecutor(32) as pool:
            results = list(pool.map(view, range(200)))
        for path, resp in results:
            assert_page_in_full(server, resp, path)

        # pages without the module: as on disk, without waiting
        for path in ("/off/index.html", "/legal/index.html"):
            resp, elapsed = timed(bob.get, path)
            assert resp.status == 200 and resp.body == server.file_bytes(path)
            assert elapsed < ROUND_TRIP, (path, elapsed)

        # a comment's reply and report pages (without JavaScript): an HTML
        # error page, at once, that quotes nothing
        for rel in ("/_social/reply?comment=%d", "/_social/report?comment=%d"):
            resp, elapsed = timed(bob.get, rel % ids[0])
            assert resp.status == 503, (rel, resp.status)
            assert resp.header("Content-Type").startswith("text/html"), rel
            assert before[0].encode() not in resp.body, rel
            assert elapsed < ROUND_TRIP, (rel, elapsed)

        # the API: 503 with Retry-After, at once, for reads and writes
        resp, elapsed = timed(bob.api, "GET", "comments?page=" + quote(page))
        assert_503_at_once(resp, elapsed)
        resp, elapsed = timed(bob.api, "POST", "comments",
                              {"page": page, "body": "during the freeze"})
        assert_503_at_once(resp, elapsed)
        resp, elapsed = timed(bob.api, "PUT", "like?page=" + quote(page))
        assert_503_at_once(resp, elapsed)
        resp = server.get(API + "/health", {"Authorization": basic_auth("bob")})
        assert resp.json().get("database") != "ok", resp.body
    finally:
        db.thaw()

    # back without a restart, within seconds
    resp, waited = post_until_created(bob, page, "after the thaw", timeout=15)
    print("first write after the thaw took %.2f s" % waited)
    listing = bob.api("GET", "comments?page=" + quote(page))
    assert listing.status == 200
    bodies = [c["body"] for c in listing.json()["comments"]]
    for text in before:
        assert bodies.count(text) == 1, (text, bodies)
        assert comments_with_body(db, text) == "1"
    assert comments_with_body(db, "during the freeze") == "0"
    assert "after the thaw" in bodies


def test_write_cut_off_by_the_freeze_is_answered_and_never_doubled(server, db, alice):
    """A write the database took but could not acknowledge before freezing
    is answered 503 within the deadline; retried with its Idempotency-Key
    after the thaw, it is stored exactly once."""
    page = fresh_page(server)
    key = uuid.uuid4().hex
    text = "idempotent across the freeze " + key[:8]
    db.freeze()
    try:
        resp, elapsed = timed(alice.api, "POST", "comments", {"page": page, "body": text},
                              headers={"Idempotency-Key": key})
        assert resp.status == 503, (resp, resp.body[:300])
        assert elapsed < 2 * ROUND_TRIP + CONNECT + 1, elapsed
    finally:
        db.thaw()
    started = time.monotonic()
    while True:
        resp = alice.api("POST", "comments", {"page": page, "body": text},
                         headers={"Idempotency-Key": key})
        if resp.status in (200, 201):
            break
        assert resp.status == 503, (resp, resp.body[:300])
        assert time.monotonic() - started < 15, resp.body
        time.sleep(0.2)
    assert comments_with_body(db, text) == "1"


# ---------------------------------------------------------------- black hole

def test_black_hole_database_start_pages_api_and_graceful_restart(httpd_factory, htpasswd):
    hole = BlackHole()
    try:
        params = ("host=127.0.0.1,port=%d,user=%s,pass=%s,dbname=%s,reconnect=0,"
                  "group=mod_social" % (hole.port, harness.DB_USER, harness.DB_PASSWORD,
                                        harness.DB_NAME))
        server, start = timed(httpd_factory, files=FILES, conf=conf(htpasswd),
                              dbd_params=params, name="blackhole")
        print("httpd started in %.2f s against a black hole" % start)
        bob = Client(server, "bob")
        # the children came up and serve (their first connect gave up)
        resp = bob.get("/index.html")
        assert_unavailable_block(server, resp, "/index.html")
        resp = Client(server, None).get("/public/index.html")
        assert_unavailable_block(server, resp, "/public/index.html")
        resp, elapsed = timed(bob.get, "/off/index.html")
        assert resp.status == 200 and resp.body == server.file_bytes("/off/index.html")
        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda _: bob.get("/index.html"), range(64)))
        for resp in results:
            assert_page_in_full(server, resp, "/index.html")
        resp = bob.api("POST", "comments", {"page": "/index.html", "body": "into the void"})
        assert_json_error(resp, 503, "unavailable")
        assert resp.header("Retry-After", "").isdigit()
        # a graceful restart does not hang either, and the new generation serves
        _, restart = timed(server.graceful, timeout=30)
        print("graceful restart took %.2f s" % restart)
        assert_unavailable_block(server, bob.get("/index.html"), "/index.html")
        assert len(hole.accepted) > 0   # it really was asked
    finally:
        hole.close()


# ---------------------------------------------------------------- slow

def test_slow_database_degrades_above_the_deadline_and_works_below(
        httpd_factory, htpasswd, db):
    proxy = SlowProxy(db.port, delay=ROUND_TRIP + 1.0)
    try:
        server = httpd_factory(files=FILES, conf=conf(htpasswd), db=db, name="slow",
                               dbd_params=db.dbd_params(port=proxy.port))
        bob = Client(server, "bob")
        page = fresh_page(server)
        # above the deadline: the page in full, the API 503
        resp, elapsed = timed(bob.get, page)
        assert_unavailable_block(server, resp, page)
        resp = bob.api("POST", "comments", {"page": page, "body": "too slow"})
        assert_json_error(resp, 503, "unavailable")
        with ThreadPoolExecutor(8) as pool:
            for resp in pool.map(lambda _: bob.get(page), range(24)):
                assert_page_in_full(server, resp, page)
        # below the deadline: everything works, only slower
        proxy.delay = 0.02
        resp, waited = post_until_created(bob, page, "slow but there", timeout=20)
        print("first write once the database was fast enough: %.2f s" % waited)
        resp = bob.get(page)
        assert_page_in_full(server, resp, page)
        assert "slow but there" in block_text(resp)
        listing = bob.api("GET", "comments?page=" + quote(page))
        assert listing.status == 200
        assert [c["body"] for c in listing.json()["comments"]].count("slow but there") == 1
        assert comments_with_body(db, "too slow") == "0"
    finally:
        proxy.close()


# ---------------------------------------------------------------- digests

MAIL_USERS = ("alice", "bob")
CAPTURE = """#!/bin/sh
f="%s/mail-$(date +%%s%%N)-$$"
cat > "$f.tmp" && mv "$f.tmp" "$f.eml"
"""


def test_digests_are_sent_with_no_request_being_served(httpd_factory, htpasswd, db):
    mail_dir = harness.make_temp_dir("social-mail-")
    os.chmod(mail_dir, 0o777)
    script = os.path.join(mail_dir, "capture.sh")
    with open(script, "w") as f:
        f.write(CAPTURE % mail_dir)
    os.chmod(script, 0o755)
    try:
        mail_conf = "".join(
            'SetEnvIf Authorization "^%s$" "AUTHENTICATE_MAIL=%s@example.org"\n'
            % (basic_auth(u).replace("+", "\\+"), u) for u in MAIL_USERS) + """
SocialMailCommand "%s"
SocialMailInterval 2
<Location />
    SocialEmailVar AUTHENTICATE_MAIL
</Location>
""" % script
        server = httpd_factory(files=FILES, conf=conf(htpasswd, mail_conf), db=db,
                               name="digests")
        alice, bob = Client(server, "alice"), Client(server, "bob")
        page = fresh_page(server)
        first = alice.create(page, "who has the projector key?")
        bob.create(page, "reception has it", parent=first["id"])
        requests_before = len(open(server.root / "logs" / "access_log").readlines())
        # no request from here on: only the background thread can send it
        assert harness.wait_until(
            lambda: any(n.endswith(".eml") for n in os.listdir(mail_dir)), 20, 0.2), \
            "no digest without traffic"
        time.sleep(0.5)
        requests_after = len(open(server.root / "logs" / "access_log").readlines())
        assert requests_after == requests_before
        mails = [n for n in os.listdir(mail_dir) if n.endswith(".eml")]
        text = open(os.path.join(mail_dir, mails[0]), encoding="utf-8").read()
        assert "alice@example.org" in text
        # the page is named by its title, the link gives its path
        assert "bob replied to your comment on Page %s" % page[-15:-5] in text
        assert "%s#comment-" % page in text
    finally:
        shutil.rmtree(mail_dir, ignore_errors=True)


# the probe waits long enough for the stop to find it under way
PROBE_STOP_CONF = """
SocialDBConnectTimeout 6
SocialDBTimeout 6s
"""


def test_stopped_while_the_background_probe_waits_on_a_frozen_database(
        httpd_factory, htpasswd, db):
    """httpd stopped while the background thread's probe holds a database
    connection that waits on a frozen MariaDB: the child waits for the
    probe's deadline and ends cleanly. (mod_watchdog joins its thread only
    when the process ends, after mod_dbd's connection pool is gone; a probe
    still holding a connection then made apr_reslist assert: a child killed
    by SIGABRT, which stop_and_check reports.)"""
    server = httpd_factory(files=FILES, conf=conf(htpasswd, PROBE_STOP_CONF), db=db,
                           name="probe-stop")
    alice, bob = Client(server, "alice"), Client(server, "bob")
    page = fresh_page(server)
    assert alice.create(page, "before the stop")["id"] > 0
    # warm connections in mod_dbd's pool: the probes take them and wait on
    # their ping to the frozen server, holding them
    with ThreadPoolExecutor(8) as pool:
        assert all(r.status == 200 for r in pool.map(lambda _: bob.get(page), range(16)))
    db.freeze()
    try:
        # a write waits for its deadline and opens the breaker
        resp = alice.api("POST", "comments", {"page": page, "body": "during the freeze"})
        assert_json_error(resp, 503, "unavailable")
        # the first failed probe says when the next is due
        probe_failed = re.compile(r"SOCIAL0117: .* next try in (\d+) ms")

        def next_try():
            for line in reversed(server.error_log_lines()):
                m = probe_failed.search(line)
                if m:
                    return int(m.group(1))
            return None
        assert harness.wait_until(lambda: next_try() is not None, 30, 0.1), \
            "the background thread never probed the frozen database"
        seen = len([l for l in server.error_log_lines() if "SOCIAL0117" in l])
        # the next probe is under way, waiting on its connection
        time.sleep(next_try() / 1000.0 + 0.3)
        bad = server.stop_and_check()
        probes = len([l for l in server.error_log_lines() if "SOCIAL0117" in l])
    finally:
        db.thaw()
    assert bad == [], "\n".join(bad)
    # the probe under way at the stop ended before the child did
    assert probes == seen + 1, (seen, probes)
