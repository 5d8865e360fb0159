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
import time
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
def browsers(driver, server):
    driver.execute_cdp_cmd("Network.enable", {})
    yield {"js": driver, "nojs": driver}
    driver.get("about:blank")   # no page of this server open while it stops
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


ENGAGE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ways to work better</title><link rel="icon" href="data:,"></head>
<body>
<main>
<h1>Ways to work better</h1>
<p>Suggest ideas and tell us how the first week went.</p>
<!--social:ideas name="better" title="Ways to work better"-->
<!--social:survey name="week" title="Your first week"-->
<!--social:question survey="week" name="team" type="choice" label="Which team?" options="Sales|Support" required="yes"-->
<!--social:question survey="week" name="clear" type="scale" label="How clear were your tasks?"-->
<!--social:question survey="week" name="more" type="text" label="Anything else?"-->
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def engage(server):
    """A page with an ideas board (an idea, votes, a response) and a
    survey with a response; a PDF beside it with a comment on page 2."""
    from social_test import documents
    path = "/engage-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(path, ENGAGE_PAGE.encode())
    server.write_file(path.replace(".html", ".pdf"), documents.pdf(pages=3, title="Handbook"))
    alice, bob, carol = Client(server, "alice"), Client(server, "bob"), Client(server, "carol")
    bob.page(path)  # makes the board and the survey
    resp = alice.api("POST", "ideas", {"page": path, "board": "better",
                                       "title": "Quiet hours", "text": "No meetings before ten."})
    assert resp.status == 201, resp.body
    idea = resp.json()
    assert bob.api("PUT", "ideas/%d/vote" % idea["id"]).status == 200
    assert carol.api("PATCH", "ideas/%d/status" % idea["id"],
                     {"status": "planned", "response": "From January."}).status == 200
    bob.create(idea["thread"], "Yes, please.")
    [survey] = alice.api("GET", "surveys?page=" + path).json()["surveys"]
    assert alice.api("PUT", "surveys/%d/response" % survey["id"],
                     {"answers": {"team": "Sales", "clear": 4, "more": "Good."}}).status == 200
    pdf = path.replace(".html", ".pdf")
    resp = alice.api("POST", "comments", {"page": pdf, "body": "See page 2.",
                                          "position": {"page": 2}})
    assert resp.status == 201, resp.body
    return {"page": path, "idea": "/_social/ideas/%d" % idea["id"],
            "discuss": "/_social/discuss?page=" + pdf}


@pytest.mark.parametrize("mode", ["js", "nojs"])
@pytest.mark.parametrize("what", ["page", "idea", "discuss"])
def test_axe_ideas_surveys_and_documents(browsers, server, engage, axe_source, what, mode):
    """The ideas board and survey in a page (with results shown), an
    idea's own page with its discussion, a document's discuss page."""
    browser = as_user(browsers[mode], "alice")
    load(browser, server, engage[what], mode == "js")
    expect = {"page": ".social-idea, .social-survey", "idea": ".social-idea-page",
              "discuss": ".social-comment"}[what]
    assert browser.find_elements(By.CSS_SELECTOR, expect)
    assert_no_violations(browser, axe_source, "%s (%s)" % (engage[what], mode))


# ---------------------------------------------------------------- beyond axe

NAMES_JS = r"""
var out = [];
document.querySelectorAll('#social button, #social a[href], .social-passage-ui button, .social-skip')
  .forEach(function (el) {
    var label = el.getAttribute('aria-label');
    var shown = (el.innerText || '').replace(/\s+/g, ' ').trim();
    if (!label || !shown || !/[A-Za-z\u0600-\u06ff]/.test(shown)) { return; }
    if (label.toLowerCase().indexOf(shown.toLowerCase()) !== 0) {
      out.push([el.className, shown, label]);
    }
  });
return out;
"""


def test_accessible_names_start_with_the_visible_labels(browsers, server, pages):
    browser = as_user(browsers["js"], "alice")
    load(browser, server, pages["en"], True)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-passage-marker"),
             "no passage marker")
    # a selection offers "Comment on this passage"
    browser.execute_script(
        "var p = document.querySelector('main p'); var r = document.createRange();"
        "r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 30);"
        "var s = getSelection(); s.removeAllRanges(); s.addRange(r);")
    select = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-select-button"),
                      "no button for the selection")[0]
    assert select.accessible_name == select.text == "Comment on this passage"
    marker = browser.find_element(By.CSS_SELECTOR, ".social-passage-marker")
    assert marker.accessible_name.startswith(marker.text + " comment"), marker.accessible_name
    mismatched = browser.execute_script(NAMES_JS)
    assert mismatched == [], mismatched


