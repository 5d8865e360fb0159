"""Without JavaScript, inside the site's frame (SocialSiteFrame): a comment
refused for its length comes back on a page that keeps the intranet's
header, navigation and footer (its stylesheet too), shows the whole text
again, and leads back to the page; a delete asks on the same kind of page.
"""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.client import Client, fresh_page
from test_comments_browser import (LONG_TEXT, PAGE, TITLE, WAIT, load, nojs, paste)

__all__ = ["nojs"]

FRAME = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         b"<title>ACME Intranet</title><style>#site-header{background:#036;color:#fff}"
         b"</style></head>\n<body><header id=\"site-header\">ACME Intranet</header>"
         b"<nav id=\"site-nav\"><a href=\"/\">Home</a> | <a href=\"/hr/\">HR</a></nav>\n"
         b"<main-frame><!--social:discussion--></main-frame>"
         b"<footer id=\"site-footer\">&copy; ACME - Imprint</footer>\n</body></html>\n")


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=config.login().replace("@HTPASSWD@", htpasswd)
                        + "SocialSiteFrame /frame.html\n",
                        files={"index.html": PAGE, "frame.html": FRAME},
                        name="browser-siteframe")
    with harness.serving(srv):
        yield srv


def test_nojs_refusal_and_confirmation_stay_inside_the_site(nojs, server):
    alice = Client(server, "alice")
    page = fresh_page(server, content=PAGE)
    load(nojs, server, page)
    paste(nojs, "#social form.social-new textarea[name=body]", LONG_TEXT)
    nojs.find_element(By.CSS_SELECTOR, "#social form.social-new button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.find_elements(By.ID, "social-kept"),
                                    "no page showing the text again")
    # the site's frame around it, visible, the module's page inside
    header = nojs.find_element(By.ID, "site-header")
    assert header.is_displayed() and header.value_of_css_property("color") == \
        "rgba(255, 255, 255, 1)"
    assert nojs.find_element(By.ID, "site-footer").is_displayed()
    assert nojs.find_element(By.CSS_SELECTOR, "#site-nav a").text == "Home"
    assert nojs.title == "Your comment was not saved"
    assert nojs.find_element(By.ID, "social-kept").get_attribute("value") == LONG_TEXT
    nojs.find_element(By.LINK_TEXT, "Back to the page").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == TITLE, "not back on the page")
    assert alice.listing(page)["comments"] == []

    # a delete asks inside the frame too
    item = alice.create(page, "mine to delete")
    load(nojs, server, page)
    # (its button belongs to the discussion's shared form)
    nojs.find_element(By.CSS_SELECTOR, "#comment-%d button[form=social-acts][name=action]"
                                       "[value=delete]" % item["id"]).click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Delete this comment?",
                                    "no confirmation")
    assert nojs.find_element(By.ID, "site-footer").is_displayed()
    nojs.find_element(By.CSS_SELECTOR, "form.social-confirm-form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == TITLE, "not back on the page")
    assert nojs.find_element(By.CSS_SELECTOR, "#social p.social-live").text == "Comment deleted"

    # a reply's page too
    item = Client(server, "bob").create(page, "reply to me")
    load(nojs, server, page)
    nojs.find_element(By.CSS_SELECTOR, "#comment-%d a.social-reply-link" % item["id"]).click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == "Reply", "no reply page")
    assert nojs.find_element(By.ID, "site-footer").is_displayed()
    nojs.find_element(By.ID, "social-reply-body").send_keys("framed reply")
    nojs.find_element(By.CSS_SELECTOR, "form.social-reply-form button[type=submit]").click()
    WebDriverWait(nojs, WAIT).until(lambda d: d.title == TITLE, "not back on the page")
    assert [c["body"] for c in alice.listing(page)["comments"]] == ["reply to me", "framed reply"]
