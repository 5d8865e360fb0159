"""Ideas boards in a real browser (headless Debian chromium), with
JavaScript on and off: submit an idea, vote for it, and (as carol, the
moderator) set its status with a public response.

With JavaScript the widget sends the board's forms with fetch and swaps in
the board the server renders; the page is never reloaded (a value put on
window survives). Without JavaScript the same forms are plain HTML forms
that come back to the page at #idea-ID.
"""

import uuid
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import harness
from social_test import config
from social_test.client import Client
from test_comments_browser import (WAIT, assert_no_reload, authenticate, js,  # noqa: F401
                                   load, mark_window, nojs, wait_for, wait_widget)

HTTPD_CONF = config.login()

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Cost ideas</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>Ways to cut costs</h1>
<!--social:ideas name="costs" title="Ways to cut costs"-->
</body>
</html>
"""

BOARD = "#ideas-costs"


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        name="browser-ideas")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


def new_page(server):
    path = "/ideas-%s.html" % uuid.uuid4().hex[:12]
    server.write_file(path, PAGE)
    return path


def ideas(client, path):
    resp = client.api("GET", "ideas?board=costs&page=" + quote(path, safe="/"))
    assert resp.status == 200, resp.body
    return resp.json()["ideas"]


def text(browser, css):
    try:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        return " ".join(found[0].text.split()) if found else None
    except StaleElementReferenceException:
        return None


def submit_idea(browser, title, body):
    browser.find_element(By.CSS_SELECTOR, BOARD + " input[name=title]").send_keys(title)
    browser.find_element(By.CSS_SELECTOR, BOARD + " textarea[name=text]").send_keys(body)
    browser.find_element(By.CSS_SELECTOR, BOARD + " form.social-idea-form button").click()


def click_vote(browser, idea_id):
    browser.find_element(By.CSS_SELECTOR, "#idea-%d form.social-idea-vote-form button"
                         % idea_id).click()


def set_status(browser, idea_id, status, response):
    form = "#idea-%d form.social-idea-status-form" % idea_id
    Select(browser.find_element(By.CSS_SELECTOR, form + " select")).select_by_value(status)
    area = browser.find_element(By.CSS_SELECTOR, form + " textarea")
    area.clear()
    area.send_keys(response)
    browser.find_element(By.CSS_SELECTOR, form + " button").click()


def wait_url(browser, suffix, message):
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.endswith(suffix), message)


# ---------------------------------------------------------------- with JavaScript

def test_js_submit_vote_and_set_status_in_place(js, server, alice):
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    marker = mark_window(js)
    submit_idea(js, "Turn the heating down one degree", "Saves *gas*.")
    wait_for(js, lambda d: len(ideas(alice, path)) == 1, "the idea was not stored")
    [idea] = ideas(alice, path)
    wait_for(js, lambda d: "Turn the heating down one degree" in (text(d, BOARD) or ""),
             "the idea did not appear on the board")
    assert_no_reload(js, marker)
    click_vote(js, idea["id"])
    wait_for(js, lambda d: ideas(alice, path)[0]["votes"] == 1, "the vote was not stored")
    wait_for(js, lambda d: text(d, "#idea-%d .social-idea-count" % idea["id"]) == "1 vote",
             "the vote count did not change in place")
    wait_for(js, lambda d: d.find_elements(By.CSS_SELECTOR, "#idea-%d button.social-idea-unvote"
                                           % idea["id"]), "no button to take the vote back")
    assert_no_reload(js, marker)
    # carol, the moderator, answers it
    authenticate(js, "carol")
    try:
        load(js, server, path)
        wait_widget(js)
        marker = mark_window(js)
        set_status(js, idea["id"], "planned", "In the 2027 budget.")
        wait_for(js, lambda d: ideas(alice, path)[0]["status"] == "planned",
                 "the status was not stored")
        wait_for(js, lambda d: "In the 2027 budget." in (
            text(d, "#idea-%d .social-idea-response" % idea["id"]) or ""),
            "the response did not show in place")
        assert text(js, "#idea-%d .social-idea-status" % idea["id"]) == "planned"
        assert_no_reload(js, marker)
    finally:
        authenticate(js, "alice")


# ---------------------------------------------------------------- without JavaScript

def test_nojs_submit_vote_and_set_status_with_plain_forms(nojs, server, alice):
    path = new_page(server)
    load(nojs, server, path)
    submit_idea(nojs, "Share taxis to the airport", "Book together.")
    wait_for(nojs, lambda d: len(ideas(alice, path)) == 1, "the idea was not stored")
    [idea] = ideas(alice, path)
    wait_url(nojs, path + "?social=idea#idea-%d" % idea["id"], "no redirect back to the idea")
    assert "Share taxis to the airport" in text(nojs, BOARD)
    click_vote(nojs, idea["id"])
    wait_url(nojs, path + "?social=voted#idea-%d" % idea["id"], "no redirect after the vote")
    assert ideas(alice, path)[0]["votes"] == 1
    assert text(nojs, "#idea-%d .social-idea-count" % idea["id"]) == "1 vote"
    authenticate(nojs, "carol")
    try:
        load(nojs, server, path)
        set_status(nojs, idea["id"], "declined", "Travel policy forbids it.")
        wait_url(nojs, "#idea-%d" % idea["id"], "no redirect after the status")
        wait_for(nojs, lambda d: ideas(alice, path)[0]["status"] == "declined",
                 "the status was not stored")
        assert "Travel policy forbids it." in text(nojs, "#idea-%d .social-idea-response"
                                                   % idea["id"])
    finally:
        authenticate(nojs, "alice")


# ---------------------------------------------------------------- the idea's own page

def comment_and_wait(browser, alice, thread, words):
    box = browser.find_element(By.ID, "social-new-body")
    box.send_keys(words)
    browser.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    wait_for(browser, lambda d: any(c["body"] == words for c in alice.listing(thread)["comments"]),
             "the comment was not stored")
    wait_for(browser, lambda d: words in (text(d, "#social") or ""),
             "the comment did not show")


def test_js_and_nojs_discuss_an_idea_on_its_own_page(js, nojs, server, alice):
    path = new_page(server)
    Client(server, "alice").get(path)
    resp = alice.api("POST", "ideas", {"page": path, "board": "costs", "title": "Bike racks",
                                       "text": "More of them."})
    assert resp.status == 201, resp.body
    idea = resp.json()
    load(js, server, "/_social/ideas/%d" % idea["id"])
    wait_widget(js)
    marker = mark_window(js)
    comment_and_wait(js, alice, idea["thread"], "With JavaScript")
    assert_no_reload(js, marker)
    load(nojs, server, "/_social/ideas/%d" % idea["id"])
    comment_and_wait(nojs, alice, idea["thread"], "Without JavaScript")
    wait_url(nojs, "#comment-%d" % alice.listing(idea["thread"])["comments"][-1]["id"],
             "no redirect back to the idea's page")
    assert "/_social/ideas/%d" % idea["id"] in nojs.current_url
    assert ideas(alice, path)[0]["comments"] == 2
