"""Idempotency-Key on POST comments / POST shares, and SocialRateLimit.

Idempotency: the same user sending the same key again (within 24 h) gets
the same status and the same created id, and nothing is stored twice, also
when the requests race; another user's same key is independent; the same
key with another body is 422 idempotency_mismatch; an invalid key (empty,
over 200 characters, not printable ASCII) is 400 invalid_idempotency_key.

Rate limiting: `SocialRateLimit N/Ts` lets each user make N writes (API
POST/PUT/PATCH/DELETE and form posts) per T-second window; the next is 429
with Retry-After (JSON code rate_limited, or an HTML page for forms).
Reads are never limited, other users are not affected, and the counter is
shared by all httpd processes through mod_socache (shmcb by default): the
rate-limited server runs two processes of two threads, every request comes
on a new connection, and a log of the serving pid shows both at work.

Basic users as in test_comments.py (alice, bob, carol (moderator), dave),
plus one user per rate-limit test, so that no test eats another's quota.
"""

import json
import socket
import threading
import time
import uuid
from urllib.parse import quote, urlencode

import pytest

import harness
from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import Client

API = "/_social/api/v1"
USERS = ("alice", "bob", "carol", "dave") + tuple("rl%d" % k for k in range(1, 13))
HTPASSWD_USERS = USERS
SHMCB = [("socache_shmcb_module", "mod_socache_shmcb.so")]

AUTH_CONF = config.login()

# Two processes of two threads each, both kept alive; the pid that served
# each request is logged.
RATE_CONF = r"""
StartServers 2
ServerLimit 2
ThreadsPerChild 2
MaxRequestWorkers 4
MinSpareThreads 4
MaxSpareThreads 6
SocialRateLimit 5/60s
CustomLog "@ROOT@/logs/pid_log" "%P %u %m %U %>s"
"""

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Opening hours &amp; the travel policy.</p>
</body>
</html>
"""

PRINTABLE_KEY = "".join(chr(c) for c in range(0x21, 0x7f))


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    """No SocialRateLimit: the idempotency tests' server."""
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home"),
                                "idem-fixed.html": PAGE_TEMPLATE.format(title="Fixed")},
                         conf=AUTH_CONF.replace("@HTPASSWD@", htpasswd), name="idem")


@pytest.fixture(scope="module")
def limited(httpd_factory, htpasswd):
    """SocialRateLimit 5/60s, two processes."""
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=AUTH_CONF.replace("@HTPASSWD@", htpasswd) + RATE_CONF,
                         modules=SHMCB, name="ratelimit")


@pytest.fixture(scope="module")
def short_window(httpd_factory, htpasswd):
    """SocialRateLimit 2/3s, the cache named explicitly."""
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=AUTH_CONF.replace("@HTPASSWD@", htpasswd)
                         + "SocialRateLimit 2/3s\nSocialRateLimitCache shmcb\n",
                         modules=SHMCB, name="ratewindow")


def fresh_page(server):
    path = "/ir-%s.html" % uuid.uuid4().hex[:12]
    server.write_file(path, PAGE_TEMPLATE.format(title="Page " + path))
    return path


def new_key():
    return "key-%s" % uuid.uuid4().hex


def q(path):
    return quote(path, safe="/")


def rows_with(mariadb, table, column, marker):
    rows = mariadb.sql("SELECT id FROM %s WHERE %s LIKE '%%%s%%'" % (table, column, marker))
    return sorted(int(r[0]) for r in rows)


def post(client, rel, doc, key=None, raw=None):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.api("POST", rel, doc, raw=raw, headers=headers)


# ---------------------------------------------------------------- idempotency

