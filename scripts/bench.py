#!/usr/bin/python3
"""bench: how much mod_social costs against plain static serving, on loopback.

  scripts/bench [--quick] [--rounds N] [--duration SECONDS] [--keep]
                [--compare DIR_OR_SO]

Starts a private MariaDB and httpd (mpm_event, Debian's defaults) through
the test harness (tests/integration/harness.py: free loopback ports, a
temporary folder, everything stopped on exit), serves a ~12 KB page in
several configurations and measures them with wrk (2 threads, 16
connections), interleaving each case with plain static serving (plain, X,
X, plain, ...) over several rounds. The scripted cases (logged-in readers,
POST, PUT like) run tests/load/bench.lua. Prints a Markdown table: req/s
(median), the median of the per-round ratios against plain, p50/p99
latency, and httpd CPU time per 1,000 requests (from /proc).

  --quick          3 rounds of 1 s per run (about a minute in all)
  --rounds N       rounds per case (default 5; at least 3)
  --duration S     seconds per wrk run (default 4)
  --keep           keep the raw wrk output and each build's reader view
                   (reader-view-NAME.html; the folder is printed)
  --compare X      a second build: a mod_social.so, or a checkout (its
                   mod_social/.libs/mod_social.so and templates/). A second
                   httpd loads it, on the same database and pages; every
                   case is measured on both in each round (the order of
                   the two alternating), each against its own plain, and
                   the table has a column for each

Run as root on Debian 12 (scripts/bench checks the packages and builds the
module first).
"""

import argparse
import json
import os
import platform
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

import harness  # noqa: E402
from social_test.client import basic_auth as basic  # noqa: E402

API = "/_social/api/v1"
USERS = ["bench%d" % i for i in range(1, 9)]      # password = user name
THREADS, CONNECTIONS = 2, 16
LOAD = os.path.join(TOP, "tests", "load")
LUA = os.path.join(LOAD, "bench.lua")
TEXTS_FILE = os.path.join(LOAD, "bench-comments.txt")
SOURCE_PAGE = os.path.join(TOP, "demo", "intranet", "hr", "remote-work-policy.html")

# (key, label, kind, path); kind: get | readers | author | post | like
CASES = [
    ("deferred", "deferred", "get", "/deferred/page.html"),
    ("inline0", "inline0", "get", "/inline0/page.html"),
    ("inline20", "inline20", "get", "/inline20/page.html"),
    # logged in: readers who wrote nothing there get the cached discussion
    # (one query); its author gets it rendered (two queries and a render)
    ("inline20r", "inline20, reader", "readers", "/inline20/page.html"),
    # the same readers' login on a plain page: what the login itself costs
    ("plainr", "plain, reader", "readers", "/plainr/page.html"),
    # the reader's view itself as a static file behind the same login: what
    # sending those bytes costs plain serving, the ceiling of the reader case
    ("plainrv", "plain, reader, the reader's view as a file", "readers", "/plainrv/page.html"),
    ("inline20a", "inline20, author", "author", "/inline20/page.html"),
    ("get50", "GET comments (50)", "get", API + "/comments?page=/api50/page.html"),
    # the same listing asked again with its ETag, as a client that keeps it does
    ("get50e", "GET comments (50), repeat (304)", "etag", API + "/comments?page=/api50/page.html"),
    ("post", "POST comments", "post", API + "/comments"),
    ("like", "PUT like", "like", API + "/like?page=/like/page.html"),
    # the widget's check for new comments while nothing changed (304)
    ("updates", "update check (304)", "etag", API + "/updates?page=/inline20/page.html"),
]
PLAIN = ("plain", "plain", "get", "/plain/page.html")
FOLDERS = ("plain", "plainr", "plainrv", "deferred", "inline0", "inline20", "api50", "post", "like")


def comment_texts():
    """The comment texts (tests/load/bench-comments.txt holds them JSON
    escaped, one a line, for bench.lua)."""
    with open(TEXTS_FILE, encoding="utf-8") as f:
        return [json.loads('"%s"' % line.rstrip("\n")) for line in f if line.strip()]


COMMENT_TEXTS = comment_texts()

