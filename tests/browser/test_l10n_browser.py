"""The widget in the reader's language and the admin's time zone, in a
real browser: a German, an Arabic and a Japanese page get the words the
widget itself makes (skip link, passage button and panel, preview,
character count, "Link copied", counts with Arabic's plural forms) from
templates/i18n/<tag>/widget.json through messages-TAG.js; relative times
change in place as time passes (the widget's own once-a-minute timer,
run with a later clock, and a tab coming back into view); exact times in
titles are on SocialTimeZone's clock, not the reader's."""

import datetime
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.client import Client, basic_auth

WAIT = 10
I18N = harness.REPO / "templates" / "i18n"

HTTPD_CONF = (config.login()
              + config.block("/tokyo", "SocialTimeZone Asia/Tokyo")
              + config.block("/counts", "SocialRender Deferred")
              + config.block("/short", "SocialMaxCommentLength 10"))

PAGES = {
    "de": ("Betriebsrat", "Der Betriebsrat trifft sich jeden ersten Dienstag im Monat im Raum 4."),
    "ar": ("سياسة العمل عن بعد", "يمكن للموظفين طلب ما يصل إلى ثلاثة أيام عمل عن بعد في الأسبوع."),
    "ja": ("社内規程", "在宅勤務は週に三日まで申請することができます。詳しくは人事部に確認してください。"),
    "en": ("Remote work", "Employees may request up to three remote days per week after probation."),
}

PAGE = """<!DOCTYPE html>
<html lang="%(lang)s"%(dir)s>
<head><meta charset="utf-8"><title>%(title)s</title><link rel="icon" href="data:,"></head>
<body>
<main>
<h1>%(title)s</h1>
<p id="text">%(text)s</p>
%(extra)s
</main>
<footer><p>Intranet</p></footer>
</body>
</html>
"""


def words(tag):
    m = json.loads((I18N / "en" / "widget.json").read_text("utf-8"))
    m.update(json.loads((I18N / tag / "widget.json").read_text("utf-8")))
    return m


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={}, name="browser-l10n")
    with harness.serving(srv):
        yield srv


def make_page(server, lang, folder="pages", extra=""):
    title, text = PAGES[lang]
    path = "/%s/%s-%s.html" % (folder, lang, uuid.uuid4().hex[:10])
    server.write_file(path, PAGE % {"lang": lang, "dir": ' dir="rtl"' if lang == "ar" else "",
                                    "title": title, "text": text, "extra": extra})
    return path


