"""Themes in a real browser: the block takes the page's font and text
colour, keeps its own look whatever the page's style sheet says (no
page style leaks in), changes nothing of the page (no block style leaks
out), is dark only where the page itself is dark (SocialTheme Auto, the
default, judged in the browser from the page's background, not from the
reader's OS setting) or where the admin says so (SocialTheme Dark|Light),
and takes an admin's colours through CSS custom properties."""

import pytest
from selenium.webdriver.common.by import By

import axe
import harness
from social_test import config
from social_test.client import Client
from test_a11y_browser import as_user, load

HTTPD_CONF = (config.login()
              + config.block("/plain", "Social Off")
              + config.block("/forced-dark", "SocialTheme Dark")
              + config.block("/forced-light", "SocialTheme Light"))

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%(title)s</title><link rel="icon" href="data:,">
<style>html { overflow-y: scroll; } %(style)s</style></head>
<body>
<header><p id="banner">Northwind intranet</p></header>
<main id="content">
<h1 id="title">%(title)s</h1>
<h2 id="sub">A section</h2>
<p id="para">Text of the page with <a id="link" href="#para">a link</a>.</p>
<ul id="list"><li>one</li><li>two</li></ul>
<table id="table"><tr><th>a</th><td>b</td></tr></table>
<form id="search"><label>Search <input name="q"></label> <button>Go</button></form>
<!--social:poll name="lunch" question="Lunch at noon or one?" options="Noon|One"-->
</main>
<footer><p id="foot">Footer</p></footer>
</body></html>
"""

STYLES = {
    "serif": ("body { font-family: Georgia, 'DejaVu Serif', serif; color: #333333; "
              "background: #fff; font-size: 17px; }"
              "h2 { border-bottom: 3px solid green; text-transform: uppercase; padding: 4px; }"
              "#content a, a { color: green; } p { margin: 2em; text-indent: 1em; }"
              "ul li { list-style: square; } button { background: yellow; border-radius: 0; }"
              "label { display: inline; color: #a00000; }"),
    "sans": ("body { font-family: Verdana, 'DejaVu Sans', sans-serif; color: #102030; "
             "background: #f4f4f4; font-size: 13px; }"
             "h2 { border-bottom: 1px dashed red; letter-spacing: 3px; background: #eee; }"
             "a { color: purple; text-decoration: none; } p { margin: 0; }"),
    "dark": ("body { font-family: sans-serif; color: #e8e8e8; background: #15181c; }"
             "a { color: #9cf; }"),
}


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={}, name="browser-themes")
    with harness.serving(srv):
        yield srv


def page(server, folder, style, name=None, extra_style=""):
    path = "/%s/%s.html" % (folder, name or style)
    server.write_file(path, (PAGE % {"title": "Page " + style,
                                     "style": STYLES[style] + extra_style}).encode())
    return path


@pytest.fixture(scope="module")
def browser(driver, server):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    as_user(driver, "alice")
    yield driver
    driver.get("about:blank")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def rgb(value):
    """A computed colour as rgb(r, g, b) (Chrome may say rgba(..., 1))."""
    if value.startswith("rgba(") and value.endswith(", 1)"):
        return "rgb(" + value[5:-4] + ")"
    return value


def with_comment(server, path):
    Client(server, "alice").create(path, "A comment with [a link](https://example.org/x)")
    return path


STYLE_OF = """
var props = arguments[1], own = arguments[2];
return Array.from(document.querySelectorAll(arguments[0])).filter(function (e) {
  return !own || !e.closest('#social, .social-marker, .social-passage-ui, .social-skip, '
                            + '.social-announce, mark.social-passage');
}).map(function (e) {
  var cs = getComputedStyle(e), out = {};
  props.forEach(function (p) { out[p] = cs.getPropertyValue(p); });
  return [e.id || e.className || e.tagName, out];
});
"""

OWN_PROPS = ["border-bottom-width", "border-bottom-style", "text-transform", "letter-spacing",
             "text-indent", "list-style-type", "background-color", "padding-top",
             "margin-top", "margin-bottom", "font-size", "line-height", "display"]


def test_block_takes_the_pages_font_and_text_colour(browser, server):
    for style in ("serif", "sans"):
        path = with_comment(server, page(server, "pages", style))
        load(browser, server, path, True)
        body = browser.find_element(By.TAG_NAME, "body")
        block = browser.find_element(By.ID, "social")
        assert block.value_of_css_property("font-family") == body.value_of_css_property("font-family")
        assert block.value_of_css_property("color") == body.value_of_css_property("color")
        heading = browser.find_element(By.ID, "social-heading")
        assert heading.value_of_css_property("color") == body.value_of_css_property("color")


def test_no_page_style_leaks_into_the_block(browser, server):
    seen = {}
    for style in ("serif", "sans"):
        path = with_comment(server, page(server, "leak-in", style))
        load(browser, server, path, True)
        browser.execute_script("document.querySelectorAll('#social details')"
                               ".forEach(function (d) { d.open = true; });")
        heading = browser.find_element(By.ID, "social-heading")
        assert heading.value_of_css_property("border-bottom-style") == "none"
        assert heading.value_of_css_property("text-transform") == "none"
        assert heading.value_of_css_property("letter-spacing") == "normal"
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('#social a[href]:not(.social-time)'))"
            ".map(function (a) { return getComputedStyle(a).color; });")
        assert links and set(links) == {"rgb(11, 92, 173)"}, links
        seen[style] = browser.execute_script(
            STYLE_OF, "#social h2, #social p, #social li, #social a, #social label, "
                      "#social button, #social textarea", OWN_PROPS)
    assert len(seen["serif"]) == len(seen["sans"]) > 10
    differ = [(a[0], {k: (a[1][k], b[1][k]) for k in OWN_PROPS if a[1][k] != b[1][k]})
              for a, b in zip(seen["serif"], seen["sans"]) if a[1] != b[1]]
    assert differ == [], differ


PAGE_PROPS = ["color", "font-family", "font-size", "line-height", "margin-top", "margin-bottom",
              "padding-top", "border-bottom-width", "background-color", "display", "width",
              "text-align", "direction", "list-style-type"]


def test_no_block_style_leaks_out_of_it(browser, server):
    for style in ("serif", "sans"):
        with_block = with_comment(server, page(server, "leak-out", style))
        without = page(server, "plain", style)
        found = []
        for path in (with_block, without):
            load(browser, server, path, True)
            found.append(browser.execute_script(
                STYLE_OF, "html, body, header, header *, main, main *, footer, footer *",
                PAGE_PROPS, True))
        assert browser.find_elements(By.ID, "social") == []   # /plain: Social Off
        assert len(found[0]) > 10
        assert found[0] == found[1]


@pytest.mark.parametrize("folder, style, expected", [
    ("auto", "serif", "light"), ("auto", "dark", "dark"),
    ("forced-dark", "serif", "dark"), ("forced-light", "dark", "light")])
def test_theme_follows_the_page_or_the_admin(browser, server, folder, style, expected):
    # the reader's OS prefers dark: a light page still gets a light block
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    path = with_comment(server, page(server, folder, style))
    load(browser, server, path, True)
    block = browser.find_element(By.ID, "social")
    assert block.get_attribute("data-social-theme") == expected
    poll = browser.find_element(By.CSS_SELECTOR, ".social-marker-poll")
    assert poll.get_attribute("data-social-theme") == expected
    if folder == "auto":
        found = axe.violations(browser, axe.source())
        assert not found, axe.describe(found)


def test_admins_colours_through_custom_properties(browser, server):
    corporate = (".social { --social-accent: #8a0f24; --social-muted: #4a4a4a; "
                 "--social-font: 'DejaVu Serif', serif; --social-text: #1a1a1a; }")
    path = with_comment(server, page(server, "corporate", "sans", extra_style=corporate))
    load(browser, server, path, True)
    block = browser.find_element(By.ID, "social")
    assert rgb(block.value_of_css_property("color")) == "rgb(26, 26, 26)"
    assert "DejaVu Serif" in block.value_of_css_property("font-family")
    link = browser.find_element(By.CSS_SELECTOR, "#social .social-body a")
    assert rgb(link.value_of_css_property("color")) == "rgb(138, 15, 36)"
    button = browser.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]")
    assert rgb(button.value_of_css_property("background-color")) == "rgb(138, 15, 36)"
