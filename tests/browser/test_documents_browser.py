"""Document discussions in a real browser (headless Debian chromium),
with JavaScript on (the widget posts with fetch and swaps the fragment)
and off (plain forms, 303 back to the discuss page): open a PDF's
discussion, comment at page 3, follow the link to PDF#page=3; comment at
0:42 of a video (and of an audio file), follow the link to FILE#t=42
and, with JavaScript on, see the player there at 42 s; a folder's
listing shows each entry's count and a Discuss link that opens the
discussion.

The video is a real one-minute WebM (VP8), the audio an Ogg Opus tone,
both made with ffmpeg by social_test/documents.py. Chromium shows a media file
opened by itself in its own player, which honours the media fragment
#t=42; headless Chromium's PDF viewer cannot be inspected, so for the
PDF only the link (PDF#page=3) and the navigation to it are checked. The
whole site is behind HTTP Basic login; the browser sends alice's
credentials (a CDP extra header), as an intranet with single sign-on
would.
"""

import os
import shutil
import tempfile
import uuid
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config, documents
from social_test.client import Client, basic_auth

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 10
RUN = uuid.uuid4().hex[:6]
FOLDER = "/training-%s/" % RUN
PDF = FOLDER + "safety-2026.pdf"
AUDIO = FOLDER + "briefing.ogg"
VIDEO = FOLDER + "induction.webm"

HTTPD_CONF = (config.login()
              + config.block('"@DOCROOT@%s"' % FOLDER.rstrip("/"), "Options +Indexes",
                             kind="Directory"))


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files={PDF: documents.pdf(4, "Safety 2026"),
                               # small enough for the socket buffers: a media
                               # player that stops reading holds no worker
                               AUDIO: documents.ogg_audio(50),
                               VIDEO: documents.webm_video(60),
                               FOLDER + "checklist.txt": documents.text()},
                        modules=[("autoindex_module", "mod_autoindex.so")],
                        name="browser-documents")
    with harness.serving(srv):
        yield srv


def authenticate(browser, user):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                            {"headers": {"Authorization": basic_auth(user)}})


@pytest.fixture(scope="module")
def js(driver):
    authenticate(driver, "alice")
    yield driver
    # no media stream left open to the server when it stops
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


@pytest.fixture(scope="module")
def nojs():
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
        browser.get("about:blank")
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(params=["js", "nojs"])
def browser(request):
    return request.getfixturevalue(request.param)


def url(server, path):
    return "http://127.0.0.1:%d%s" % (server.port, path)


def discuss_path(path):
    return "/_social/discuss?page=" + quote(path, safe="/")


def wait_for(browser, predicate):
    return WebDriverWait(browser, WAIT).until(predicate)


def comment_at(server, browser, path, text, position):
    browser.get(url(server, discuss_path(path)))
    assert browser.title == path.rsplit("/", 1)[1]
    form = browser.find_element(By.CSS_SELECTOR, "#social form.social-new")
    form.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys(text)
    form.find_element(By.CSS_SELECTOR, "input[name=position]").send_keys(position)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def posted(d):
        # without JS the post navigates: read the page once it has loaded,
        # and look again if it was replaced while being read
        if d.execute_script("return document.readyState") != "complete":
            return None
        try:
            for item in d.find_elements(By.CSS_SELECTOR, "#social li.social-comment"):
                if text in item.text:
                    links = item.find_elements(By.CSS_SELECTOR, "a.social-position")
                    if links and links[0].get_attribute("href"):
                        return links[0]
        except StaleElementReferenceException:
            return None
        return None
    return wait_for(browser, posted)


def test_pdf_comment_at_page_3_links_there(server, browser):
    text = "Page three contradicts page one %s" % uuid.uuid4().hex[:6]
    link = comment_at(server, browser, PDF, text, "3")
    assert link.get_attribute("href") == url(server, PDF + "#page=3")
    assert link.text == "at page 3"
    # without JS the form came back to the discuss page, not to the PDF
    assert "/_social/discuss?page=" in browser.current_url
    # the PDF itself is shown on the page, with a download link
    assert browser.find_element(By.CSS_SELECTOR, "object[type='application/pdf']") \
        .get_attribute("data") == url(server, PDF)
    link.click()
    wait_for(browser, lambda d: d.current_url == url(server, PDF + "#page=3"))


def media_time(browser):
    """The media element's currentTime once it has its metadata, or None."""
    return browser.execute_script(
        "var m = document.querySelector('video, audio');"
        "return m && m.readyState >= 1 && !m.seeking ? m.currentTime : null;")


@pytest.mark.parametrize("path, tag", [(VIDEO, "video"), (AUDIO, "audio")])
def test_media_comment_at_0_42_opens_the_file_there(server, browser, request, path, tag):
    text = "From here on %s" % uuid.uuid4().hex[:6]
    link = comment_at(server, browser, path, text, "0:42")
    assert link.get_attribute("href") == url(server, path + "#t=42")
    assert link.text == "at 0:42"
    assert browser.find_element(By.CSS_SELECTOR, tag).get_attribute("src") == url(server, path)
    link.click()
    wait_for(browser, lambda d: d.current_url == url(server, path + "#t=42"))
    if request.node.callspec.params["browser"] == "nojs":
        return
    # Chromium's own player for the file, started at the fragment's time
    try:
        at = wait_for(browser, media_time)
    except Exception:
        raise AssertionError("no playable %s at %s: %s" % (tag, browser.current_url,
                                                           browser.page_source[:500]))
    assert abs(at - 42) <= 1, at
    if tag == "video":
        size = browser.execute_script(
            "var v = document.querySelector('video');"
            "return [v.videoWidth, v.videoHeight, v.duration];")
        assert size[:2] == [160, 90] and abs(size[2] - 60) < 1, size


def test_listing_counts_and_discuss_links(server, browser):
    alice = Client(server, "alice")
    name = "notes-%s.txt" % uuid.uuid4().hex[:6]
    server.write_file(FOLDER + name, documents.text())
    alice.create(FOLDER + name, "first")
    alice.create(FOLDER + name, "second")
    browser.get(url(server, FOLDER))
    entries = browser.find_elements(By.CSS_SELECTOR, "span.social-entry")

    def entry_name(e):
        return e.find_element(By.XPATH, "preceding-sibling::a[1]").text.strip()
    counts = {entry_name(e): e.find_element(By.CSS_SELECTOR, "a.social-entry-count").text
              for e in entries}
    assert counts[name] == "2 comments", browser.page_source[:3000]
    assert {"checklist.txt", "safety-2026.pdf", "briefing.ogg", "induction.webm"} <= set(counts)
    # the listing has its own discussion
    assert browser.find_element(By.ID, "social").get_attribute("data-social-page") == FOLDER
    entry = [e for e in entries if entry_name(e) == name][0]
    entry.find_element(By.CSS_SELECTOR, "a.social-entry-discuss").click()
    wait_for(browser, lambda d: d.title == name)
    bodies = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#social .social-body")]
    assert "first" in bodies and "second" in bodies
