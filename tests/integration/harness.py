"""Integration test harness for mod_social: a private MariaDB and a real httpd.

In the style of httpd's own test/pyhttpd: the httpd configuration is
generated from a template into a temporary ServerRoot, the server listens on
a free loopback port, and is driven with `apache2 -k start|stop`. MariaDB
runs from a private data directory, also on a free loopback port.

Nothing here kills processes by name: every server is stopped through the
pid it wrote itself.

Environment:
  SOCIAL_MODULE          the built module (default mod_social/.libs/mod_social.so)
  SOCIAL_TEMPLATE_DIR    templates and assets (default templates/)
  SOCIAL_TEST_DB_SOCKET  with SOCIAL_TEST_DB_PORT: use this running MariaDB
  SOCIAL_TEST_DB_PORT    instead of starting a private one
  SOCIAL_TEST_DEBUG      "1": every httpd logs with LogLevel social:debug
  SOCIAL_TEST_RUNDIR     where server directories (with their pid files) go,
                         so scripts/check can stop what a crashed run left
"""

import atexit
import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULE = Path(os.environ.get("SOCIAL_MODULE",
                             REPO / "mod_social" / ".libs" / "mod_social.so"))
TEMPLATE_DIR = Path(os.environ.get("SOCIAL_TEMPLATE_DIR", REPO / "templates"))
ASSET_DIR = TEMPLATE_DIR / "assets"
SOCIAL_DB_TOOL = REPO / "scripts" / "social-db"

APACHE2 = "/usr/sbin/apache2"
APACHE_MODULE_DIR = Path("/usr/lib/apache2/modules")

MARIADB = "mariadb"
MARIADBD = "mariadbd"
MARIADB_INSTALL_DB = "mariadb-install-db"

DB_NAME = "social"
DB_USER = "social"
DB_PASSWORD = "social"

BLOCK_START = b"<!-- mod_social -->"
BLOCK_END = b"<!-- /mod_social -->"
_BLOCK_RE = re.compile(re.escape(BLOCK_START) + b".*?" + re.escape(BLOCK_END),
                       re.DOTALL)


# ---------------------------------------------------------------- blocks

def strip_blocks(body: bytes) -> bytes:
    """The body with every delimited region the module added removed.

    For a page the module modified this must give back the file's bytes
    exactly."""
    return _BLOCK_RE.sub(b"", body)


def find_blocks(body: bytes):
    """[(start, end, bytes)] of every delimited region, in order."""
    return [(m.start(), m.end(), m.group(0)) for m in _BLOCK_RE.finditer(body)]


def main_blocks(body: bytes):
    """The delimited regions that hold the main widget (id="social")."""
    return [b for b in find_blocks(body)
            if re.search(rb'\bid\s*=\s*["\']social["\']', b[2])]


def block_attr(block: bytes, name: str):
    """Value of attribute `name` in the first element of a block, or None."""
    m = re.search(rb'\s' + re.escape(name.encode()) + rb'\s*=\s*"([^"]*)"', block)
    if m is None:
        m = re.search(rb'\s' + re.escape(name.encode()) + rb"\s*=\s*'([^']*)'", block)
    return None if m is None else m.group(1).decode("ascii", "replace")


# ---------------------------------------------------------------- utilities

def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def proc_state(stat_path) -> bytes:
    """The state letter of a /proc/.../stat file (b"" if it is gone)."""
    try:
        with open(stat_path, "rb") as f:
            stat = f.read()
    except OSError:
        return b""
    # state is the field after the parenthesised command name
    return stat[stat.rfind(b")") + 2:stat.rfind(b")") + 3]


def pid_alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    return proc_state(f"/proc/{pid}/stat") not in (b"", b"Z", b"X")


def child_pids(pid: int):
    """Pids whose parent is pid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def make_temp_dir(prefix):
    """A new directory (mode 0755) under SOCIAL_TEST_RUNDIR or the system
    temp dir."""
    parent = os.environ.get("SOCIAL_TEST_RUNDIR") or None
    if parent:
        os.makedirs(parent, exist_ok=True)
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    os.chmod(path, 0o755)
    return path


# The Basic users of most suites; every password is the user name.
DEFAULT_USERS = ("alice", "bob", "carol", "dave")


def write_htpasswd(path, users):
    """An htpasswd file where every user's password is the user name
    ({SHA} entries: quick to write and to check)."""
    import base64
    import hashlib
    with open(path, "w") as f:
        for user in users:
            digest = base64.b64encode(hashlib.sha1(user.encode()).digest()).decode()
            f.write("%s:{SHA}%s\n" % (user, digest))
    os.chmod(path, 0o644)


def make_htpasswd(users=DEFAULT_USERS):
    """A new htpasswd file for users in a directory of its own (readable
    by httpd's www-data); returns (directory, file)."""
    directory = make_temp_dir("social-users-")
    path = os.path.join(directory, "htpasswd")
    write_htpasswd(path, users)
    return directory, path


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def read_pid_file(path) -> int | None:
    try:
        text = Path(path).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def tail(path, lines: int = 30) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no file %s)" % path
    return "\n".join(text.splitlines()[-lines:])


# ---------------------------------------------------------------- HTTP client

