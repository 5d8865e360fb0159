"""Framing in a real browser (headless Debian chromium).

The same httpd listens on two loopback ports: http://127.0.0.1:PORT is the
intranet and its module, http://127.0.0.1:OTHER is another origin (another
site on the network). A page of the other origin frames the module's own
pages (notifications, the activity stream, a discussion fragment, the
console, a JSON refusal): Chromium refuses to show every one of them
(`Content-Security-Policy: frame-ancestors 'self'`, `X-Frame-Options`),
while the intranet's own pages frame them fine, and the other origin can
still frame a plain intranet page (so the refusal is the module's doing).

The browser sends credentials on every request (a CDP extra header), as
an intranet with single sign-on would, frames included.
"""

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from test_comments_browser import PAGE, WAIT, authenticate

HTTPD_CONF = r"""
# Another origin: the same server on a second port.
Listen 127.0.0.1:@OTHER@

""" + config.login(moderator_user="alice")

OUTER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Outer</title></head>
<body>
<iframe id="frame" title="framed" src="%s"
        onload="window.frameLoads = (window.frameLoads || 0) + 1"></iframe>
</body></html>
"""

MODULE_PAGES = {
    "notifications": "/_social/notifications",
    "activity": "/_social/activity",
    "fragment": "/_social/fragment?page=/index.html",
    "console": "/_social/admin",
    "JSON refusal": "/_social/api/v1/nonexistent",
}


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    other = harness.free_port()
    srv = harness.Httpd(db=mariadb,
                        conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd)
                        .replace("@OTHER@", str(other)),
                        files={"index.html": PAGE, "plain.html": PAGE},
                        name="browser-framing")
    srv.other_port = other
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def browser(driver):
    authenticate(driver, "alice")
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def framed(browser, server, port, target):
    """Opens, on the origin of port, an outer page (the core's /_raw/, no
    block) that frames target (an absolute URL); returns (frame URL, text
    of the frame's body) as the browser shows them."""
    name = "outer-%s.html" % uuid.uuid4().hex[:8]
    server.write_file(name, OUTER % target)
    browser.switch_to.default_content()
    browser.get("http://127.0.0.1:%d/_raw/%s" % (port, name))
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return window.frameLoads || 0") >= 1,
        "the frame never finished loading")
    browser.switch_to.frame(browser.find_element(By.ID, "frame"))
    try:
        url = browser.execute_script("return document.location.href")
        text = browser.execute_script(
            "return document.body ? document.body.innerText : ''")
    finally:
        browser.switch_to.default_content()
    return url, text


def test_other_origin_can_frame_a_plain_intranet_page(server, browser):
    url, text = framed(browser, server, server.other_port, server.url("/plain.html"))
    assert url == server.url("/plain.html"), url
    assert "Travel policy" in text


@pytest.mark.parametrize("kind", sorted(MODULE_PAGES))
def test_same_origin_frames_the_module_pages(server, browser, kind):
    path = MODULE_PAGES[kind]
    url, text = framed(browser, server, server.port, server.url(path))
    if kind == "console":
        # The console is never framed, not even by the intranet itself.
        assert not url.startswith("http"), url
        return
    assert url == server.url(path), url
    assert text.strip(), (kind, url)


@pytest.mark.parametrize("kind", sorted(MODULE_PAGES))
def test_other_origin_cannot_frame_the_module_pages(server, browser, kind):
    path = MODULE_PAGES[kind]
    url, text = framed(browser, server, server.other_port, server.url(path))
    # Chromium shows its own error page instead (chrome-error://...).
    assert not url.startswith("http"), (kind, url)
    assert "For you" not in text and "Activity" not in text and "not_found" not in text
