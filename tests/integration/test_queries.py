"""The database work behind each request, read from MariaDB itself.

A page with a long discussion (600 threads, 1,800 comments, with likes)
is built, then each kind of request is made with MariaDB's general log
on. The statements it logs are the module's round trips; each SELECT is
run again under ANALYZE, and the plan must use an index for every table
it reads and examine a number of comment rows bounded by what the answer
shows, not by the size of the discussion.

The bulk of the discussion is written by people who never visit (eve,
frank, gina), so bob reads the page as an uninvolved reader (the cached
discussion serves him) while alice, who wrote on it, gets hers rendered.
"""
import json
from urllib.parse import quote

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client

THREADS = 600          # top-level comments on the big page
REPLIES = 2            # replies under each
SHOWN = 50             # threads an Inline view renders
API = "/_social/api/v1"

HTTPD_CONF = config.login(moderator_user=None)

# A page listing the comment counts of several pages (a missing page's
# count is not shown: the reader may not open it).
COUNTS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Counts</title></head>
<body><h1>Counts</h1>
<p>Big: <!--social:count page="/big.html"--></p>
<p>Small: <!--social:count page="/small.html"--></p>
<p>Again: <!--social:count page="/big.html"--></p>
<p>None: <!--social:count page="/nowhere.html"--></p>
</body></html>
"""

# Tables small by nature (one row per page, or the version table) may be
# read whole; every other table must be read through an index.
SMALL_TABLES = {"social_schema_version"}


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"big.html": PAGE_TEMPLATE.format(title="Big"),
                                "small.html": PAGE_TEMPLATE.format(title="Small"),
                                "counts.html": COUNTS_PAGE},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def general_log(server, mariadb):
    """MariaDB's general log, on for this module. MariaDB writes the
    values of a prepared statement into the log only if the log was on
    when it was prepared, so httpd restarts (gracefully) to connect and
    prepare again."""
    mariadb.sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1",
                database=None)
    server.graceful()
    yield GeneralLog(mariadb)
    mariadb.sql("SET GLOBAL general_log = 0; TRUNCATE mysql.general_log", database=None)


@pytest.fixture(scope="module")
def big(server, mariadb, general_log):
    """/big.html with THREADS threads of 1 + REPLIES comments, a like on
    every tenth comment, and a few comments on /small.html."""
    alice = Client(server, "alice")
    first = alice.create("/big.html", "the first thread")
    alice.create("/small.html", "a small page")
    page_id = mariadb.sql("SELECT page_id FROM social_comments WHERE id = %d"
                          % first["id"])[0][0]
    mariadb.sql(
        "INSERT INTO social_comments (page_id, author, author_name, body) "
        "SELECT {p}, 'eve', 'Eve', CONCAT('thread ', seq) FROM seq_2_to_{n};"
        "UPDATE social_comments SET root_id = id "
        "WHERE page_id = {p} AND parent_id IS NULL AND root_id IS NULL;"
        "INSERT INTO social_comments (page_id, parent_id, root_id, author, author_name, body) "
        "SELECT {p}, c.id, c.id, 'frank', 'Frank', CONCAT('reply ', s.seq) "
        "FROM social_comments c JOIN seq_1_to_{r} s "
        "WHERE c.page_id = {p} AND c.parent_id IS NULL;"
        "INSERT INTO social_likes (target_kind, target_id, user) "
        "SELECT 'comment', id, 'gina' FROM social_comments WHERE page_id = {p} AND id % 10 = 0;"
        "ANALYZE TABLE social_comments, social_likes, social_pages;"
        .format(p=page_id, n=THREADS, r=REPLIES))
    count = int(mariadb.sql("SELECT COUNT(*) FROM social_comments WHERE page_id = %s"
                            % page_id)[0][0])
    assert count == THREADS * (1 + REPLIES)
    # Readers here start with nothing unread (other modules share these
    # user names and the database): the unread count's own cost is pinned
    # by test_unread_notifications_cost_one_more_statement.
    for user in ("alice", "bob", "dave"):
        assert Client(server, user).api("POST", "notifications/read-all", {}).status == 200
        # A person's first page view of the day makes them known (one
        # write): done here, so the views measured below are not the first.
        assert Client(server, user).get("/small.html").status == 200
    return {"page_id": page_id, "alice": alice}


class GeneralLog:
    """The statements the module's database user sends."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.sql("TRUNCATE mysql.general_log", database=None)
        return self

    def __exit__(self, *exc):
        pass

    def statements(self):
        rows = self.db.sql(
            "SELECT command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log "
            "WHERE user_host LIKE '%s%%' AND command_type IN ('Execute', 'Query') "
            "ORDER BY event_time" % harness.DB_USER, database=None)
        return [(kind, text) for kind, text in rows]


