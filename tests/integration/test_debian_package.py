"""The Debian package, built and installed as an admin does it (issue 19).

One build per session: the tree's sources (what git knows) are copied to a
temporary folder and built there with `dpkg-buildpackage -us -uc -b`, so
nothing lands in the tree. lintian checks the result.

The package is then installed for real on this machine (`dpkg -i`) and
purged at the end (`dpkg --purge`): a debootstrap chroot cannot be made
offline (the apt cache lacks the base system), and `dpkg --root` or
`dpkg -x` would skip what matters (dpkg's dependency check, the maintainer
scripts, conffiles). Debian's own apache2 service is never started or
reloaded (policy-rc.d says no to every service action while dpkg runs).
Instead Debian's /etc/apache2, with the package's files in it, is copied
into a temporary folder and run from there the Debian way: APACHE_CONFDIR
for a2enmod, a2enconf and apache2ctl, envvars for the run, log and lock
folders, and /var/www mapped to a temporary /var/www holding Debian's
stock default page. The database is a private MariaDB; the module reaches
it as README.Debian says, as www-data through the socket (unix_socket).

The steps are the README's: install, `social-db upgrade`, the example in
conf-available, `a2enmod social`, a reload (apache2ctl graceful), then a
page under the document root has the discussion and a comment posted
through the API shows on it.
"""

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

import harness
from social_test.client import Client

PACKAGE = "libapache2-mod-social"
REPO = harness.REPO
SOCIAL_DB = "/usr/bin/social-db"
SOCIAL_LDIF_PEOPLE = "/usr/bin/social-ldif-people"
SOCIAL_COMMENTS = "/usr/share/mod_social/social-comments"
TOOLS = (SOCIAL_DB, SOCIAL_LDIF_PEOPLE)
INSTALLED_MODULE = Path("/usr/lib/apache2/modules/mod_social.so")
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
EXAMPLE_CONF = "conf-available/%s.conf" % PACKAGE


def run(cmd, timeout=600, check=True, **kw):
    """Runs cmd; (exit code, stdout and stderr as one text)."""
    res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=timeout, **kw)
    out = res.stdout.decode("utf-8", "replace")
    if check and res.returncode != 0:
        raise AssertionError("%s exited with %d:\n%s"
                             % (" ".join(map(str, cmd)), res.returncode, out[-6000:]))
    return res.returncode, out


def configure_version():
    text = (REPO / "configure.ac").read_text()
    m = re.search(r"^AC_INIT\(\[mod_social\],\s*\[([^\]]+)\]", text, re.M)
    assert m, "configure.ac has no AC_INIT([mod_social], [VERSION], ...)"
    return m.group(1)


def git_status():
    res = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                          "--untracked-files=all"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return res.stdout.decode() if res.returncode == 0 else None


def source_files():
    """The tree's sources: what git tracks plus new files it does not
    ignore (build products, .check/ and the like stay out)."""
    listed = []
    for extra in ([], ["--others", "--exclude-standard"]):
        res = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z",
                              "--cached"] + extra,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if res.returncode != 0:
            return None
        listed += [p for p in res.stdout.decode().split("\0") if p]
    return sorted({p for p in listed if (REPO / p).is_file()})


def copy_sources(dest):
    files = source_files()
    if files is None:   # not a git checkout: the tree without build output
        shutil.copytree(REPO, dest, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".check", ".demo", ".build-*", "*.o", "*.lo", "*.la", ".libs",
            ".deps", "config.status", "config.log", "__pycache__", "autom4te.cache"))
        return
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)


def dpkg(args, timeout=600):
    """dpkg, waiting for its lock while another apt or dpkg runs."""
    deadline = time.time() + 300
    while True:
        code, out = run(["dpkg"] + args, timeout=timeout, check=False)
        if code == 0:
            return out
        if "lock" in out and time.time() < deadline:
            time.sleep(3)
            continue
        raise AssertionError("dpkg %s exited with %d:\n%s" % (" ".join(args), code, out))


