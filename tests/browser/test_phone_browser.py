"""Phones: at 360 CSS pixels wide (a small Android phone; the test pages,
like most legacy intranet pages, have no viewport meta, so the window
itself is made that narrow) the block with
its poll, the passage panel, the moderation console and the engagement
dashboard fit the screen (no sideways scrolling: the document is no wider
than the viewport), nothing of the console's header overlaps, and the
dashboard lists the days something happened, not rows of zeros."""

import pytest
from selenium.webdriver.common.by import By

from social_test.client import Client
from test_a11y_browser import (HTTPD_CONF, HTPASSWD_USERS, as_user, load, seed,  # noqa: F401
                               server, pages, wait_for)

WIDTH = 360

__all__ = ["server", "pages", "HTTPD_CONF", "HTPASSWD_USERS"]


@pytest.fixture(scope="module")
def phone(driver, server):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": 740, "deviceScaleFactor": 2, "mobile": False})
    yield driver
    driver.get("about:blank")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


WIDTHS_JS = """
return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
        wide: Array.from(document.querySelectorAll('body *')).filter(function (e) {
          var r = e.getBoundingClientRect();
          return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1)
                 && getComputedStyle(e).position !== 'fixed'
                 && !e.closest('.social-skip, .social-passage-ui');
        }).slice(0, 5).map(function (e) { return e.tagName + '.' + e.className; })};
"""


def assert_fits(browser, what):
    w = browser.execute_script(WIDTHS_JS)
    assert w["inner"] == WIDTH, w
    assert w["scroll"] <= w["inner"], "%s scrolls sideways at %d px: %r" % (what, WIDTH, w)


def test_block_and_poll_fit_a_phone(phone, server, pages):
    browser = as_user(phone, "alice")
    for lang in ("en", "ar"):
        load(browser, server, pages[lang], True)
        browser.execute_script("document.querySelectorAll('#social details')"
                               ".forEach(function (d) { d.open = true; });")
        assert browser.find_elements(By.CSS_SELECTOR, ".social-poll")
        assert_fits(browser, "the %s block" % lang)


def test_passage_panel_fits_a_phone(phone, server, pages):
    browser = as_user(phone, "alice")
    load(browser, server, pages["en"], True)
    marker = wait_for(browser, lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, ".social-passage-marker") if b.is_displayed()],
        "no passage marker")[0]
    browser.execute_script("arguments[0].click();", marker)
    panel = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-passage-panel"),
                     "the passage panel did not open")[0]
    box = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", panel)
    assert box[0] >= 0 and box[1] <= WIDTH, box
    assert_fits(browser, "the page with the passage panel")


def overlaps(browser, a, b):
    """Do two elements' boxes (each line of an inline one) intersect?"""
    return browser.execute_script(
        "var as = Array.from(arguments[0].getClientRects()), bs = Array.from(arguments[1].getClientRects());"
        "return as.some(function (a) { return bs.some(function (b) {"
        "  return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top);"
        "}); });", a, b)


@pytest.mark.parametrize("path", ["/_social/admin", "/_social/admin/dashboard"])
def test_console_and_dashboard_fit_a_phone(phone, server, pages, path):
    browser = as_user(phone, "carol")
    load(browser, server, path, True)
    assert_fits(browser, path)
    who = browser.find_element(By.CSS_SELECTOR, ".admin-who")
    assert "Signed in as" in who.text
    for other in browser.find_elements(By.CSS_SELECTOR, ".admin-header h1, .admin-header nav a"):
        assert not overlaps(browser, who, other), "%r overlaps %r" % (who.text, other.text)


@pytest.mark.parametrize("path", ["/_social/activity", "/_social/notifications"])
def test_activity_and_notifications_fit_a_phone(phone, server, pages, path):
    browser = as_user(phone, "alice")
    load(browser, server, path, True)
    assert_fits(browser, path)
    bar = browser.find_elements(By.CSS_SELECTOR, ".social-bar a, .social-bar .social-who")
    for k, a in enumerate(bar):
        for b in bar[k + 1:]:
            assert not overlaps(browser, a, b), "%r overlaps %r" % (a.text, b.text)


def test_dashboard_shows_what_happened_not_rows_of_zeros(phone, server, pages):
    browser = as_user(phone, "carol")
    load(browser, server, "/_social/admin/dashboard", True)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.admin-days tbody tr")
    assert rows, "the seeded comments of today are not listed"
    for tr in rows:
        figures = [int(td.text) for td in tr.find_elements(By.TAG_NAME, "td")]
        assert sum(figures) > 0, "a row of zeros: %s" % tr.text
    quiet = browser.find_element(By.CSS_SELECTOR, "p.admin-quiet")
    assert int(quiet.get_attribute("data-quiet-days")) + len(rows) == 30
    assert "without any activity" in quiet.text
    chart = browser.find_element(By.CSS_SELECTOR, ".admin-chart svg")
    assert chart.size["width"] >= WIDTH * 0.8, chart.size
