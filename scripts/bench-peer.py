#!/usr/bin/python3
"""bench-peer: mod_social against Waline, a self-hosted comment server
(Node.js), on the same machine and the same MariaDB.

  scripts/bench-peer [--rounds N] [--duration SECONDS] [--keep]

Starts a private MariaDB through the test harness
(tests/integration/harness.py), mod_social's httpd on it (the same
configuration as scripts/bench: Debian's mpm_event defaults,
SocialRateLimit off) and Waline's server (@waline/vercel, installed by
scripts/bench-peer into a cache folder outside the tree) on a database of
its own in the same MariaDB. Seeds one page with 50 comments on each (every
third a reply, through each server's API), then measures with wrk (2
threads, 16 connections), interleaved over rounds (mod_social, Waline,
mod_social, ... with the order alternating per round):

  list   the page's 50 comments through the JSON API
         mod_social: GET /_social/api/v1/comments?page=...
         Waline:     GET /api/comment?path=...&pageSize=50
  post   a comment through the API; mod_social as a logged-in user (Basic,
         8 users in turn), Waline as its anonymous commenter (nick, mail).
         An answer counts only as the server's success (201; Waline: 200
         with errno 0), and the rows added to the table are compared with
         the successes

Prints a Markdown table: req/s (median), the ratio mod_social / Waline,
server CPU (httpd, or node's master and worker) and mariadbd CPU in ms per
request, MariaDB statements (Queries) per request, and the load average
before and after.

Waline's limits, so that the bench measures throughput and not them:
IPQPS=-60 (its per-IP posting interval, 60 s by default: it refuses a post
when the same address has a comment inserted after now - IPQPS s; with 0
it still refuses most posts within a second, as MariaDB rounds the stored
time to the nearest second; -60 looks a minute ahead and finds none, but
still runs the query), AKISMET_KEY=false
(its default asks Akismet's servers about every comment), no mail or
notifications configured, COMMENT_AUDIT unset (comments are approved).
Waline fetches OAUTH_URL (its list of login services) on every request;
with no internet here, OAUTH_URL points at a stub that node's master
process serves on loopback ({"services":[]}), counted in Waline's CPU.

  --rounds N       rounds (default 3; at least 3)
  --duration S     seconds per wrk run (default 3)
  --keep           keep the raw wrk output and Waline's log
  --waline-log L   warn (default): Waline's logger drops trace, debug and
                   info, like httpd's LogLevel warn here; all: as Waline
                   ships (every SQL statement logged, to a file here)
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "scripts"))

import harness  # noqa: E402
import bench  # noqa: E402  (scripts/bench.py: /proc accounting, wrk parsing, the page)
from social_test.client import basic_auth as basic  # noqa: E402

LUA = os.path.join(TOP, "tests", "load", "bench-peer.lua")
API = bench.API
USERS = bench.USERS
THREADS, CONNECTIONS = 2, 16
LIST_PAGE = "/api50/page.html"
POST_PAGE = "/post/page.html"
WALINE_DB = "waline"
WALINE_DIR = os.environ.get("SOCIAL_PEER_CACHE", "/var/tmp/mod_social-peer/waline")
WALINE_PKG = os.path.join(WALINE_DIR, "node_modules", "@waline", "vercel")

# Waline's MySQL tables. The npm package does not ship its schema; these
# are the tables and columns of assets/waline.sql in Waline's source
# repository (walinejs/waline, the file its MySQL documentation points to),
# with the prefix Waline uses by default (MYSQL_PREFIX, "wl_"), plus the
# columns 1.39 reads that the MySQL file of some versions lacks and its
# SQLite schema (assets/waline.sqlite.sql) has: like, reaction0-8, label,
# oidc, huawei.
WALINE_SCHEMA = """
CREATE TABLE wl_Comment (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id int DEFAULT NULL,
  comment text,
  insertedAt timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ip varchar(100) DEFAULT '',
  link varchar(255) DEFAULT NULL,
  mail varchar(255) DEFAULT NULL,
  nick varchar(255) DEFAULT NULL,
  pid int DEFAULT NULL,
  rid int DEFAULT NULL,
  sticky boolean DEFAULT NULL,
  status varchar(50) NOT NULL DEFAULT '',
  `like` int DEFAULT NULL,
  ua text,
  url varchar(255) DEFAULT NULL,
  createdAt timestamp NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE wl_Counter (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  time int DEFAULT NULL,
  reaction0 int DEFAULT NULL,
  reaction1 int DEFAULT NULL,
  reaction2 int DEFAULT NULL,
  reaction3 int DEFAULT NULL,
  reaction4 int DEFAULT NULL,
  reaction5 int DEFAULT NULL,
  reaction6 int DEFAULT NULL,
  reaction7 int DEFAULT NULL,
  reaction8 int DEFAULT NULL,
  url varchar(255) NOT NULL DEFAULT '',
  createdAt timestamp NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE wl_Users (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  display_name varchar(255) NOT NULL DEFAULT '',
  email varchar(255) NOT NULL DEFAULT '',
  password varchar(255) NOT NULL DEFAULT '',
  type varchar(50) NOT NULL DEFAULT '',
  label varchar(255) DEFAULT NULL,
  url varchar(255) DEFAULT NULL,
  avatar varchar(255) DEFAULT NULL,
  github varchar(255) DEFAULT NULL,
  twitter varchar(255) DEFAULT NULL,
  facebook varchar(255) DEFAULT NULL,
  google varchar(255) DEFAULT NULL,
  weibo varchar(255) DEFAULT NULL,
  qq varchar(255) DEFAULT NULL,
  oidc varchar(255) DEFAULT NULL,
  huawei varchar(255) DEFAULT NULL,
  `2fa` varchar(32) DEFAULT NULL,
  createdAt timestamp NULL DEFAULT CURRENT_TIMESTAMP,
  updatedAt timestamp NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""

# Waline's own entry (vanilla.js) listens on every address; this one is the
# same but on loopback only. Written into the cache folder, beside the package.
# Waline asks OAUTH_URL for its list of login services on every request (its
# fetch-oauth-service middleware; the default is a public service); with no
# internet here, its master process answers that itself on loopback: the
# stub's CPU is counted as Waline's.
WALINE_LAUNCHER = """\
// written by mod_social's scripts/bench-peer: Waline's vanilla.js, on 127.0.0.1
const path = require('node:path');
const cluster = require('node:cluster');
if (cluster.isPrimary && process.env.BENCH_OAUTH_PORT) {
  require('node:http').createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"services":[]}');
  }).listen(Number(process.env.BENCH_OAUTH_PORT), '127.0.0.1');
}
const Application = require('thinkjs');
const root = path.join(__dirname, 'node_modules', '@waline', 'vercel');
const instance = new Application({
  ROOT_PATH: root,
  APP_PATH: path.join(root, 'src'),
  proxy: true,
  env: 'production',
});
instance.run();
think.config('host', '127.0.0.1');
// Waline's logger writes everything (level ALL: every SQL statement and a
// few debug lines per request) and has no setting for it; --waline-log warn
// drops trace, debug and info, as httpd's LogLevel warn does.
if (process.env.BENCH_WALINE_LOG === 'warn') {
  for (const level of ['trace', 'debug', 'info']) think.logger[level] = () => {};
}
"""


def log(msg):
    print("bench-peer: " + msg, file=sys.stderr, flush=True)


class Stop(Exception):
    pass


def on_term(signum, frame):
    raise Stop("signal %d" % signum)


# ------------------------------------------------------------------ servers

class Social:
    name = "mod_social"

    def __init__(self, db, users_file, page_bytes):
        self.build = bench.Build("social", str(harness.MODULE), None, db, users_file, page_bytes)
        self.server = self.build.server

    def start(self):
        self.server.start()

    @property
    def port(self):
        return self.server.port

    @property
    def origin(self):
        return self.build.origin

    def pid(self):
        return self.server.pid

    def stop(self):
        self.server.cleanup()

    def request(self, method, path, body=None, headers=None):
        return self.build.request(method, path, body, headers)

    def seed(self, n):
        bench.seed(self.build, LIST_PAGE, n)

    def list_path(self):
        return API + "/comments?page=" + LIST_PAGE

    def post_path(self):
        return API + "/comments"

    def check_list(self):
        status, _, body = self.request("GET", self.list_path())
        if status != 200:
            raise RuntimeError("mod_social: GET comments answered %d" % status)
        n = json.loads(body)["count"]
        if n != 50:
            raise RuntimeError("mod_social: %s has %d comments, not 50" % (LIST_PAGE, n))
        return len(body)

    def check_post(self):
        status, _, body = self.request("POST", API + "/comments",
                                       {"page": POST_PAGE, "body": bench.COMMENT_TEXTS[0]},
                                       {"Authorization": basic(USERS[0])})
        if status != 201:
            raise RuntimeError("mod_social: POST comments answered %d: %s" % (status, body[:300]))
        return len(body)

    def wrk_extra(self, case, tag, texts_file):
        if case == "list":
            return ["get-social"]
        return ["post-social", self.origin, POST_PAGE, tag, texts_file] + \
            [basic(u)[len("Basic "):] for u in USERS]

    def rows(self, db):
        return int(db.sql("SELECT COUNT(*) FROM social_comments c JOIN social_pages p "
                          "ON p.id = c.page_id WHERE p.path = '%s'" % POST_PAGE)[0][0])


class Waline:
    name = "Waline"

    def __init__(self, db, rundir, log_level):
        self.db = db
        self.log_level = log_level
        self.rundir = rundir
        self.port = harness.free_port()
        self.oauth_port = harness.free_port()
        self.proc = None
        self.pid_file = None
        self.log_path = os.path.join(rundir, "waline.log")

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.port

    def pid(self):
        return self.proc.pid

    def version(self):
        with open(os.path.join(WALINE_PKG, "package.json")) as f:
            return json.load(f)["version"]

    def setup_db(self):
        stmts = ["CREATE DATABASE %s CHARACTER SET utf8mb4" % WALINE_DB]
        for host in ("127.0.0.1", "localhost"):
            stmts.append("GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%s'"
                         % (WALINE_DB, harness.DB_USER, host))
        self.db.sql(";\n".join(stmts), database=None)
        self.db.sql(WALINE_SCHEMA, database=WALINE_DB)

    def start(self):
        launcher = os.path.join(WALINE_DIR, "bench-peer-start.js")
        with open(launcher, "w") as f:
            f.write(WALINE_LAUNCHER)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.rundir,
            "NODE_ENV": "production",
            "MYSQL_HOST": "127.0.0.1",
            "MYSQL_PORT": str(self.db.port),
            "MYSQL_DB": WALINE_DB,
            "MYSQL_USER": harness.DB_USER,
            "MYSQL_PASSWORD": harness.DB_PASSWORD,
            "JWT_TOKEN": "bench-peer",
            "IPQPS": "-60",
            "AKISMET_KEY": "false",
            "SITE_URL": "http://127.0.0.1:%d" % self.port,
            "OAUTH_URL": "http://127.0.0.1:%d/" % self.oauth_port,
            "BENCH_OAUTH_PORT": str(self.oauth_port),
            "BENCH_WALINE_LOG": self.log_level,
        }
        out = open(self.log_path, "w")
        self.proc = subprocess.Popen(["node", launcher, str(self.port)], cwd=WALINE_DIR, env=env,
                                     stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        rundir = os.environ.get("SOCIAL_TEST_RUNDIR")
        if rundir:
            self.pid_file = os.path.join(rundir, "waline-%d.pid" % self.port)
            with open(self.pid_file, "w") as f:
                f.write("%d\n" % self.proc.pid)
        if not harness.wait_until(lambda: self.proc.poll() is not None
                                  or harness.port_open(self.port), 60, 0.2):
            raise RuntimeError("Waline does not listen on %d:\n%s"
                               % (self.port, harness.tail(self.log_path)))
        if self.proc.poll() is not None:
            raise RuntimeError("Waline exited with %d:\n%s"
                               % (self.proc.returncode, harness.tail(self.log_path)))

    def stop(self):
        if self.pid_file:
            try:
                os.unlink(self.pid_file)
            except OSError:
                pass
        if self.proc is None or self.proc.poll() is not None:
            return
        # the master stops its worker on SIGTERM
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def request(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        if body is not None:
            body = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        resp = harness.http_request(self.port, method, path, hdrs, body=body, timeout=20)
        return resp.status, resp.headers, resp.body

    def post(self, doc):
        status, _, body = self.request("POST", "/api/comment", doc)
        got = json.loads(body) if status == 200 else {}
        if got.get("errno") != 0:
            raise RuntimeError("Waline: POST /api/comment answered %d: %s" % (status, body[:300]))
        return got["data"], len(body)

    def seed(self, n):
        """n comments like bench.seed(): mostly top level, every third a
        reply to the last top-level one, through Waline's comment API."""
        top = []
        for k in range(n):
            # Waline refuses a text the same person already wrote there
            who = USERS[(k // len(bench.COMMENT_TEXTS)) % len(USERS)]
            doc = {"url": LIST_PAGE, "comment": bench.COMMENT_TEXTS[k % len(bench.COMMENT_TEXTS)],
                   "nick": who, "mail": who + "@example.com", "link": "", "ua": "bench-peer"}
            if k % 3 == 2 and top:
                doc.update({"pid": top[-1], "rid": top[-1], "at": "x"})
            data, _ = self.post(doc)
            if "pid" not in doc:
                top.append(data["objectId"])

    def list_path(self):
        return "/api/comment?path=%s&page=1&pageSize=50&sortBy=insertedAt_desc" % LIST_PAGE

    def post_path(self):
        return "/api/comment"

    def check_list(self):
        status, _, body = self.request("GET", self.list_path())
        got = json.loads(body) if status == 200 else {}
        if got.get("errno") != 0:
            raise RuntimeError("Waline: GET comments answered %d: %s" % (status, body[:300]))
        data = got["data"]["data"]
        n = len(data) + sum(len(c.get("children") or []) for c in data)
        if n != 50:
            raise RuntimeError("Waline: %s lists %d comments, not 50" % (LIST_PAGE, n))
        return len(body)

    def check_post(self):
        _, size = self.post({"url": POST_PAGE, "comment": bench.COMMENT_TEXTS[0], "nick": "bench1",
                             "mail": "bench1@example.com", "link": "", "ua": "bench-peer"})
        return size

    def wrk_extra(self, case, tag, texts_file):
        if case == "list":
            return ["get-waline"]
        return ["post-waline", self.origin, POST_PAGE, tag, texts_file]

    def rows(self, db):
        return int(db.sql("SELECT COUNT(*) FROM wl_Comment WHERE url = '%s'" % POST_PAGE,
                          database=WALINE_DB)[0][0])


# ------------------------------------------------------------------ measuring

CASES = [("list", "list the page's 50 comments (JSON)"), ("post", "post a comment")]


def run(db, server, case, seconds, outdir, n):
    tag = "r%d%s" % (n, server.name[0])
    path = server.list_path() if case == "list" else server.post_path()
    url = "http://127.0.0.1:%d%s" % (server.port, path)
    cmd = ["wrk", "-t%d" % THREADS, "-c%d" % CONNECTIONS, "-d%ds" % seconds, "--timeout", "5s",
           "--latency", "-s", LUA, url, "--"] + server.wrk_extra(case, tag, bench.TEXTS_FILE)
    rows0 = server.rows(db) if case == "post" else 0
    s0 = bench.db_status(db.socket)
    c0 = bench.httpd_ticks(server.pid())
    d0 = bench.proc_ticks(db._server_pid())
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=seconds + 30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    c1 = bench.httpd_ticks(server.pid())
    d1 = bench.proc_ticks(db._server_pid())
    s1 = bench.db_status(db.socket)
    if case == "post":
        # posts still in flight when wrk stopped are stored all the same
        time.sleep(1)
    rows1 = server.rows(db) if case == "post" else 0
    with open(os.path.join(outdir, "%03d-%s-%s.txt" % (n, server.name, case)), "w") as f:
        f.write(" ".join(cmd) + "\n" + out)
    if proc.returncode != 0:
        raise RuntimeError("wrk failed (%d):\n%s" % (proc.returncode, out))
    r = bench.parse_wrk(out)
    req = max(r["requests"], 1)
    r["rps"] = r["ok"] / r["seconds"] if r["seconds"] else 0.0
    r["cpu"] = (c1 - c0) * 1000.0 / bench.TICK / req
    r["db_cpu"] = (d1 - d0) * 1000.0 / bench.TICK / req
    # the two SHOW STATUS of the snapshots count as 2 queries; the row
    # counts before and after add 1 each (before s0, after s1: not counted)
    r["queries"] = (s1["Queries"] - s0["Queries"] - 2) / req
    r["rows"] = rows1 - rows0
    r["samples"] = re.findall(r"^BENCH failed answer: (.*)$", out, re.M)
    if case == "post" and r["rows"] < r["ok"]:
        raise RuntimeError("%s: %d posts answered as stored, but %d rows added"
                           % (server.name, r["ok"], r["rows"]))
    return r


def med(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main():
    ap = argparse.ArgumentParser(description="mod_social against Waline",
                                 epilog="See the top of the script for details.")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--waline-log", choices=("warn", "all"), default="warn")
    args = ap.parse_args()
    if args.rounds < 3:
        ap.error("at least 3 rounds")
    if args.duration < 1:
        ap.error("--duration is at least 1")
    if not os.path.isfile(os.path.join(WALINE_PKG, "package.json")):
        sys.exit("bench-peer: Waline is not installed in %s (scripts/bench-peer installs it)"
                 % WALINE_DIR)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    outdir = tempfile.mkdtemp(prefix="social-bench-peer-")
    made = []
    try:
        log("starting MariaDB")
        db = harness.MariaDB(use_env=False)
        made.append(db)
        db.setup()
        users_dir, users_file = harness.make_htpasswd(USERS)
        social = Social(db, users_file, bench.make_page())
        made.append(social)
        social.start()
        log("mod_social: httpd on 127.0.0.1:%d" % social.port)
        waline = Waline(db, outdir, args.waline_log)
        waline.setup_db()
        made.append(waline)
        waline.start()
        log("Waline %s: node on 127.0.0.1:%d" % (waline.version(), waline.port))
        servers = [social, waline]

        log("seeding 50 comments on %s on each" % LIST_PAGE)
        sizes = {}
        for s in servers:
            s.seed(50)
            sizes[s.name] = {"list": s.check_list(), "post": s.check_post()}

        log("warming up")
        n = 0
        for s in servers:
            for case, _ in CASES:
                n += 1
                run(db, s, case, 1, outdir, n)
        load_before = os.getloadavg()
        started = time.time()
        results = {s.name: {c: [] for c, _ in CASES} for s in servers}
        for rnd in range(args.rounds):
            for case, label in CASES:
                order = servers if rnd % 2 == 0 else servers[::-1]
                for s in order:
                    n += 1
                    r = run(db, s, case, args.duration, outdir, n)
                    results[s.name][case].append(r)
                    log("round %d/%d %-5s %-10s %8.0f/s  ok %d other %d rows %s"
                        % (rnd + 1, args.rounds, case, s.name, r["rps"], r["ok"], r["other"],
                           r["rows"] if case == "post" else "-"))
                    for sample in r["samples"][:1]:
                        log("  a failed answer: " + sample)
        elapsed = time.time() - started
        load_after = os.getloadavg()

        out = ["## mod_social against Waline", ""]
        out.append("Same machine, same MariaDB (%s), one page with 50 comments (every third a "
                   "reply) on each; wrk %d threads, %d connections, %d s per run, %d rounds, the "
                   "two servers in turn (the order alternating per round). mod_social %s in "
                   "httpd (mpm_event, Debian's defaults, SocialRateLimit off); Waline %s "
                   "(@waline/vercel) on Node.js %s, its own cluster of 1 worker, with IPQPS=-60, "
                   "AKISMET_KEY=false, its logger at %s."
                   % (bench.sh(["mariadbd", "--version"]), THREADS, CONNECTIONS, args.duration,
                      args.rounds, harness.MODULE, waline.version(),
                      bench.sh(["node", "--version"]),
                      "warn" if args.waline_log == "warn" else "level ALL (as shipped)"))
        out.append("")
        out.append("| case | server | req/s | mod_social / Waline | p50 | p99 "
                   "| server CPU ms/req | mariadbd CPU ms/req | statements/req "
                   "| response bytes | successes / rows added | failed |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for case, label in CASES:
            a = med([r["rps"] for r in results["mod_social"][case]])
            b = med([r["rps"] for r in results["Waline"][case]])
            for s in servers:
                rs = results[s.name][case]
                ok = sum(r["ok"] for r in rs)
                stored = ("%d / %d" % (ok, sum(r["rows"] for r in rs))) if case == "post" else "-"
                st = {}
                for r in rs:
                    for part in filter(None, r["statuses"].split(",")):
                        k, v = part.split(":")
                        st[k] = st.get(k, 0) + int(v)
                failed = str(sum(r["other"] for r in rs) + sum(r["socket_errors"] for r in rs))
                if st:
                    failed += " (" + ", ".join("%s: %d" % kv for kv in sorted(st.items())) + ")"
                out.append("| %s | %s | %.0f | %s | %.2f ms | %.2f ms | %.3f | %.3f | %.2f | %d "
                           "| %s | %s |" % (
                               label, s.name, med([r["rps"] for r in rs]),
                               ("%.2f" % (a / b) if b else "-") if s is social else "",
                               med([r["p50"] for r in rs]), med([r["p99"] for r in rs]),
                               med([r["cpu"] for r in rs]), med([r["db_cpu"] for r in rs]),
                               med([r["queries"] for r in rs]), sizes[s.name][case],
                               stored, failed))
        out.append("")
        out.append("req/s counts only the server's successes (mod_social: 200 for the list, 201 "
                   "for a post; Waline: 200 with errno 0, as it answers its refusals with 200 "
                   "too) and is the median over rounds; p50/p99, CPU and statements are medians "
                   "of the per-run values, CPU per request completed (server: httpd's processes, "
                   "or node's master and worker; mariadbd: the one server both use); statements "
                   "are MariaDB's Queries counter. Posting: mod_social as a logged-in user "
                   "(Basic, 8 users in turn), Waline as its anonymous commenter (nick and mail, "
                   "8 in turn); successes / rows added compares the successful answers with the "
                   "rows the runs added to the page's table (SQL counts before and after; "
                   "the bench stops if a run added fewer rows than it got successes). Rows "
                   "beyond the successes are posts still in flight when wrk stopped (at most "
                   "%d a run), or posts stored but answered with an error. Waline's MySQL "
                   "layer (think-mysql) runs identical SELECTs in flight at the same time "
                   "once, so under concurrency its listing costs fewer statements than the 2 "
                   "(a COUNT and a SELECT) it sends for one request alone."
                   % CONNECTIONS)
        out.append("")
        out.append("- load average (1/5/15 min) before: %.2f %.2f %.2f, after: %.2f %.2f %.2f; "
                   "measuring took %.0f s" % (load_before + load_after + (elapsed,)))
        out.append("- CPUs (nproc): %d" % os.cpu_count())
        nerr, counts = bench.error_log_summary(social.server.error_log_path)
        out.append("- httpd error log: %d lines at warn or worse" % nerr)
        print("\n".join(out), flush=True)
        shutil.rmtree(users_dir, ignore_errors=True)
        if args.keep:
            log("raw wrk output and Waline's log in " + outdir)
        return 0
    except Stop as e:
        log("stopped (%s)" % e)
        return 130
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
        log("failed: %s" % e)
        for thing in made:
            if isinstance(thing, Waline):
                log("Waline's log:\n" + harness.tail(thing.log_path))
        return 1
    finally:
        for thing in reversed(made):
            try:
                if isinstance(thing, harness.MariaDB):
                    thing.close()
                else:
                    thing.stop()
            except (OSError, RuntimeError, subprocess.SubprocessError) as e:
                log("stopping: %s" % e)
        if not args.keep:
            shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
