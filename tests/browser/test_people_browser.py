"""A colleague who has only viewed a page is someone (issue: the
employee's first week), in a real browser: the fourth person, who has
never written, liked or shared anything, is offered by @-completion, gets
no "nobody called" warning, can be shared with from the page's share form,
and finds the mention and the share under "For you" in their own browser.
"""

import time
import uuid

import pytest
from selenium.webdriver.common.by import By

import harness
from social_test import config
from social_test.client import Client, fresh_page
from test_comments_browser import (PAGE, authenticate, load, wait_for, wait_widget)

FOURTH = "viewer%s" % uuid.uuid4().hex[:6]
HTPASSWD_USERS = ["alice", "bob", "carol", FOURTH]


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=config.login().replace("@HTPASSWD@", htpasswd),
                        files={"index.html": PAGE}, name="browser-people")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def browser(driver):
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def test_a_colleague_who_only_viewed_a_page_is_found_mentioned_and_shared_with(
        browser, server):
    alice = Client(server, "alice")
    fourth = Client(server, FOURTH)
    page = fresh_page(server, content=PAGE)

    # the fourth person only reads a page, in their browser
    authenticate(browser, FOURTH)
    load(browser, server, fresh_page(server, content=PAGE))
    wait_widget(browser)
    assert fourth.api("GET", "notifications").json()["items"] == []

    # alice writes to them: completion offers them, no warning
    authenticate(browser, "alice")
    load(browser, server, page)
    wait_widget(browser)
    box = browser.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    box.send_keys("Welcome @" + FOURTH[:5])
    # offered by completion; the list takes the choice on mousedown (the
    # box keeps the focus). Found and pressed in one step: the widget
    # redraws the list as it completes.
    pick = ("var o = Array.from(document.querySelectorAll("
            "'#social ul.social-mentions li[role=option]')).filter("
            "function (li) { return li.getAttribute('data-social-user') === arguments[0]; })[0];"
            "if (!o) { return false; }"
            "o.dispatchEvent(new MouseEvent('mousedown', {bubbles: true})); return true;")
    wait_for(browser, lambda d: d.execute_script(pick.replace("arguments[0]", "'%s'" % FOURTH)),
             "not offered by completion")
    wait_for(browser, lambda d: ("@%s " % FOURTH) in box.get_attribute("value"),
             "completion did not insert the name")
    box.send_keys("have a look.")
    time.sleep(1.0)                       # the warning check runs 400 ms after typing
    assert not [n for n in browser.find_elements(
        By.CSS_SELECTOR, "#social .social-mention-warning") if n.is_displayed()]
    browser.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    wait_for(browser, lambda d: len(alice.listing(page)["comments"]) == 1, "not posted")
    # the widget has put the discussion back (with the comment) before we go on
    wait_for(browser, lambda d: "have a look." in d.execute_script(
        "return document.querySelector('#social ol.social-comments').textContent"),
        "the posted comment is not shown")

    # and shares the page with them from the page's share form
    browser.find_element(By.CSS_SELECTOR, "#social details.social-share summary").click()
    browser.find_element(By.ID, "social-share-to").send_keys(FOURTH)
    browser.find_element(By.ID, "social-share-note").send_keys("for your first week")
    browser.find_element(By.CSS_SELECTOR, "#social form.social-share-form button[type=submit]") \
        .click()
    wait_for(browser, lambda d: [s for s in fourth.api("GET", "shares").json()["shares"]
                                 if s["page"] == page], "the share did not reach them")

    # the fourth person finds both under "For you"
    authenticate(browser, FOURTH)
    load(browser, server, "/_social/notifications")
    items = browser.find_elements(By.CSS_SELECTOR, "ol.social-stream li.social-item")
    kinds = sorted(i.get_attribute("class").split("social-note-")[1].split()[0] for i in items)
    assert kinds == ["mention", "share"], [i.text for i in items]
    assert any("for your first week" in i.text for i in items)