def focusables(browser):
    """The page's tab order (no positive tabindex is used anywhere)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href], button, input, select, textarea,"
        " summary, [tabindex]')).filter(function (e) {"
        "  return e.tabIndex >= 0 && !e.disabled && e.type !== 'hidden'"
        "    && (e.getClientRects().length || e.classList.contains('social-paragraph-button')"
        "        || e.classList.contains('social-skip')); });")


def test_skip_link_first_and_passage_buttons_before_the_footer(browsers, server, pages):
    browser = as_user(browsers["js"], "alice")
    load(browser, server, pages["en"], True)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-paragraph-button"),
             "no paragraph buttons")
    order = focusables(browser)
    assert "social-skip" in order[0].get_attribute("class"), order[0].get_attribute("outerHTML")
    assert order[0].get_attribute("textContent") == "Skip to the discussion"
    footer = browser.find_element(By.TAG_NAME, "footer")
    main = browser.find_element(By.TAG_NAME, "main")
    position = "return arguments[0].compareDocumentPosition(arguments[1]);"
    for b in browser.find_elements(By.CSS_SELECTOR, ".social-passage-ui button"):
        assert browser.execute_script(position, b, footer) & 4, "a passage button after the footer"
        assert browser.execute_script(position, main, b) & 4, "a passage button before the text"
    # the skip link takes the reader to the discussion
    order[0].send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "social-heading",
             "the skip link did not move focus to the discussion")


def test_focus_returns_to_the_passage_button_after_posting_and_closing(browsers, server):
    browser = as_user(browsers["js"], "alice")
    path = seed(server, "en")
    load(browser, server, path, True)
    first = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-paragraph-button"),
                     "no paragraph buttons")[0]
    label = first.get_attribute("aria-label")
    browser.execute_script("arguments[0].focus();", first)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    area = wait_for(browser, lambda d: d.find_elements(By.ID, "social-passage-body"),
                    "the passage panel did not open")[0]
    area.send_keys("Focus test " + uuid.uuid4().hex[:6])
    browser.find_element(By.CSS_SELECTOR, ".social-passage-form button[type=submit]").click()
    wait_for(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, ".social-passage-panel li.social-comment"), "the comment did not appear")
    close = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".social-passage-close"),
                     "no close button")[0]
    close.click()
    active = browser.switch_to.active_element
    assert active.tag_name == "button", active.get_attribute("outerHTML")
    classes = active.get_attribute("class")
    assert "social-paragraph-button" in classes or "social-passage-marker" in classes, classes
    if "social-paragraph-button" in classes:
        assert active.get_attribute("aria-label") == label


def test_error_tied_to_its_field_and_said_once(browsers, server):
    browser = as_user(browsers["js"], "alice")
    path = seed(server, "en")
    load(browser, server, path, True)
    area = browser.find_element(By.ID, "social-new-body")
    area.send_keys("   ")  # passes "required", the server says the text is empty
    browser.find_element(By.CSS_SELECTOR, "form.social-new button[type=submit]").click()
    error = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "form.social-new .social-error"),
                     "no error under the form")[0]
    assert error.get_attribute("role") == "alert" and error.text
    area = browser.find_element(By.ID, "social-new-body")
    assert area.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in area.get_attribute("aria-describedby").split()
    time.sleep(0.3)  # the status region speaks after 50 ms
    spoken = browser.execute_script(
        "return Array.from(document.querySelectorAll('[role=status], [aria-live]'))"
        ".map(function (e) { return e.textContent; }).join('|');")
    assert error.text not in spoken, "the error is said twice: %r" % spoken
    assert_no_violations(browser, axe.source(), "the block with an error")
    error_id = error.get_attribute("id")
    area.send_keys("fixed")
    assert area.get_attribute("aria-invalid") == "false"
    assert error_id not in (area.get_attribute("aria-describedby") or "").split()
    assert browser.find_elements(By.ID, error_id) == []


def test_mention_list_is_a_combobox(browsers, server, pages, axe_source):
    browser = as_user(browsers["js"], "alice")
    load(browser, server, pages["en"], True)
    area = browser.find_element(By.ID, "social-new-body")
    area.send_keys("Thanks @bo")
    listbox = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "ul.social-mentions"),
                       "no list of people")[0]
    # the ARIA 1.2 combobox pattern as far as HTML allows it on a
    # textarea (no combobox role, no aria-expanded there: axe's
    # aria-allowed-role and aria-allowed-attr say so)
    assert listbox.get_attribute("role") == "listbox" and listbox.get_attribute("aria-label")
    assert area.get_attribute("aria-autocomplete") == "list"
    assert area.get_attribute("aria-controls") == listbox.get_attribute("id")
    active = area.get_attribute("aria-activedescendant")
    option = browser.find_element(By.ID, active)
    assert option.get_attribute("role") == "option"
    assert option.get_attribute("aria-selected") == "true"
    assert_no_violations(browser, axe_source, "the block with the mention list open")
    area.send_keys(Keys.ESCAPE)
    wait_for(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "ul.social-mentions"),
             "the list did not close")
    assert area.get_attribute("aria-controls") is None
    assert area.get_attribute("aria-activedescendant") is None


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_user_text_is_isolated_for_its_direction(browsers, server, pages, lang):
    browser = as_user(browsers["js"], "alice")
    load(browser, server, pages[lang], True)
    # a reply's box, which names the comment's author
    browser.find_element(By.CSS_SELECTOR, "#social a.social-reply-link").click()
    assert browser.find_elements(By.CSS_SELECTOR, "#social .social-reply label bdi")
    loose = browser.execute_script(
        "return Array.from(document.querySelectorAll('#social .social-author, #social .social-body,"
        " .social-poll-question > *, .social-reply label bdi')).filter(function (e) {"
        "  return !(e.tagName === 'BDI' || e.getAttribute('dir') === 'auto'); })"
        ".map(function (e) { return e.outerHTML.slice(0, 80); });")
    assert loose == []
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#social bdi.social-author")]
    assert "نادية الحسن" in names or lang == "en"
