"""Helper of scripts/bench: seeds the discussions, runs wrk and reports.

scripts/bench starts MariaDB and httpd and calls this with their pids and
ports; this file only talks HTTP to 127.0.0.1 and reads /proc.
"""

import argparse
import base64
import http.client
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time

API = "/_social/api/v1"
USERS = ["bench%d" % i for i in range(1, 9)]      # password = user name
THREADS, CONNECTIONS = 2, 16

# (key, label, kind, path); kind: get | post | like
CASES = [
    ("deferred", "deferred", "get", "/deferred/page.html"),
    ("inline0", "inline0", "get", "/inline0/page.html"),
    ("inline20", "inline20", "get", "/inline20/page.html"),
    # logged in: readers who wrote nothing there get the cached discussion
    # (one query); its author gets it rendered (two queries and a render)
    ("inline20r", "inline20, reader", "readers", "/inline20/page.html"),
    ("inline20a", "inline20, author", "author", "/inline20/page.html"),
    ("get50", "GET comments (50)", "get", API + "/comments?page=/api50/page.html"),
    ("post", "POST comments", "post", API + "/comments"),
    ("like", "PUT like", "like", API + "/like?page=/like/page.html"),
]
PLAIN = ("plain", "plain", "get", "/plain/page.html")

COMMENT_TEXTS = [
    "Thanks for the update. Does the anchor day apply to part-time staff as well?",
    "We tried two anchor days in the structural team last quarter and it worked well: "
    "design reviews got shorter and nobody missed the site visits.",
    "Small point: form HR-F-031 still lists the old core hours (9:00 to 15:00).",
    "Is there a budget for a second monitor at home? The policy only mentions the laptop.",
    "+1 to the delayed-send advice. Late messages were a real problem in our group.",
    "How does this work for people who split their week between Kassel and a project site? "
    "Section 4 reads as if the anchor day is always at the home office.\n\n"
    "Some of us are on site three days a week.",
    "The VPN section links to IT-POL-002, which has moved: https://intranet.example/it/policies.html",
    "Good to see the works council review written down.",
    "Could HR publish the number of requests declined per year? It would help team leads "
    "calibrate their decisions.",
    "Reminder that the ergonomics checklist is mandatory before the first remote day.",
]


class Stop(Exception):
    pass


def on_term(signum, frame):
    raise Stop("signal %d" % signum)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def basic(user):
    return "Basic " + base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


class Client:
    def __init__(self, port):
        self.port = port
        self.origin = "http://127.0.0.1:%d" % port

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if body is not None and not isinstance(body, bytes):
                body = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            if method not in ("GET", "HEAD"):
                hdrs.setdefault("Origin", self.origin)
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()


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


def httpd_ticks(parent):
    """utime+stime of httpd's parent, of its children alive now, and of the
    children it has reaped (cutime+cstime), so a child that exits during a
    run still counts."""
    f = stat_fields(parent)
    if f is None:
        raise RuntimeError("httpd (pid %d) is gone" % parent)
    # fields after comm: state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
    total = int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        cf = stat_fields(int(name))
        if cf is not None and int(cf[1]) == parent:
            total += int(cf[11]) + int(cf[12])
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

LUA_COMMON = r"""
threads = {}
function setup(thread)
    table.insert(threads, thread)
    thread:set("id", #threads)
end
function init(args)
    counter = 0
    ok = 0
    other = 0
    statuses = {}
end
function response(status, headers, body)
    if status == OK_STATUS then
        ok = ok + 1
    else
        other = other + 1
        statuses[status] = (statuses[status] or 0) + 1
    end
end
function done(summary, latency, requests)
    local o, x, st = 0, 0, {}
    for _, t in ipairs(threads) do
        o = o + t:get("ok")
        x = x + t:get("other")
        for s, n in pairs(t:get("statuses")) do
            st[s] = (st[s] or 0) + n
        end
    end
    local parts = {}
    for s, n in pairs(st) do
        table.insert(parts, s .. ":" .. n)
    end
    io.write(string.format("BENCH ok=%d other=%d statuses=%s\n", o, x, table.concat(parts, ",")))
end
"""