# Debian's mpm_event and keep-alive defaults (the harness's own are sized
# for the tests), and the folders of the cases.
SITE_CONF = r"""
StartServers 2
ServerLimit 16
MinSpareThreads 25
MaxSpareThreads 75
ThreadLimit 64
ThreadsPerChild 25
MaxRequestWorkers 150
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
# Plain static serving at its fastest here: files are read, not mapped.
# (Mapping and unmapping a file per request flushes the TLB of every CPU,
# which on a virtual machine costs more than the read; mod_social reads
# the pages it scans either way.)
EnableMMAP Off
%(templates)s
<Directory "@DOCROOT@">
    # Anonymous visitors may comment, so Inline pages carry the comment form
    # (with its signed token), as they would for a logged-in employee.
    SocialAnonymous Write
</Directory>
<Directory "@DOCROOT@/plain">
    Social Off
</Directory>
<Directory "@DOCROOT@/plainr">
    Social Off
%(login)s
    Require valid-user
</Directory>
<Directory "@DOCROOT@/plainrv">
    Social Off
%(login)s
    Require valid-user
</Directory>
<Directory "@DOCROOT@/deferred">
    SocialRender Deferred
</Directory>
# /inline20/ is also read logged in (the reader and author cases):
# credentials are checked when sent.
<Directory "@DOCROOT@/inline20">
%(login)s
    <If "-n req('Authorization')">
        Require valid-user
    </If>
    <Else>
        Require all granted
    </Else>
</Directory>
<Directory "@DOCROOT@/like">
%(login)s
    Require valid-user
</Directory>
# The endpoint checks credentials when a client sends them (the like case)
# and serves everyone else as anonymous.
<Location /_social>
%(login)s
    <If "-n req('Authorization')">
        Require valid-user
    </If>
    <Else>
        Require all granted
    </Else>
</Location>
"""


class Stop(Exception):
    pass


def on_term(signum, frame):
    raise Stop("signal %d" % signum)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ /proc

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ')'.
    return data[data.rindex(")") + 2:].split()


def children_stat(parent):
    """(pid, /proc stat fields) of each process whose parent is parent."""
    for name in os.listdir("/proc"):
        if name.isdigit():
            cf = stat_fields(int(name))
            if cf is not None and int(cf[1]) == parent:
                yield int(name), cf


def httpd_ticks(parent):
    """utime+stime of httpd's parent, of its children alive now, and of the
    children it has reaped (cutime+cstime), so a child that exits during a
    run still counts."""
    f = stat_fields(parent)
    if f is None:
        raise RuntimeError("httpd (pid %d) is gone" % parent)
    # fields after comm: state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
    total = int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    for _, cf in children_stat(parent):
        total += int(cf[11]) + int(cf[12])
    return total


