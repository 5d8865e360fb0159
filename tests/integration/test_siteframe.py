"""SocialSiteFrame: the module's own pages (a refused form, a
confirmation, "for you", the activity stream) set inside a page of the
site, so a reader without JavaScript stays in the intranet's frame (its
header, navigation and footer) with a link back to where they were. The
frame is read through httpd like any page (here through SSI, which must
never see the client's Host or forwarded headers), in its own charset.
"""

from urllib.parse import urlencode

import pytest

import harness
from social_test import config
from social_test.asserts import assert_html_error
from social_test.client import PAGE_TEMPLATE, Client, fresh_page
from social_test.html import parse_html

# The frame: Latin-1, SSI, the site's header, navigation and footer.
FRAME = ("<!DOCTYPE html>\n<html lang=\"en\"><head>"
         "<meta charset=\"iso-8859-1\"><title>ACME Intranet</title>"
         "<link rel=\"stylesheet\" href=\"/site.css\"></head>\n<body>"
         "<header id=\"site-header\">ACME Intranet \u2013 Caf\u00e9 news "
         "(<!--#echo var=\"HTTP_HOST\" -->)</header>"
         "<nav id=\"site-nav\"><a href=\"/\">Home</a></nav>\n"
         "<div id=\"content\"><!--social:discussion--></div>"
         "<footer id=\"site-footer\">\u00a9 ACME</footer>\n</body></html>\n").replace(
             "\u2013", "-").encode("iso-8859-1")

HTTPD_CONF = (config.login() + config.optional_login()
              + "SocialSiteFrame /frame/frame.html\n"
              + config.block("/frame", "Options +Includes", "SetOutputFilter INCLUDES",
                             'ForceType "text/html; charset=ISO-8859-1"'))

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ERROR_LOG_ALLOW = [r"SOCIAL1500: SocialSiteFrame"]


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home"),
                                "frame/frame.html": FRAME},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


def assert_framed(resp, title):
    assert resp.header("Content-Type").lower().replace(" ", "") == \
        "text/html;charset=iso-8859-1", resp.header("Content-Type")
    assert "Caf\u00e9 news".encode("iso-8859-1") in resp.body       # the frame's own bytes
    root = parse_html(resp.body.decode("iso-8859-1"))
    assert root.find("header", id="site-header") is not None
    assert root.find("nav", id="site-nav") is not None
    assert root.find("footer", id="site-footer") is not None
    content = root.find("div", id="content")
    main = content.find("main")
    assert main is not None and "social" in main.classes, "the page is not in the frame"
    assert root.find("title").text() == title
    hrefs = [l.get("href") for l in root.find_all("link")]
    assert "/site.css" in hrefs and any(h.endswith("/social.css") for h in hrefs), hrefs
    assert b"social:discussion" not in resp.body
    return main


def test_a_refused_form_is_shown_inside_the_site_with_a_way_back(server, alice):
    page = fresh_page(server)
    resp = alice.request("POST", "/_social/like",
                         body=urlencode({"page": page, "action": "like",
                                         "token": "forged"}).encode(), headers=FORM)
    assert_html_error(resp, 403)
    main = assert_framed(resp, "Your like was not saved")
    back = [a for a in main.find_all("a") if a.text() == "Back to the page"]
    assert back and back[0].get("href") == page + "#social"


def test_confirmation_and_for_you_pages_are_framed(server, alice):
    page = fresh_page(server)
    item = alice.create(page, "to be deleted")
    disc = alice.discussion(page)
    fields = disc.form_fields(disc.action_form(item["id"], "delete"))
    resp = alice.form("/%d" % item["id"], fields)
    assert resp.status == 200
    main = assert_framed(resp, "Delete this comment?")
    assert main.find("form", cls="social-confirm-form") is not None
    assert_framed(alice.get("/_social/notifications"), "For you")
    assert_framed(alice.get("/_social/activity"), parse_html(
        alice.get("/_social/activity").body.decode("iso-8859-1")).find("title").text())


def test_the_frame_never_sees_the_clients_host(server, alice):
    resp = alice.get("/_social/notifications",
                     headers={"X-Forwarded-Host": "evil.example",
                              "Forwarded": "host=evil.example"})
    assert_framed(resp, "For you")
    assert b"evil.example" not in resp.body
    raw = server.request("GET", "/_social/notifications",
                         {"Host": "evil.example", "Authorization": alice.headers()["Authorization"]})
    assert b"evil.example" not in raw.body


def test_a_missing_frame_leaves_the_plain_page(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, name="siteframe-missing",
                        conf=config.login().replace("@HTPASSWD@", htpasswd)
                        + "SocialSiteFrame /no/such/frame.html\n",
                        files={"index.html": PAGE_TEMPLATE.format(title="Home")})
    with harness.serving(srv):
        srv.allow_errors(r"SOCIAL1500: SocialSiteFrame /no/such/frame.html")
        resp = Client(srv, "alice").get("/_social/notifications")
        assert resp.status == 200
        assert resp.header("Content-Type").lower().startswith("text/html; charset=utf-8")
        assert parse_html(resp.body).find("main") is not None
        assert any("SOCIAL1500" in line for line in srv.error_log_lines())


@pytest.mark.parametrize("value", ["frame.html", "//evil.example/f.html", "/f.html?x=1",
                                   "/a/../b.html"])
def test_bad_frame_is_a_config_error(mariadb, value):
    srv = harness.Httpd(db=mariadb, name="conf-test", conf="SocialSiteFrame %s\n" % value)
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialSiteFrame" in output, output