def installed_version():
    res = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", PACKAGE],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    text = res.stdout.decode()
    if res.returncode != 0 or "not-installed" in text or not text.strip():
        return None
    return text


# ------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def built():
    """The package, built once from a copy of the tree."""
    version = configure_version()
    status_before = git_status()
    work = Path(harness.make_temp_dir("social-deb-"))
    src = work / ("%s-%s" % (PACKAGE, version))
    src.mkdir()
    copy_sources(src)
    # The unit tests are scripts/check's own step: not again in the build.
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck")
    started = time.time()
    code, out = run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src,
                    env=env, timeout=1800, check=False)
    (work / "build.log").write_text(out)
    assert code == 0, "dpkg-buildpackage failed (%d):\n%s" % (code, out[-6000:])
    arch = run(["dpkg", "--print-architecture"])[1].strip()
    deb = work / ("%s_%s_%s.deb" % (PACKAGE, version, arch))
    changes = work / ("%s_%s_%s.changes" % (PACKAGE, version, arch))
    assert deb.is_file(), "no %s after the build:\n%s" % (deb.name, out[-3000:])
    yield SimpleNamespace(work=work, src=src, deb=deb, changes=changes,
                          version=version, status_before=status_before,
                          seconds=time.time() - started)
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(built):
    """The package installed on this machine, purged afterwards."""
    before = installed_version()
    if before is not None:
        pytest.fail("%s is installed on this machine already (%s): this test "
                    "installs and purges it; remove it first" % (PACKAGE, before))
    made_policy = False
    if not POLICY_RC_D.exists():
        POLICY_RC_D.write_text("#!/bin/sh\n# mod_social's package test: no service starts\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
        made_policy = True
    try:
        out = dpkg(["-i", str(built.deb)])
        yield SimpleNamespace(output=out)
    finally:
        try:
            if installed_version() is not None:
                dpkg(["--purge", PACKAGE])
        finally:
            if made_policy:
                POLICY_RC_D.unlink()


@pytest.fixture(scope="module")
def db():
    """A private MariaDB, empty: the package's social-db makes the schema."""
    server = harness.MariaDB(use_env=False)
    try:
        server._install_db()
        server.start()
        yield server
    finally:
        server.close()


def socket_args(db):
    return ["--socket=%s" % db.socket, "--user=root"]


class DebianApache:
    """Debian's /etc/apache2 copied into a temporary root and run from
    there with apache2ctl, as the system's service runs it."""

    def __init__(self):
        self.root = Path(harness.make_temp_dir("social-deb-apache-"))
        self.confdir = self.root / "etc" / "apache2"
        self.www = self.root / "var" / "www"
        self.run_dir = self.root / "run"
        self.log_dir = self.root / "log"
        self.state_dir = self.root / "state"
        shutil.copytree("/etc/apache2", self.confdir, symlinks=True)
        for d in (self.www / "html", self.run_dir, self.log_dir,
                  self.root / "lock", self.state_dir):
            d.mkdir(parents=True, exist_ok=True)
        for d in [self.root] + list(self.root.rglob("*")):
            if d.is_dir() and not d.is_symlink():
                d.chmod(0o755)
        shutil.copy2("/usr/share/apache2/default-site/index.html",
                     self.www / "html" / "index.html")
        (self.www / "html" / "index.html").chmod(0o644)
        self.port = harness.free_port()
        # /var/www is this root's var/www; the server listens on loopback
        for path in self.confdir.rglob("*"):
            if path.is_file() and not path.is_symlink():
                text = path.read_text(errors="surrogateescape")
                changed = text.replace("/var/www", str(self.www))
                if path.name == "ports.conf":
                    changed = re.sub(r"(?m)^\s*Listen\s+80\s*$",
                                     "Listen 127.0.0.1:%d" % self.port, changed)
                changed = changed.replace("<VirtualHost *:80>",
                                          "<VirtualHost *:%d>" % self.port)
                if changed != text:
                    path.write_text(changed, errors="surrogateescape")
        with open(self.confdir / "envvars", "a") as f:
            f.write("\n# mod_social's package test: this root's folders\n"
                    "export APACHE_RUN_DIR=%s\n"
                    "export APACHE_PID_FILE=%s/apache2.pid\n"
                    "export APACHE_LOCK_DIR=%s/lock\n"
                    "export APACHE_LOG_DIR=%s\n"
                    % (self.run_dir, self.run_dir, self.root, self.log_dir))
        self.pid_file = self.run_dir / "apache2.pid"
        self.error_log = self.log_dir / "error.log"
        self.pid = None

    def env(self):
        env = dict(os.environ)
        env.update(APACHE_CONFDIR=str(self.confdir),
                   APACHE_STATE_DIRECTORY=str(self.state_dir),
                   # apache2ctl would hand a start to systemd otherwise
                   APACHE_STARTED_BY_SYSTEMD="1")
        return env

    def tool(self, *cmd, check=True):
        return run(list(cmd), env=self.env(), check=check, timeout=120)

    def ctl(self, action):
        return self.tool("/usr/sbin/apache2ctl", action)

    def generations(self):
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return 0
        return text.count("resuming normal operations")

    def start(self):
        self.ctl("start")
        assert harness.wait_until(lambda: harness.read_pid_file(self.pid_file), 30), \
            "apache2 wrote no pid file:\n%s" % harness.tail(self.error_log)
        self.pid = harness.read_pid_file(self.pid_file)
        assert harness.wait_until(lambda: harness.port_open(self.port), 30), \
            "apache2 does not listen on %d:\n%s" % (self.port, harness.tail(self.error_log))

    def reload(self):
        """What `systemctl reload apache2` runs: apache2ctl graceful."""
        done = self.generations()
        self.ctl("graceful")
        assert harness.wait_until(lambda: self.generations() > done, 30), \
            "no new generation after graceful:\n%s" % harness.tail(self.error_log)

    def stop(self):
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        children = harness.child_pids(pid)
        if harness.pid_alive(pid):
            self.ctl("stop")
            if not harness.wait_until(lambda: not harness.pid_alive(pid), 30):
                for p in [pid] + children:
                    try:
                        os.kill(p, 9)
                    except ProcessLookupError:
                        pass
        harness.wait_until(lambda: not any(harness.pid_alive(c) for c in children), 10)

    def errors(self):
        """Error-log lines at error level or worse, and crashed children."""
        try:
            lines = self.error_log.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return [l for l in lines
                if harness.Httpd._SEVERE.search(l) or harness.Httpd._CRASH.search(l)]

    def request(self, method, path, headers=None, body=None, **kw):
        return harness.http_request(self.port, method, path, headers, body, **kw)


@pytest.fixture(scope="module")
def apache(installed):
    server = DebianApache()
    try:
        yield server
    finally:
        server.stop()
        if os.environ.get("SOCIAL_TEST_KEEP") != "1":
            shutil.rmtree(server.root, ignore_errors=True)


def main_block(body):
    blocks = harness.main_blocks(body)
    assert len(blocks) == 1, "want one discussion block, got %d:\n%s" % (
        len(blocks), body[-1500:].decode(errors="replace"))
    return blocks[0][2]


def highest_migration():
    return migrations()[-1]


def migrations():
    return sorted(p.stem for p in (REPO / "sql" / "migrations").glob("[0-9][0-9][0-9]_*.sql"))


# ------------------------------------------------------------ the build

def test_build_leaves_the_tree_as_it_was(built):
    assert built.status_before is not None, "not a git checkout"
    assert git_status() == built.status_before


def test_package_version_is_configure_version(built):
    version = run(["dpkg-deb", "-f", str(built.deb), "Version"])[1].strip()
    assert version == configure_version()


def test_rules_refuse_a_changelog_behind_configure(built, tmp_path):
    """debian/rules stops when debian/changelog and configure.ac disagree."""
    shutil.copytree(REPO / "debian", tmp_path / "debian")
    text = (REPO / "configure.ac").read_text()
    text = re.sub(r"^(AC_INIT\(\[mod_social\],\s*\[)[^\]]+", r"\g<1>9.9.9", text,
                  count=1, flags=re.M)
    (tmp_path / "configure.ac").write_text(text)
    code, out = run(["make", "-f", "debian/rules", "override_dh_auto_configure"],
                    cwd=tmp_path, check=False)
    assert code != 0
    assert "configure.ac says '9.9.9'" in out, out


def test_lintian_is_clean(built):
    """No error, warning, info or pedantic tag but the overridden ones
    (debian/libapache2-mod-social.lintian-overrides says why each is)."""
    code, out = run(["lintian", "--info", "--pedantic", "--display-experimental",
                     "--fail-on", "error,warning,info,pedantic",
                     str(built.changes)], timeout=600, check=False)
    tags = [l for l in out.splitlines() if re.match(r"^[EWIPX]: ", l)]
    assert code == 0 and not tags, out


def test_package_holds_what_an_install_needs(built):
    listing = run(["dpkg-deb", "-c", str(built.deb)])[1]
    modes = {line.split()[-1].lstrip("."): line.split()[0] for line in listing.splitlines()}
    paths = set(modes)
    want = {
        "/usr/lib/apache2/modules/mod_social.so",
        "/etc/apache2/mods-available/social.load",
        "/etc/apache2/mods-available/social.conf",
        "/etc/apache2/" + EXAMPLE_CONF,
        "/usr/bin/social-db",
        "/usr/bin/social-ldif-people",
        "/usr/share/mod_social/social-comments",
        "/usr/share/man/man1/social-db.1.gz",
        "/usr/share/man/man1/social-ldif-people.1.gz",
        "/usr/share/mod_social/sql/schema.sql",
        "/usr/share/doc/%s/README.Debian" % PACKAGE,
        "/usr/share/doc/%s/NEWS.Debian.gz" % PACKAGE,
        "/usr/share/doc/%s/copyright" % PACKAGE,
    }
    for p in (REPO / "sql" / "migrations").glob("*.sql"):
        want.add("/usr/share/mod_social/sql/migrations/" + p.name)
    for p in (REPO / "templates").glob("*.cs"):
        want.add("/usr/share/mod_social/templates/" + p.name)
    for p in (REPO / "templates" / "assets").iterdir():
        if p.suffix in (".js", ".css"):
            want.add("/usr/share/mod_social/templates/assets/" + p.name)
    for p in (REPO / "templates" / "i18n").glob("*/*.json"):
        want.add("/usr/share/mod_social/templates/i18n/%s/%s" % (p.parent.name, p.name))
    assert not want - paths, "missing from the package: %s" % sorted(want - paths)
    # nothing of the build or the test folders
    stray = [p for p in paths if re.search(r"\.(la|o|a|py)$|/\.check/|/tests/", p)]
    assert not stray, stray
    # the commands, and the importer social-db runs, are executable
    for tool in TOOLS + (SOCIAL_COMMENTS,):
        assert modes.get(tool) == "-rwxr-xr-x", (tool, modes.get(tool))
    assert "/usr/bin/social-comments" not in paths, \
        "social-comments is social-db's helper, under /usr/share/mod_social"
    depends = [d.strip() for d in
               run(["dpkg-deb", "-f", str(built.deb), "Depends"])[1].split(",")]
    for dep in ("apache2-api-20120211", "apache2-bin", "libaprutil1-dbd-mysql",
                "libjansson4", "libmariadb3", "libssl3"):
        assert any(d.startswith(dep) for d in depends), (dep, depends)
    # social-db people|import|export and social-ldif-people are Python 3
    # scripts; ldapsearch only feeds social-ldif-people in the admin's
    # pipeline: suggested, not required
    assert "python3" in depends, depends
    assert not any("ldap" in d for d in depends), depends
    suggests = [d.strip() for d in
                run(["dpkg-deb", "-f", str(built.deb), "Suggests"])[1].split(",")]
    assert "ldap-utils" in suggests, suggests


def options_of(text):
    """The long options a usage or --help text names."""
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)) - {"--help"}


