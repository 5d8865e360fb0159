"""scripts/demo as a user meets it: the README's promises, its failures and
a checkout in a folder httpd's user cannot read.

Each test runs the real script in the background (its data in a temporary
SOCIAL_DEMO_DIR, on free ports, without the package check) and stops it
with SIGTERM, as Ctrl-C would; every pid it started is checked gone.
Also: scripts/check's summary arithmetic and scripts/scale's refusal of a
module built with AddressSanitizer.
"""

import base64
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import harness

DEMO = harness.REPO / "scripts" / "demo"
CHECK = harness.REPO / "scripts" / "check"
SCALE = harness.REPO / "scripts" / "scale"
BANNER = "mod_social demo is running"
PAGE = "/news/2026-11-offsite.html"


def auth(user):
    token = base64.b64encode(("%s:%s" % (user, user)).encode()).decode()
    return {"Authorization": "Basic " + token}


class Demo:
    """scripts/demo (of checkout top) in the background, its output in a file."""

    def __init__(self, top=harness.REPO, state=None, env=None):
        self.top = Path(top)
        self.tmp = Path(harness.make_temp_dir("social-demo-"))
        self.state = Path(state) if state else self.tmp / "state"
        self.port = harness.free_port()
        self.db_port = harness.free_port()
        self.out_path = self.tmp / "demo.out"
        self.env = dict(os.environ, SOCIAL_DEMO_PORT=str(self.port),
                        SOCIAL_DEMO_DB_PORT=str(self.db_port),
                        SOCIAL_DEMO_SKIP_DEPS="1")
        self.env.pop("LD_PRELOAD", None)
        if state is not False:
            self.env["SOCIAL_DEMO_DIR"] = str(self.state)
        self.env.update(env or {})
        self.proc = None
        self.pids = []

    def start(self):
        self.out = open(self.out_path, "wb")
        self.proc = subprocess.Popen([str(self.top / "scripts" / "demo")],
                                     stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)
        return self

    def output(self):
        return self.out_path.read_text(errors="replace")

    def wait_banner(self, timeout=150):
        ok = harness.wait_until(lambda: "Ctrl-C stops" in self.output()
                                or self.proc.poll() is not None, timeout, 0.2)
        self.pids = self.started_pids()
        out = self.output()
        assert ok and self.proc.poll() is None and BANNER in out, \
            "no banner (exit %r):\n%s" % (self.proc.poll(), out)
        return out

    def started_pids(self):
        """httpd's parent and children, and mariadbd."""
        pids = []
        httpd = harness.read_pid_file(self.state / "run" / "httpd.pid")
        if httpd:
            pids += [httpd] + harness.child_pids(httpd)
        db = harness.read_pid_file(self.state / "run" / "mariadb.pid")
        if db:
            pids.append(db)
        return pids

    def get(self, path, user="alice"):
        return harness.http_request(self.port, "GET", path, headers=auth(user))

    def terminate(self, timeout=90):
        """SIGTERM, as Ctrl-C; the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def wait_exit(self, timeout=150):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.terminate()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for pid in self.pids + self.started_pids():
            if harness.pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if getattr(self, "out", None) is not None and not self.out.closed:
            self.out.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def demos():
    made = []

    def make(**kw):
        d = Demo(**kw)
        made.append(d)
        return d
    yield make
    for d in made:
        d.cleanup()


@pytest.fixture(scope="module")
def demo():
    d = Demo().start()
    try:
        d.wait_banner()
        yield d
    finally:
        d.cleanup()


def assert_discussion(resp):
    assert resp.status == 200, (resp.status, resp.body[:300])
    assert harness.main_blocks(resp.body), resp.body[-800:]


# ---------------------------------------------------------------- as the README says

def test_alice_sees_a_page_with_its_discussion(demo):
    assert_discussion(demo.get(PAGE))
    assert demo.get("/", user="bob").status == 200


@pytest.mark.parametrize("path, footer", [
    (PAGE, b'<footer class="site">'),
    ("/news/", b'<footer class="site">'),
    ("/hr/remote-work-policy.html", b'<div class="footer">'),
    ("/", b"<!-- ===== footer ===== -->"),
])
def test_the_discussion_stands_above_the_footer(demo, path, footer):
    """The demo's templates keep their footer inside <body>; SocialPlaceBefore
    (one selector per template) puts the discussion above it."""
    resp = demo.get(path)
    assert_discussion(resp)
    body = resp.body
    assert body.count(footer) == 1, body[-800:]
    assert body.index(b'<div id="social"') < body.index(footer), body[-1200:]
    assert harness.strip_blocks(body).count(footer) == 1


def test_the_training_folder_has_documents_to_discuss(demo):
    """Documents made at start (no binary in the repository): the folder's
    listing gives each its count and a Discuss link; a PDF's discussion
    shows the PDF; the HR policy links to it with a Discuss link."""
    listing = demo.get("/training/")
    assert listing.status == 200, listing.body[:300]
    for name in (b"safety-2026.pdf", b"slides-induction.pdf", b"briefing.ogg",
                 b"induction.webm"):
        assert b'<a href="%s">' % name in listing.body
    assert listing.body.count(b'class="social-entry-discuss"') >= 6
    video = demo.get("/training/induction.webm")
    assert video.status == 200 and video.body.startswith(b"\x1a\x45\xdf\xa3")
    assert b"<video" in demo.get("/_social/discuss?page=/training/induction.webm").body
    pdf = demo.get("/training/safety-2026.pdf")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-1.4")
    page = demo.get("/_social/discuss?page=/training/safety-2026.pdf")
    assert page.status == 200 and b'<object class="social-document-frame" data=' \
        b'"/training/safety-2026.pdf"' in page.body
    policy = demo.get("/hr/remote-work-policy.html").body
    assert b'2026</a><!-- mod_social --> <a class="social-doc-link"' in policy


def test_carol_moderates(demo):
    resp = demo.get("/_social/admin", user="carol")
    assert resp.status == 200, (resp.status, resp.body[:300])
    assert demo.get("/_social/admin", user="bob").status == 403
    assert demo.get("/_social/admin", user="alice").status == 403


def test_the_discussion_cache_is_on(demo):
    conf = (demo.state / "httpd.conf").read_text()
    assert re.search(r"^LoadModule socache_shmcb_module \S+mod_socache_shmcb\.so$", conf, re.M)
    assert re.search(r"^SocialCache shmcb$", conf, re.M)
    for _ in range(2):
        assert_discussion(demo.get(PAGE))
    log = (demo.state / "logs" / "error.log").read_text(errors="replace")
    # SOCIAL1201..1203: the cache is off (no provider, or it failed)
    assert not re.search(r"SOCIAL120[123]", log), log
    assert "AH00094" in log      # the log is the server's: it did start


def test_the_banner_lists_the_urls_to_try(demo):
    out = demo.output()
    base = "http://127.0.0.1:%d" % demo.port
    for path in (PAGE, "/_social/activity", "/_social/notifications", "/_social/admin"):
        assert base + path in out, out
    assert re.search(r"/_social/admin.*carol|carol.*/_social/admin", out), out
    assert str(demo.state / "logs" / "error.log") in out
    for path in ("/_social/activity", "/_social/notifications"):
        assert demo.get(path).status == 200, path


def test_sigterm_stops_everything_it_started(demo):
    pids = demo.started_pids()
    assert len(pids) >= 3, pids          # httpd, a child, mariadbd
    assert demo.terminate() == 0, demo.output()
    assert harness.wait_until(lambda: not any(harness.pid_alive(p) for p in pids), 20), \
        [p for p in pids if harness.pid_alive(p)]
    assert not harness.port_open(demo.port)
    assert not harness.port_open(demo.db_port)
    assert "demo: stopping" in demo.output()


# ---------------------------------------------------------------- failing loudly

FAILING_INSTALL_DB = """#!/bin/sh
# A mariadb-install-db that fails half way, leaving a data folder behind.
for a in "$@"; do
    case "$a" in --datadir=*) d=${a#--datadir=} ;; esac
done
mkdir -p "$d/mysql"
echo "Installing MariaDB/MySQL system tables in '$d' ..."
echo "ERROR: 1005  Can't create table (errno: 28 \\"No space left on device\\")" >&2
exit 1
"""


def test_a_failed_first_start_says_so_and_the_next_rebuilds(demos):
    fake = Path(harness.make_temp_dir("social-fakebin-"))
    try:
        tool = fake / "mariadb-install-db"
        tool.write_text(FAILING_INSTALL_DB)
        tool.chmod(0o755)
        first = demos(env={"PATH": "%s:%s" % (fake, os.environ["PATH"])}).start()
        rc = first.wait_exit(120)
        out = first.output()
        assert rc not in (None, 0), (rc, out)
        assert BANNER not in out
        assert "FAILED while creating a private MariaDB" in out, out
        log = first.state / "logs" / "mariadb-install.log"
        assert str(log) in out, out
        assert "No space left on device" in out       # the log's last lines
        assert (first.state / "mariadb" / "mysql").is_dir()   # half made
    finally:
        shutil.rmtree(fake, ignore_errors=True)

    second = demos(state=first.state).start()
    second.wait_banner()
    assert "half made" in second.output(), second.output()
    assert_discussion(second.get(PAGE))
    assert second.get("/_social/admin", user="carol").status == 200
    pids = second.started_pids()
    assert second.terminate() == 0, second.output()
    assert harness.wait_until(lambda: not any(harness.pid_alive(p) for p in pids), 20)


def test_a_server_that_does_not_start_fails_with_its_log(demos):
    # the database port is taken: MariaDB cannot listen
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        d = demos(env={"SOCIAL_DEMO_DB_PORT": str(s.getsockname()[1])}).start()
        rc = d.wait_exit(150)
    out = d.output()
    assert rc not in (None, 0), (rc, out)
    assert "FAILED while starting MariaDB" in out, out
    assert str(d.state / "logs" / "mariadb.log") in out, out


# ---------------------------------------------------------------- any checkout

def copy_checkout(dest):
    """The worktree's files (tracked and new) with the built module, as a
    clone that was built: quick, and nothing to rebuild."""
    def ls(*args):
        return subprocess.run(["git", "-C", str(harness.REPO), "ls-files", "-z"] + list(args),
                              check=True, stdout=subprocess.PIPE).stdout.split(b"\0")
    # new files too, but not what runs leave in dot folders (.run, .check)
    names = ls("--cached") + [n for n in ls("--others", "--exclude-standard")
                              if not n.startswith(b".")]
    names = [n for n in names if n and
             os.path.isfile(os.path.join(bytes(harness.REPO), n))]
    names.append(b"mod_social/.libs/mod_social.so")
    subprocess.run(["tar", "-C", str(harness.REPO), "--null", "-T", "-", "-cf",
                    str(dest) + ".tar"], input=b"\0".join(names), check=True)
    dest.mkdir()
    subprocess.run(["tar", "-C", str(dest), "-xf", str(dest) + ".tar"], check=True)
    os.unlink(str(dest) + ".tar")


def test_a_checkout_in_a_private_folder_serves_its_pages(demos):
    home = Path(tempfile.mkdtemp(prefix="social-home-"))     # mode 0700, as /root
    d = None
    try:
        assert (home.stat().st_mode & 0o777) == 0o700
        top = home / "mod_social"
        copy_checkout(top)
        d = demos(top=top, state=False)
        d.state = top / ".demo"           # the default: inside the checkout
        d.start()
        out = d.wait_banner()
        assert "copied:" in out and "www-data" in out, out
        m = re.search(r"copied:.* to (/\S+)", out)
        assert m, out
        public = Path(m.group(1))
        assert public.is_dir()
        assert_discussion(d.get(PAGE))
        assert d.get("/", user="bob").status == 200
        resp = d.get("/_social/assets/social.css")
        assert resp.status in (200, 404), resp.status   # served from the copy, not 403
        assert d.get("/_social/admin", user="carol").status == 200
        pids = d.started_pids()
        assert d.terminate() == 0, d.output()
        assert harness.wait_until(lambda: not any(harness.pid_alive(p) for p in pids), 20)
        assert not public.exists(), "the copy outlives the demo"
    finally:
        if d is not None:
            d.cleanup()       # while its pid files are still there
        shutil.rmtree(home, ignore_errors=True)


# ---------------------------------------------------------------- the other scripts

def junit_summary(tmp_path, xml):
    path = tmp_path / "r.xml"
    path.write_text(xml)
    res = subprocess.run([str(CHECK), "--junit-summary", str(path)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    assert res.returncode == 0, res.stdout
    passed, failed = (int(x) for x in res.stdout.split())
    return passed, failed


def test_check_summary_counts_errors_as_failures(tmp_path):
    ok = '<testcase classname="m" name="t%d" time="0"/>'
    err = ('<testcase classname="m" name="e%d" time="0">'
           '<error message="setup">x</error></testcase>')
    fail = ('<testcase classname="m" name="f%d" time="0">'
            '<failure message="f">x</failure></testcase>')
    skip = ('<testcase classname="m" name="s%d" time="0">'
            '<skipped message="s"/></testcase>')
    # a passed test whose teardown errs: one test, failed
    both = ('<testcase classname="m" name="b" time="0"/>'
            '<testcase classname="m" name="b" time="0"><error message="teardown">x'
            '</error></testcase>')
    cases = ([ok % i for i in range(3)] + [err % i for i in range(5)]
             + [fail % i for i in range(2)] + [skip % 0] + [both])
    # the totals as a broken run may write them: errors beyond tests
    xml = ('<testsuites><testsuite name="pytest" errors="9" failures="2" skipped="1" '
           'tests="4">%s</testsuite></testsuites>' % "".join(cases))
    assert junit_summary(tmp_path, xml) == (3, 9)
    # a collection error: no test case at all
    xml = ('<testsuites><testsuite name="pytest" errors="1" failures="0" skipped="0" '
           'tests="0"><testcase classname="" name="tests.integration.test_x">'
           '<error message="collection failure">x</error></testcase>'
           '</testsuite></testsuites>')
    assert junit_summary(tmp_path, xml) == (0, 1)
    assert junit_summary(tmp_path, "<testsuites/>") == (0, 0)


def test_scale_refuses_an_asan_module(tmp_path):
    fake = tmp_path / "mod_social.so"
    fake.write_bytes(b"\x7fELF\x02\x01\x01\0" + b"\0" * 64 + b"libasan.so.8\0")
    res = subprocess.run([str(SCALE)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         env=dict(os.environ, SOCIAL_MODULE=str(fake)), timeout=60)
    assert res.returncode != 0
    assert b"AddressSanitizer" in res.stdout, res.stdout