class Response:
    """One HTTP response, read off the wire without interpretation of the
    content coding: `body` is exactly the entity bytes (chunked transfer
    coding removed, Content-Encoding untouched)."""

    def __init__(self, status, reason, headers, body, raw_body, chunked):
        self.status = status
        self.reason = reason
        self.headers = headers          # [(name, value)] in wire order
        self.body = body
        self.raw_body = raw_body        # bytes after the header block
        self.chunked = chunked

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def has_header(self, name):
        return bool(self.header_all(name))

    @property
    def content_length(self):
        v = self.header("Content-Length")
        return None if v is None else int(v)

    @property
    def content_type(self):
        return self.header("Content-Type", "")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def decoded_body(self):
        """The body with a gzip Content-Encoding undone."""
        if (self.header("Content-Encoding") or "").lower() == "gzip":
            return gzip.decompress(self.body)
        return self.body

    def __repr__(self):
        return "<Response %d %s, %d bytes>" % (self.status, self.reason,
                                                len(self.body))


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            raise ValueError("truncated chunk size line")
        size = int(data[pos:eol].split(b";")[0].strip(), 16)
        pos = eol + 2
        if size == 0:
            return bytes(out)
        if pos + size + 2 > len(data):
            raise ValueError("truncated chunk")
        out += data[pos:pos + size]
        if data[pos + size:pos + size + 2] != b"\r\n":
            raise ValueError("chunk not followed by CRLF")
        pos += size + 2


def http_request(port, method, path, headers=None, body=None, timeout=60.0,
                 host="127.0.0.1", proto="HTTP/1.1"):
    """Send one request with Connection: close and read the response to
    EOF. Header values of None remove a default header."""
    hdrs = {"Host": "%s:%d" % (host, port), "User-Agent": "mod_social-tests",
            "Accept": "*/*", "Connection": "close"}
    for k, v in (headers or {}).items():
        for existing in list(hdrs):
            if existing.lower() == k.lower():
                del hdrs[existing]
        if v is not None:
            hdrs[k] = v
    if body is not None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs.setdefault("Content-Length", str(len(body)))
    head = "%s %s %s\r\n" % (method, path, proto)
    head += "".join("%s: %s\r\n" % kv for kv in hdrs.items()) + "\r\n"
    data = bytearray()
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(head.encode("latin-1") + (body or b""))
        while True:
            try:
                piece = s.recv(1 << 20)
            except socket.timeout:
                raise TimeoutError("%s %s: the connection was not closed within "
                                   "%gs; received %d bytes: %r"
                                   % (method, path, timeout, len(data),
                                      bytes(data[:600]))) from None
            if not piece:
                break
            data += piece
    data = bytes(data)
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        raise ValueError("no complete response head: %r" % data[:200])
    lines = data[:head_end].decode("latin-1").split("\r\n")
    _version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    response_headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        response_headers.append((name.strip(), value.strip()))
    raw_body = data[head_end + 4:]
    status = int(code)
    te = ",".join(v for k, v in response_headers
                  if k.lower() == "transfer-encoding").lower()
    chunked = "chunked" in te
    if method.upper() == "HEAD" or status in (204, 304) or status < 200:
        entity = b""
    elif chunked:
        entity = _dechunk(raw_body)
    else:
        entity = raw_body
    return Response(status, reason, response_headers, entity, raw_body,
                    chunked)


# ---------------------------------------------------------------- MariaDB