def test_manual_pages_render_cleanly_and_cover_every_command(built, tmp_path):
    """social-db(1) and social-ldif-people(1), as the package ships them:
    groff with every warning on and man-db (as lintian runs it) say
    nothing, and each page names every subcommand and option the
    packaged tools have."""
    root = tmp_path / "root"
    run(["dpkg-deb", "-x", str(built.deb), str(root)])
    pages = {}
    for tool in TOOLS:
        name = Path(tool).name
        page = root / "usr" / "share" / "man" / "man1" / (name + ".1.gz")
        source = gzip.decompress(page.read_bytes())
        res = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=source,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        assert res.returncode == 0 and res.stderr == b"", (name, res.stderr.decode())
        res = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", str(page)],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=60,
                             env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8"))
        assert res.returncode == 0 and res.stderr == b"", (name, res.stderr.decode())
        shown = res.stdout.decode()
        assert "NAME" in shown and "SYNOPSIS" in shown and name in shown, shown[:400]
        # what the roff source says, with its escaped hyphens as typed
        pages[name] = source.decode().replace("\\-", "-").replace("\\c\n", "")

    # social-db: the subcommands and options of its own usage text
    script = (root / SOCIAL_DB.lstrip("/")).read_text()
    usage = script[:script.index("\nset -euo")]
    commands = sorted(set(re.findall(r"^#\s+social-db (\w+)", usage, re.M)))
    assert {"upgrade", "status", "people", "import", "export"} <= set(commands), commands
    text = pages["social-db"]
    for cmd in commands:
        assert re.search(r"^\.B social-db %s$" % cmd, text, re.M), "SYNOPSIS lacks " + cmd
        assert re.search(r"^\.TP\n\.BI? \"?%s\b" % cmd, text, re.M), "COMMANDS lacks " + cmd
    # ... and the options social-comments takes for import and export
    helper = str(root / SOCIAL_COMMENTS.lstrip("/"))
    options = options_of(usage)
    for cmd in ("import", "export"):
        code, out = run(["/usr/bin/python3", helper, cmd, "--help"])
        assert "--database" in out, out
        options |= options_of(out)
    assert {"--dry-run", "--site", "--map", "--max-length", "--page"} <= options, options
    for option in sorted(options):
        assert option in text, "social-db(1) does not name " + option

    # social-ldif-people: every option of its --help, under OPTIONS
    code, out = run(["/usr/bin/python3", str(root / SOCIAL_LDIF_PEOPLE.lstrip("/")), "--help"])
    options = options_of(out)
    assert {"--user", "--name", "--email"} <= options, out
    text = pages["social-ldif-people"]
    options_section = text[text.index(".SH OPTIONS"):text.index(".SH", text.index(".SH OPTIONS") + 3)]
    for option in sorted(options):
        assert re.search(r"^\.BI? %s\b" % option, options_section, re.M), \
            "social-ldif-people(1) OPTIONS lacks " + option