@pytest.mark.parametrize("kind", ["comments", "shares"])
def test_same_key_again_gets_the_same_status_and_id_and_stores_once(server, mariadb, kind):
    alice = Client(server, "alice")
    page = fresh_page(server)
    marker = "idem-%s" % uuid.uuid4().hex[:10]
    doc = {"page": page, "body": marker} if kind == "comments" else {"page": page, "note": marker}
    key = new_key()
    answers = [post(alice, kind, doc, key) for _ in range(3)]
    for resp in answers:
        assert resp.status == 201, (resp, resp.body[:300])
    ids = {resp.json()["id"] for resp in answers}
    assert len(ids) == 1, ids
    if kind == "comments":
        assert len({resp.header("Location") for resp in answers}) == 1
        assert rows_with(mariadb, "social_comments", "body", marker) == sorted(ids)
        assert [c["body"] for c in alice.listing(page)["comments"]] == [marker]
    else:
        assert rows_with(mariadb, "social_shares", "note", marker) == sorted(ids)
    # without the key the same body is a new write
    resp = post(alice, kind, doc)
    assert resp.status == 201 and resp.json()["id"] not in ids


@pytest.mark.parametrize("kind", ["comments", "shares"])
def test_racing_requests_with_one_key_store_once(server, mariadb, kind):
    alice = Client(server, "alice")
    page = fresh_page(server)
    marker = "race-%s" % uuid.uuid4().hex[:10]
    doc = {"page": page, "body": marker} if kind == "comments" else {"page": page, "note": marker}
    key = new_key()
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def send():
        try:
            barrier.wait(10)
            resp = post(alice, kind, doc, key)
            answers.append((resp.status, resp.json().get("id") if resp.status == 201
                            else resp.body[:200]))
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(repr(e))

    workers = [threading.Thread(target=send) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert not errors, errors
    assert len(answers) == 8
    assert {status for status, _ in answers} == {201}, answers
    assert len({cid for _, cid in answers}) == 1, answers
    table, column = (("social_comments", "body") if kind == "comments"
                     else ("social_shares", "note"))
    assert rows_with(mariadb, table, column, marker) == [answers[0][1]]


def test_same_key_of_another_user_is_independent(server, mariadb):
    alice, bob = Client(server, "alice"), Client(server, "bob")
    page = fresh_page(server)
    marker = "users-%s" % uuid.uuid4().hex[:10]
    key = new_key()
    first = post(alice, "comments", {"page": page, "body": marker}, key)
    second = post(bob, "comments", {"page": page, "body": marker}, key)
    assert first.status == 201 and second.status == 201, (first.body, second.body)
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["author"]["user"] == "bob"
    again = post(alice, "comments", {"page": page, "body": marker}, key)
    assert again.status == 201 and again.json()["id"] == first.json()["id"]
    assert again.json()["author"]["user"] == "alice"
    assert len(rows_with(mariadb, "social_comments", "body", marker)) == 2
    # bob may also use it with another body: his key, not alice's
    other = post(bob, "shares", {"page": page, "note": marker}, new_key())
    assert other.status == 201


@pytest.mark.parametrize("kind", ["comments", "shares"])
def test_same_key_with_another_body_is_422_mismatch(server, mariadb, kind):
    alice = Client(server, "alice")
    page, other_page = fresh_page(server), fresh_page(server)
    marker = "mismatch-%s" % uuid.uuid4().hex[:10]
    field = "body" if kind == "comments" else "note"
    key = new_key()
    first = post(alice, kind, {"page": page, field: marker + " one"}, key)
    assert first.status == 201, first.body
    for doc in ({"page": page, field: marker + " two"},
                {"page": other_page, field: marker + " one"},
                {"page": page, field: marker + " one", "extra": True}
                if kind == "comments" else {"page": page, field: marker + " one", "to": ["bob"]}):
        resp = post(alice, kind, doc, key)
        assert_json_error(resp, 422, "idempotency_mismatch")
    table = "social_comments" if kind == "comments" else "social_shares"
    assert rows_with(mariadb, table, field, marker) == [first.json()["id"]]
    # the original request is still answered as before
    again = post(alice, kind, {"page": page, field: marker + " one"}, key)
    assert again.status == 201 and again.json()["id"] == first.json()["id"]


# header values as they go on the wire; these all reach the module
INVALID_KEYS = {
    "empty": b"",
    "blank": b"   ",
    "201-chars": b"k" * 201,
    "tab": b"a\tb",
    "latin1": b"caf\xe9",
    "utf8": "\u043a\u043b\u044e\u0447".encode("utf-8"),
}

# header values httpd itself may refuse before the module sees them
CONTROL_KEYS = {
    "soh": b"a\x01b",
    "del": b"a\x7fb",
    "nul": b"a\x00b",
}


def raw_post(server, user, rel, doc, key):
    body = json.dumps(doc).encode()
    head = ("POST %s/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
            "Authorization: %s\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n" % (API, rel, server.port,
                                        Client(server, user).headers()["Authorization"],
                                        len(body))).encode()
    raw = head + b"Idempotency-Key: " + key + b"\r\n\r\n" + body
    data = bytearray()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(raw)
        while True:
            piece = s.recv(65536)
            if not piece:
                break
            data += piece
    data = bytes(data)
    head_end = data.find(b"\r\n\r\n")
    status = int(data[9:12])
    headers = data[:head_end].decode("latin-1").lower()
    return status, headers, data[head_end + 4:]


@pytest.mark.parametrize("kind", ["comments", "shares"])
@pytest.mark.parametrize("name", sorted(INVALID_KEYS) + sorted(CONTROL_KEYS))
def test_invalid_key_is_400_and_nothing_stored(server, mariadb, kind, name):
    page = fresh_page(server)
    marker = "badkey-%s" % uuid.uuid4().hex[:10]
    field = "body" if kind == "comments" else "note"
    key = INVALID_KEYS.get(name, CONTROL_KEYS.get(name))
    status, headers, body = raw_post(server, "alice", kind, {"page": page, field: marker}, key)
    assert status == 400, (status, body[:300])
    if name in INVALID_KEYS:
        assert "content-type: application/json" in headers, headers
        doc = json.loads(body.decode("utf-8"))
        assert doc["error"]["code"] == "invalid_idempotency_key", doc
    table = "social_comments" if kind == "comments" else "social_shares"
    assert rows_with(mariadb, table, field, marker) == []


def test_keys_of_1_and_200_printable_characters_are_valid(server, mariadb):
    dave = Client(server, "dave")
    # a fixed page and body, so that a database kept between runs answers
    # the one-character key as a replay
    for key in ("~", "K" + uuid.uuid4().hex + "x" * 167, PRINTABLE_KEY + uuid.uuid4().hex):
        if len(key) > 200:
            key = key[-200:]
        doc = {"page": "/idem-fixed.html", "body": "valid key of %d" % len(key)}
        if key == "~":
            doc["body"] = "valid key of one character"
        first = post(dave, "comments", doc, key)
        assert first.status == 201, (key, first, first.body[:300])
        again = post(dave, "comments", doc, key)
        assert again.status == 201 and again.json()["id"] == first.json()["id"], key


def test_key_older_than_24_hours_is_forgotten(server, mariadb):
    alice = Client(server, "alice")
    page = fresh_page(server)
    marker = "old-%s" % uuid.uuid4().hex[:10]
    key = new_key()
    first = post(alice, "comments", {"page": page, "body": marker}, key)
    assert first.status == 201
    mariadb.sql("UPDATE social_idempotency SET created_at = created_at - INTERVAL 25 HOUR "
                "WHERE user = 'alice' AND idem_key = '%s'" % key)
    later = post(alice, "comments", {"page": page, "body": marker}, key)
    assert later.status == 201, later.body
    assert later.json()["id"] != first.json()["id"]
    assert len(rows_with(mariadb, "social_comments", "body", marker)) == 2
    again = post(alice, "comments", {"page": page, "body": marker}, key)
    assert again.json()["id"] == later.json()["id"]


def test_no_rate_limit_by_default(server):
    bob = Client(server, "bob")
    page = fresh_page(server)
    for k in range(25):
        resp = post(bob, "comments", {"page": page, "body": "unlimited %d" % k})
        assert resp.status == 201, (k, resp)


# ---------------------------------------------------------------- rate limiting

def assert_429(resp, window=60):
    doc = assert_json_error(resp, 429, "rate_limited")
    retry = resp.header("Retry-After")
    assert retry is not None and retry.isdigit(), resp.headers
    assert 0 < int(retry) <= window, retry
    return int(retry)


def in_one_window(needed=20, window=60):
    """The limit counts writes in fixed windows (whole multiples of the
    window since the epoch): a test that counts to the limit must not
    straddle the start of a new one. Waits for the next window when
    fewer than `needed` seconds of this one are left."""
    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.2)