class MariaDB:
    """A MariaDB server for the tests.

    Either a private server (own data directory under a temp dir, free
    loopback port, stopped at the end) or, when SOCIAL_TEST_DB_SOCKET and
    SOCIAL_TEST_DB_PORT are set, one that is already running; that one is
    never stopped or restarted here (`controllable` is False)."""

    def __init__(self, base_dir=None, use_env=True):
        env_socket = os.environ.get("SOCIAL_TEST_DB_SOCKET")
        env_port = os.environ.get("SOCIAL_TEST_DB_PORT")
        self.proc = None
        self.own_base = False
        if use_env and env_socket and env_port:
            self.controllable = False
            self.base = None
            self.socket = env_socket
            self.port = int(env_port)
            self.datadir = self.tmpdir = self.pid_file = self.log_file = None
        else:
            self.controllable = True
            if base_dir is None:
                base_dir = make_temp_dir("social-db-")
                self.own_base = True
            self.base = Path(base_dir)
            self.base.mkdir(parents=True, exist_ok=True)
            self.datadir = self.base / "data"
            self.tmpdir = self.base / "tmp"
            self.socket = str(self.base / "mysqld.sock")
            self.pid_file = self.base / "mysqld.pid"
            self.log_file = self.base / "mysqld.log"
            self.port = free_port()

    # -- life cycle

    def setup(self):
        """Start (initialising the data directory the first time), create
        the database and its user, and apply the migrations."""
        if self.controllable:
            if not (self.datadir / "mysql").is_dir():
                self._install_db()
            self.start()
        elif not wait_until(self._ping, 30):
            raise RuntimeError("MariaDB at %s does not answer" % self.socket)
        self._create_database()
        self.upgrade()
        return self

    def _install_db(self):
        # The bootstrap server sometimes crashes when several run at once
        # with a shared temp dir; each server gets its own, and one retry.
        for attempt in (1, 2):
            shutil.rmtree(self.datadir, ignore_errors=True)
            self.datadir.mkdir(parents=True)
            self.tmpdir.mkdir(exist_ok=True)
            cmd = [MARIADB_INSTALL_DB, "--no-defaults",
                   "--datadir=%s" % self.datadir, "--user=root",
                   "--auth-root-authentication-method=normal", "--skip-test-db",
                   "--tmpdir=%s" % self.tmpdir]
            res = subprocess.run(cmd, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, timeout=180)
            if res.returncode == 0:
                return
        raise RuntimeError("mariadb-install-db failed (%d):\n%s"
                           % (res.returncode, res.stdout.decode(errors="replace")))

    def start(self):
        self._require_control()
        if self.running():
            return
        cmd = [MARIADBD, "--no-defaults", "--datadir=%s" % self.datadir,
               "--socket=%s" % self.socket, "--port=%d" % self.port,
               "--bind-address=127.0.0.1", "--user=root",
               "--pid-file=%s" % self.pid_file, "--skip-name-resolve",
               "--tmpdir=%s" % self.tmpdir,
               "--innodb-buffer-pool-size=64M",
               "--log-error=%s" % self.log_file]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        _live_mariadbs.add(self)
        ok = wait_until(lambda: self.proc.poll() is not None or self._ping(),
                        90, 0.1)
        if self.proc.poll() is not None:
            raise RuntimeError("mariadbd exited with %d:\n%s"
                               % (self.proc.returncode, tail(self.log_file)))
        if not ok:
            self.kill9()
            raise RuntimeError("mariadbd did not accept connections:\n%s"
                               % tail(self.log_file))
        if not wait_until(lambda: port_open(self.port), 10):
            raise RuntimeError("mariadbd does not listen on port %d" % self.port)

    def _server_pid(self):
        pid = read_pid_file(self.pid_file) if self.pid_file else None
        if pid is None and self.proc is not None and self.proc.poll() is None:
            pid = self.proc.pid
        return pid

    def running(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        pid = self._server_pid()
        return pid is not None and pid_alive(pid)

    def _wait_gone(self, pid, timeout):
        if self.proc is not None and self.proc.pid == pid:
            try:
                self.proc.wait(timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        return wait_until(lambda: not pid_alive(pid), timeout)

    def stop(self, timeout=60):
        """Orderly shutdown: SIGTERM to the pid in the pid file, then wait."""
        self._require_control()
        pid = self._server_pid()
        if pid is None or not pid_alive(pid):
            self.proc = None
            return
        os.kill(pid, signal.SIGTERM)
        if not self._wait_gone(pid, timeout):
            os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid, 30)
        self.proc = None
        _live_mariadbs.discard(self)

    def freeze(self):
        """Stop the server without closing anything (SIGSTOP): what a
        network partition, a stuck disk or a hung VM looks like to its
        clients. thaw() lets it go on."""
        self._require_control()
        pid = self._server_pid()
        os.kill(pid, signal.SIGSTOP)
        self.frozen_pid = pid
        # the signal reaches every thread a little later: wait until the
        # kernel says the whole process stopped
        def stopped():
            try:
                tasks = os.listdir("/proc/%d/task" % pid)
                return all(proc_state("/proc/%d/task/%s/stat" % (pid, t)) == b"T"
                           for t in tasks)
            except OSError:
                return False
        if not wait_until(stopped, 10, 0.01):
            raise RuntimeError("MariaDB (pid %d) did not stop on SIGSTOP" % pid)

    def thaw(self):
        pid = getattr(self, "frozen_pid", None)
        if pid is not None:
            self.frozen_pid = None
            if pid_alive(pid):
                os.kill(pid, signal.SIGCONT)

    def kill9(self):
        """Crash the server: SIGKILL, no shutdown of its own."""
        self._require_control()
        pid = self._server_pid()
        if pid is not None and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            self._wait_gone(pid, 30)
        self.proc = None
        _live_mariadbs.discard(self)

    def close(self):
        """Stop a private server and remove its files."""
        self.thaw()
        if self.controllable:
            try:
                self.stop()
            finally:
                if self.own_base and self.base is not None:
                    shutil.rmtree(self.base, ignore_errors=True)

    def _require_control(self):
        if not self.controllable:
            raise RuntimeError("the MariaDB at %s was started outside the "
                               "tests and is not stopped or started here"
                               % self.socket)

    # -- SQL

    def _client(self, extra, stdin=None, database=None, check=True, timeout=60):
        cmd = [MARIADB, "--no-defaults", "--protocol=socket",
               "--socket=%s" % self.socket, "--user=root"] + extra
        if database:
            cmd.append(database)
        res = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, timeout=timeout)
        if check and res.returncode != 0:
            raise RuntimeError("mariadb client failed (%d): %s"
                               % (res.returncode, res.stderr.decode(errors="replace")))
        return res

    def _ping(self) -> bool:
        try:
            return self._client(["--connect-timeout=2", "-e", "SELECT 1"],
                                check=False, timeout=10).returncode == 0
        except (subprocess.TimeoutExpired, OSError):
            return False

    def sql(self, query, database=DB_NAME):
        """Run SQL as root over the socket; the rows as lists of strings
        (None for NULL). Several statements may be given; the rows of all
        of them are returned together."""
        res = self._client(["--batch", "--skip-column-names",
                            "--default-character-set=utf8mb4", "-e", query],
                           database=database)
        rows = []
        for line in res.stdout.decode("utf-8").split("\n")[:-1]:
            rows.append([None if f == "NULL" else _batch_unescape(f)
                         for f in line.split("\t")])
        return rows

    def _create_database(self):
        # the same character set and collation scripts/social-db uses
        stmts = [
            "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 "
            "COLLATE utf8mb4_bin" % DB_NAME,
        ]
        for host in ("127.0.0.1", "localhost"):
            stmts.append("CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s'"
                         % (DB_USER, host, DB_PASSWORD))
            stmts.append("GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%s'"
                         % (DB_NAME, DB_USER, host))
        stmts.append("FLUSH PRIVILEGES")
        self.sql(";\n".join(stmts), database=None)

    def upgrade(self):
        """Apply sql/migrations with the project's own tool."""
        if not SOCIAL_DB_TOOL.exists():
            raise RuntimeError("%s does not exist yet" % SOCIAL_DB_TOOL)
        cmd = [str(SOCIAL_DB_TOOL), "upgrade", "--socket=%s" % self.socket,
               "--user=root", "--database=%s" % DB_NAME]
        res = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=120)
        if res.returncode != 0:
            raise RuntimeError("social-db upgrade failed (%d):\n%s"
                               % (res.returncode, res.stdout.decode(errors="replace")))

    def dbd_params(self, **override):
        """The DBDParams string httpd uses to reach this server over TCP."""
        params = {"host": "127.0.0.1", "port": str(self.port), "user": DB_USER,
                  "pass": DB_PASSWORD, "dbname": DB_NAME, "reconnect": "0",
                  # the client option group that carries the connect
                  # deadline (SocialDBConnectTimeout)
                  "group": "mod_social"}
        params.update({k: str(v) for k, v in override.items()})
        return ",".join("%s=%s" % kv for kv in params.items())


