"""Surveys in a real browser (headless Debian chromium), with JavaScript on
and off: answer a survey and see the results.

With JavaScript the widget sends the survey's form with fetch and swaps in
the survey's own box (results included); the page is not reloaded.
Without JavaScript the same form is a plain HTML form that comes back to
the page at #survey-NAME. The site is behind HTTP Basic login; the
browser is alice.
"""

import uuid
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

import harness
from social_test import config
from social_test.client import Client
from test_comments_browser import (assert_no_reload, js,  # noqa: F401
                                   load, mark_window, nojs, wait_for, wait_widget)

HTTPD_CONF = config.login() + config.block("/deferred", "SocialRender Deferred")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Assessment</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>Assessment</h1>
<p>Before the roll-out.</p>
{markers}
</body>
</html>
"""

MARKERS = (
    '<!--social:survey name="check" title="Quick check"-->',
    '<!--social:question survey="check" name="team" type="choice" label="Your team?" '
    'options="Sales|Support" required="yes"-->',
    '<!--social:question survey="check" name="tools" type="multiple" label="Tools?" '
    'options="Wiki|Chat|Tracker"-->',
    '<!--social:question survey="check" name="ease" type="scale" label="How easy?" '
    'min="1" max="5"-->',
    '<!--social:question survey="check" name="wish" type="text" label="One wish?"-->',
)

SURVEY = "#survey-check section.social-survey"


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        name="browser-surveys")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


def new_page(server, area=""):
    name = "s-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, PAGE.format(markers="\n".join(MARKERS)))
    return path


def the_survey(client, path):
    resp = client.api("GET", "surveys?page=%s&name=check" % quote(path, safe="/"))
    assert resp.status == 200, resp.body
    return resp.json()


def text(browser, css):
    try:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        return " ".join(found[0].text.split()) if found else None
    except StaleElementReferenceException:
        return None


def answer(browser):
    """Fill in the survey as a person would, and send it."""
    def pick(name, value):
        box = browser.find_element(By.CSS_SELECTOR, "%s input[name='q-%s'][value='%s']"
                                   % (SURVEY, name, value))
        if not box.is_selected():
            box.click()
    pick("team", "Support")
    pick("tools", "Wiki")
    pick("tools", "Tracker")
    pick("ease", "4")
    browser.find_element(By.CSS_SELECTOR, "%s textarea[name='q-wish']" % SURVEY) \
        .send_keys("Fewer e-mails")
    browser.find_element(By.CSS_SELECTOR, "%s form button[type=submit]" % SURVEY).click()


STORED = {"team": "Support", "tools": ["Wiki", "Tracker"], "ease": 4, "wish": "Fewer e-mails"}


def figures(browser):
    """The results shown: (label, figure) of every bar."""
    try:
        out = []
        for row in browser.find_elements(By.CSS_SELECTOR, SURVEY + " table.social-survey-chart tr"):
            out.append((row.find_element(By.TAG_NAME, "th").text.strip(),
                        row.find_element(By.CSS_SELECTOR, ".social-survey-figure").text.strip()))
        return out
    except StaleElementReferenceException:
        return None


def assert_results(browser):
    shown = figures(browser)
    assert ("Support", "1 (100%)") in shown and ("Sales", "0 (0%)") in shown
    assert ("Tracker", "1 (100%)") in shown and ("Chat", "0 (0%)") in shown
    assert ("4", "1 (100%)") in shown
    body = text(browser, SURVEY)
    assert "Mean: 4.00" in body and "Fewer e-mails" in body
    bars = browser.find_elements(By.CSS_SELECTOR, SURVEY + " svg rect")
    assert bars and max(int(b.get_attribute("width")) for b in bars) == 240


def test_js_answer_the_survey_and_see_results_in_place(js, server, alice):
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    assert text(js, SURVEY + " .social-survey-progress") == "Question 1 of 4"
    marker = mark_window(js)
    answer(js)
    wait_for(js, lambda d: the_survey(alice, path)["response"] == STORED,
             "the response was not stored")
    wait_for(js, lambda d: "Your answers are saved" in (text(d, SURVEY) or ""),
             "the survey was not replaced in place")
    assert_no_reload(js, marker)
    assert_results(js)
    # the answers stay checked, ready to be changed
    assert js.find_element(By.CSS_SELECTOR, SURVEY + " button[type=submit]").text == \
        "Change my answers"


def test_js_deferred_survey_is_fetched_into_its_box(js, server, alice):
    path = new_page(server, area="deferred")
    load(js, server, path)
    wait_widget(js)
    wait_for(js, lambda d: text(d, SURVEY + " .social-survey-title") == "Quick check",
             "the deferred survey was not loaded")
    answer(js)
    wait_for(js, lambda d: the_survey(alice, path)["response"] == STORED,
             "the response was not stored")
    wait_for(js, lambda d: figures(d), "no results shown")
    assert_results(js)


def test_nojs_answer_the_survey_and_see_results(nojs, server, alice):
    path = new_page(server)
    load(nojs, server, path)
    assert nojs.find_elements(By.CSS_SELECTOR, SURVEY + " form.social-survey-form")
    answer(nojs)
    wait_for(nojs, lambda d: d.current_url.endswith(path + "?social=responded#survey-check"),
             "the form did not come back to the survey")
    assert the_survey(alice, path)["response"] == STORED
    assert "Your answers are saved" in nojs.page_source
    assert_results(nojs)


def test_nojs_required_question_left_out_is_named(nojs, server, alice):
    path = new_page(server)
    load(nojs, server, path)
    nojs.execute_script("document.querySelectorAll('[required]')"
                        ".forEach(function (e) { e.removeAttribute('required'); });")
    nojs.find_element(By.CSS_SELECTOR, "%s form button[type=submit]" % SURVEY).click()
    # the survey page holds the label too: wait for the refusal itself
    wait_for(nojs, lambda d: "needs an answer" in d.page_source, "no refusal shown")
    assert "Your team?" in nojs.page_source and "422" in nojs.page_source
    assert the_survey(alice, path)["responses"] == 0
