"""The moderation console in a real browser (headless Debian chromium).

carol, the moderator, opens {base}/admin, finds alice's comment in the
queue, ticks it, gives a reason and hides it with the console's plain
HTML form; the console comes back saying so, with the comment marked
hidden in the queue and the action in the audit log. She then locks a
page from the console and the page's block says the discussion is
locked. alice, who is no moderator, gets a 403 page.

The browser sends credentials on every request (a CDP extra header), as
an intranet with single sign-on would.
"""

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import harness
from social_test import config
from social_test.client import Client, fresh_page
from test_comments_browser import PAGE, WAIT, authenticate, load

HTTPD_CONF = config.login()


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={"index.html": PAGE}, name="browser-admin")
    with harness.serving(srv):
        yield srv


@pytest.fixture
def as_user(driver):
    """Log the session's browser in as a given user for one test."""
    def login(user):
        authenticate(driver, user)
        return driver
    yield login
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def wait_text(browser, css, text):
    WebDriverWait(browser, WAIT).until(
        lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, css)),
        "%r never showed %r" % (css, text))


def test_moderator_hides_a_comment_from_the_queue(server, as_user):
    alice, bob = Client(server, "alice"), Client(server, "bob")
    page = fresh_page(server, content=PAGE)
    word = "queue-" + uuid.uuid4().hex[:8]
    cid = alice.create(page, "Please look at " + word)["id"]
    keep = alice.create(page, "This one stays")["id"]

    browser = as_user("carol")
    load(browser, server, "/_social/admin")
    row = browser.find_element(By.ID, "queue-%d" % cid)
    assert word in row.text and "visible" in row.text
    row.find_element(By.CSS_SELECTOR, "input[type=checkbox][name=id]").click()
    bulk = browser.find_element(By.ID, "bulk")
    Select(bulk.find_element(By.NAME, "action")).select_by_value("hide")
    bulk.find_element(By.NAME, "reason").send_keys("Off topic " + word)
    bulk.find_element(By.ID, "bulk-submit").click()

    wait_text(browser, ".admin-done", "1 comment hidden")
    assert "done=hide" in browser.current_url
    row = browser.find_element(By.ID, "queue-%d" % cid)
    assert "admin-status-hidden" in row.get_attribute("class").split()
    assert "hidden" in row.find_element(By.CSS_SELECTOR, ".admin-status").text
    other = browser.find_element(By.ID, "queue-%d" % keep)
    assert "admin-status-visible" in other.get_attribute("class").split()
    audit = browser.find_element(By.CSS_SELECTOR, "table.admin-audit tbody tr")
    assert "hide" in audit.text and "#%d" % cid in audit.text
    assert "Off topic " + word in audit.text and "carol" in audit.text
    # Other readers no longer see it.
    shown = [c["id"] for c in bob.listing(page)["comments"]]
    assert shown == [keep]


def test_moderator_locks_a_page_and_its_block_says_so(server, as_user):
    alice = Client(server, "alice")
    page = fresh_page(server, content=PAGE)
    alice.create(page, "Before the lock")
    browser = as_user("carol")
    load(browser, server, "/_social/admin")
    form = browser.find_element(By.CSS_SELECTOR, "#locks form.admin-form")
    form.find_element(By.NAME, "page").send_keys(page)
    form.find_element(By.NAME, "reason").send_keys("cooling off")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_text(browser, ".admin-done", "Discussion locked")
    assert page in browser.find_element(By.CSS_SELECTOR, "ul.admin-locked").text

    load(browser, server, page)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#social .social-locked"),
        "the block does not say the discussion is locked")
    assert "Discussion locked" in browser.find_element(
        By.CSS_SELECTOR, "#social .social-locked").text
    assert browser.find_elements(By.CSS_SELECTOR, "#social form.social-new") == []


def test_console_refuses_a_non_moderator(server, as_user):
    browser = as_user("alice")
    load(browser, server, "/_social/admin")
    assert "for moderators only" in browser.find_element(By.CSS_SELECTOR, ".admin-message").text
    assert browser.find_elements(By.ID, "bulk") == []
    assert "403" in browser.find_element(By.CSS_SELECTOR, ".admin-status").text
