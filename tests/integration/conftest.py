"""Fixtures for the integration tests.

- `mariadb` (session): one MariaDB for the whole run (or the one named by
  SOCIAL_TEST_DB_SOCKET / SOCIAL_TEST_DB_PORT).
- `httpd_factory` (module): starts httpd servers with the files and
  configuration a test module gives; all of them stop after the module.
- `httpd` (module): one server built from the test module's HTTPD_FILES
  (dict path -> bytes), HTTPD_CONF (config text) and HTTPD_MODULES
  ([(module name, file in /usr/lib/apache2/modules)]) attributes.
- `strip_blocks`: the function that removes the module's delimited blocks.

A test module may set ERROR_LOG_ALLOW (regular expressions) for error-log
lines it expects; every other line at level error or worse, or from a
sanitizer, that a server logs during a test fails that test.
"""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from social_test.client import Client  # noqa: E402


@pytest.fixture(scope="session")
def mariadb():
    db = harness.acquire_shared_mariadb()
    yield db
    harness.release_shared_mariadb()


@pytest.fixture(scope="module")
def own_mariadb():
    """A MariaDB of the module's own, for tests that stop it (freeze) and
    must not stop the others' shared one."""
    database = harness.MariaDB(use_env=False)
    try:
        database.setup()
        yield database
    finally:
        database.close()


@pytest.fixture(scope="module")
def htpasswd(request):
    """An htpasswd file for the module's HTPASSWD_USERS (default alice,
    bob, carol and dave), every password being the user name."""
    users = getattr(request.module, "HTPASSWD_USERS", harness.DEFAULT_USERS)
    directory, path = harness.make_htpasswd(users)
    yield path
    shutil.rmtree(directory, ignore_errors=True)


# Basic users of the module's `server` (each module starts its own).
@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


@pytest.fixture(scope="module")
def bob(server):
    return Client(server, "bob")


@pytest.fixture(scope="module")
def carol(server):
    return Client(server, "carol")


@pytest.fixture(scope="module")
def dave(server):
    return Client(server, "dave")


@pytest.fixture(scope="module")
def anon(server):
    return Client(server, None)


@pytest.fixture(scope="module")
def httpd_factory(request, mariadb):
    servers = []
    allow = tuple(getattr(request.module, "ERROR_LOG_ALLOW", ()))

    def make(files=None, conf="", db=None, **kw):
        kw.setdefault("name", request.module.__name__.rsplit(".", 1)[-1])
        allow_all = allow + tuple(kw.pop("error_log_allow", ()))
        server = harness.Httpd(db=db or mariadb, files=files, conf=conf,
                               error_log_allow=allow_all, **kw)
        servers.append(server)
        server.start()
        return server

    yield make
    problems = []
    for server in servers:
        bad = server.stop_and_check()
        if bad:
            problems.append("%s:\n  %s" % (server.error_log_path, "\n  ".join(bad)))
        else:
            server.cleanup()
    if problems:
        pytest.fail("unexpected error-log lines at shutdown:\n" + "\n".join(problems))


@pytest.fixture(scope="module")
def httpd(request, httpd_factory):
    return httpd_factory(files=getattr(request.module, "HTTPD_FILES", {}),
                         conf=getattr(request.module, "HTTPD_CONF", ""),
                         modules=getattr(request.module, "HTTPD_MODULES", ()))


@pytest.fixture
def strip_blocks():
    return harness.strip_blocks


@pytest.fixture(autouse=True)
def _error_log_guard():
    """Fail the test if a running httpd logged errors it did not expect."""
    marks = harness.error_log_marks()
    yield
    problems = harness.error_log_problems(marks)
    if problems:
        pytest.fail("unexpected error-log lines:\n" + "\n".join(problems))
