"""Fixtures for the browser tests: the integration harness's httpd and
MariaDB, and a headless Debian chromium driven through chromedriver.

Selenium is given the driver and browser paths, so it never looks for or
downloads a driver of its own.
"""

import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import harness  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def mariadb():
    db = harness.acquire_shared_mariadb()
    yield db
    harness.release_shared_mariadb()


@pytest.fixture(scope="module")
def htpasswd(request):
    """An htpasswd file for the module's HTPASSWD_USERS (default alice,
    bob, carol and dave), every password being the user name."""
    users = getattr(request.module, "HTPASSWD_USERS", harness.DEFAULT_USERS)
    directory, path = harness.make_htpasswd(users)
    yield path
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd(request, mariadb):
    """One httpd per test module, from its HTTPD_FILES and HTTPD_CONF."""
    server = harness.Httpd(db=mariadb,
                           files=getattr(request.module, "HTTPD_FILES", {}),
                           conf=getattr(request.module, "HTTPD_CONF", ""),
                           error_log_allow=getattr(request.module, "ERROR_LOG_ALLOW", ()),
                           name="browser")
    with harness.serving(server):
        yield server


@pytest.fixture(scope="session")
def driver():
    profile = tempfile.mkdtemp(prefix="social-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--no-default-browser-check", "--disable-breakpad",
                "--disable-crash-reporter", "--window-size=1280,1024",
                "--user-data-dir=%s" % profile):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(CHROMEDRIVER, log_path=os.path.join(profile, "chromedriver.log"))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(autouse=True)
def _error_log_guard():
    """Fail the test if the httpd logged errors it did not expect."""
    marks = harness.error_log_marks()
    yield
    problems = harness.error_log_problems(marks)
    if problems:
        pytest.fail("unexpected error-log lines:\n" + "\n".join(problems))