def run_logged(db, fn):
    with GeneralLog(db) as log:
        resp = fn()
        # the log is written when the statement ends, before the answer
        statements = log.statements()
    return resp, statements


def table_accesses(plan):
    """Every {"table": {...}} of an ANALYZE FORMAT=JSON plan."""
    if isinstance(plan, dict):
        for key, value in plan.items():
            if key == "table" and isinstance(value, dict):
                yield value
            yield from table_accesses(value)
    elif isinstance(plan, list):
        for value in plan:
            yield from table_accesses(value)


def analyze(db, select):
    rows = db.sql("ANALYZE FORMAT=JSON " + select)
    return json.loads(rows[0][0])


def check_selects(db, statements, max_comment_rows):
    """Every SELECT uses an index for each social table it reads, and
    reads at most max_comment_rows rows of social_comments per access."""
    selects = [text for kind, text in statements
               if kind == "Execute" and text.lstrip().upper().startswith("SELECT")]
    assert selects, statements
    for select in selects:
        plan = analyze(db, select)
        for access in table_accesses(plan):
            name = access.get("table_name", "")
            if not name.startswith("social_") or name in SMALL_TABLES:
                continue
            assert access.get("access_type") != "ALL", (
                "full scan of %s in: %s" % (name, select))
            assert access.get("key"), "no index on %s in: %s" % (name, select)
            if name == "social_comments":
                examined = (access.get("r_rows") or 0) * (access.get("r_loops") or 1)
                assert examined <= max_comment_rows, (
                    "%d comment rows read by: %s" % (examined, select))
    return selects


def module_statements(statements):
    """What the module itself sent (not the connection's session setup)."""
    return [(k, t) for k, t in statements
            if not t.upper().startswith(("SET SESSION", "SET NAMES"))]


def test_inline_page_view_reads_only_shown_threads(server, mariadb, big):
    """An involved reader: the discussion is read and rendered for her,
    in one statement over the threads shown."""
    alice = big["alice"]
    resp, statements = run_logged(mariadb, lambda: alice.get("/big.html"))
    assert resp.status == 200
    body = resp.body.decode()
    assert "thread %d" % THREADS in body
    assert "thread %d" % (THREADS - SHOWN - 5) not in body
    sent = module_statements(statements)
    # whether she is involved, then the discussion
    assert len(sent) == 2, sent
    # 50 threads of 3 comments, and the roots that locate them
    check_selects(mariadb, sent, max_comment_rows=4 * SHOWN * (1 + REPLIES))


def test_uninvolved_reader_warm_view_needs_no_round_trip(server, mariadb, big):
    """bob has written and liked nothing on the page: his first view asks
    the database whether he is involved (one indexed statement) and reads
    the discussion (another); while nothing changes, his next views and
    dave's second one are served from the cache without a statement."""
    bob, dave = Client(server, "bob"), Client(server, "dave")
    resp, statements = run_logged(mariadb, lambda: bob.get("/big.html"))
    assert resp.status == 200
    sent = module_statements(statements)
    assert len(sent) in (1, 2), sent    # the discussion may be cached already
    state = [t for k, t in sent if "EXISTS" in t]
    assert len(state) == 1, sent
    check_selects(mariadb, [("Execute", state[0])], max_comment_rows=10)
    resp, statements = run_logged(mariadb, lambda: bob.get("/big.html"))
    assert resp.status == 200
    assert "thread %d" % THREADS in resp.body.decode()
    assert module_statements(statements) == []
    dave.get("/big.html")
    resp, statements = run_logged(mariadb, lambda: dave.get("/big.html"))
    assert module_statements(statements) == []

    # a write gives the page a new version: the next view reads it again
    big["alice"].create("/big.html", "news for bob")
    resp, statements = run_logged(mariadb, lambda: bob.get("/big.html"))
    assert "news for bob" in resp.body.decode()
    assert len(module_statements(statements)) == 2, statements


def test_unread_notifications_cost_one_more_statement(server, mariadb, big):
    """With something unread, the badge counts only notifications on pages
    the reader may open (the one access question): one more statement,
    for the pages of the unread ones."""
    alice = big["alice"]
    top = alice.create("/small.html", "tell me when someone answers")
    Client(server, "carol").create("/small.html", "an answer", parent=top["id"])
    resp, statements = run_logged(mariadb, lambda: alice.get("/big.html"))
    assert resp.status == 200
    assert "(1 unread)" in resp.body.decode()
    sent = module_statements(statements)
    assert len(sent) == 3, sent
    assert alice.api("POST", "notifications/read-all", {}).status == 200