@pytest.fixture
def browser(driver):
    yield driver
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def as_reader(browser, lang):
    """alice, whose browser asks for lang."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {
        "Authorization": basic_auth("alice"), "Accept-Language": lang}})


def load(browser, server, path):
    browser.get(server.url(path))
    WebDriverWait(browser, WAIT).until(
        lambda d: "social-ready" in (d.find_element(By.ID, "social").get_attribute("class")
                                     or "").split(),
        "the widget did not initialise")


def wait_for(browser, predicate, message):
    return WebDriverWait(browser, WAIT).until(predicate, message)


def text_of(browser, css):
    found = browser.find_elements(By.CSS_SELECTOR, css)
    return found[0].get_attribute("textContent") if found else None


SELECT_ALL_OF = """
const el = document.getElementById(arguments[0]);
const range = document.createRange();
range.selectNodeContents(el);
const sel = window.getSelection();
sel.removeAllRanges();
sel.addRange(range);
"""


@pytest.mark.parametrize("lang", ["de", "ar", "ja"])
def test_widget_says_its_words_in_the_pages_language(browser, server, lang):
    w = words(lang)
    assert w["widget.skip_link"] != words("en")["widget.skip_link"]
    page = make_page(server, lang, "short")
    Client(server, "bob").create(page, "Hallo")
    as_reader(browser, lang)
    load(browser, server, page)
    assert browser.execute_script("return window.SocialMessages.lang") == lang
    # made by the widget: the skip link, the preview button, the count
    assert text_of(browser, ".social-skip") == w["widget.skip_link"]
    assert text_of(browser, "#social button.social-preview-button") == w["widget.preview"]
    # SocialMaxCommentLength 10: "10 left" is the "other" form in all three
    assert text_of(browser, "#social .social-length") == \
        w["widget.chars_left"]["other"].replace("{n}", "10")
    # the passage button after a selection, and the panel it opens
    browser.execute_script(SELECT_ALL_OF, "text")
    button = wait_for(browser, lambda d: [b for b in d.find_elements(
        By.CSS_SELECTOR, ".social-select-button") if b.is_displayed()],
        "no passage button after selecting")[0]
    assert button.text == w["widget.comment_passage"]
    button.click()
    panel = wait_for(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, "#social .social-passage-panel"), "no passage panel")[0]
    assert text_of(browser, ".social-passage-heading") == w["widget.comment_passage"]
    close = panel.find_element(By.CSS_SELECTOR, ".social-passage-close")
    assert close.text == w["widget.close"]
    assert close.get_attribute("aria-label") == w["widget.passage_close_label"]
    assert panel.find_element(By.CSS_SELECTOR, "button[type=submit]").text == w["widget.passage_post"]
    close.click()


def test_german_link_copied(browser, server):
    page = make_page(server, "de")
    as_reader(browser, "de")
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server.url("").rstrip("/"),
        "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    load(browser, server, page)
    browser.execute_script("document.querySelector('#social details.social-share').open = true;")
    copy = browser.find_element(By.CSS_SELECTOR, "#social [data-social-copy]")
    copy.click()
    said = wait_for(browser, lambda d: text_of(d, ".social-announce"), "nothing announced")
    assert said == "Link kopiert", said


def test_arabic_counts_take_arabics_plural_forms(browser, server):
    w = words("ar")["widget.comment_count"]
    two, eleven = make_page(server, "ar"), make_page(server, "ar")
    for k in range(2):
        Client(server, "alice").create(two, "تعليق %d" % k)
    for k in range(11):
        Client(server, "bob").create(eleven, "تعليق %d" % k)
    page = make_page(server, "ar", "counts",
                     '<p><!--social:count page="%s"--> <!--social:count page="%s"--></p>'
                     % (two, eleven))
    as_reader(browser, "ar")
    load(browser, server, page)
    links = wait_for(browser, lambda d: len(d.find_elements(
        By.CSS_SELECTOR, ".social-count-link")) == 2 and d.find_elements(
        By.CSS_SELECTOR, ".social-count-link"), "no counts")
    assert [a.text for a in links] == [w["two"].replace("{n}", "2"),
                                       w["many"].replace("{n}", "11")]
    assert w["two"] != w["many"] != w["other"]


# ---------------------------------------------------------------- times

RECORD_INTERVALS = """
window.__socialIntervals = [];
const setInterval0 = window.setInterval;
window.setInterval = function (fn, ms) {
  window.__socialIntervals.push({ fn: fn, ms: ms });
  return setInterval0.apply(window, arguments);
};
"""

LATER_CLOCK = """
const later = arguments[0];
const now0 = Date.now;
Date.now = function () { return now0() + later; };
"""


def comment_time(browser):
    return browser.find_element(By.CSS_SELECTOR, "#social .social-time time[datetime]")


def test_relative_time_changes_in_place_as_time_passes(browser, server):
    page = make_page(server, "de")
    Client(server, "bob").create(page, "Gleich geht es los.")
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                     {"source": RECORD_INTERVALS})
    try:
        as_reader(browser, "de")
        load(browser, server, page)
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                                {"identifier": script["identifier"]})
    t = comment_time(browser)
    assert t.text == "jetzt", t.text          # Intl's German word, not the server's English
    # the widget's own timer, a minute apart, run with a clock 5 minutes on
    ms = browser.execute_script("return window.__socialIntervals.map(function (i) { return i.ms; })")
    assert 60000 in ms, ms
    browser.execute_script(LATER_CLOCK, 5 * 60 * 1000)
    browser.execute_script("window.__socialIntervals.filter(function (i) { return i.ms === 60000; })"
                           ".forEach(function (i) { i.fn(); });")
    assert comment_time(browser).text == "vor 5 Minuten"
    # back in view after two more hours
    browser.execute_script(LATER_CLOCK, 2 * 3600 * 1000)
    browser.execute_script("document.dispatchEvent(new Event('visibilitychange'));")
    assert comment_time(browser).text == "vor 2 Stunden"
    # the same element, changed in place
    assert comment_time(browser) == t


def test_exact_time_title_on_the_admins_zone(browser, server):
    """SocialTimeZone Asia/Tokyo: the title says Tokyo's time, whatever
    the reader's own zone (here New York)."""
    page = make_page(server, "en", "tokyo")
    Client(server, "bob").create(page, "What time is it in Tokyo?")
    as_reader(browser, "en")
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "America/New_York"})
    load(browser, server, page)
    assert browser.find_element(By.ID, "social").get_attribute("data-social-tz") == "Asia/Tokyo"
    t = comment_time(browser)
    when = datetime.datetime.fromisoformat(t.get_attribute("datetime").replace("Z", "+00:00"))
    tokyo = when.astimezone(ZoneInfo("Asia/Tokyo"))
    title = t.get_attribute("title")
    assert title.endswith(" GMT+9"), title
    assert tokyo.strftime("%b %-d, %Y") in title, (title, tokyo)
    assert tokyo.strftime("%-I:%M") in title, (title, tokyo)