def reads_are_never_limited(client, page):
    for _ in range(3):
        for rel in ("comments?page=" + q(page), "me", "health", "polls?page=" + q(page),
                    "counts?page=" + q(page), "likes?page=" + q(page)):
            resp = client.api("GET", rel)
            assert resp.status == 200, (rel, resp, resp.body[:200])
        assert client.get(page).status == 200
        assert client.request("HEAD", page).status == 200
        assert client.fragment(page).status == 200


def test_writes_beyond_the_limit_get_429_and_reads_go_on(limited, mariadb):
    in_one_window()
    rl = Client(limited, "rl1")
    page = fresh_page(limited)
    marker = "limit-%s" % uuid.uuid4().hex[:10]
    for k in range(5):
        resp = post(rl, "comments", {"page": page, "body": "%s %d" % (marker, k)})
        assert resp.status == 201, (k, resp, resp.body[:200])
    for k in range(3):
        assert_429(post(rl, "comments", {"page": page, "body": "%s over %d" % (marker, k)}))
    assert len(rows_with(mariadb, "social_comments", "body", marker)) == 5
    reads_are_never_limited(rl, page)
    assert_429(post(rl, "shares", {"page": page, "note": marker}))


def test_another_user_is_not_affected(limited):
    in_one_window()
    rl2, rl3 = Client(limited, "rl2"), Client(limited, "rl3")
    page = fresh_page(limited)
    for k in range(5):
        assert post(rl2, "comments", {"page": page, "body": "rl2 %d" % k}).status == 201
    assert_429(post(rl2, "comments", {"page": page, "body": "rl2 over"}))
    for k in range(5):
        resp = post(rl3, "comments", {"page": page, "body": "rl3 %d" % k})
        assert resp.status == 201, (k, resp, resp.body[:200])
    assert_429(post(rl3, "comments", {"page": page, "body": "rl3 over"}))


