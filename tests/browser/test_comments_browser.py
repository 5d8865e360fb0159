"""Comments in a real browser (headless Debian chromium).

With JavaScript the widget posts, replies, edits and deletes without a
page reload: it sends the forms with fetch and X-Social-Fragment: 1 and
swaps in the fragment the server returns. Without JavaScript the same
forms work as plain HTML forms (303 back to the page, at #comment-ID).
Comment text never runs as script either way.

The whole site is behind HTTP Basic login; the browser sends alice's
credentials on every request (a CDP extra header), as an intranet with
single sign-on would. The HTML and client helpers come from the
integration tests' test_comments.py.
"""

import os
import shutil
import tempfile
import time
import uuid

import pytest
from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException,
                                        StaleElementReferenceException, TimeoutException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.asserts import by_id
from social_test.client import Client, basic_auth, fresh_page

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

HTTPD_CONF = (config.login() + config.block("/deferred", "SocialRender Deferred")
              + config.block("/live", "SocialLiveUpdates 1")
              + config.block('"*-latin1.html"', 'ForceType "text/html; charset=ISO-8859-1"',
                             kind="Files"))

TITLE = "Travel policy"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1 id="headline">Travel policy</h1>
<p>Book through the portal.</p>
<script>window.__pageScriptRan = true;</script>
</body>
</html>
""" % TITLE

WAIT = 10


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={"index.html": PAGE}, name="browser-comments")
    with harness.serving(srv):
        yield srv


def authenticate(browser, user):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                            {"headers": {"Authorization": basic_auth(user)}})


@pytest.fixture(scope="module")
def js(driver):
    """The session's browser (JavaScript on), logged in as alice."""
    authenticate(driver, "alice")
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


@pytest.fixture(scope="module")
def nojs():
    """A browser of its own with JavaScript off, logged in as alice."""
    profile = tempfile.mkdtemp(prefix="social-chromium-nojs-")
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--no-default-browser-check", "--disable-breakpad",
                "--disable-crash-reporter", "--window-size=1280,1024",
                "--user-data-dir=%s" % profile):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(CHROMEDRIVER, log_path=os.path.join(profile, "chromedriver.log"))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(30)
    try:
        authenticate(browser, "alice")
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


@pytest.fixture(scope="module")
def bob(server):
    return Client(server, "bob")


@pytest.fixture
def page(server):
    return fresh_page(server, content=PAGE)


# ---------------------------------------------------------------- helpers

def load(browser, server, path):
    browser.get(server.url(path))
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def wait_widget(browser):
    """Wait until the widget script has taken over #social."""
    def ready(d):
        found = d.find_elements(By.ID, "social")
        return found and "social-ready" in (found[0].get_attribute("class") or "").split()
    WebDriverWait(browser, WAIT).until(ready, "the widget did not initialise")


def mark_window(browser):
    """Put a value on window that a page reload would lose."""
    token = uuid.uuid4().hex
    browser.execute_script("window.__socialMarker = arguments[0];", token)
    return token


def assert_no_reload(browser, token):
    assert browser.execute_script("return window.__socialMarker;") == token, \
        "the page was reloaded"


def comment_css(cid):
    return "#social li#comment-%d" % cid


def body_of(browser, cid):
    """The text of comment cid, or None (also while the page changes)."""
    try:
        found = browser.find_elements(By.CSS_SELECTOR, comment_css(cid) + " .social-body")
        return found[0].text if found else None
    except StaleElementReferenceException:
        return None


def wait_for(browser, predicate, message):
    """Wait until predicate holds. The widget replaces parts of the page
    while a predicate looks at them: an element it found a moment ago
    gone stale only means "look again"."""
    try:
        return WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,)) \
            .until(lambda d: predicate(d), message)
    except TimeoutException:
        live = browser.find_elements(By.CSS_SELECTOR, ".social-announce, #social .social-live")
        errors = browser.find_elements(By.CSS_SELECTOR, "#social .social-error")
        raise AssertionError("%s (announced: %r; errors shown: %r)" % (
            message, [e.text for e in live], [e.text for e in errors])) from None