def lua_post(origin):
    texts = ", ".join(json.dumps(json.dumps(t)[1:-1]) for t in COMMENT_TEXTS)
    return ("OK_STATUS = 201\n" + LUA_COMMON + r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "%s"
texts = { %s }
function request()
    counter = counter + 1
    local body = '{"page":"/post/page.html","body":"' .. texts[(counter %% #texts) + 1]
        .. ' (bench ' .. id .. '-' .. counter .. ')"}'
    return wrk.format(nil, nil, nil, body)
end
""" % (origin, texts))


def lua_like(origin):
    auths = ", ".join('"%s"' % basic(u) for u in USERS)
    return ("OK_STATUS = 200\n" + LUA_COMMON + r"""
wrk.method = "PUT"
wrk.headers["Origin"] = "%s"
auths = { %s }
function request()
    counter = counter + 1
    wrk.headers["Authorization"] = auths[((counter + id * 3) %% #auths) + 1]
    return wrk.format()
end
""" % (origin, auths))


def lua_get_as(users):
    auths = ", ".join('"%s"' % basic(u) for u in users)
    return ("OK_STATUS = 200\n" + LUA_COMMON + r"""
auths = { %s }
function request()
    counter = counter + 1
    wrk.headers["Authorization"] = auths[((counter + id * 3) %% #auths) + 1]
    return wrk.format()
end
""" % auths)


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


class Runner:
    def __init__(self, args, client):
        self.args = args
        self.client = client
        self.scripts = {}
        for kind, text in (("post", lua_post(client.origin)), ("like", lua_like(client.origin)),
                           ("readers", lua_get_as(USERS[1:])), ("author", lua_get_as(USERS[:1]))):
            path = os.path.join(args.work, "wrk", kind + ".lua")
            with open(path, "w") as f:
                f.write(text)
            self.scripts[kind] = path
        self.n = 0

    def run(self, case, seconds):
        key, label, kind, path = case
        cmd = ["wrk", "-t%d" % THREADS, "-c%d" % CONNECTIONS, "-d%ds" % seconds,
               "--timeout", "5s", "--latency"]
        if kind in self.scripts:
            cmd += ["-s", self.scripts[kind]]
        cmd.append("http://127.0.0.1:%d%s" % (self.client.port, path))
        s0 = db_status(self.args.db_socket)
        h0 = httpd_ticks(self.args.httpd_pid)
        d0 = proc_ticks(self.args.db_pid)
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            out, _ = proc.communicate(timeout=seconds + 30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        h1 = httpd_ticks(self.args.httpd_pid)
        d1 = proc_ticks(self.args.db_pid)
        s1 = db_status(self.args.db_socket)
        self.n += 1
        with open(os.path.join(self.args.work, "wrk", "%03d-%s.txt" % (self.n, key)), "w") as f:
            f.write(" ".join(cmd) + "\n" + out)
        if proc.returncode != 0:
            raise RuntimeError("wrk failed (%d):\n%s" % (proc.returncode, out))
        r = parse_wrk(out)
        r["rps"] = r["ok"] / r["seconds"] if r["seconds"] else 0.0
        req = max(r["requests"], 1)
        r["cpu"] = (h1 - h0) * 1000.0 / TICK / req * 1000.0      # ms per 1,000 requests
        r["db_cpu"] = (d1 - d0) * 1000.0 / TICK / req * 1000.0
        # per request; the two SHOW STATUS of the snapshots count as 2 queries
        r["db"] = {k: (s1.get(k, 0) - s0.get(k, 0) - (2 if k == "Queries" else 0)) / req
                   for k in DB_VARS}
        return r


# ------------------------------------------------------------------ setup

def wait_ready(client):
    deadline = time.time() + 15
    while True:
        try:
            status, _, _ = client.request("GET", "/plain/page.html", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            raise RuntimeError("httpd did not answer within 15 s")
        time.sleep(0.1)


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
    if health.get("status") != "ok":
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
                or b"Add a comment as " + user.encode() not in body:
            raise RuntimeError("/inline20/ as %s: %d, not the discussion for them" % (user, status))
        sizes[key] = len(body)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--httpd-pid", type=int, required=True)
    ap.add_argument("--db-pid", type=int, required=True)
    ap.add_argument("--db-socket", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--error-log", required=True)
    ap.add_argument("--mariadb-log", required=True)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    client = Client(args.port)
    wait_ready(client)
    with open(os.path.join(args.work, "page.html"), "rb") as f:
        page_bytes = f.read()
    log("seeding 20 comments on /inline20/ and 50 on /api50/")
    seed(client, "/inline20/page.html", 20)
    seed(client, "/api50/page.html", 50)
    # the author case's user has a part of their own in /inline20/
    status, _, body = client.request("PUT", API + "/like?page=/inline20/page.html",
                                     headers={"Authorization": basic(USERS[0])})
    if status != 200:
        raise RuntimeError("liking /inline20/ answered %d: %s" % (status, body[:300]))
    sizes = check_setup(client, page_bytes)

    runner = Runner(args, client)
    runs = len(CASES) * args.rounds * 2
    est = runs * args.duration + (len(CASES) + 1) * args.warmup
    log("%d wrk runs of %d s (%d rounds), about %d s" % (runs, args.duration, args.rounds, est))
    load_before = os.getloadavg()
    started = time.time()

    log("warming up")
    for case in [PLAIN] + CASES:
        runner.run(case, args.warmup)

    post_before = page_comments(args.db_socket, "/post/page.html")
    plain_runs = []
    results = {c[0]: [] for c in CASES}
    ratios = {c[0]: [] for c in CASES}
    for rnd in range(args.rounds):
        for case in CASES:
            # plain, X in even rounds; X, plain in odd ones
            order = [PLAIN, case] if rnd % 2 == 0 else [case, PLAIN]
            got = {}
            for c in order:
                got[c[0]] = runner.run(c, args.duration)
            p, x = got["plain"], got[case[0]]
            plain_runs.append(p)
            results[case[0]].append(x)
            ratios[case[0]].append(x["rps"] / p["rps"] if p["rps"] else float("nan"))
            log("round %d/%d %-18s plain %8.0f/s  %8.0f/s  ratio %.2f"
                % (rnd + 1, args.rounds, case[1], p["rps"], x["rps"], ratios[case[0]][-1]))
    elapsed = time.time() - started
    post_after = page_comments(args.db_socket, "/post/page.html")
    load_after = os.getloadavg()

    # ---- report
    out = []
    out.append("## mod_social bench")
    out.append("")
    out.append("wrk %d threads, %d connections, %d s per run, %d rounds, each case interleaved "
               "with plain static serving (plain/X, X/plain, ...); the same ~%.1f KB page "
               "everywhere; anonymous visitors except PUT like (Basic, {SHA} htpasswd, 8 users)."
               % (THREADS, CONNECTIONS, args.duration, args.rounds, len(page_bytes) / 1024))
    out.append("")
    out.append("| case | req/s | ratio vs plain | p50 | p99 | CPU ms per 1k |")
    out.append("|---|---:|---:|---:|---:|---:|")

    def row(label, rs, ratio):
        out.append("| %s | %.0f | %s | %.2f ms | %.2f ms | %.1f |" % (
            label, med([r["rps"] for r in rs]), ratio,
            med([r["p50"] for r in rs]), med([r["p99"] for r in rs]),
            med([r["cpu"] for r in rs])))

    row("plain", plain_runs, "1.00")
    for key, label, kind, path in CASES:
        row(label, results[key], "%.2f" % med(ratios[key]))
    out.append("")
    out.append("req/s counts only successful answers (201 for POST comments, 200 for PUT like, "
               "2xx/3xx otherwise) and is the median over rounds (plain: over all %d of its runs); "
               "the ratio is the median of the per-round ratios; p50, p99 and CPU are medians of "
               "the per-run values. CPU is utime+stime of all httpd processes per 1,000 requests "
               "completed." % len(plain_runs))
    out.append("")
    out.append("Targets:")
    for key, label, target in (("deferred", "Deferred", 0.95), ("inline20", "Inline with 20 comments", 0.6)):
        r = ratios[key]
        out.append("- %s >= %.2fx plain: %.2fx (rounds %s): %s" % (
            label, target, med(r), " ".join("%.2f" % v for v in r),
            "met" if med(r) >= target else "NOT met"))
    out.append("")
    out.append("Details:")
    out.append("")
    out.append("| case | response bytes | requests | failed (status) | socket errors "
               "| MariaDB CPU ms per 1k | DB queries / prepares / connections per request "
               "| ratios per round |")
    out.append("|---|---:|---:|---|---:|---:|---|---|")

    def detail(key, label, rs, rat):
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
        out.append("| %s | %d | %d | %s | %d | %.1f | %s | %s |" % (
            label, sizes.get(key, 0), sum(r["requests"] for r in rs), failed_text,
            sum(r["socket_errors"] for r in rs), med([r["db_cpu"] for r in rs]), db,
            " ".join("%.2f" % v for v in rat) if rat else "-"))

    detail("plain", "plain", plain_runs, [])
    for key, label, kind, path in CASES:
        detail(key, label, results[key], ratios[key])
    out.append("")
    out.append("POST comments all go to one page: it held %d comments when measuring began "
               "and %d at the end." % (post_before, post_after))
    out.append("")
    out.append("Machine:")
    out.append("")
    for k, v in machine():
        out.append("- %s: %s" % (k, v))
    out.append("- load average (1 min) before/after: %.2f / %.2f; measuring took %.0f s"
               % (load_before[0], load_after[0], elapsed))
    out.append("")
    n, counts = error_log_summary(args.error_log)
    if n:
        out.append("httpd error log: %d lines at warn or worse:" % n)
        for line, c in sorted(counts.items(), key=lambda kv: -kv[1])[:10]:
            out.append("    %6d x %s" % (c, line[:300]))
    else:
        out.append("httpd error log: no lines at warn or worse.")
    n, sample = mariadb_log_summary(args.mariadb_log)
    if n:
        out.append("MariaDB log: %d [ERROR] lines, e.g.:" % n)
        out.extend("    " + s[:300] for s in sample)
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Stop as e:
        log("stopped (%s)" % e)
        sys.exit(130)
    except (RuntimeError, OSError, ValueError) as e:
        log("failed: %s" % e)
        sys.exit(1)