def httpd_switches(parent):
    """Context switches (voluntary and not) of every thread of httpd's
    children alive now: a thread that waits for a lock another holds
    switches out and back, so the count per request shows queueing that
    CPU time alone hides. (A child that exits during a run takes its
    count with it; the bench's children live through the run.)"""
    total = 0
    for pid, _ in children_stat(parent):
        try:
            tids = os.listdir("/proc/%d/task" % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                    for line in f:   # voluntary_ and nonvoluntary_ctxt_switches
                        if "ctxt_switches:" in line:
                            total += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue
    return total


DB_VARS = ("Queries", "Com_stmt_prepare", "Com_stmt_execute", "Connections")


def db_status(socket):
    """A few of MariaDB's global counters (through the root socket). A
    failure stops the bench: the statements-per-request column would be
    wrong otherwise."""
    out = subprocess.run(
        ["mariadb", "--socket=" + socket, "-uroot", "-N", "-B", "-e",
         "SHOW GLOBAL STATUS WHERE Variable_name IN (%s)"
         % ", ".join("'%s'" % v for v in DB_VARS)],
        capture_output=True, text=True, timeout=10, check=True).stdout
    return {k: int(v) for k, v in (line.split("\t") for line in out.splitlines() if "\t" in line)}


def db_memory(db):
    """mariadbd's resident memory (MB), prepared statements and open
    connections: what the pooled connections cost the server."""
    rss = 0.0
    try:
        with open("/proc/%d/status" % db._server_pid()) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024.0
    except (OSError, ValueError, TypeError):
        pass
    out = subprocess.run(
        ["mariadb", "--socket=" + db.socket, "-uroot", "-N", "-B", "-e",
         "SHOW GLOBAL STATUS WHERE Variable_name IN ('Prepared_stmt_count', 'Threads_connected', "
         "'Max_used_connections')"],
        capture_output=True, text=True, timeout=10).stdout
    got = {k: int(v) for k, v in (line.split("\t") for line in out.splitlines() if "\t" in line)}
    return rss, got.get("Prepared_stmt_count", -1), got.get("Threads_connected", -1), \
        got.get("Max_used_connections", -1)


def page_comments(socket, path):
    """How many comments the page holds (through the root socket)."""
    try:
        out = subprocess.run(
            ["mariadb", "--socket=" + socket, "-uroot", "-N", "-B", "social", "-e",
             "SELECT COUNT(*) FROM social_comments c JOIN social_pages p ON p.id = c.page_id "
             "WHERE p.path = '%s'" % path],
            capture_output=True, text=True, timeout=10).stdout.strip()
        return int(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return -1


def proc_ticks(pid):
    f = stat_fields(pid)
    return 0 if f is None else int(f[11]) + int(f[12])


# ------------------------------------------------------------------ wrk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def parse_wrk(out):
    r = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h)", out)
    if not m:
        raise RuntimeError("could not read wrk's output:\n" + out)
    r["requests"] = int(m.group(1))
    r["seconds"] = float(m.group(2)) * UNITS[m.group(3)] / 1e3
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s(?:\.0+)?%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % pct, out, re.M)
        r["p" + pct] = float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["bad_status"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    r["socket_detail"] = m.group(0) if m else ""
    m = re.search(r"BENCH ok=(\d+) other=(\d+) statuses=(\S*)", out)
    if m:
        r["ok"] = int(m.group(1))
        r["other"] = int(m.group(2))
        r["statuses"] = m.group(3)
    else:
        r["ok"] = r["requests"] - r["bad_status"]
        r["other"] = r["bad_status"]
        r["statuses"] = ""
    return r


class Build:
    """One httpd with one mod_social.so: the tree's own ("this") or the one
    of --compare ("other"). SocialRateLimit is off (the harness's default):
    the bench writes far faster than people do, and the default limit
    (30/60s per person) would answer most writes with 429."""

    def __init__(self, name, module, templates, db, users_file, page_bytes):
        self.name = name
        self.module = module
        self.etags = {}            # case key -> the ETag its repeat asks send
        login = "\n".join("    " + d for d in (
            "AuthType Basic", 'AuthName "bench"', "AuthBasicProvider file",
            'AuthUserFile "%s"' % users_file))
        conf = SITE_CONF % {"login": login, "templates": (
            'SocialTemplateDir "%s"' % templates if templates else "")}
        files = {"%s/page.html" % d: page_bytes for d in FOLDERS}
        self.server = harness.Httpd(db=db, files=files, conf=conf, name="bench-" + name,
                                    module=module, access_log=False)

    @property
    def port(self):
        return self.server.port

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.server.port

    def request(self, method, path, body=None, headers=None, timeout=10):
        hdrs = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if method not in ("GET", "HEAD"):
            hdrs.setdefault("Origin", self.origin)
        resp = self.server.request(method, path, hdrs, body=body, timeout=timeout)
        return resp.status, resp.headers, resp.body


def refresh_etag(build, key, path):
    """The entity tag a client holds now: asked again before each run, as
    the cache may have given the page a new version since (an evicted
    version starts a new one)."""
    status, headers, body = build.request("GET", path)
    etag = dict((k.lower(), v) for k, v in headers).get("etag")
    if status == 200 and etag:
        build.etags[key] = etag


class Runner:
    def __init__(self, args, db, outdir):
        self.args = args
        self.db = db
        self.outdir = outdir
        self.n = 0

    def wrk_args(self, key, kind, build):
        if kind == "get":
            return []
        if kind == "etag":
            extra = ["etag", build.origin, build.etags[key]]
        elif kind == "post":
            extra = ["post", build.origin, "/post/page.html", TEXTS_FILE]
        elif kind == "like":
            extra = ["like", build.origin] + [basic(u)[len("Basic "):] for u in USERS]
        else:
            users = USERS[1:] if kind == "readers" else USERS[:1]
            extra = ["get", build.origin] + [basic(u)[len("Basic "):] for u in users]
        return ["-s", LUA, None, "--"] + extra

    def run(self, case, build, seconds):
        key, label, kind, path = case
        if kind == "etag":
            refresh_etag(build, key, path)
        cmd = ["wrk", "-t%d" % THREADS, "-c%d" % CONNECTIONS, "-d%ds" % seconds,
               "--timeout", "5s", "--latency"]
        url = "http://127.0.0.1:%d%s" % (build.port, path)
        extra = self.wrk_args(key, kind, build)
        if extra:
            cmd += extra[:2] + [url] + extra[3:]
        else:
            cmd.append(url)
        httpd_pid, db_pid = build.server.pid, self.db._server_pid()
        s0 = db_status(self.db.socket)
        h0 = httpd_ticks(httpd_pid)
        c0 = httpd_switches(httpd_pid)
        d0 = proc_ticks(db_pid)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            out, _ = proc.communicate(timeout=seconds + 30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        h1 = httpd_ticks(httpd_pid)
        c1 = httpd_switches(httpd_pid)
        d1 = proc_ticks(db_pid)
        s1 = db_status(self.db.socket)
        self.n += 1
        with open(os.path.join(self.outdir, "%03d-%s-%s.txt" % (self.n, build.name, key)),
                  "w") as f:
            f.write(" ".join(cmd) + "\n" + out)
        if proc.returncode != 0:
            raise RuntimeError("wrk failed (%d):\n%s" % (proc.returncode, out))
        r = parse_wrk(out)
        r["rps"] = r["ok"] / r["seconds"] if r["seconds"] else 0.0
        req = max(r["requests"], 1)
        r["cpu"] = (h1 - h0) * 1000.0 / TICK / req * 1000.0      # ms per 1,000 requests
        r["db_cpu"] = (d1 - d0) * 1000.0 / TICK / req * 1000.0
        r["switches"] = (c1 - c0) / req
        # per request; the two SHOW STATUS of the snapshots count as 2 queries
        r["db"] = {k: (s1.get(k, 0) - s0.get(k, 0) - (2 if k == "Queries" else 0)) / req
                   for k in DB_VARS}
        return r


# ------------------------------------------------------------------ setup

def make_page():
    """One realistic ~12 KB page: the demo's remote-work policy, padded with
    more of its own prose before the footer."""
    with open(SOURCE_PAGE, encoding="utf-8") as f:
        src = f.read()
    paras = re.findall(r"<p>.*?</p>", src, re.S)
    cut = src.rindex('<div class="footer">')
    extra, k = ['<h2>Appendix: frequently asked questions</h2>\n'], 0
    while len((src[:cut] + "".join(extra) + src[cut:]).encode()) < 12 * 1024 - 200:
        extra.append(paras[k % len(paras)] + "\n")
        k += 1
    return (src[:cut] + "".join(extra) + src[cut:]).encode("utf-8")


def other_build(spec):
    """(mod_social.so, templates folder or None) of --compare."""
    spec = os.path.abspath(spec)
    if os.path.isfile(spec):
        return spec, None
    for rel in ("mod_social/.libs/mod_social.so", ".libs/mod_social.so", "mod_social.so"):
        so = os.path.join(spec, rel)
        if os.path.isfile(so):
            templates = os.path.join(spec, "templates")
            return so, templates if os.path.isdir(templates) else None
    raise RuntimeError("--compare %s: no mod_social.so there" % spec)


def seed(client, page, n):
    """n comments through the API: mostly top level, every third a reply."""
    top_ids = []
    for k in range(n):
        doc = {"page": page, "body": COMMENT_TEXTS[k % len(COMMENT_TEXTS)]}
        if k % 3 == 2 and top_ids:
            doc["parent"] = top_ids[-1]
        status, _, body = client.request("POST", API + "/comments", doc)
        if status != 201:
            raise RuntimeError("seeding %s: POST comments answered %d: %s" % (page, status, body[:300]))
        if "parent" not in doc:
            top_ids.append(json.loads(body)["id"])


def check_setup(client, page_bytes):
    """Each case serves what it should; returns the response size per case."""
    sizes = {}
    status, _, body = client.request("GET", API + "/health")
    health = json.loads(body) if status == 200 else {}
    # An earlier build (--compare) on the newer schema says "degraded"
    # only because the schema is ahead of what it knows: it runs on it.
    newer = (health.get("database") == "ok"
             and isinstance(health.get("schema"), int)
             and isinstance(health.get("expected_schema"), int)
             and health["schema"] > health["expected_schema"])
    if health.get("status") != "ok" and not newer:
        raise RuntimeError("health answered %d: %s" % (status, body[:300]))

    def get(path, headers=None):
        status, _, body = client.request("GET", path, headers=headers)
        if status != 200:
            raise RuntimeError("GET %s answered %d" % (path, status))
        return body

    body = get("/plain/page.html")
    if body != page_bytes:
        raise RuntimeError("/plain/ does not serve the file as it is")
    sizes["plain"] = len(body)
    body = get("/deferred/page.html")
    if b"<!-- mod_social -->" not in body or b"social-comment " in body:
        raise RuntimeError("/deferred/ does not carry the deferred block only")
    sizes["deferred"] = len(body)
    body = get("/inline0/page.html")
    if b"social-empty" not in body:
        raise RuntimeError("/inline0/ does not render an empty discussion")
    sizes["inline0"] = len(body)
    body = get("/inline20/page.html")
    n = len(re.findall(rb'<li id="comment-', body))
    if n != 20:
        raise RuntimeError("/inline20/ renders %d comments, not 20" % n)
    sizes["inline20"] = len(body)
    for key, user in (("inline20r", USERS[1]), ("inline20a", USERS[0])):
        status, _, body = client.request("GET", "/inline20/page.html",
                                         headers={"Authorization": basic(user)})
        if status != 200 or len(re.findall(rb'<li id="comment-', body)) != 20 \
                or not re.search(rb"Add a comment as (<bdi>)?" + user.encode(), body):
            raise RuntimeError("/inline20/ as %s: %d, not the discussion for them" % (user, status))
        sizes[key] = len(body)
        if key == "inline20r":
            client.server.write_file("/plainrv/page.html", body)
    status, _, body = client.request("GET", "/plainrv/page.html",
                                     headers={"Authorization": basic(USERS[1])})
    if status != 200 or body != client.server.file_bytes("/plainrv/page.html"):
        raise RuntimeError("/plainrv/ does not serve the reader's view as a file (%d)" % status)
    sizes["plainrv"] = len(body)
    status, _, body = client.request("GET", "/plainr/page.html",
                                     headers={"Authorization": basic(USERS[1])})
    if status != 200 or body != page_bytes:
        raise RuntimeError("/plainr/ does not serve the file as it is to a reader (%d)" % status)
    sizes["plainr"] = len(body)
    body = get(API + "/comments?page=/api50/page.html")
    n = json.loads(body)["count"]
    if n != 50:
        raise RuntimeError("/api50/ has %d comments, not 50" % n)
    sizes["get50"] = len(body)
    status, _, body = client.request("POST", API + "/comments",
                                     {"page": "/post/page.html", "body": COMMENT_TEXTS[0]})
    if status != 201:
        raise RuntimeError("POST comments answered %d: %s" % (status, body[:300]))
    sizes["post"] = len(body)
    status, _, body = client.request("PUT", API + "/like?page=/like/page.html",
                                     headers={"Authorization": basic(USERS[0])})
    if status != 200:
        raise RuntimeError("PUT like answered %d: %s" % (status, body[:300]))
    sizes["like"] = len(body)
    status, _, _ = client.request("PUT", API + "/like?page=/like/page.html")
    if status != 401:
        raise RuntimeError("anonymous PUT like answered %d, not 401" % status)
    status, _, _ = client.request("GET", "/like/page.html")
    if status != 401:
        raise RuntimeError("/like/ is not behind Basic auth (answered %d)" % status)
    if "updates" in [c[0] for c in CASES]:
        status, headers, body = client.request("GET", API + "/updates?page=/inline20/page.html")
        if status != 200:
            raise RuntimeError("GET updates answered %d (%s has no update check? leave the "
                               "case out: --cases without updates): %s"
                               % (status, client.name, body[:300]))
        client.etags["updates"] = '"%s"' % json.loads(body)["version"]
        status, _, _ = client.request("GET", API + "/updates?page=/inline20/page.html",
                                      headers={"If-None-Match": client.etags["updates"]})
        if status != 304:
            raise RuntimeError("GET updates with its version answered %d, not 304" % status)
        sizes["updates"] = 0
    if "get50e" in [c[0] for c in CASES]:
        path = API + "/comments?page=/api50/page.html"
        status, headers, body = client.request("GET", path)
        etag = dict((k.lower(), v) for k, v in headers).get("etag")
        if status != 200:
            raise RuntimeError("GET comments answered %d" % status)
        if etag is None:
            # a build that keeps no listings (an earlier one, with --compare):
            # every repeat ask gets the whole listing, which is not a 304
            client.etags["get50e"] = '"none"'
            sizes["get50e"] = len(body)
        else:
            client.etags["get50e"] = etag
            status, _, _ = client.request("GET", path, headers={"If-None-Match": etag})
            if status != 304:
                raise RuntimeError("GET comments with its ETag answered %d, not 304" % status)
            sizes["get50e"] = 0
    return sizes


# ------------------------------------------------------------------ report

def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    httpd = sh(["apache2", "-v"]).splitlines()
    httpd = httpd[0].split(":", 1)[1].strip() if httpd else "?"
    return [
        ("CPUs (nproc)", str(os.cpu_count())),
        ("CPU model", model),
        ("RAM", mem),
        ("kernel", platform.release()),
        ("httpd", httpd),
        ("MariaDB", sh(["mariadbd", "--version"])),
        ("wrk", sh(["wrk", "-v"]).splitlines()[0] if sh(["wrk", "-v"]) else "?"),
    ]


def med(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def error_log_summary(path):
    lines = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if re.search(r"\[[a-z_]*:(warn|error|crit|alert|emerg)\]", line) \
                        or "runtime error" in line or "Sanitizer" in line:
                    lines.append(line.rstrip("\n"))
    except OSError:
        pass
    counts = {}
    for line in lines:
        # drop the time stamp, pid and client for grouping
        key = re.sub(r"^\[[^]]*\] ", "", line)
        key = re.sub(r"\[pid \d+(:tid \d+)?\] ", "", key)
        key = re.sub(r"\[client [^]]*\] ", "", key)
        counts[key] = counts.get(key, 0) + 1
    return len(lines), counts


def mariadb_log_summary(path):
    n, sample = 0, []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if "[ERROR]" in line:
                    n += 1
                    if len(sample) < 5:
                        sample.append(line.rstrip("\n"))
    except OSError:
        pass
    return n, sample


def measure(args, runner, builds):
    """Warm-up, then the rounds; results[build][case key] and ratios alike,
    plain[build] the plain runs."""
    log("warming up")
    for b in builds:
        for case in [PLAIN] + CASES:
            runner.run(case, b, args.warmup)
    plain = {b.name: [] for b in builds}
    results = {b.name: {c[0]: [] for c in CASES} for b in builds}
    ratios = {b.name: {c[0]: [] for c in CASES} for b in builds}
    for rnd in range(args.rounds):
        for case in CASES:
            order_b = builds if rnd % 2 == 0 else builds[::-1]
            for i, b in enumerate(order_b):
                # plain, X in even rounds; X, plain in odd ones
                pair = [PLAIN, case] if (rnd + i) % 2 == 0 else [case, PLAIN]
                got = {c[0]: runner.run(c, b, args.duration) for c in pair}
                p, x = got["plain"], got[case[0]]
                plain[b.name].append(p)
                results[b.name][case[0]].append(x)
                ratios[b.name][case[0]].append(x["rps"] / p["rps"] if p["rps"] else float("nan"))
                log("round %d/%d %-18s %-5s plain %8.0f/s  %8.0f/s  ratio %.2f"
                    % (rnd + 1, args.rounds, case[1], b.name, p["rps"], x["rps"],
                       ratios[b.name][case[0]][-1]))
    return plain, results, ratios


def report(args, builds, page_bytes, sizes, plain, results, ratios, extra):
    names = [b.name for b in builds]
    out = ["## mod_social bench", ""]
    out.append("wrk %d threads, %d connections, %d s per run, %d rounds, each case interleaved "
               "with plain static serving (plain/X, X/plain, ...); the same ~%.1f KB page "
               "everywhere; anonymous visitors except PUT like (Basic, {SHA} htpasswd, 8 users)."
               % (THREADS, CONNECTIONS, args.duration, args.rounds, len(page_bytes) / 1024))
    if len(builds) > 1:
        out.append("")
        out.append("Two builds in the same run, on the same database and pages, measured in "
                   "turn in every round: this = %s, other = %s. Each ratio is against the "
                   "plain runs of the same httpd." % (builds[0].module, builds[1].module))
    out.append("")

    def cols(fmt, key, rs_by_name):
        return " | ".join(fmt % med([r[key] for r in rs_by_name[n]]) for n in names)

    if len(builds) == 1:
        out.append("| case | req/s | ratio vs plain | p50 | p99 | CPU ms per 1k |")
        out.append("|---|---:|---:|---:|---:|---:|")
    else:
        out.append("| case | req/s this | req/s other | ratio vs plain this | ratio vs plain other "
                   "| p50 this | p50 other | p99 this | p99 other | CPU ms per 1k this "
                   "| CPU ms per 1k other |")
        out.append("|---|" + "---:|" * 10)

    def row(label, rs_by_name, ratio_by_name):
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            label, cols("%.0f", "rps", rs_by_name),
            " | ".join(ratio_by_name[n] for n in names),
            cols("%.2f ms", "p50", rs_by_name), cols("%.2f ms", "p99", rs_by_name),
            cols("%.1f", "cpu", rs_by_name)))

    row("plain", plain, {n: "1.00" for n in names})
    for key, label, kind, path in CASES:
        row(label, {n: results[n][key] for n in names},
            {n: "%.2f" % med(ratios[n][key]) for n in names})
    out.append("")
    out.append("req/s counts only successful answers (201 for POST comments, 200 for PUT like, "
               "2xx/3xx otherwise) and is the median over rounds (plain: over all %d of its runs); "
               "the ratio is the median of the per-round ratios; p50, p99 and CPU are medians of "
               "the per-run values. CPU is utime+stime of all httpd processes per 1,000 requests "
               "completed." % len(plain[names[0]]))
    out.append("")
    out.append("Targets:")
    for key, label, target in (("deferred", "Deferred", 0.95), ("inline20", "Inline with 20 comments", 0.6)):
        if key not in ratios[names[0]]:
            continue   # not measured (--cases)
        for n in names:
            r = ratios[n][key]
            out.append("- %s >= %.2fx plain%s: %.2fx (rounds %s): %s" % (
                label, target, "" if len(names) == 1 else " (%s)" % n, med(r),
                " ".join("%.2f" % v for v in r), "met" if med(r) >= target else "NOT met"))
    if len(names) > 1:
        out.append("")
        out.append("other against this (median ratio vs plain, other / this):")
        for key, label, kind, path in CASES:
            a, b = med(ratios[names[0]][key]), med(ratios[names[1]][key])
            out.append("- %s: %.2f" % (label, b / a if a else float("nan")))
    out.append("")
    out.append("Details:")
    out.append("")
    out.append("| case | build | response bytes | requests | failed (status) | socket errors "
               "| httpd context switches per request "
               "| MariaDB CPU ms per 1k | DB queries / prepares / connections per request "
               "| ratios per round |")
    out.append("|---|---|---:|---:|---|---:|---:|---:|---|---|")

    def detail(key, label, name, rs, rat):
        failed = sum(r["other"] for r in rs)
        st = {}
        for r in rs:
            for part in filter(None, r["statuses"].split(",")):
                s, n = part.split(":")
                st[s] = st.get(s, 0) + int(n)
        failed_text = str(failed)
        if st:
            failed_text += " (" + ", ".join("%s: %d" % kv for kv in sorted(st.items())) + ")"
        db = " / ".join("%.2f" % med([r["db"][v] for r in rs])
                        for v in ("Queries", "Com_stmt_prepare", "Connections"))
        out.append("| %s | %s | %d | %d | %s | %d | %.2f | %.1f | %s | %s |" % (
            label, name, sizes[name].get(key, 0), sum(r["requests"] for r in rs), failed_text,
            sum(r["socket_errors"] for r in rs), med([r["switches"] for r in rs]),
            med([r["db_cpu"] for r in rs]), db,
            " ".join("%.2f" % v for v in rat) if rat else "-"))

    for n in names:
        detail("plain", "plain", n, plain[n], [])
    for key, label, kind, path in CASES:
        for n in names:
            detail(key, label, n, results[n][key], ratios[n][key])
    out.append("")
    out.append("POST comments all go to one page: it held %d comments when measuring began "
               "and %d at the end." % (extra["post_before"], extra["post_after"]))
    out.append("")
    (rss0, _, _, _), (rss1, prepared, threads, most) = extra["db_before"], extra["db_after"]
    out.append("MariaDB under this load (all builds on one server): resident memory %.0f MB "
               "when measuring began, %.0f MB at the end (%+.0f MB); %d prepared statements "
               "and %d connections open at the end, %d connections at most."
               % (rss0, rss1, rss1 - rss0, prepared, threads, most))
    out.append("")
    out.append("Machine:")
    out.append("")
    for k, v in machine():
        out.append("- %s: %s" % (k, v))
    out.append("- load average (1 min) before/after: %.2f / %.2f; measuring took %.0f s"
               % (extra["load_before"][0], extra["load_after"][0], extra["elapsed"]))
    out.append("")
    for b in builds:
        n, counts = error_log_summary(b.server.error_log_path)
        if n:
            out.append("httpd error log (%s): %d lines at warn or worse:" % (b.name, n))
            for line, c in sorted(counts.items(), key=lambda kv: -kv[1])[:10]:
                out.append("    %6d x %s" % (c, line[:300]))
        else:
            out.append("httpd error log (%s): no lines at warn or worse." % b.name)
    return out


def main():
    ap = argparse.ArgumentParser(description="mod_social against plain static serving",
                                 epilog="See the top of the script for details.")
    ap.add_argument("--quick", action="store_true", help="3 rounds of 1 s per run")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=4)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--compare", metavar="DIR_OR_SO")
    ap.add_argument("--cases", metavar="KEY,...",
                    help="only these cases: " + ",".join(c[0] for c in CASES))
    args = ap.parse_args()
    if args.cases:
        wanted = args.cases.split(",")
        unknown = [k for k in wanted if k not in [c[0] for c in CASES]]
        if unknown:
            ap.error("unknown case %s (known: %s)" % (",".join(unknown),
                                                     ",".join(c[0] for c in CASES)))
        CASES[:] = [c for c in CASES if c[0] in wanted]
    args.warmup = 2
    if args.quick:
        args.rounds, args.duration, args.warmup = 3, 1, 1
    if args.rounds < 3:
        ap.error("at least 3 rounds")
    if args.duration < 1:
        ap.error("--duration is at least 1")
    if not harness.MODULE.exists():
        sys.exit("bench: the module is not built (%s)" % harness.MODULE)
    if shutil.which("wrk") is None:
        sys.exit("bench: no wrk (scripts/deps installs it)")
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    outdir = tempfile.mkdtemp(prefix="social-bench-")
    made = []
    try:
        specs = [("this", str(harness.MODULE), None)]
        if args.compare:
            so, templates = other_build(args.compare)
            specs.append(("other", so, templates))
        page_bytes = make_page()
        log("starting MariaDB")
        db = harness.MariaDB(use_env=False)
        made.append(db)
        db.setup()
        users_dir, users_file = harness.make_htpasswd(USERS)
        builds = []
        for name, so, templates in specs:
            b = Build(name, so, templates, db, users_file, page_bytes)
            made.append(b.server)
            b.server.start()
            log("%s: httpd with %s on 127.0.0.1:%d" % (name, so, b.port))
            builds.append(b)

        client = builds[0]
        log("seeding 20 comments on /inline20/ and 50 on /api50/")
        seed(client, "/inline20/page.html", 20)
        seed(client, "/api50/page.html", 50)
        # the author case's user has a part of their own in /inline20/
        status, _, body = client.request("PUT", API + "/like?page=/inline20/page.html",
                                         headers={"Authorization": basic(USERS[0])})
        if status != 200:
            raise RuntimeError("liking /inline20/ answered %d: %s" % (status, body[:300]))
        sizes = {b.name: check_setup(b, page_bytes) for b in builds}
        if args.keep:
            for b in builds:
                with open(os.path.join(outdir, "reader-view-%s.html" % b.name), "wb") as f:
                    f.write(b.server.file_bytes("/plainrv/page.html"))

        runner = Runner(args, db, outdir)
        runs = len(CASES) * args.rounds * 2 * len(builds)
        est = runs * args.duration + (len(CASES) + 1) * args.warmup * len(builds)
        log("%d wrk runs of %d s (%d rounds), about %d s" % (runs, args.duration, args.rounds, est))
        extra = {"load_before": os.getloadavg()}
        started = time.time()
        extra["post_before"] = page_comments(db.socket, "/post/page.html")
        extra["db_before"] = db_memory(db)
        plain, results, ratios = measure(args, runner, builds)
        extra["elapsed"] = time.time() - started
        extra["post_after"] = page_comments(db.socket, "/post/page.html")
        extra["db_after"] = db_memory(db)
        extra["load_after"] = os.getloadavg()
        out = report(args, builds, page_bytes, sizes, plain, results, ratios, extra)
        n, sample = mariadb_log_summary(db.log_file)
        if n:
            out.append("MariaDB log: %d [ERROR] lines, e.g.:" % n)
            out.extend("    " + s[:300] for s in sample)
        print("\n".join(out), flush=True)
        shutil.rmtree(users_dir, ignore_errors=True)
        if args.keep:
            log("raw wrk output in " + outdir)
        return 0
    except Stop as e:
        log("stopped (%s)" % e)
        return 130
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as e:
        log("failed: %s" % e)
        return 1
    finally:
        for thing in reversed(made):
            if isinstance(thing, harness.Httpd):
                thing.cleanup()
            else:
                thing.close()
        if not args.keep:
            shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