_BATCH_ESCAPES = {"t": "\t", "n": "\n", "0": "\0", "\\": "\\"}


def _batch_unescape(field):
    """Undo the escaping of the mariadb client's batch output."""
    return re.sub(r"\\(.)", lambda m: _BATCH_ESCAPES.get(m.group(1),
                                                         "\\" + m.group(1)),
                  field)


_live_mariadbs = set()
_shared_mariadb = None
_shared_users = 0


def acquire_shared_mariadb():
    """The one MariaDB of the test session, started on first use."""
    global _shared_mariadb, _shared_users
    if _shared_mariadb is None:
        db = MariaDB()
        try:
            db.setup()
        except BaseException:
            db.close()
            raise
        _shared_mariadb = db
    _shared_users += 1
    return _shared_mariadb


def release_shared_mariadb():
    """Stop the session's MariaDB when its last user lets go."""
    global _shared_mariadb, _shared_users
    _shared_users -= 1
    if _shared_users <= 0 and _shared_mariadb is not None:
        db, _shared_mariadb, _shared_users = _shared_mariadb, None, 0
        db.close()


# ---------------------------------------------------------------- Galera

GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so"
HAPROXY = "/usr/sbin/haproxy"

# Failure detection in seconds, not the WAN defaults (a lost node is
# suspected after 2 s and dropped after 4 s): every node is on loopback.
GALERA_EVS = ("evs.keepalive_period=PT0.5S;evs.inactive_check_period=PT0.5S;"
              "evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;"
              "evs.install_timeout=PT4S")

GALERA_CNF = """\
# generated by tests/integration/harness.py
[mysqld]
datadir={datadir}
socket={socket}
port={port}
bind-address=127.0.0.1
user={user}
pid-file={pid_file}
log-error={log_file}
tmpdir={tmpdir}
skip-name-resolve
innodb_buffer_pool_size=64M
# what Galera needs
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider={provider}
wsrep_cluster_name=social_test
wsrep_cluster_address=gcomm://{peers}
wsrep_node_name=node{index}
wsrep_node_address=127.0.0.1:{gcomm_port}
wsrep_provider_options="base_host=127.0.0.1;base_port={gcomm_port};ist.recv_addr=127.0.0.1:{ist_port};gcache.size=64M;{evs}"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:{sst_port}
# Galera sets auto_increment_increment/offset by the cluster's size
wsrep_auto_increment_control=ON
# a read waits until the node has applied what the cluster committed
# before it began (causal reads): what one httpd node wrote, the other reads
wsrep_sync_wait=1
"""