def test_maintainer_scripts_never_touch_the_database(built, tmp_path):
    run(["dpkg-deb", "-e", str(built.deb), str(tmp_path / "control")])
    scripts = [p for p in (tmp_path / "control").iterdir()
               if p.name in ("preinst", "postinst", "prerm", "postrm", "config")]
    assert not (tmp_path / "control" / "postinst").exists(), \
        "the postinst enables nothing and runs nothing (dh_apache2 --noenable)"
    for script in scripts:
        text = script.read_text()
        for word in ("social-db", "mariadb", "mysql", "sql"):
            assert word not in text, "%s mentions %s" % (script.name, word)


# ------------------------------------------------------------ the install

def test_install_social_db_a2enmod_reload_gives_a_discussion(built, installed, db, apache):
    # 1. the package is in place, the module is not enabled anywhere
    assert INSTALLED_MODULE.is_file()
    assert not Path("/etc/apache2/mods-enabled/social.load").exists()
    conf = (apache.confdir / "mods-available" / "social.conf").read_text()
    assert "SocialTemplateDir /usr/share/mod_social/templates" in conf

    # 2. stock Apache serves Debian's default page, without the block
    users_dir, htpasswd = harness.make_htpasswd(("alice", "bob"))
    try:
        login = apache.confdir / "conf-available" / "intranet-login.conf"
        login.write_text("# the intranet's own login\n<Location />\n"
                         "    AuthType Basic\n    AuthName intranet\n"
                         "    AuthUserFile %s\n    Require valid-user\n</Location>\n"
                         % htpasswd)
        apache.tool("a2enconf", "intranet-login")
        apache.start()
        alice = Client(apache, "alice")
        bob = Client(apache, "bob")
        page = alice.page("/")
        assert b"Apache2 Debian Default Page" in page.body
        assert harness.BLOCK_START not in page.body

        # 3. the database, with the package's social-db: what it will do,
        #    then doing it
        code, plan = run([SOCIAL_DB, "upgrade", "--dry-run"] + socket_args(db)
                         + ["--database=social"])
        assert "database social: missing" in plan, plan
        assert "apply /usr/share/mod_social/sql/migrations/%s.sql" % highest_migration() in plan
        assert db.sql("SHOW DATABASES LIKE 'social'", database=None) == []
        run([SOCIAL_DB, "upgrade"] + socket_args(db) + ["--database=social"])
        status = run([SOCIAL_DB, "status"] + socket_args(db) + ["--database=social"])[1]
        assert "pending migrations: none" in status, status
        version = int(highest_migration()[:3])
        assert "schema version %d" % version in status, status
        # the account README.Debian gives www-data: its socket, no password
        db.sql("CREATE USER 'www-data'@'localhost' IDENTIFIED VIA unix_socket; "
               "GRANT SELECT, INSERT, UPDATE, DELETE ON social.* TO 'www-data'@'localhost'",
               database=None)

        # 4. the admin's edit of the example: uncomment the socket DBDParams
        #    and the document root's <Directory>, pointing at this socket
        example = apache.confdir / EXAMPLE_CONF
        text = example.read_text()
        edited = []
        for line in text.splitlines():
            m = re.match(r"^(\s*)#((?:DBDriver|DBDParams \"sock=|<Directory|</Directory>|"
                         r"\s+Social On).*)$", line)
            if m:
                line = m.group(1) + m.group(2).replace("/run/mysqld/mysqld.sock", db.socket)
            edited.append(line)
        example.write_text("\n".join(edited) + "\n")
        assert "\n    DBDriver mysql" in example.read_text()
        assert "Social On" in example.read_text()
        apache.tool("a2enconf", PACKAGE)
        code, out = apache.tool("a2enmod", "social")
        assert "Enabling module social" in out, out
        for dep in ("dbd", "socache_shmcb"):
            assert (apache.confdir / "mods-enabled" / (dep + ".load")).exists(), out
        # only in this tree: the machine's Apache is left as it was
        assert not Path("/etc/apache2/mods-enabled/social.load").exists()

        # 5. a reload, and the page has its discussion
        apache.reload()
        page = bob.page("/")
        block = main_block(page.body)
        assert b"Apache2 Debian Default Page" in page.body
        # the widget's assets come from the package's templates/assets
        src = re.search(rb'<script[^>]+src="(/_social/assets/[^"]+/social\.js)"', page.body)
        assert src, block[:800]
        asset = bob.get(src.group(1).decode())
        assert asset.status == 200
        assert asset.body == Path("/usr/share/mod_social/templates/assets/social.js").read_bytes()

        # 6. a comment through the API, on the page for the others
        text = "Posted through the API of the packaged module"
        created = alice.create("/", text)
        assert created.get("id"), created
        page = bob.page("/index.html")
        assert text.encode() in main_block(page.body)
        assert [c["id"] for c in alice.listing("/")["comments"]] == [created["id"]]
        health = bob.api("GET", "health").json()
        assert health.get("status") == "ok", health
        assert health.get("version") == built.version, health
    finally:
        shutil.rmtree(users_dir, ignore_errors=True)
        apache.stop()
    assert apache.errors() == [], "\n".join(apache.errors())


