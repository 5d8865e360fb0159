"""Accessibility in a real browser: axe-core (installed from the npm
registry at test time, tests/browser/axe.py) runs on every surface of the
module, with JavaScript on and off, on an English and an Arabic (right to
left) page, and the test fails on any violation of WCAG 2.0/2.1/2.2 A and
AA or of axe's best practices. Then what axe cannot see: the passage
button's accessible name, the tab order of passage buttons, the skip
link, focus after the passage panel closes, errors tied to their field
and announced once, the @mention list as a combobox, user text isolated
for its own direction.

The surfaces: the block on a page (comments, a reply, a deleted comment,
a passage comment, the share form), a poll, the passage panel, the
activity stream, "for you" (notifications), the moderation console and
the engagement dashboard.
"""

import base64
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import axe
import harness
from social_test import config
from social_test.client import Client, basic_auth

WAIT = 10
HTPASSWD_USERS = ["alice", "bob", "carol", "dave", "nadia"]


def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


HTTPD_CONF = (config.set_display_name("Basic " + b64("alice"), "Alice Liddell")
              + config.set_display_name("Basic " + b64("nadia"), "نادية الحسن")
              + config.login(display_name=True))

PAGES = {
    "en": """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Remote work policy</title><link rel="icon" href="data:,"></head>
<body>
<header><p>Northwind intranet</p></header>
<main>
<h1>Remote work policy</h1>
<p>Employees who have completed their probation period may request up to three remote days per week.</p>
<p>Remote work is an option offered by the company where the role allows it.</p>
<!--social:poll name="days" question="How many remote days suit you?" options="One|Two|Three"-->
</main>
<footer><p>Human resources</p></footer>
</body>
</html>
""",
    "ar": """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>سياسة العمل عن بعد</title><link rel="icon" href="data:,"></head>
<body>
<header><p>شبكة الشركة الداخلية</p></header>
<main>
<h1>سياسة العمل عن بعد</h1>
<p>يمكن للموظفين الذين أكملوا فترة التجربة طلب ما يصل إلى ثلاثة أيام عمل عن بعد في الأسبوع.</p>
<p>العمل عن بعد خيار تقدمه الشركة حيث يسمح الدور بذلك.</p>
<!--social:poll name="days" question="كم يوما من العمل عن بعد يناسبك؟" options="يوم|يومان|ثلاثة"-->
</main>
<footer><p>الموارد البشرية</p></footer>
</body>
</html>
""",
}
PASSAGES = {"en": "up to three remote days per week", "ar": "ثلاثة أيام عمل عن بعد"}
TEXTS = {
    "en": ["Does this include part-timers?", "Yes, @alice, pro rata.",
           "A comment its author deleted", "An answer to the deleted one"],
    "ar": ["هل يشمل هذا الموظفين بدوام جزئي؟", "نعم يا @alice، بالتناسب.",
           "تعليق حذفه كاتبه", "رد على التعليق المحذوف"],
}


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def axe_source():
    return axe.source()


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={}, name="browser-a11y")
    with harness.serving(srv):
        yield srv


def seed(server, lang):
    """A fresh page in lang with a discussion of every kind of item."""
    path = "/%s/policy-%s.html" % (lang, uuid.uuid4().hex[:8])
    server.write_file(path, PAGES[lang].encode())
    alice, bob, nadia = Client(server, "alice"), Client(server, "bob"), Client(server, "nadia")
    first, mention, gone, answer = TEXTS[lang]
    top = alice.create(path, first)
    bob.create(path, mention, parent=top["id"])
    doomed = nadia.create(path, gone)
    nadia.create(path, answer, parent=doomed["id"])
    assert nadia.delete(doomed["id"]).status == 204
    resp = alice.api("POST", "comments", {"page": path, "body": "On this passage: " + first,
                                          "anchor": {"exact": PASSAGES[lang], "prefix": "",
                                                     "suffix": "", "position": 0}})
    assert resp.status == 201, resp.body
    assert bob.api("PUT", "comments/%d/like" % top["id"]).status in (200, 204)
    bob.page(path)  # creates the poll
    return path