def accept_confirm(browser):
    """The delete button may ask for confirmation."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            browser.switch_to.alert.accept()
            return True
        except NoAlertPresentException:
            time.sleep(0.1)
    return False


def open_details(browser, cid, cls):
    details = browser.find_element(By.CSS_SELECTOR, "%s details.%s" % (comment_css(cid), cls))
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    return details


def open_reply(browser, cid):
    """Reply under comment cid, with the widget: its Reply link opens the
    reply's box in place; returns the box's holder."""
    browser.find_element(By.CSS_SELECTOR, comment_css(cid) + " a.social-reply-link").click()
    return wait_for(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, comment_css(cid) + " div.social-reply"), "no reply box opened")[0]


def own_ids(alice, path):
    return [c["id"] for c in alice.listing(path)["comments"]]


def focus_in_social(browser):
    return browser.execute_script(
        "var s = document.getElementById('social');"
        "return !!(s && document.activeElement && s.contains(document.activeElement));")


# ---------------------------------------------------------------- with JavaScript

def test_js_post_comment_without_reload(js, server, alice, page):
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    text = "posted by the widget %s" % uuid.uuid4().hex[:8]
    form = js.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(text)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: len(own_ids(alice, page)) == 1, "the comment was not stored")
    cid = own_ids(alice, page)[0]
    wait_for(js, lambda d: body_of(d, cid) == text, "the new comment did not appear in #social")
    assert_no_reload(js, marker)
    assert js.current_url.split("#")[0] == server.url(page)
    assert [c["body"] for c in alice.listing(page)["comments"]] == [text]
    live = js.find_element(By.CSS_SELECTOR, "#social .social-live")
    assert live.get_attribute("aria-live") in ("polite", "assertive")
    assert live.text.strip(), "nothing announced in the live region"
    assert focus_in_social(js), "focus left the discussion"
    # the new-comment form is empty again and still works
    textarea = js.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    assert textarea.get_attribute("value") == ""


LONG_TEXT = ("Remote work needs a quiet room and a good connection. " * 100)[:5200]


def paste(browser, css, text):
    """Inserts text into the focused box as a paste does (CDP insertText,
    which a maxlength would cut)."""
    box = browser.find_element(By.CSS_SELECTOR, css)
    box.click()
    browser.execute_cdp_cmd("Input.insertText", {"text": text})
    return box


def test_js_long_text_is_counted_never_cut(js, server, alice, page):
    load(js, server, page)
    wait_widget(js)
    css = "#social form.social-new textarea[name=body]"
    count_css = "#social form.social-new .social-length"
    assert wait_for(js, lambda d: d.find_elements(By.CSS_SELECTOR, count_css),
                    "no count under the comment box")[0].text == "5,000 characters left"
    box = paste(js, css, LONG_TEXT)
    assert len(box.get_attribute("value")) == 5200, "the pasted text was cut"
    count = js.find_element(By.CSS_SELECTOR, count_css)
    assert count.text == "200 characters too many (at most 5,000)"
    assert box.get_attribute("aria-invalid") == "true"
    assert box.get_attribute("aria-describedby") == count.get_attribute("id")
    send = js.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]")
    assert not send.is_enabled()
    # shortened to the limit: it can be sent, and all of it is stored
    js.execute_script("arguments[0].select();", box)
    js.execute_cdp_cmd("Input.insertText", {"text": LONG_TEXT[:5000]})
    assert count.text == "0 characters left"
    assert send.is_enabled()
    send.click()
    wait_for(js, lambda d: len(own_ids(alice, page)) == 1, "the comment was not stored")
    assert [len(c["body"]) for c in alice.listing(page)["comments"]] == [5000]


def test_js_new_comments_appear_without_a_reload(js, server, alice, bob):
    """While alice reads (and types), bob comments: a button says so; pressing
    it shows his comment and keeps what alice was typing."""
    page = fresh_page(server, area="live", content=PAGE)
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    box = js.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    box.send_keys("half a thought")
    top = bob.create(page, "an earlier word from bob")["id"]
    button = wait_for(js, lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, "#social button.social-new-comments") if b.is_displayed()],
        "no 'new comments' button")[0]
    button.click()
    wait_for(js, lambda d: d.find_elements(By.CSS_SELECTOR, comment_css(top)),
             "bob's first comment did not appear")
    # a reply being written stays open, with its text, too
    open_reply(js, top).find_element(By.CSS_SELECTOR, "textarea").send_keys("a reply begun")
    time.sleep(1.5)                       # the widget knows the current version
    text = "bob was here %s" % uuid.uuid4().hex[:6]
    bob.create(page, text)
    button = wait_for(js, lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, "#social button.social-new-comments") if b.is_displayed()],
        "no 'new comments' button")[0]
    assert button.text == "1 new comment: show"
    assert text not in js.find_element(By.ID, "social").text   # not before it is asked for
    button.click()
    wait_for(js, lambda d: text in d.find_element(By.ID, "social").text,
             "bob's comment did not appear")
    box = js.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    assert box.get_attribute("value") == "half a thought"
    assert js.find_element(By.ID, "social-reply-%d" % top).get_attribute("value") \
        == "a reply begun"
    assert_no_reload(js, marker)


def test_js_new_comments_are_offered_again_after_posting(js, server, alice, bob):
    """bob comments (offered), alice posts her own comment (which shows
    his too), then bob comments again: the offer comes back for it."""
    page = fresh_page(server, area="live", content=PAGE)
    load(js, server, page)
    wait_widget(js)
    time.sleep(1.5)
    bob.create(page, "first from bob")

    def offer(d):
        shown = [b for b in d.find_elements(By.CSS_SELECTOR, "#social button.social-new-comments")
                 if b.is_displayed()]
        return shown[0].text if shown else None
    wait_for(js, offer, "no offer for bob's first comment")
    box = js.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    box.send_keys("alice answers")
    js.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    wait_for(js, lambda d: "alice answers" in d.find_element(By.ID, "social").text,
             "alice's comment did not appear")
    assert "first from bob" in js.find_element(By.ID, "social").text
    assert offer(js) is None
    bob.create(page, "second from bob")
    wait_for(js, lambda d: offer(d) == "1 new comment: show",
             "no offer for bob's second comment")


def rendered_ids(browser):
    return [int(li.get_attribute("id")[len("comment-"):]) for li in browser.find_elements(
        By.CSS_SELECTOR, "#social ol.social-comments li.social-comment")]


def test_js_sorting_newest_then_most_liked_without_a_reload(js, server, alice, bob, page):
    old = alice.create(page, "older thread")["id"]
    new = bob.create(page, "newer thread")["id"]
    assert bob.api("PUT", "comments/%d/like" % old).status == 200
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    assert rendered_ids(js) == [old, new]
    try:
        Select(js.find_element(By.ID, "social-sort")).select_by_visible_text("Newest first")
        js.find_element(By.CSS_SELECTOR, "#social form.social-sort button[type=submit]").click()
        wait_for(js, lambda d: rendered_ids(d) == [new, old], "not sorted newest first")
        assert Select(js.find_element(By.ID, "social-sort")) \
            .first_selected_option.text == "Newest first"
        Select(js.find_element(By.ID, "social-sort")).select_by_visible_text("Most liked")
        js.find_element(By.CSS_SELECTOR, "#social form.social-sort button[type=submit]").click()
        wait_for(js, lambda d: rendered_ids(d) == [old, new], "not sorted by likes")
        assert_no_reload(js, marker)
        # remembered: a reload keeps it
        load(js, server, page)
        wait_widget(js)
        assert Select(js.find_element(By.ID, "social-sort")) \
            .first_selected_option.text == "Most liked"
    finally:
        alice.api("PUT", "notifications/settings", {"sort": "oldest"})


def test_js_follow_a_page_and_a_thread_then_hear_of_new_comments(js, server, alice, bob,
                                                                   page):
    top = bob.create(page, "bob starts a thread")["id"]
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    follow = js.find_element(By.CSS_SELECTOR, "#social form.social-follow button")
    assert follow.text == "Follow" and follow.get_attribute("aria-pressed") == "false"
    follow.click()
    wait_for(js, lambda d: d.find_element(By.CSS_SELECTOR, "#social form.social-follow button")
             .text == "Following", "the button did not turn to Following")
    assert js.find_element(By.CSS_SELECTOR, "#social form.social-follow button") \
        .get_attribute("aria-pressed") == "true"
    js.find_element(By.CSS_SELECTOR, comment_css(top) + " button.social-follow-thread") \
        .click()
    wait_for(js, lambda d: d.find_element(
        By.CSS_SELECTOR, comment_css(top) + " button.social-follow-thread").text
        == "Following thread", "the thread was not followed")
    assert_no_reload(js, marker)
    try:
        news = bob.create(page, "news for followers")["id"]
        load(js, server, "/_social/notifications")
        item = js.find_element(By.CSS_SELECTOR, "li.social-note-follow")
        assert "bob" in item.text.lower() and "which you follow" in item.text
        link = item.find_element(By.CSS_SELECTOR, ".social-meta a")
        assert link.get_attribute("href").endswith("%s#comment-%d" % (page, news))
        # unfollow right there
        item.find_element(By.CSS_SELECTOR, "form.social-unfollow button").click()
        wait_for(js, lambda d: "Unfollowed" in d.find_element(By.CSS_SELECTOR,
                                                               ".social-live").text,
                 "no word that it was unfollowed")
        assert alice.api("GET", "follow?page=" + page).json()["following"] is False
    finally:
        alice.api("DELETE", "follow?page=" + page)
        alice.api("DELETE", "follow?page=%s&thread=%d" % (page, top))


def test_js_exact_times_on_the_admins_clock_not_the_readers(js, server, alice, bob, page):
    """The exact time on hover is on the clock of SocialTimeZone (UTC when
    not said, as here), in the block's language, whatever zone the
    reader's browser is in (here Tokyo); test_l10n_browser.py sets a zone."""
    import datetime
    cid = bob.create(page, "what time is it?")["id"]
    js.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    try:
        load(js, server, page)
        wait_widget(js)
        t = js.find_element(By.CSS_SELECTOR, comment_css(cid) + " time[datetime]")
        created = datetime.datetime.fromisoformat(t.get_attribute("datetime")
                                                  .replace("Z", "+00:00"))
        title = t.get_attribute("title")
        assert title.endswith(" UTC") and "GMT+9" not in title, title
        assert created.strftime("%I:%M").lstrip("0") in title, (title, created)
    finally:
        js.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