class GaleraNode(MariaDB):
    """One node of a GaleraCluster: its own data directory, socket, SQL
    port, group-communication (gmcast) port, IST port and SST port, all on
    127.0.0.1. The node runs as the `mysql` user when the tests run as
    root: the rsync state transfer's daemon then writes the data
    directory as its owner (run as root it would drop to `nobody`)."""

    def __init__(self, cluster, index):
        super().__init__(base_dir=cluster.base / ("node%d" % index), use_env=False)
        self.cluster = cluster
        self.index = index
        self.gcomm_port = free_port()
        self.ist_port = free_port()
        self.sst_port = free_port()
        self.cnf = self.base / "my.cnf"
        self.name = "galera%d" % index

    def write_cnf(self):
        user = "mysql" if os.geteuid() == 0 else ""
        text = GALERA_CNF.format(
            datadir=self.datadir, socket=self.socket, port=self.port,
            user=user or "", pid_file=self.pid_file, log_file=self.log_file,
            tmpdir=self.tmpdir, provider=GALERA_PROVIDER,
            peers=",".join("127.0.0.1:%d" % n.gcomm_port for n in self.cluster.nodes),
            index=self.index, gcomm_port=self.gcomm_port, ist_port=self.ist_port,
            sst_port=self.sst_port, evs=GALERA_EVS)
        if not user:
            text = text.replace("user=\n", "")
        self.cnf.write_text(text)
        self.datadir.mkdir(parents=True, exist_ok=True)
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self._own()

    def _own(self):
        if os.geteuid() != 0:
            return
        import pwd
        pw = pwd.getpwnam("mysql")
        for root, dirs, files in os.walk(self.base):
            for name in dirs + files:
                try:
                    os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)
                except FileNotFoundError:
                    pass
        os.chown(self.base, pw.pw_uid, pw.pw_gid)

    def install(self):
        """The first node's system tables; the others get theirs from it
        by state transfer."""
        res = subprocess.run([MARIADB_INSTALL_DB, "--defaults-file=%s" % self.cnf,
                              "--auth-root-authentication-method=normal",
                              "--skip-test-db"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=180)
        if res.returncode != 0:
            raise RuntimeError("mariadb-install-db failed (%d):\n%s"
                               % (res.returncode, res.stdout.decode(errors="replace")))
        self._own()

    def start(self, bootstrap=False, timeout=120):
        """Start the node; bootstrap=True starts a new cluster with it
        (--wsrep-new-cluster). Returns once the node is Synced."""
        if self.running():
            return
        cmd = [MARIADBD, "--defaults-file=%s" % self.cnf]
        if bootstrap:
            cmd.append("--wsrep-new-cluster")
        else:
            position = self.recover_position()
            if position:
                cmd.append("--wsrep-start-position=%s" % position)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        _live_mariadbs.add(self)
        ok = wait_until(lambda: self.proc.poll() is not None or self.synced(),
                        timeout, 0.2)
        if self.proc.poll() is not None:
            raise RuntimeError("%s exited with %d:\n%s" % (
                self.name, self.proc.returncode, tail(self.log_file, 60)))
        if not ok:
            self.kill9()
            raise RuntimeError("%s did not become Synced:\n%s"
                               % (self.name, tail(self.log_file, 60)))

    def recover_position(self):
        """After a crash the data directory knows the last transaction it
        committed, but grastate.dat says -1 (unknown), which would make the
        node ask for a full state transfer (rsync, the donor blocked for
        writes meanwhile). Read the position from InnoDB first
        (--wsrep-recover, as systemd's galera_recovery does), so the node
        rejoins by incremental transfer (IST) from the others' gcache.
        None for a node that has no data yet."""
        if not (self.datadir / "ibdata1").exists():
            return None
        log = self.base / "recover.log"
        try:
            log.unlink()
        except FileNotFoundError:
            pass
        subprocess.run([MARIADBD, "--defaults-file=%s" % self.cnf, "--wsrep-recover",
                        "--log-error=%s" % log], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        try:
            text = log.read_text(errors="replace")
        except OSError:
            return None
        found = re.findall(r"WSREP: Recovered position: (\S+:-?\d+)", text)
        return found[-1] if found and not found[-1].endswith(":-1") else None

    def status(self, name):
        """A wsrep status variable, or None when the node does not answer."""
        try:
            res = self._client(["--connect-timeout=2", "--batch", "--skip-column-names",
                                "-e", "SHOW GLOBAL STATUS LIKE '%s'" % name],
                               check=False, timeout=10)
        except (subprocess.TimeoutExpired, OSError):
            return None
        if res.returncode != 0:
            return None
        fields = res.stdout.decode().strip().split("\t")
        return fields[1] if len(fields) == 2 else None

    def synced(self) -> bool:
        return self.status("wsrep_local_state_comment") == "Synced"

    def cluster_size(self):
        size = self.status("wsrep_cluster_size")
        return int(size) if size is not None else 0

    def close(self):
        self.thaw()
        self.stop()


class GaleraCluster:
    """Three (or `size`) MariaDB nodes with Galera on loopback, started and
    stopped by their pids. The first node bootstraps the cluster, the
    others join it by state transfer (rsync). The database, its user and
    the migrations are set up through the first node; the DDL replicates
    to the others (total order isolation)."""

    def __init__(self, size=3):
        self.base = Path(make_temp_dir("social-galera-"))
        self.nodes = []
        for index in range(1, size + 1):
            self.nodes.append(GaleraNode(self, index))

    def setup(self):
        for node in self.nodes:
            node.write_cnf()
        self.nodes[0].install()
        self.nodes[0].start(bootstrap=True)
        for node in self.nodes[1:]:
            node.start()
        if not wait_until(lambda: self.nodes[0].cluster_size() == len(self.nodes), 30):
            raise RuntimeError("the cluster has %d nodes, not %d" % (
                self.nodes[0].cluster_size(), len(self.nodes)))
        self.nodes[0]._create_database()
        self.nodes[0].upgrade()
        return self

    def __getitem__(self, k):
        return self.nodes[k]

    def wait_size(self, size, timeout=60):
        """True once every running node sees a cluster of `size`."""
        return wait_until(lambda: all(n.cluster_size() == size
                                      for n in self.nodes if n.running()), timeout, 0.2)

    def close(self):
        for node in reversed(self.nodes):
            try:
                node.close()
            except Exception:
                pass
        if os.environ.get("SOCIAL_TEST_KEEP") != "1":   # logs kept to read after a failure
            shutil.rmtree(self.base, ignore_errors=True)


HAPROXY_CFG = """\
# generated by tests/integration/harness.py
global
    maxconn 512
defaults
    mode tcp
    timeout connect 1s
    timeout client 120s
    timeout server 120s
    retries 3
    option redispatch
listen galera
    bind 127.0.0.1:{port}
    balance leastconn
    # the MariaDB handshake as the passwordless user `haproxy`
    option mysql-check user haproxy post-41
    default-server inter 300ms fastinter 200ms downinter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
{servers}
"""


class HAProxy:
    """Debian's haproxy in TCP mode in front of a GaleraCluster, on a free
    loopback port, with a private configuration; every node is
    health-checked (the MariaDB handshake) every 300 ms. Stopped by its
    pid (recorded under SOCIAL_TEST_RUNDIR)."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.dir = Path(make_temp_dir("social-haproxy-"))
        self.port = free_port()
        self.cfg = self.dir / "haproxy.cfg"
        self.pid_file = self.dir / "haproxy.pid"
        self.log_file = self.dir / "haproxy.log"
        self.proc = None

    def start(self):
        for host in ("127.0.0.1", "localhost"):
            self.cluster[0].sql("CREATE USER IF NOT EXISTS 'haproxy'@'%s'" % host,
                                database=None)
        servers = "\n".join("    server node%d 127.0.0.1:%d check" % (n.index, n.port)
                            for n in self.cluster.nodes)
        self.cfg.write_text(HAPROXY_CFG.format(port=self.port, servers=servers))
        with open(self.log_file, "wb") as log:
            self.proc = subprocess.Popen([HAPROXY, "-db", "-f", str(self.cfg)],
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.pid_file.write_text("%d\n" % self.proc.pid)
        if not wait_until(lambda: self.proc.poll() is not None or port_open(self.port), 15):
            self.stop()
            raise RuntimeError("haproxy does not listen on %d" % self.port)
        if self.proc.poll() is not None:
            raise RuntimeError("haproxy exited with %d:\n%s"
                               % (self.proc.returncode, tail(self.log_file)))
        return self

    def dbd_params(self):
        return self.cluster[0].dbd_params(port=self.port)

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


# ---------------------------------------------------------------- httpd

# Modules loaded from Debian's module directory. mod_log_config, mod_unixd,
# mod_so, mod_logio, mod_version and mod_watchdog are compiled into
# /usr/sbin/apache2 (see `apache2 -l`).
BASE_MODULES = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("alias_module", "mod_alias.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("env_module", "mod_env.so"),
    ("headers_module", "mod_headers.so"),
    ("filter_module", "mod_filter.so"),
    ("include_module", "mod_include.so"),
    ("deflate_module", "mod_deflate.so"),
    # SocialCache's default provider: every suite runs with the cache on
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
]

HTTPD_CONF_TEMPLATE = """\
# generated by tests/integration/harness.py
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{root}/run/httpd.pid"
DefaultRuntimeDir "{root}/run"
ErrorLog "{root}/logs/error_log"
{access_log}
Timeout 30
KeepAlive On

{load_modules}
LoadModule social_module "{module}"
LoadModule dbd_module "{module_dir}/mod_dbd.so"

LogLevel warn{social_loglevel}

{user_group}

StartServers 1
ServerLimit 2
ThreadsPerChild 10
MaxRequestWorkers 20
MinSpareThreads 5
MaxSpareThreads 20

TypesConfig /etc/mime.types
AddDefaultCharset Off
DirectoryIndex index.html

SocialTemplateDir "{template_dir}"
DBDriver mysql
DBDParams "{dbd_params}"

DocumentRoot "{docroot}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{docroot}">
    Options FollowSymLinks
    AllowOverride FileInfo
    Require all granted
{social_on}
</Directory>

{rate_limit}
# The same files as the core serves them without the module.
Alias /_raw/ "{docroot}/"
<Location /_raw/>
    Social Off
</Location>

{extra}
"""


def httpd_environment():
    """The environment httpd starts in. With SOCIAL_HTTPD_PRELOAD (the
    sanitizer runtime, set by `scripts/check --sanitizers`), a module built
    with AddressSanitizer can load into Debian's plain httpd; sanitizer
    reports go to the error log, where the error-log guard fails the test."""
    env = dict(os.environ)
    preload = os.environ.get("SOCIAL_HTTPD_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = preload
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:"
                       "halt_on_error=1:log_path=stderr:quarantine_size_mb=32")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return env


class Httpd:
    """An httpd with mod_social, its own ServerRoot and docroot.

    files: {relative path: bytes or str} written into the docroot.
    conf: extra configuration appended to the generated one; the words
      @DOCROOT@, @ROOT@ and @PORT@ are replaced.
    rate_limit: the SocialRateLimit the server starts with ("off": the
      suites write faster than people do; None: the module's default).
    error_log_allow: regular expressions for error-log lines at level
      error or worse that are expected and do not fail a test.
    module: the mod_social.so to load (default MODULE, this tree's build).
    access_log: False leaves the access log out (scripts/bench)."""

    live = []

    def __init__(self, db=None, files=None, conf="", error_log_allow=(),
                 social_on=True, social_debug=None, modules=(),
                 dbd_params=None, name="httpd", rate_limit="off", module=None,
                 access_log=True):
        self.name = name
        self.module = Path(module) if module is not None else MODULE
        self.db = db
        self.root = Path(make_temp_dir("social-%s-" % name))
        self.docroot = Path(make_temp_dir("social-htdocs-"))
        for sub in ("logs", "run", "conf"):
            (self.root / sub).mkdir()
        self.port = free_port()
        self.conf_path = self.root / "conf" / "httpd.conf"
        self.error_log_path = self.root / "logs" / "error_log"
        self.pid_file = self.root / "run" / "httpd.pid"
        self.error_log_allow = [re.compile(p) for p in error_log_allow]
        self.test_allow = []
        self.checked_until = 0
        self.pid = None
        if social_debug is None:
            social_debug = os.environ.get("SOCIAL_TEST_DEBUG") == "1"
        if dbd_params is None:
            dbd_params = (db.dbd_params() if db is not None else
                          "host=127.0.0.1,port=1,user=%s,pass=%s,dbname=%s,"
                          "reconnect=0,group=mod_social"
                          % (DB_USER, DB_PASSWORD, DB_NAME))
        for path, content in (files or {}).items():
            self.write_file(path, content)
        load = ["LoadModule %s \"%s\"" % (n, APACHE_MODULE_DIR / f)
                for n, f in list(BASE_MODULES) + list(modules)]
        user_group = ("User www-data\nGroup www-data" if os.geteuid() == 0 else "")
        text = HTTPD_CONF_TEMPLATE.format(
            root=self.root, port=self.port, docroot=self.docroot,
            load_modules="\n".join(load), module=self.module,
            access_log=('LogFormat "%h %l %u %t \\"%r\\" %>s %b %D" timed\n'
                        'CustomLog "{root}/logs/access_log" timed'.format(root=self.root)
                        if access_log else ""),
            module_dir=APACHE_MODULE_DIR,
            social_loglevel=" social:debug" if social_debug else "",
            user_group=user_group, template_dir=TEMPLATE_DIR,
            dbd_params=dbd_params,
            social_on="    Social On" if social_on else "",
            rate_limit=("" if rate_limit is None else
                        "# The suites write faster than people do; a suite that tests\n"
                        "# the default limit passes rate_limit=None.\n"
                        "SocialRateLimit %s\n" % rate_limit),
            extra=self.expand(conf))
        self.conf_path.write_text(text)

    # -- files

    def expand(self, text):
        return (text.replace("@DOCROOT@", str(self.docroot))
                .replace("@ROOT@", str(self.root))
                .replace("@PORT@", str(self.port)))

    def write_file(self, path, content, mode=0o644, mtime=None):
        """Write a docroot file (directories 0755, files 0644).

        The file's mtime is a day in the past unless given, so httpd gives
        it a strong ETag and a stable Last-Modified."""
        if isinstance(content, str):
            content = content.encode("utf-8")
        target = self.docroot / path.lstrip("/")
        parent = target.parent
        parent.mkdir(parents=True, exist_ok=True)
        while parent != self.docroot and self.docroot in parent.parents:
            os.chmod(parent, 0o755)
            parent = parent.parent
        target.write_bytes(content)
        os.chmod(target, mode)
        if mtime is None:
            mtime = time.time() - 86400
        os.utime(target, (mtime, mtime))
        return target

    def file_bytes(self, path):
        return (self.docroot / path.lstrip("/")).read_bytes()

    # -- life cycle

    def _ctl(self, action, timeout=60):
        return self._ctl_args(["-k", action], timeout)

    def _ctl_args(self, args, timeout=60):
        return subprocess.run([APACHE2, "-d", str(self.root), "-f",
                               str(self.conf_path)] + args,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout,
                              env=httpd_environment())

    def start(self):
        if not self.module.exists():
            raise RuntimeError("the module is not built: %s" % self.module)
        res = self._ctl("start")
        out = res.stdout.decode(errors="replace")
        if res.returncode != 0:
            raise RuntimeError("httpd did not start (%d):\n%s\n%s"
                               % (res.returncode, out, tail(self.error_log_path)))
        Httpd.live.append(self)
        self.start_output = out
        if not wait_until(lambda: read_pid_file(self.pid_file) is not None, 30):
            raise RuntimeError("httpd wrote no pid file:\n%s\n%s"
                               % (out, tail(self.error_log_path)))
        self.pid = read_pid_file(self.pid_file)
        if not wait_until(lambda: port_open(self.port) or not pid_alive(self.pid),
                          30):
            raise RuntimeError("httpd does not listen on %d:\n%s"
                               % (self.port, tail(self.error_log_path)))
        if not pid_alive(self.pid):
            raise RuntimeError("httpd exited after start:\n%s\n%s"
                               % (out, tail(self.error_log_path)))
        return self

    def stop(self, timeout=30):
        """`apache2 -k stop`, then wait until the parent and its children
        are gone (SIGKILL to exactly those pids if they linger)."""
        if self.pid is None:
            return
        pid = self.pid
        children = child_pids(pid)
        if pid_alive(pid):
            self._ctl("stop")
            if not wait_until(lambda: not pid_alive(pid), timeout):
                for p in [pid] + children:
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                wait_until(lambda: not pid_alive(pid), 10)
        wait_until(lambda: not any(pid_alive(c) for c in children), 10)
        self.pid = None
        if self in Httpd.live:
            Httpd.live.remove(self)

    def stop_and_check(self):
        """Stop; the unexpected error-log lines since the last check."""
        self.stop()
        bad = self.unexpected_errors(self.checked_until)
        self.checked_until = self.error_log_size()
        return bad

    def graceful(self, timeout=30):
        """`apache2 -k graceful`; returns once the new generation runs."""
        done = len(self._resumed_lines())
        res = self._ctl("graceful")
        if res.returncode != 0:
            raise RuntimeError("graceful restart failed:\n%s"
                               % res.stdout.decode(errors="replace"))
        if not wait_until(lambda: len(self._resumed_lines()) > done, timeout):
            raise RuntimeError("no new generation after a graceful restart:\n%s"
                               % tail(self.error_log_path))

    def _resumed_lines(self):
        return [l for l in self.error_log_lines() if "resuming normal operations" in l]

    def config_test(self):
        """`apache2 -t` on the generated configuration: (exit code, output)."""
        res = self._ctl_args(["-t"])
        return res.returncode, res.stdout.decode(errors="replace")

    def cleanup(self):
        self.stop()
        if os.environ.get("SOCIAL_TEST_KEEP") == "1":   # logs kept to read after a failure
            return
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.docroot, ignore_errors=True)

    # -- requests

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def request(self, method, path, headers=None, body=None, timeout=60.0,
                proto="HTTP/1.1"):
        return http_request(self.port, method, path, headers, body, timeout,
                            proto=proto)

    def get(self, path, headers=None, **kw):
        return self.request("GET", path, headers, **kw)

    def head(self, path, headers=None, **kw):
        return self.request("HEAD", path, headers, **kw)

    def post(self, path, body=b"", headers=None, **kw):
        return self.request("POST", path, headers, body=body, **kw)

    # -- error log

    def error_log_size(self):
        try:
            return self.error_log_path.stat().st_size
        except OSError:
            return 0

    def error_log_lines(self, since=0):
        """Lines of the error log from byte offset `since`."""
        try:
            with open(self.error_log_path, "rb") as f:
                f.seek(since)
                data = f.read()
        except OSError:
            return []
        return data.decode("utf-8", "replace").splitlines()

    _SEVERE = re.compile(r"^\[[^\]]*\] \[[^\]:]*:(emerg|alert|crit|error)\]")
    # A child that died of a signal (logged at notice): never expected.
    _CRASH = re.compile(r"AH0005[12]: child pid \d+ exit signal")
    _SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|"
                            r"UndefinedBehaviorSanitizer|runtime error:")
    # the module's own lines, at any level, carry an id: "SOCIAL0102: ..."
    _MODULE_LINE = re.compile(r"^\[[^\]]*\] \[social:")
    _MODULE_ID = re.compile(r"\bSOCIAL\d{4}: ")

    # The MPM's notice that the test server's few threads are nearly all
    # busy (logged at error level): concurrent tests reach it on two cores
    # whatever the module does. It is about the test server's size.
    _CAPACITY = re.compile(r"AH10159: server is within MinSpareThreads")

    def allow_errors(self, *patterns):
        """Expect error-log lines matching these patterns in this test."""
        self.test_allow.extend(re.compile(p) for p in patterns)

    def unexpected_errors(self, since=0):
        """Error-log lines at error level or worse (or from a sanitizer)
        that neither the test module nor the current test expects, and
        lines of the module without their SOCIALnnnn id."""
        bad = []
        allow = [self._CAPACITY] + self.error_log_allow + self.test_allow
        for line in self.error_log_lines(since):
            if self._MODULE_LINE.search(line) and not self._MODULE_ID.search(line):
                bad.append(line + "    <- a mod_social line without its id")
                continue
            if not (self._SEVERE.search(line) or self._SANITIZER.search(line)
                    or self._CRASH.search(line)):
                continue
            if any(p.search(line) for p in allow) and not self._CRASH.search(line):
                continue
            bad.append(line)
        return bad


@contextlib.contextmanager
def serving(server):
    """Starts server for a with-block; afterwards stops it and fails the
    test (module) if its error log has unexpected lines at warn or worse."""
    import pytest
    try:
        server.start()
        yield server
    finally:
        bad = server.stop_and_check()
        if not bad:
            server.cleanup()
    if bad:
        pytest.fail("unexpected error-log lines at shutdown:\n  " + "\n  ".join(bad))


def error_log_marks():
    """Where each running httpd's error log ends now."""
    return {id(s): s.error_log_size() for s in Httpd.live}


def error_log_problems(marks):
    """Unexpected error-log lines each running httpd wrote since `marks`,
    as one message per server; forgets the allowances of the test."""
    if Httpd.live:
        time.sleep(0.02)  # let a worker finish the line for the last request
    problems = []
    for server in list(Httpd.live):
        bad = server.unexpected_errors(marks.get(id(server), 0))
        server.checked_until = server.error_log_size()
        server.test_allow = []
        if bad:
            problems.append("%s:\n  %s" % (server.error_log_path, "\n  ".join(bad)))
    return problems


def _stop_everything():
    for h in list(Httpd.live):
        try:
            h.cleanup()
        except Exception:
            pass
    for db in list(_live_mariadbs):
        try:
            db.close()
        except Exception:
            pass


atexit.register(_stop_everything)