def test_every_write_method_counts(limited, mariadb):
    in_one_window()
    rl = Client(limited, "rl4")
    page = fresh_page(limited)
    created = post(rl, "comments", {"page": page, "body": "mine"})            # 1
    assert created.status == 201
    cid = created.json()["id"]
    assert rl.patch(cid, {"body": "mine, edited"}).status == 200              # 2
    assert rl.api("PUT", "like?page=" + q(page)).status == 200               # 3
    assert rl.api("DELETE", "like?page=" + q(page)).status == 200            # 4
    assert post(rl, "shares", {"page": page, "note": "look"}).status == 201   # 5
    assert_429(rl.delete(cid))
    assert_429(rl.api("PUT", "like?page=" + q(page)))
    assert_429(rl.api("PUT", "comments/%d/like" % cid))
    assert_429(rl.patch(cid, {"body": "again"}))
    assert_429(post(rl, "shares", {"page": page, "note": "again"}))
    item = rl.api("GET", "comments/%d" % cid)
    assert item.status == 200 and item.json()["body"] == "mine, edited"


def form_post(client, rel, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", "/_social/" + rel, body=urlencode(fields).encode(),
                          headers=hdrs)


def test_form_posts_count_and_get_a_429_page(limited, mariadb):
    in_one_window()
    rl = Client(limited, "rl5")
    page = fresh_page(limited)
    marker = "form-%s" % uuid.uuid4().hex[:10]
    token = rl.token(page)
    for k in range(3):
        resp = form_post(rl, "comments", {"page": page, "body": "%s %d" % (marker, k),
                                          "token": token})
        assert resp.status == 303, (k, resp, resp.body[:200])
    assert post(rl, "comments", {"page": page, "body": marker + " api"}).status == 201
    resp = form_post(rl, "like", {"page": page, "action": "like", "token": token})
    assert resp.status == 303, resp
    for rel, fields in (("comments", {"page": page, "body": marker + " over", "token": token}),
                        ("like", {"page": page, "action": "unlike", "token": token}),
                        ("shares", {"page": page, "note": "x", "public": "1", "token": token})):
        resp = form_post(rl, rel, fields)
        assert resp.status == 429, (rel, resp, resp.body[:300])
        assert resp.content_type.startswith("text/html"), resp.content_type
        assert b"429" in resp.body and b"<html" in resp.body.lower()
        retry = resp.header("Retry-After")
        assert retry is not None and retry.isdigit() and 0 < int(retry) <= 60, resp.headers
        loc = resp.header("Location")
        assert loc is None
    assert_429(post(rl, "comments", {"page": page, "body": marker + " api over"}))
    assert len(rows_with(mariadb, "social_comments", "body", marker)) == 4
    assert rl.get(page).status == 200