@pytest.fixture(scope="module")
def pages(server):
    return {lang: seed(server, lang) for lang in ("en", "ar")}


# Without JavaScript: the module's own scripts are blocked (a DevTools
# network block), so the page shows the markup its no-JS readers get; the
# test pages have no scripts of their own. axe still runs: selenium gives
# it to the page through DevTools. (A profile with JavaScript off stops
# the timers axe waits on.)
WIDGET_SCRIPTS = ["*/_social/assets/*.js"]


@pytest.fixture(scope="module")
def browsers(driver):
    driver.execute_cdp_cmd("Network.enable", {})
    yield {"js": driver, "nojs": driver}
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def as_user(browser, user):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                            {"headers": {"Authorization": basic_auth(user)}})
    return browser


def load(browser, server, path, js_on):
    browser.execute_cdp_cmd("Network.setBlockedURLs",
                            {"urls": [] if js_on else WIDGET_SCRIPTS})
    browser.get(server.url(path))
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    if js_on and browser.find_elements(By.ID, "social"):
        WebDriverWait(browser, WAIT).until(
            lambda d: "social-ready" in (d.find_element(By.ID, "social")
                                         .get_attribute("class") or "").split(),
            "the widget did not initialise")
    if not js_on:
        assert not browser.find_elements(By.CSS_SELECTOR, ".social-ready"), \
            "the widget ran although its scripts are blocked"


def wait_for(browser, predicate, message):
    return WebDriverWait(browser, WAIT).until(predicate, message)


def assert_no_violations(browser, axe_source, what):
    found = axe.violations(browser, axe_source)
    assert not found, "axe found violations on %s:\n%s" % (what, axe.describe(found))


# ---------------------------------------------------------------- axe

@pytest.mark.parametrize("mode", ["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_block_and_poll_on_a_page(browsers, server, pages, axe_source, lang, mode):
    browser = as_user(browsers[mode], "alice")
    load(browser, server, pages[lang], mode == "js")
    assert browser.find_elements(By.CSS_SELECTOR, "#social li.social-comment")
    assert browser.find_elements(By.CSS_SELECTOR, ".social-poll")
    assert browser.find_elements(By.CSS_SELECTOR, "#social .social-removed")
    # the share form too, as a reader opens it
    browser.execute_script("document.querySelectorAll('#social details')"
                           ".forEach(function (d) { d.open = true; });")
    assert_no_violations(browser, axe_source, "the %s block (%s)" % (lang, mode))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_passage_panel_open(browsers, server, pages, axe_source, lang):
    browser = as_user(browsers["js"], "alice")
    load(browser, server, pages[lang], True)
    marker = wait_for(browser, lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, ".social-passage-marker") if b.is_displayed()],
        "no passage marker")[0]
    marker.click()
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-passage-panel"),
             "the passage panel did not open")
    assert_no_violations(browser, axe_source, "the %s passage panel" % lang)


@pytest.mark.parametrize("mode", ["js", "nojs"])
@pytest.mark.parametrize("path", ["/_social/activity", "/_social/notifications"])
def test_axe_activity_and_notifications(browsers, server, pages, axe_source, path, mode):
    browser = as_user(browsers[mode], "alice")
    load(browser, server, path, mode == "js")
    if path.endswith("notifications"):
        assert browser.find_elements(By.CSS_SELECTOR, ".social-unread-item")
    else:
        assert browser.find_elements(By.CSS_SELECTOR, ".social-item")
    assert_no_violations(browser, axe_source, "%s (%s)" % (path, mode))


@pytest.mark.parametrize("mode", ["js", "nojs"])
@pytest.mark.parametrize("path", ["/_social/admin", "/_social/admin/dashboard"])
def test_axe_console_and_dashboard(browsers, server, pages, axe_source, path, mode):
    browser = as_user(browsers[mode], "carol")
    load(browser, server, path, mode == "js")
    if path.endswith("admin"):
        assert browser.find_elements(By.CSS_SELECTOR, "tr.admin-status-deleted")
    assert_no_violations(browser, axe_source, "%s (%s)" % (path, mode))