ARABIC_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>\u0627\u0644\u0633\u0641\u0631</title></head>
<body><h1>\u0633\u064a\u0627\u0633\u0629 \u0627\u0644\u0633\u0641\u0631</h1>
<p>\u064a\u062c\u0628 \u062d\u062c\u0632 \u0627\u0644\u0631\u062d\u0644\u0627\u062a \u0645\u0628\u0643\u0631\u0627.</p>
</body></html>
"""


def test_js_each_text_reads_in_its_own_direction(js, server, alice, bob):
    """On a right-to-left Arabic page the block speaks Arabic and reads
    right to left; an Arabic comment reads right to left and an English
    one left to right, whatever the page."""
    page = fresh_page(server, content=ARABIC_PAGE)
    ar = bob.create(page, "\u0634\u0643\u0631\u0627 \u0639\u0644\u0649 \u0627\u0644\u0645\u0639\u0644\u0648\u0645\u0627\u062a")["id"]
    en = alice.create(page, "Thanks, booked for March.")["id"]
    load(js, server, page)
    wait_widget(js)
    block = js.find_element(By.ID, "social")
    assert block.get_attribute("lang") == "ar"
    assert block.value_of_css_property("direction") == "rtl"

    def body(cid):
        return js.find_element(By.CSS_SELECTOR, comment_css(cid) + " .social-body")
    assert body(ar).value_of_css_property("direction") == "rtl"
    assert body(en).value_of_css_property("direction") == "ltr"
    # the Arabic text sits at the right edge of its box, the English at the left
    ar_box, ar_text = body(ar).rect, js.execute_script(
        "var r = document.createRange(); r.selectNodeContents(arguments[0]);"
        "var b = r.getBoundingClientRect(); return [b.left, b.right];", body(ar))
    assert abs(ar_text[1] - (ar_box["x"] + ar_box["width"])) < 2, (ar_text, ar_box)
    assert js.find_element(By.CSS_SELECTOR, "#social-new-body").get_attribute("dir") == "auto"


def test_js_warns_of_a_mention_nobody_will_get(js, server, alice, bob, page):
    bob.create(page, "bob has written here, so he is known")
    stranger = "nobody%s" % uuid.uuid4().hex[:6]
    load(js, server, page)
    wait_widget(js)
    box = js.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    box.send_keys("Thanks @bob and @%s. " % stranger)
    note = wait_for(js, lambda d: [n for n in d.find_elements(
        By.CSS_SELECTOR, "#social form.social-new .social-mention-warning") if n.is_displayed()],
        "no warning about the unknown name")[0]
    assert note.text == ("Nobody called @%s has used the intranet's discussions yet: "
                         "they will not be notified." % stranger)
    assert note.get_attribute("role") == "status"
    # the name removed, the warning goes
    js.execute_script("arguments[0].value = 'Thanks @bob. ';"
                      "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", box)
    wait_for(js, lambda d: not note.is_displayed(), "the warning stayed")


def test_js_preview_shows_the_formatting(js, server, alice, page):
    load(js, server, page)
    wait_widget(js)
    form = js.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(
        "**bold** and `code` <i>not markup</i>")
    form.find_element(By.CSS_SELECTOR, "button.social-preview-button").click()
    shown = wait_for(js, lambda d: [p for p in d.find_elements(
        By.CSS_SELECTOR, "#social form.social-new .social-preview") if p.text],
        "no preview")[0]
    assert shown.find_element(By.TAG_NAME, "strong").text == "bold"
    assert shown.find_element(By.TAG_NAME, "code").text == "code"
    assert "<i>not markup</i>" in shown.text
    assert own_ids(alice, page) == []      # a preview posts nothing


def live_text(browser):
    """The discussion's live region's text ("" while it is being replaced)."""
    try:
        return browser.find_element(By.CSS_SELECTOR, "#social .social-live").text or ""
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


def test_js_report_a_comment_without_reload(js, server, alice, bob, page):
    cid = bob.create(page, "a comment to report")["id"]
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    js.find_element(By.CSS_SELECTOR, comment_css(cid) + " a.social-report-link").click()
    reason = wait_for(js, lambda d: d.find_elements(By.ID, "social-report-%d" % cid),
                      "the report form did not open in place")[0]
    assert js.switch_to.active_element == reason
    reason.send_keys("Not kind")
    reason.find_element(By.XPATH, "./ancestor::form").find_element(
        By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: "Reported to the moderators" in live_text(d),
             "the report was not confirmed")
    assert_no_reload(js, marker)


def test_js_reply_without_reload(js, server, alice, bob, page):
    top = bob.create(page, "bob starts the thread")
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    box = open_reply(js, top["id"])
    link = js.find_element(By.CSS_SELECTOR, comment_css(top["id"]) + " a.social-reply-link")
    assert link.get_attribute("aria-expanded") == "true"
    assert link.get_attribute("aria-controls") == box.get_attribute("id")
    area = box.find_element(By.CSS_SELECTOR, "textarea[name=body]")
    assert area.get_attribute("id") == "social-reply-%d" % top["id"]
    assert js.switch_to.active_element == area, "focus is not in the reply's box"
    label = box.find_element(By.CSS_SELECTOR, "label[for='social-reply-%d']" % top["id"])
    assert label.text == "Reply to bob"
    assert box.find_element(By.CSS_SELECTOR, "input[name=parent]").get_attribute("value") \
        == str(top["id"])
    # the same link again keeps the one box
    link.click()
    assert len(js.find_elements(By.CSS_SELECTOR, "#social div.social-reply")) == 1
    reply_text = "alice replies %s" % uuid.uuid4().hex[:8]
    area.send_keys(reply_text)
    box.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: len(own_ids(alice, page)) == 2, "the reply was not stored")
    rid = own_ids(alice, page)[1]
    assert by_id(alice.listing(page))[rid]["parent"] == top["id"]
    wait_for(js, lambda d: body_of(d, rid) == reply_text, "the reply did not appear")
    assert_no_reload(js, marker)
    nested = js.find_elements(By.CSS_SELECTOR, comment_css(top["id"]) +
                              " ol.social-replies li#comment-%d" % rid)
    assert nested, "the reply is not nested under its parent"
    assert "social-depth-2" in nested[0].get_attribute("class").split()
    assert focus_in_social(js), "focus left the discussion"


def test_js_edit_without_reload(js, server, alice, page):
    item = alice.create(page, "alice wrote this")
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    details = open_details(js, item["id"], "social-edit")
    textarea = details.find_element(By.CSS_SELECTOR, "textarea[name=body]")
    assert textarea.get_attribute("value") == "alice wrote this"
    textarea.clear()
    edited = "alice edited %s" % uuid.uuid4().hex[:8]
    textarea.send_keys(edited)
    details.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: body_of(d, item["id"]) == edited, "the edit did not show")
    assert_no_reload(js, marker)
    assert by_id(alice.listing(page))[item["id"]]["body"] == edited
    assert js.find_elements(By.CSS_SELECTOR, comment_css(item["id"]) + " .social-edited")
    assert focus_in_social(js), "focus left the discussion"


def test_js_delete_without_reload(js, server, alice, bob, page):
    top = bob.create(page, "bob starts the thread")
    doomed = alice.create(page, "alice regrets this", parent=top["id"])
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)
    js.find_element(By.CSS_SELECTOR, comment_css(doomed["id"]) +
                    " button[form=social-acts][name=action][value=delete]").click()
    accept_confirm(js)
    wait_for(js, lambda d: not d.find_elements(By.CSS_SELECTOR, comment_css(doomed["id"])),
             "the deleted reply is still shown")
    assert_no_reload(js, marker)
    assert own_ids(alice, page) == [top["id"]]
    assert "alice regrets this" not in js.find_element(By.ID, "social").text
    assert body_of(js, top["id"]) == "bob starts the thread"


def test_js_shows_a_long_threads_earlier_replies_in_place(js, server, mariadb, alice, page):
    top = alice.create(page, "a long thread")["id"]
    mariadb.sql("INSERT INTO social_comments (page_id, parent_id, root_id, author, author_name, "
                "body, status) SELECT page_id, id, id, 'bob', 'bob', CONCAT('reply ', seq), "
                "'visible' FROM social_comments JOIN seq_1_to_150 WHERE id = %d" % top)
    every = [int(r[0]) for r in mariadb.sql(
        "SELECT id FROM social_comments WHERE root_id = %d ORDER BY id" % top)]
    load(js, server, page)
    wait_widget(js)
    marker = mark_window(js)

    def shown(d):
        return [int(e.get_attribute("id")[len("comment-"):])
                for e in d.find_elements(By.CSS_SELECTOR, "#social li.social-comment")]
    assert shown(js) == [top] + every[-20:]
    for expected in (120, 150):   # 100 more, then the last 30
        js.find_element(By.CSS_SELECTOR, "#social a.social-more-link").click()
        wait_for(js, lambda d: len(shown(d)) == 1 + expected,
                 "the earlier replies did not appear")
    assert shown(js) == [top] + every[1:]
    assert not js.find_elements(By.CSS_SELECTOR, "#social a.social-more-link")
    assert_no_reload(js, marker)


def test_js_deferred_page_fetches_the_discussion(js, server, alice, bob):
    path = fresh_page(server, "deferred", content=PAGE)
    item = bob.create(path, "loaded after the page")
    load(js, server, path)
    social = js.find_element(By.ID, "social")
    assert social.get_attribute("data-social-render") == "deferred"
    wait_for(js, lambda d: body_of(d, item["id"]) == "loaded after the page",
             "the deferred discussion was not fetched")
    # and it works like the inline one
    marker = mark_window(js)
    form = js.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys("deferred answer")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: len(own_ids(alice, path)) == 2, "the comment was not stored")
    new = own_ids(alice, path)[1]
    wait_for(js, lambda d: body_of(d, new) == "deferred answer", "the comment did not appear")
    assert_no_reload(js, marker)


XSS = [
    "<img src=x onerror=\"window.__pwned=1;document.title='pwned'\">",
    "<script>window.__pwned=2;document.title='pwned'</script>",
    "<svg onload=\"window.__pwned=3;document.title='pwned'\"></svg>",
    "\"><img src=x onerror=window.__pwned=4>",
    "</textarea><script>window.__pwned=5</script><textarea>",
    "<iframe srcdoc=\"<script>parent.__pwned=6</script>\"></iframe>",
    "<details open ontoggle=\"window.__pwned=7\">x</details>",
    "<!-- /mod_social --><script>window.__pwned=8</script>",
    "javascript:window.__pwned=9",
    "<a href=\"javascript:window.__pwned=10\">click me</a>",
    "<style>@import 'javascript:window.__pwned=11'</style>",
]


def assert_not_pwned(browser):
    time.sleep(0.5)   # time for an onerror or onload to fire
    assert browser.execute_script("return window.__pwned;") is None
    assert browser.title == TITLE


def test_xss_comments_never_run(js, server, alice, bob, page):
    ids = [bob.create(page, payload)["id"] for payload in XSS]
    load(js, server, page)
    wait_widget(js)
    assert js.execute_script("return window.__pageScriptRan;") is True
    assert_not_pwned(js)
    for cid, payload in zip(ids, XSS):
        assert body_of(js, cid) == payload
    # links that look like JavaScript are text, never links
    assert js.find_elements(By.CSS_SELECTOR, "#social a[href^='javascript' i]") == []
    # the widget swaps in a fresh fragment after a post: still inert
    marker = mark_window(js)
    form = js.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(
        "<img src=y onerror=\"window.__pwned=20\">")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(js, lambda d: len(own_ids(alice, page)) == len(XSS) + 1,
             "the comment was not stored")
    new = own_ids(alice, page)[-1]
    wait_for(js, lambda d: body_of(d, new) is not None, "the comment did not appear")
    assert_no_reload(js, marker)
    assert_not_pwned(js)
    # and in a deferred discussion, inserted by the widget
    path = fresh_page(server, "deferred", content=PAGE)
    ids = [bob.create(path, payload)["id"] for payload in XSS]
    load(js, server, path)
    wait_for(js, lambda d: body_of(d, ids[-1]) is not None,
             "the deferred discussion was not fetched")
    assert_not_pwned(js)


# ---------------------------------------------------------------- without JavaScript

def test_nojs_post_and_reply_with_plain_forms(nojs, server, alice, bob, page):
    load(nojs, server, page)
    assert nojs.title == TITLE
    text = "plain form %s" % uuid.uuid4().hex[:8]
    form = nojs.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(text)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: "#comment-" in d.current_url,
                                    "no redirect back to the comment")
    url = nojs.current_url
    assert url.split("#")[0] == server.url(page) + "?social=posted"
    cid = int(url.rsplit("#comment-", 1)[1])
    assert own_ids(alice, page) == [cid]
    # a notice says it worked, where a screen reader is told (role=status)
    notice = nojs.find_element(By.CSS_SELECTOR, "#social p.social-live")
    assert notice.text == "Comment posted" and notice.is_displayed()
    assert notice.get_attribute("role") == "status"
    li = nojs.find_element(By.ID, "comment-%d" % cid)
    assert li.is_displayed()
    assert li.find_element(By.CSS_SELECTOR, ".social-body").text == text

    # reply through the reply's own page, which needs no script
    top = bob.create(page, "bob asks a question")
    load(nojs, server, page)
    nojs.find_element(By.CSS_SELECTOR, comment_css(top["id"]) + " a.social-reply-link").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Reply", "no reply page")
    assert nojs.find_element(By.CSS_SELECTOR, ".social-reply-quote").text == "bob asks a question"
    assert nojs.find_element(By.CSS_SELECTOR, "label[for=social-reply-body]").text \
        == "Reply to bob"
    nojs.find_element(By.ID, "social-reply-body").send_keys("alice answers")
    nojs.find_element(By.CSS_SELECTOR, "form.social-reply-form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(
        lambda d: "#comment-" in d.current_url
        and int(d.current_url.rsplit("#comment-", 1)[1]) not in (cid, top["id"]),
        "no redirect back to the reply")
    rid = int(nojs.current_url.rsplit("#comment-", 1)[1])
    item = by_id(alice.listing(page))[rid]
    assert item["parent"] == top["id"] and item["body"] == "alice answers"
    reply = nojs.find_element(By.CSS_SELECTOR, comment_css(top["id"]) +
                              " ol.social-replies li#comment-%d" % rid)
    assert reply.find_element(By.CSS_SELECTOR, ".social-body").text == "alice answers"


def test_nojs_sorting_with_the_plain_form(nojs, server, alice, bob, page):
    old = bob.create(page, "older thread")["id"]
    new = bob.create(page, "newer thread")["id"]
    load(nojs, server, page)
    assert rendered_ids(nojs) == [old, new]
    try:
        Select(nojs.find_element(By.ID, "social-sort")).select_by_visible_text("Newest first")
        nojs.find_element(By.CSS_SELECTOR, "#social form.social-sort button[type=submit]").click()
        WebDriverWait(nojs, WAIT).until(lambda d: d.current_url.endswith("#social"),
                                        "no redirect back to the page")
        assert nojs.current_url == server.url(page) + "?social=newest#social"
        assert rendered_ids(nojs) == [new, old]
        assert alice.api("GET", "notifications/settings").json()["sort"] == "newest"
    finally:
        alice.api("PUT", "notifications/settings", {"sort": "oldest"})


def test_nojs_refused_comment_keeps_the_text(nojs, server, alice, page):
    """Too long without JavaScript: refused with a clear page that shows
    the whole text again (nothing typed is lost) and leads back."""
    load(nojs, server, page)
    paste(nojs, "#social form.social-new textarea[name=body]", LONG_TEXT)
    nojs.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.find_elements(By.ID, "social-kept"),
                                    "no page showing the text again")
    assert "too long (5200 characters; at most 5000)" in nojs.find_element(
        By.CSS_SELECTOR, ".social-message-text").text
    assert nojs.find_element(By.ID, "social-kept").get_attribute("value") == LONG_TEXT
    back = nojs.find_element(By.LINK_TEXT, "Back to the page")
    assert back.get_attribute("href") == server.url(page) + "#social"
    assert own_ids(alice, page) == []


def test_nojs_edit_and_delete_with_plain_forms(nojs, server, alice, page):
    item = alice.create(page, "to be edited without script")
    load(nojs, server, page)
    details = open_details(nojs, item["id"], "social-edit")
    textarea = details.find_element(By.CSS_SELECTOR, "textarea[name=body]")
    textarea.clear()
    textarea.send_keys("edited without script")
    details.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: body_of(d, item["id"]) == "edited without script",
                                    "the edit did not show after the redirect")
    assert by_id(alice.listing(page))[item["id"]]["body"] == "edited without script"
    # the delete button belongs to the discussion's shared form
    nojs.find_element(By.CSS_SELECTOR, comment_css(item["id"]) +
                      " button[form=social-acts][name=action][value=delete]").click()
    # without JavaScript the question is a page: keeping it changes nothing
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Delete this comment?",
                                    "no confirmation before deleting")
    assert "edited without script" in nojs.find_element(By.CSS_SELECTOR,
                                                        ".social-confirm-body").text
    nojs.find_element(By.CSS_SELECTOR, "a.social-confirm-keep").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == TITLE, "not back on the page")
    assert own_ids(alice, page) == [item["id"]]
    # the delete button belongs to the discussion's shared form
    nojs.find_element(By.CSS_SELECTOR, comment_css(item["id"]) +
                      " button[form=social-acts][name=action][value=delete]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Delete this comment?",
                                    "no confirmation before deleting")
    nojs.find_element(By.CSS_SELECTOR, "form.social-confirm-form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(
        lambda d: d.title == TITLE
        and not d.find_elements(By.CSS_SELECTOR, comment_css(item["id"])),
        "the deleted comment is still shown")
    assert own_ids(alice, page) == []
    assert nojs.current_url.split("#")[0] == server.url(page) + "?social=deleted"
    assert nojs.find_element(By.CSS_SELECTOR, "#social p.social-live").text == "Comment deleted"


def test_nojs_scripts_really_off_and_payload_inert(nojs, server, bob, page):
    bob.create(page, XSS[0])
    load(nojs, server, page)
    assert nojs.title == TITLE
    ran = nojs.find_elements(By.CSS_SELECTOR, "#social.social-ready")
    assert ran == [], "the widget ran although JavaScript is off"
    assert nojs.find_element(By.CSS_SELECTOR, "#social li.social-comment .social-body").text \
        == XSS[0]


# ---------------------------------------------------------------- a page in a legacy charset

LATIN1_PAGE = """<!DOCTYPE html>
<html lang="de">
<head><title>Betriebsrat</title><link rel="icon" href="data:,"></head>
<body>
<h1>Betriebsrat</h1>
<p id="text">Grüße vom Betriebsrat: die Sitzung ist in der Königstraße, Raum 4.</p>
</body>
</html>
"""
# Beyond ISO-8859-1 too: a browser would send these as &#NNNN; in the
# page's charset, were the form not to say accept-charset="utf-8".
LATIN1_COMMENT = "Schöne Grüße aus Köln, 東京 und Łódź"


def latin1_page(server):
    path = "/legacy/betriebsrat-%s-latin1.html" % uuid.uuid4().hex[:8]
    server.write_file(path, LATIN1_PAGE.encode("iso-8859-1"))
    return path


@pytest.mark.parametrize("mode", ["js", "nojs"])
def test_legacy_charset_page_reads_and_takes_comments_in_utf8(request, server, alice, mode):
    """A German page in ISO-8859-1, as legacy intranets have them: the
    page's own umlauts stay right, the block speaks German, and a comment
    with umlauts and characters outside Latin-1 is stored as written, by
    the widget and by the plain form."""
    browser = request.getfixturevalue(mode)
    path = latin1_page(server)
    load(browser, server, path)
    assert browser.execute_script("return document.characterSet") in ("windows-1252",
                                                                      "ISO-8859-1")
    assert browser.find_element(By.ID, "text").text.startswith("Grüße vom Betriebsrat")
    social = browser.find_element(By.ID, "social")
    assert social.get_attribute("lang") == "de"
    assert "Kommentare" in social.text, social.text[:300]
    if mode == "js":
        wait_widget(browser)
    form = browser.find_element(By.CSS_SELECTOR, "#social form.social-new")
    assert form.get_attribute("accept-charset").lower() == "utf-8"
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(LATIN1_COMMENT)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, lambda d: len(own_ids(alice, path)) == 1, "the comment was not stored")
    assert [c["body"] for c in alice.listing(path)["comments"]] == [LATIN1_COMMENT]
    cid = own_ids(alice, path)[0]
    if mode == "nojs":
        load(browser, server, path)
    wait_for(browser, lambda d: body_of(d, cid) == LATIN1_COMMENT,
             "the comment does not read as written on the page")
    assert browser.find_element(By.ID, "text").text.startswith("Grüße vom Betriebsrat")