def pid_log_entries(server, user):
    path = server.root / "logs" / "pid_log"
    entries = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[1] == user:
            entries.append((parts[0], parts[2], parts[3], parts[4]))
    return entries


def test_the_counter_is_shared_by_both_processes(limited, mariadb):
    harness.wait_until(lambda: len(harness.child_pids(limited.pid)) == 2, 10, 0.2)
    assert len(harness.child_pids(limited.pid)) == 2, (
        "the server should run two processes:\n" + harness.tail(limited.error_log_path))
    rl = Client(limited, "rl6")
    page = fresh_page(limited)
    marker = "shared-%s" % uuid.uuid4().hex[:10]
    in_one_window(30)
    barrier = threading.Barrier(8)
    statuses, errors = [], []

    def send(n):
        try:
            barrier.wait(10)
            for k in range(2):
                resp = post(rl, "comments", {"page": page, "body": "%s %d-%d" % (marker, n, k)})
                statuses.append(resp.status)
                if resp.status == 429:
                    assert_429(resp)
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(repr(e))

    workers = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert not errors, errors
    time.sleep(0.2)
    writes = [e for e in pid_log_entries(limited, "rl6") if e[1] == "POST"]
    pids = {e[0] for e in writes}
    assert len(writes) == 16, writes
    assert len(pids) == 2, "all writes were served by one process: %r" % writes
    assert sorted(statuses) == [201] * 5 + [429] * 11, sorted(statuses)
    assert len(rows_with(mariadb, "social_comments", "body", marker)) == 5
    # sequential writes afterwards, spread over both processes, stay refused
    for k in range(6):
        assert_429(post(rl, "shares", {"page": page, "note": "%s more %d" % (marker, k)}))
    assert len({e[0] for e in pid_log_entries(limited, "rl6")}) == 2


def test_the_window_ends_and_writes_are_allowed_again(short_window):
    rl = Client(short_window, "rl7")
    page = fresh_page(short_window)
    for k in range(2):
        assert post(rl, "comments", {"page": page, "body": "w %d" % k}).status == 201
    retry = assert_429(post(rl, "comments", {"page": page, "body": "w over"}), window=3)
    time.sleep(retry + 0.3)
    resp = post(rl, "comments", {"page": page, "body": "w after"})
    assert resp.status == 201, (resp, resp.body[:200])


@pytest.mark.parametrize("value", ["abc", "5", "5/0s", "5/60x", "-1/60s", "5/", "/60s",
                                   "5/25h", "five/60s", "5/60s extra"])
def test_bad_rate_limit_refused_at_startup(mariadb, value):
    server = harness.Httpd(db=mariadb, conf="SocialRateLimit %s\n" % value, modules=SHMCB,
                           name="ratelimit-bad")
    try:
        code, output = server.config_test()
    finally:
        server.cleanup()
    assert code != 0, output
    assert "SocialRateLimit" in output, output


@pytest.mark.parametrize("value", ["5/60s", "300/1h", "20/10m", "0", "1/1s"])
def test_good_rate_limit_accepted(mariadb, value):
    server = harness.Httpd(db=mariadb, conf="SocialRateLimit %s\n" % value, modules=SHMCB,
                           name="ratelimit-good")
    try:
        code, output = server.config_test()
    finally:
        server.cleanup()
    assert code == 0, output