def test_comment_listing_reads_only_the_threads_asked_for(server, mariadb, big):
    alice = big["alice"]
    resp, statements = run_logged(
        mariadb, lambda: alice.api("GET", "comments?limit=20&page=" + quote("/big.html")))
    assert resp.status == 200
    doc = resp.json()
    threads = int(mariadb.sql("SELECT COUNT(*) FROM social_comments WHERE page_id = %s "
                              "AND parent_id IS NULL" % big["page_id"])[0][0])
    assert threads >= THREADS
    assert doc["count"] == threads * (1 + REPLIES) - (threads - THREADS) * REPLIES
    assert len([c for c in doc["comments"] if c["parent"] is None]) == 20
    assert doc["earlier"] == threads - 20
    check_selects(mariadb, module_statements(statements),
                  max_comment_rows=4 * 20 * (1 + REPLIES))

    # the next page of threads, by next_before, is as cheap
    before = doc["next_before"]
    resp, statements = run_logged(mariadb, lambda: alice.api(
        "GET", "comments?limit=20&before=%d&page=%s" % (before, quote("/big.html"))))
    assert resp.status == 200
    older = resp.json()
    assert all(c["id"] < before for c in older["comments"] if c["parent"] is None)
    assert older["earlier"] == threads - 40
    check_selects(mariadb, module_statements(statements),
                  max_comment_rows=4 * 20 * (1 + REPLIES))


def test_fragment_reads_only_shown_threads(server, mariadb, big):
    alice = big["alice"]
    resp, statements = run_logged(
        mariadb, lambda: alice.get("/_social/fragment?page=" + quote("/big.html")))
    assert resp.status == 200
    check_selects(mariadb, module_statements(statements),
                  max_comment_rows=4 * SHOWN * (1 + REPLIES))


def test_counts_and_likes_use_indexes(server, mariadb, big):
    alice = big["alice"]
    resp, statements = run_logged(
        mariadb, lambda: alice.api("GET", "counts?page=" + quote("/big.html")))
    assert resp.status == 200
    check_selects(mariadb, module_statements(statements), max_comment_rows=4 * THREADS * 3)

    resp, statements = run_logged(
        mariadb, lambda: alice.api("PUT", "like?page=" + quote("/big.html")))
    assert resp.status == 200
    check_selects(mariadb, module_statements(statements), max_comment_rows=10)


def test_posting_a_reply_reads_only_its_thread(server, mariadb, big):
    alice = big["alice"]
    listing = alice.api("GET", "comments?limit=1&page=" + quote("/big.html")).json()
    root = listing["comments"][0]["id"]
    resp, statements = run_logged(
        mariadb, lambda: alice.api("POST", "comments",
                                   {"page": "/big.html", "body": "late reply",
                                    "parent": root}))
    assert resp.status == 201, resp.body
    check_selects(mariadb, module_statements(statements), max_comment_rows=50)
    # the reply joined its parent's thread
    row = mariadb.sql("SELECT root_id FROM social_comments WHERE id = %d"
                      % resp.json()["id"])
    assert int(row[0][0]) == root


def test_count_markers_cost_one_statement(server, mariadb, big):
    """Every count marker of a page is read in one statement, whatever
    their number; each shows its own page's count."""
    alice = big["alice"]
    resp, statements = run_logged(mariadb, lambda: alice.get("/counts.html"))
    assert resp.status == 200
    body = resp.body.decode()
    sent = module_statements(statements)
    counts = [t for k, t in sent if "p.path IN (" in t]
    assert len(counts) == 1, sent
    assert body.count("social-count-link") == 3
    check_selects(mariadb, [("Execute", counts[0])], max_comment_rows=4 * THREADS * 3)


def test_a_post_is_five_round_trips(server, mariadb, big):
    """A comment on a page that has a row: one transaction of the insert
    (which finds the page, checks its lock and that its author is not
    banned), its thread and its followers' notifications. Only a page's
    first comment looks for and makes the page's row."""
    alice = big["alice"]
    server.write_file("/post-cost.html", PAGE_TEMPLATE.format(title="Post cost"))

    def post(body):
        resp, statements = run_logged(
            mariadb, lambda: alice.api("POST", "comments",
                                       {"page": "/post-cost.html", "body": body}))
        assert resp.status == 201, resp.body
        return [t for _, t in module_statements(statements)]

    first = post("the first comment")
    assert any("INSERT INTO social_pages" in t for t in first), first
    sent = post("the second comment")
    assert [t.split()[0] for t in sent] == ["START", "INSERT", "UPDATE", "INSERT",
                                           "COMMIT"], "\n".join(t[:160] for t in sent)
    assert "INSERT INTO social_comments" in sent[1] and "FROM social_bans" in sent[1]
    assert "INSERT INTO social_notifications" in sent[3]
    assert not any("social_pages" in t for t in sent[2:]), sent
