"""The employee's first week, in real browsers (JavaScript on and off), on
the demo intranet configured as scripts/demo configures it: the discussion
stands above the site's footer, pages are named by their titles in the
activity stream, a note to one colleague stays private unless asked, a
comment is reported without JavaScript, and a mention of an unknown name
is questioned before posting without JavaScript.
"""

import uuid
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.client import Client
from test_anchors_browser import demo_files
from test_comments_browser import WAIT, authenticate, load, nojs, wait_for, wait_widget

__all__ = ["nojs"]

OFFSITE = "/news/2026-11-offsite.html"

HTTPD_CONF = (config.login() + config.block("/", "SocialPlaceBefore footer.site",
                                            kind="Location")
              + config.block("/hr", "SocialPlaceBefore div.footer", kind="Location"))


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files=demo_files("/"), name="browser-first-week")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def js(driver):
    authenticate(driver, "alice")
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def page_title(server, path):
    import re
    body = server.file_bytes(path).decode("utf-8")
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip()


def test_js_the_discussion_stands_above_the_sites_footer(js, server):
    for path in (OFFSITE, "/hr/remote-work-policy.html"):
        load(js, server, path)
        wait_widget(js)
        social = js.find_element(By.ID, "social").rect
        footer = js.find_element(By.CSS_SELECTOR, "footer.site, div.footer").rect
        assert social["y"] + social["height"] <= footer["y"], (path, social, footer)


def test_js_activity_names_pages_by_their_titles(js, server):
    bob = Client(server, "bob")
    text = "see you at the lodge %s" % uuid.uuid4().hex[:6]
    bob.create(OFFSITE, text)
    load(js, server, "/_social/activity")
    item = [li for li in js.find_elements(By.CSS_SELECTOR, "ol.social-stream li")
            if text in li.text][0]
    link = [a for a in item.find_elements(By.TAG_NAME, "a")
            if a.get_attribute("href").split("#")[0].endswith(OFFSITE)][0]
    assert link.text == page_title(server, OFFSITE)
    assert link.get_attribute("title") == OFFSITE


def test_js_a_note_to_one_colleague_is_private_unless_asked(js, server):
    Client(server, "carol").page(OFFSITE)          # carol has read a page: she is known
    load(js, server, OFFSITE)
    wait_widget(js)
    js.find_element(By.CSS_SELECTOR, "#social details.social-share summary").click()
    public = js.find_element(By.CSS_SELECTOR, "#social form.social-share-form input[name=public]")
    assert not public.is_selected()
    note = "just for you %s" % uuid.uuid4().hex[:6]
    js.find_element(By.ID, "social-share-to").send_keys("carol")
    js.find_element(By.ID, "social-share-note").send_keys(note)
    js.find_element(By.CSS_SELECTOR, "#social form.social-share-form button[type=submit]").click()
    carol, bob = Client(server, "carol"), Client(server, "bob")
    wait_for(js, lambda d: [s for s in carol.api("GET", "shares").json()["shares"]
                            if s["note"] == note], "carol did not get it")
    stream = bob.api("GET", "activity").json()["items"]
    assert not [i for i in stream if note in str(i)], "a private note reached the stream"


def test_nojs_report_a_comment_to_the_moderators(nojs, server):
    bob = Client(server, "bob")
    cid = bob.create("/news/index.html", "buy cheap watches %s" % uuid.uuid4().hex[:6])["id"]
    load(nojs, server, "/news/index.html")
    nojs.find_element(By.CSS_SELECTOR, "#comment-%d a.social-report-link" % cid).click()
    WebDriverWait(nojs, WAIT).until(lambda d: "/_social/report" in d.current_url,
                                    "no report page")
    nojs.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Spam")
    nojs.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: "?social=reported" in d.current_url,
                                    "not back on the page")
    assert nojs.find_element(By.CSS_SELECTOR, "#social p.social-live").text == \
        "Reported to the moderators. Thank you."
    carol = Client(server, "carol")
    queue = carol.get("/_social/admin?reported=1&page=" + quote("/news/index.html"))
    assert b"Spam" in queue.body


def test_nojs_an_unknown_mention_is_questioned_before_posting(nojs, server):
    page = "/news/index.html"
    stranger = "nobody%s" % uuid.uuid4().hex[:6]
    load(nojs, server, page)
    box = nojs.find_element(By.CSS_SELECTOR, "#social form.social-new textarea[name=body]")
    box.send_keys("Thanks @%s for the photos" % stranger)
    nojs.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Check the names you mentioned",
                                    "no question about the name")
    assert stranger in nojs.find_element(By.CSS_SELECTOR, ".social-message-text").text
    alice = Client(server, "alice")
    assert not [c for c in alice.listing(page)["comments"] if stranger in c["body"]]
    fixed = nojs.find_element(By.ID, "social-mentions-body")
    fixed.clear()
    fixed.send_keys("Thanks @bob for the photos")
    nojs.find_element(By.CSS_SELECTOR, "form.social-mentions-form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: "?social=posted" in d.current_url, "not posted")
    assert [c for c in alice.listing(page)["comments"] if c["body"] == "Thanks @bob for the photos"]
