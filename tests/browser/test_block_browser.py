"""A real browser loads pages served through mod_social: the page stays
what it was, the block is in the DOM, the widget script runs, and nothing
is logged as an error in the console."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ICON = '<link rel="icon" href="data:,">'

INDEX = ("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Intranet home</title>
%s
<style>body { font-family: sans-serif } #news li { margin: .2em 0 }</style>
</head>
<body>
<h1 id="headline">Welcome to the intranet</h1>
<ul id="news"><li>Canteen opens at 7:30</li><li>New travel policy</li></ul>
<p id="own-script">page script did not run</p>
<script>
  document.getElementById("own-script").textContent = "page script ran";
  var closing = "</body>";
</script>
</body>
</html>
""" % ICON).encode()

THREAD = ("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Travel policy</title>%s</head>
<body>
<article><h1 id="headline">Travel policy</h1><p>Book through the portal.</p></article>
<section id="comments"><!--social:thread--></section>
<footer id="foot">HR</footer>
</body>
</html>
""" % ICON).encode()

POLL = ("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Offsite</title>%s</head>
<body>
<h1 id="headline">Offsite</h1>
<p>Where should we go?</p>
<!--social:poll name="offsite" question="Where?" options="Lisbon|Prague|Online"-->
</body>
</html>
""" % ICON).encode()

XHTML = ("""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head><title>XHTML page</title>%s</head>
<body>
<h1 id="headline">Strict XHTML</h1>
<p>Caf&#233; &amp; cake.</p>
</body>
</html>
""" % ICON.replace('">', '" />')).encode()

OPT_OUT = ("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="mod_social" content="off">
<title>Board minutes</title>%s</head>
<body><h1 id="headline">Board minutes</h1></body>
</html>
""" % ICON).encode()

HTTPD_FILES = {
    "index.html": INDEX,
    "thread.html": THREAD,
    "poll.html": POLL,
    "page.xhtml": XHTML,
    "minutes.html": OPT_OUT,
}


def load(driver, httpd, path):
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(httpd.url(path))


def wait_ready(driver, timeout=10):
    """Wait until the widget script marked #social as ready."""
    def ready(d):
        found = d.find_elements(By.ID, "social")
        return found and "social-ready" in (found[0].get_attribute("class") or "").split()
    WebDriverWait(driver, timeout).until(
        ready, "the widget script did not add social-ready to #social")
    return driver.find_element(By.ID, "social")


def severe_console_entries(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def assert_clean_console(driver):
    severe = severe_console_entries(driver)
    assert not severe, "console errors: %r" % severe


def test_page_content_shown_and_widget_ready(driver, httpd):
    load(driver, httpd, "/index.html")
    assert driver.title == "Intranet home"
    headline = driver.find_element(By.ID, "headline")
    assert headline.is_displayed() and headline.text == "Welcome to the intranet"
    items = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#news li")]
    assert items == ["Canteen opens at 7:30", "New travel policy"]
    assert driver.find_element(By.ID, "own-script").text == "page script ran"
    social = wait_ready(driver)
    # index.html is the directory's page: its key is the directory
    assert social.get_attribute("data-social-page") == "/"
    assert len(driver.find_elements(By.ID, "social")) == 1
    # the block is the last thing in the body, after the page's own content
    last = driver.execute_script(
        "var k = document.body.children;"
        "for (var i = k.length - 1; i >= 0; i--) {"
        "  if (k[i].tagName !== 'SCRIPT' && k[i].tagName !== 'LINK') return k[i].id; }")
    assert last == "social"
    assert_clean_console(driver)


def test_widget_assets_loaded(driver, httpd):
    load(driver, httpd, "/index.html")
    wait_ready(driver)
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
    assets = [n for n in names if "/_social/assets/" in n]
    assert any(re.search(r"/_social/assets/[^/]+/social\.js$", n) for n in assets), names
    assert any(re.search(r"/_social/assets/[^/]+/social\.css$", n) for n in assets), names
    rules = driver.execute_script(
        "for (var i = 0; i < document.styleSheets.length; i++) {"
        "  var s = document.styleSheets[i];"
        "  if (s.href && s.href.indexOf('/_social/assets/') >= 0) return s.cssRules.length; }"
        "return -1;")
    assert rules > 0, "the widget stylesheet is not applied"
    assert_clean_console(driver)


def test_thread_marker_places_widget(driver, httpd):
    load(driver, httpd, "/thread.html")
    social = wait_ready(driver)
    parent = driver.execute_script("return arguments[0].parentNode.id;", social)
    assert parent == "comments"
    assert driver.find_element(By.ID, "foot").text == "HR"
    assert len(driver.find_elements(By.ID, "social")) == 1
    assert_clean_console(driver)


def test_poll_marker_placeholder_in_dom(driver, httpd):
    load(driver, httpd, "/poll.html")
    wait_ready(driver)
    markers = driver.find_elements(By.CSS_SELECTOR, ".social-marker[data-social-kind='poll']")
    assert len(markers) == 1
    assert driver.find_element(By.ID, "headline").text == "Offsite"
    assert_clean_console(driver)


def test_xhtml_page_parses_and_widget_ready(driver, httpd):
    load(driver, httpd, "/page.xhtml")
    assert not driver.find_elements(By.TAG_NAME, "parsererror"), \
        "the browser reports an XML parse error"
    assert driver.find_element(By.ID, "headline").text == "Strict XHTML"
    wait_ready(driver)
    assert driver.execute_script("return document.contentType;") == "application/xhtml+xml"
    assert_clean_console(driver)


def test_opted_out_page_has_no_widget(driver, httpd):
    load(driver, httpd, "/minutes.html")
    assert driver.find_element(By.ID, "headline").text == "Board minutes"
    assert driver.find_elements(By.ID, "social") == []
    assert driver.find_elements(By.CSS_SELECTOR, "script[src*='/_social/']") == []
    assert_clean_console(driver)


@pytest.mark.parametrize("path", ["/index.html", "/thread.html"])
def test_widget_initialises_once(driver, httpd, path):
    load(driver, httpd, path)
    social = wait_ready(driver)
    classes = (social.get_attribute("class") or "").split()
    assert classes.count("social-ready") == 1
