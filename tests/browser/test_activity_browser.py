"""The activity stream and "for you" in a real browser (headless Debian
chromium), logged in as alice through HTTP Basic (a CDP extra header, as
an intranet with single sign-on would send credentials).

- the stream page renders what colleagues did, styled, without console
  errors, and its filter form works;
- the unread count in the page block and on "for you" goes down when a
  notification is marked read;
- typing @ and the start of a name in a comment box offers people.
"""

import re
import uuid

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.client import Client, basic_auth, fresh_page

HTTPD_CONF = config.login(moderator_user=None)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Canteen</title><link rel="icon" href="data:,"></head>
<body><h1 id="headline">Canteen</h1><p>Menu of the week.</p></body>
</html>
"""

WAIT = 10
RUN = uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={"index.html": PAGE}, name="browser-activity")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def browser(driver):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                           {"headers": {"Authorization": basic_auth("alice")}})
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


@pytest.fixture(scope="module")
def bob(server):
    return Client(server, "bob")


def load(browser, server, path):
    browser.get(server.url(path))
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def severe_console_errors(browser):
    """Console errors, but for the favicon the test site does not have."""
    return [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"
            and "favicon.ico" not in e.get("message", "")]


def unread_in_block(browser):
    found = browser.find_elements(By.CSS_SELECTOR, "#social .social-unread")
    if not found:
        return 0
    m = re.search(r"\((\d+) unread\)", found[0].text)
    assert m, found[0].text
    return int(m.group(1))


def test_stream_page_renders_and_filters(browser, server, alice, bob):
    area = "act-%s" % RUN
    page = fresh_page(server, area=area, content=PAGE)
    bob.create(page, "The soup is back on Thursday")
    alice.create(page, "Great news")
    browser.get_log("browser")   # start clean
    load(browser, server, "/_social/activity?section=/%s/" % area)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Activity in /%s/" % area
    items = browser.find_elements(By.CSS_SELECTOR, ".social-stream .social-item")
    assert [i.find_element(By.CSS_SELECTOR, ".social-body").text for i in items] == [
        "Great news", "The soup is back on Thursday"]
    assert "commented on" in items[1].text and "bob" in items[1].text
    # styled by our stylesheets (the bar is dark, the list has no bullets)
    bar = browser.find_element(By.CSS_SELECTOR, ".social-bar")
    assert bar.value_of_css_property("background-color") == "rgba(31, 58, 95, 1)"
    assert browser.find_element(By.CSS_SELECTOR, ".social-stream") \
        .value_of_css_property("list-style-type") == "none"
    # filter by person with the form
    field = browser.find_element(By.ID, "social-filter-user")
    field.clear()
    field.send_keys("bob")
    browser.find_element(By.CSS_SELECTOR, ".social-filter button[type=submit]").click()
    WebDriverWait(browser, WAIT).until(lambda d: "user=bob" in d.current_url)
    bodies = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".social-item .social-body")]
    assert "The soup is back on Thursday" in bodies and "Great news" not in bodies
    # the item links to the comment on its page
    link = browser.find_element(By.CSS_SELECTOR, ".social-item .social-item-page")
    assert re.search(r"#comment-\d+$", link.get_attribute("href"))
    assert severe_console_errors(browser) == []


def test_unread_count_goes_down_when_an_item_is_read(browser, server, alice, bob):
    page = fresh_page(server, content=PAGE)
    top = alice.create(page, "Who wants the last slice?")
    bob.create(page, "Me!", parent=top["id"])
    bob.create(page, "Actually, you have it.", parent=top["id"])
    load(browser, server, page)
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#social .social-unread"))
    before = unread_in_block(browser)
    assert before >= 2
    browser.find_element(By.CSS_SELECTOR, "#social a.social-for-you").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.endswith("/_social/notifications"))
    counter = browser.find_element(By.CSS_SELECTOR, ".social-unread-count")
    assert int(counter.get_attribute("data-social-unread")) == before
    item = browser.find_element(By.XPATH, "//li[contains(@class, 'social-unread-item')]"
                                          "[.//blockquote[text()='Actually, you have it.']]")
    item.find_element(By.CSS_SELECTOR, "button.social-mark-read").click()
    # the form posts and the page is replaced: a counter found just before
    # may be gone by the time it is read
    WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: int(d.find_element(By.CSS_SELECTOR, ".social-unread-count")
                      .get_attribute("data-social-unread")) == before - 1)
    assert "%d unread" % (before - 1) in browser.find_element(By.CSS_SELECTOR, ".social-bar").text \
        or before - 1 == 0
    load(browser, server, page)
    assert unread_in_block(browser) == before - 1
    # and all at once
    browser.find_element(By.CSS_SELECTOR, "#social a.social-for-you").click()
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                                                 "button.social-read-all"))
    browser.find_element(By.CSS_SELECTOR, "button.social-read-all").click()
    WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".social-unread-count").text == "Nothing unread.")
    load(browser, server, page)
    assert unread_in_block(browser) == 0


def test_typing_at_offers_people(browser, server, bob):
    page = fresh_page(server, content=PAGE)
    bob.create(page, "hello")   # bob has been seen
    load(browser, server, page)
    WebDriverWait(browser, WAIT).until(
        lambda d: "social-ready" in (d.find_element(By.ID, "social").get_attribute("class") or ""))
    box = browser.find_element(By.ID, "social-new-body")
    box.send_keys("Thanks @bo")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".social-mentions [data-social-user='bob']"))
    options = browser.find_elements(By.CSS_SELECTOR, ".social-mentions li")
    assert options[0].get_attribute("aria-selected") == "true"
    pick = [k for k, o in enumerate(options) if o.get_attribute("data-social-user") == "bob"][0]
    for _ in range(pick):
        box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)
    assert box.get_attribute("value") == "Thanks @bob "
    assert browser.find_elements(By.CSS_SELECTOR, ".social-mentions") == []