def export_document(site, page, refs):
    """A mod_social export of one page, as `social-db export` writes it."""
    first, reply = refs
    doc = {"format": "mod_social-comments", "version": 1, "pages": [{
        "site": site, "page": page, "title": "Caf\u00e9 notes", "comments": [
            {"ref": first, "parent": None, "author": "import:isso:Zo\u00eb",
             "author_name": "Zo\u00eb \u00c5ngstr\u00f6m",
             "created": "2019-03-04T10:00:00.000Z", "edited": "2019-03-05T08:30:00.000Z",
             "status": "visible", "body": "Brought **along** from Isso \U0001F600",
             "likes": [{"user": "alice", "created": "2026-11-30T08:00:00.000Z"}],
             "source_likes": 3},
            {"ref": reply, "parent": first, "author": "alice", "author_name": "Alice",
             "created": "2019-03-04T11:00:00.000Z", "edited": None,
             "status": "visible", "body": "A reply", "likes": [], "source_likes": 0},
        ]}]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def test_packaged_social_db_imports_and_exports_through_the_packaged_helper(
        installed, db, tmp_path):
    """`social-db import` and `export` of /usr/bin run
    /usr/share/mod_social/social-comments: a small export goes in, comes
    out again byte for byte, and a second import adds nothing."""
    assert Path(SOCIAL_COMMENTS).is_file()
    assert not Path("/usr/bin/social-comments").exists()
    run([SOCIAL_DB, "upgrade"] + socket_args(db) + ["--database=social"])
    tag = uuid.uuid4().hex[:8]
    site, page = "intranet.example", "/pkg-%s/notes.html" % tag
    data = export_document(site, page, ("isso:pkg-%s-1" % tag, "isso:pkg-%s-2" % tag))
    path = tmp_path / "comments.json"
    path.write_bytes(data)

    code, report = run([SOCIAL_DB, "import", "mod_social", str(path)] + socket_args(db)
                       + ["--database=social"])
    assert "2 comments imported on 1 pages" in report, report
    rows = db.sql("SELECT c.author, c.body, COALESCE(c.parent_id, 0) FROM social_comments c "
                  "JOIN social_pages p ON p.id = c.page_id "
                  "WHERE p.site = '%s' AND p.path = '%s' ORDER BY c.created_at" % (site, page))
    assert [r[:2] for r in rows] == [["import:isso:Zo\u00eb", "Brought **along** from Isso \U0001F600"],
                                     ["alice", "A reply"]], rows
    assert rows[0][2] == "0" and rows[1][2] != "0", rows

    res = subprocess.run([SOCIAL_DB, "export", "--site=%s" % site, "--page=/pkg-%s/" % tag]
                         + socket_args(db) + ["--database=social"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    assert "exported 2 comments on 1 pages" in res.stderr.decode(), res.stderr.decode()
    assert res.stdout == data, res.stdout.decode()

    code, report = run([SOCIAL_DB, "import", "mod_social", str(path)] + socket_args(db)
                       + ["--database=social"])
    assert "0 comments imported on 0 pages" in report and "2 already there" in report, report
    # a file that is not an export: refused, with the reason, nothing written
    bad = tmp_path / "bad.json"
    bad.write_text("<disqus/>")
    code, report = run([SOCIAL_DB, "import", "mod_social", str(bad)] + socket_args(db)
                       + ["--database=social"], check=False)
    assert code == 1 and "not JSON" in report and "nothing imported" in report, report


def test_packaged_social_ldif_people_feeds_social_db_people(installed, db, tmp_path):
    """/usr/bin/social-ldif-people as social-ldif-people(1) shows it:
    ldapsearch's LDIF (a base64 name, a folded line, an entry without uid)
    to the CSV that the packaged `social-db people` loads."""
    code, out = run([SOCIAL_LDIF_PEOPLE, "--help"])
    assert "--user" in out and "--email" in out, out
    run([SOCIAL_DB, "upgrade"] + socket_args(db) + ["--database=social"])
    user = "pkg-%s" % uuid.uuid4().hex[:8]
    name = "Zo\u00eb \u00c5ngstr\u00f6m"
    ldif = ("# a search\nversion: 1\n\n"
            "dn: uid=%s,ou=people,dc=example,dc=com\nuid: %s\n"
            "displayName:: %s\ncn: Zoe\nmail: zoe.angstrom@exam\n ple.com\n\n"
            "dn: cn=printer,ou=people,dc=example,dc=com\ncn: printer\n"
            % (user, user, base64.b64encode(name.encode()).decode()))
    res = subprocess.run([SOCIAL_LDIF_PEOPLE], input=ldif.encode(), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == 0, res.stderr.decode()
    assert res.stdout.decode() == "user,name,email\n%s,%s,zoe.angstrom@example.com\n" \
        % (user, name), res.stdout
    assert "1 people, 1 entries without uid skipped" in res.stderr.decode(), res.stderr
    staff = tmp_path / "staff.csv"
    staff.write_bytes(res.stdout)
    code, out = run([SOCIAL_DB, "people", str(staff)] + socket_args(db) + ["--database=social"])
    assert "1 people loaded" in out, out
    assert db.sql("SELECT display_name, email, from_directory FROM social_people "
                  "WHERE user = '%s'" % user) == [[name, "zoe.angstrom@example.com", "1"]]
    # what is not LDIF: exit status 1 and the reason
    res = subprocess.run([SOCIAL_LDIF_PEOPLE], input=b"user,name\nbob,Bob\n",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == 1 and res.stderr.startswith(b"social-ldif-people: "), res.stderr


def test_upgrade_runs_no_migration_and_dry_run_says_what_will(built, installed, db):
    """An older database stays as it is across a package upgrade (dpkg -i
    over the installed version runs prerm, postrm and postinst); social-db
    upgrade --dry-run names what the admin's upgrade would apply."""
    name = highest_migration()
    version = int(name[:3])
    run([SOCIAL_DB, "upgrade"] + socket_args(db) + ["--database=social"])
    # the database as the previous version of the package left it
    db.sql("DELETE FROM social_schema_version WHERE version = %d" % version)
    try:
        out = dpkg(["-i", str(built.deb)])
        assert "Unpacking %s (%s) over (%s)" % (PACKAGE, built.version, built.version) in out, out
        rows = db.sql("SELECT version FROM social_schema_version WHERE version = %d" % version)
        assert rows == [], "the package upgrade applied a migration"
        plan = run([SOCIAL_DB, "upgrade", "--dry-run"] + socket_args(db)
                   + ["--database=social"])[1]
        # the one before it (numbers may have gaps)
        assert "schema version %d" % int(migrations()[-2][:3]) in plan, plan
        assert "pending migrations: 1\n  %s" % name in plan, plan
        assert "apply /usr/share/mod_social/sql/migrations/%s.sql" % name in plan, plan
        assert "nothing was changed" in plan
        assert db.sql("SELECT version FROM social_schema_version WHERE version = %d"
                      % version) == []
    finally:
        db.sql("INSERT IGNORE INTO social_schema_version (version, name) VALUES (%d, '%s')"
               % (version, name))


def test_purge_removes_the_package_and_leaves_the_database(built, installed, db):
    """Last: purging removes the module and its configuration, and never
    the database."""
    dpkg(["--purge", PACKAGE])
    assert installed_version() is None
    assert not INSTALLED_MODULE.exists()
    assert not Path("/etc/apache2/mods-available/social.conf").exists()
    assert not Path("/etc/apache2/" + EXAMPLE_CONF).exists()
    assert db.sql("SHOW DATABASES LIKE 'social'", database=None) == [["social"]]