def test_exact_time_title_is_utc_by_default(browser, server):
    page = make_page(server, "de")
    Client(server, "bob").create(page, "Und hier?")
    as_reader(browser, "de")
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Kolkata"})
    load(browser, server, page)
    t = comment_time(browser)
    when = datetime.datetime.fromisoformat(t.get_attribute("datetime").replace("Z", "+00:00"))
    title = t.get_attribute("title")
    assert title.endswith(" UTC"), title
    assert when.strftime("%d.%m.%Y, %H:%M") in title, (title, when)


def test_without_its_messages_the_widget_speaks_english(browser, server):
    """messages-de.js blocked (a failed load): social.js fetches the
    English messages beside itself and works in English."""
    page = make_page(server, "de")
    as_reader(browser, "de")
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*messages-de.js*"]})
    try:
        load(browser, server, page)
        assert browser.execute_script("return window.SocialMessages.lang") == "en"
        assert text_of(browser, ".social-skip") == words("en")["widget.skip_link"]
        assert text_of(browser, "#social button.social-preview-button") == "Preview"
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


@pytest.mark.parametrize("path", ["/_social/activity", "/_social/notifications"])
def test_stream_and_notifications_keep_their_times_fresh(browser, server, path):
    """The module's own pages load the widget's words and script: their
    times read in the reader's language and change in place, with the
    exact time on the admin's clock (UTC here) in the title."""
    page = make_page(server, "de")
    mine = Client(server, "alice").create(page, "Wann ist die nächste Sitzung?")
    Client(server, "bob").create(page, "Am Dienstag, @alice.", parent=mine["id"])
    as_reader(browser, "de")
    browser.get(server.url(path))
    wait_for(browser, lambda d: d.execute_script("return !!window.SocialWidget"),
             "the widget did not run on %s" % path)
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-social-tz") == "UTC"
    t = browser.find_elements(By.CSS_SELECTOR, "time.social-time[datetime]")[0]
    wait_for(browser, lambda d: t.text in ("jetzt", "vor 1 Minute"),
             "the time is not in German words: %r" % t.text)
    assert t.get_attribute("title").endswith(" UTC"), t.get_attribute("title")
    browser.execute_script(LATER_CLOCK, 2 * 3600 * 1000)
    browser.execute_script("document.dispatchEvent(new Event('visibilitychange'));")
    assert t.text == "vor 2 Stunden", t.text
