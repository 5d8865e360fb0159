"""Likes, shares and polls in a real browser (headless Debian chromium),
with JavaScript on and off.

With JavaScript the widget sends the like, share and vote forms with fetch
and swaps in what the server renders: the discussion block for likes and
shares, the poll's own box for votes; the page is never reloaded (a value
put on window survives). Without JavaScript the same forms are plain HTML
forms that come back to the page (#social, #poll-NAME).

The site is behind HTTP Basic login; the browser sends alice's
credentials on every request (a CDP extra header). bob is made a person
the module has seen (he likes a page through the API) so alice can share
with him.
"""

import uuid
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness
from social_test import config
from social_test.client import Client
# js and nojs are the same browsers as for the comment tests
from test_comments_browser import (WAIT, assert_no_reload, js,  # noqa: F401
                                   load, mark_window, nojs, wait_for, wait_widget)

HTTPD_CONF = config.login() + config.block("/deferred", "SocialRender Deferred")

TITLE = "Canteen news"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%s</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1 id="headline">Canteen news</h1>
<p>The canteen has a new menu.</p>
{markers}
</body>
</html>
""" % TITLE

LUNCH = ('<!--social:poll name="lunch" question="Lunch on Friday?" '
         'options="Pizza|Sushi|Salad"-->')


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        name="browser-reactions")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


@pytest.fixture(scope="module")
def bob(server):
    """bob, seen by the module: he has liked a page."""
    client = Client(server, "bob")
    path = new_page(server)
    resp = client.api("PUT", "like?page=" + quote(path, safe="/"))
    assert resp.status == 200, resp.body
    return client


# ---------------------------------------------------------------- helpers

def new_page(server, *markers, area=""):
    name = "r-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, PAGE.format(markers="\n".join(markers)))
    return path


def q(path):
    return quote(path, safe="/")


def like_count(client, path):
    return client.api("GET", "likes?page=" + q(path)).json()["count"]


def inbox(client):
    resp = client.api("GET", "shares")
    assert resp.status == 200, resp.body
    return resp.json()["shares"]


def the_poll(client, path):
    resp = client.api("GET", "polls?page=" + q(path))
    assert resp.status == 200, resp.body
    [poll] = resp.json()["polls"]
    return poll


def index_of(poll, label):
    [index] = [o["index"] for o in poll["options"] if o["label"] == label]
    return index


def text(browser, css):
    """The text of the first element matching css, or None (also while the
    DOM is being replaced)."""
    try:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        return " ".join(found[0].text.split()) if found else None
    except StaleElementReferenceException:
        return None


def attr(browser, css, name):
    try:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        return found[0].get_attribute(name) if found else None
    except StaleElementReferenceException:
        return None


LIKE_BUTTON = "#social .social-page-actions form.social-like button.social-like-button"
LIKE_COUNT = "#social .social-page-actions .social-like-count"
SHARE_COUNT = "#social .social-page-actions .social-share-count"


def click_like(browser):
    browser.find_element(By.CSS_SELECTOR, LIKE_BUTTON).click()


def open_share(browser):
    details = browser.find_element(By.CSS_SELECTOR, "#social details.social-share")
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    return details


def fill_share(browser, to, note, public):
    details = open_share(browser)
    form = details.find_element(By.CSS_SELECTOR, "form.social-share-form")
    form.find_element(By.CSS_SELECTOR, "input[name=to]").send_keys(to)
    form.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys(note)
    box = form.find_element(By.CSS_SELECTOR, "input[name=public]")
    if box.is_selected() != public:
        box.click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def poll_css(name):
    return "#poll-%s section.social-poll" % name


def choose(browser, name, index):
    box = browser.find_element(By.CSS_SELECTOR, "%s input[name=choice][value='%d']"
                               % (poll_css(name), index))
    if not box.is_selected():
        box.click()
    browser.find_element(By.CSS_SELECTOR, "%s form button[type=submit]" % poll_css(name)).click()


def figure(browser, name, label):
    """The results text beside option `label` of poll `name`, '' if the
    option shows none, None if there is no such option (yet)."""
    try:
        for li in browser.find_elements(By.CSS_SELECTOR, poll_css(name) + " li"):
            names = li.find_elements(By.CSS_SELECTOR, "label, .social-poll-label")
            if not names or names[0].text.split("your choice")[0].strip() != label:
                continue
            figs = li.find_elements(By.CSS_SELECTOR, ".social-poll-figure")
            return " ".join(figs[0].text.split()) if figs else ""
    except StaleElementReferenceException:
        return None
    return None


def wait_url(browser, suffix, message):
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.endswith(suffix), message)


# ---------------------------------------------------------------- with JavaScript

def test_js_like_then_unlike_without_reload(js, server, alice):
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    marker = mark_window(js)
    assert attr(js, LIKE_BUTTON, "aria-pressed") == "false"
    click_like(js)
    wait_for(js, lambda d: like_count(alice, path) == 1, "the like was not stored")
    wait_for(js, lambda d: attr(d, LIKE_BUTTON, "aria-pressed") == "true",
             "the like button did not change")
    wait_for(js, lambda d: (text(d, LIKE_COUNT) or "").startswith("1 like"),
             "the like count did not change")
    assert_no_reload(js, marker)
    click_like(js)
    wait_for(js, lambda d: like_count(alice, path) == 0, "the unlike was not stored")
    wait_for(js, lambda d: attr(d, LIKE_BUTTON, "aria-pressed") == "false",
             "the like button did not change back")
    wait_for(js, lambda d: (text(d, LIKE_COUNT) or "").startswith("0 likes"),
             "the like count did not go back to 0")
    assert_no_reload(js, marker)
    assert js.current_url.split("#")[0] == server.url(path)


def test_js_like_a_comment_through_the_shared_form_without_reload(js, server, alice, bob):
    path = new_page(server)
    top = bob.create(path, "Soup of the day: lentils.")["id"]
    load(js, server, path)
    wait_widget(js)
    marker = mark_window(js)
    js.find_element(By.CSS_SELECTOR, comment_button(top, "like-button")).click()
    wait_for(js, lambda d: attr(d, comment_button(top, "like-button"), "aria-pressed") == "true",
             "the comment's like button did not change")
    assert comment_likes(alice, path, top) == 1
    # the page's own like was not touched by the shared form's fields
    assert like_count(alice, path) == 0
    js.find_element(By.CSS_SELECTOR, comment_button(top, "follow-thread")).click()
    wait_for(js, lambda d: text(d, comment_button(top, "follow-thread")) == "Following thread",
             "the thread was not followed")
    assert followed_threads(alice, path) == [top]
    assert_no_reload(js, marker)
    # a refusal is said beside the button: the comment is gone meanwhile
    assert bob.delete(top).status == 204
    js.find_element(By.CSS_SELECTOR, comment_button(top, "like-button")).click()
    wait_for(js, lambda d: d.find_elements(By.CSS_SELECTOR, "#comment-%d .social-actions "
                                           "p.social-error[role=alert]" % top),
             "no error shown beside the button")
    assert_no_reload(js, marker)


def test_like_and_liked_look_different(js, server, alice):
    """"Like" is not drawn pressed before anyone liked: its background
    differs from "Liked"'s, which is filled."""
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    style = "return getComputedStyle(document.querySelector(arguments[0])).backgroundColor"
    unpressed = js.execute_script(style, LIKE_BUTTON)
    click_like(js)
    wait_for(js, lambda d: attr(d, LIKE_BUTTON, "aria-pressed") == "true",
             "the like button did not change")
    pressed = js.execute_script(style, LIKE_BUTTON)
    assert unpressed == "rgb(255, 255, 255)", unpressed
    assert pressed != unpressed, pressed


def test_js_share_with_a_colleague_without_reload(js, server, alice, bob):
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    marker = mark_window(js)
    assert (text(js, SHARE_COUNT) or "").startswith("0 ")
    note = "worth a look %s" % uuid.uuid4().hex[:6]
    fill_share(js, "bob", note, public=False)
    wait_for(js, lambda d: any(s["page"] == path for s in inbox(bob)),
             "bob did not get the share")
    [got] = [s for s in inbox(bob) if s["page"] == path]
    assert got["from"]["user"] == "alice" and got["note"] == note
    assert got["public"] is False
    wait_for(js, lambda d: (text(d, SHARE_COUNT) or "").startswith("1 share"),
             "the share count did not change")
    assert_no_reload(js, marker)


def test_js_copy_button_is_offered(js, server):
    path = new_page(server)
    load(js, server, path)
    wait_widget(js)
    open_share(js)
    button = js.find_element(By.CSS_SELECTOR, "#social [data-social-copy]")
    if not js.execute_script("return !!navigator.clipboard;"):
        pytest.skip("this browser offers no clipboard API here")
    assert button.is_displayed()
    assert button.get_attribute("data-social-copy") == server.url(path)


def test_js_vote_and_change_the_vote_in_place(js, server, alice):
    path = new_page(server, LUNCH)
    load(js, server, path)
    wait_widget(js)
    poll = the_poll(alice, path)
    pizza, sushi = index_of(poll, "Pizza"), index_of(poll, "Sushi")
    marker = mark_window(js)
    # something typed into the discussion survives: only the poll is replaced
    js.find_element(By.CSS_SELECTOR, "#social-new-body").send_keys("draft comment")
    choose(js, "lunch", sushi)
    wait_for(js, lambda d: the_poll(alice, path)["my_choices"] == [sushi],
             "the vote was not stored")
    wait_for(js, lambda d: (figure(d, "lunch", "Sushi") or "").startswith("1 vote"),
             "the results did not change in place")
    assert (figure(js, "lunch", "Pizza") or "").startswith("0 votes")
    assert_no_reload(js, marker)
    choose(js, "lunch", pizza)
    wait_for(js, lambda d: the_poll(alice, path)["my_choices"] == [pizza],
             "the changed vote was not stored")
    wait_for(js, lambda d: (figure(d, "lunch", "Pizza") or "").startswith("1 vote"),
             "the changed vote did not show")
    assert (figure(js, "lunch", "Sushi") or "").startswith("0 votes")
    assert the_poll(alice, path)["ballots"] == 1
    assert_no_reload(js, marker)
    assert js.find_element(By.CSS_SELECTOR, "#social-new-body").get_attribute("value") == \
        "draft comment"
    checked = js.find_elements(By.CSS_SELECTOR, poll_css("lunch") + " input[name=choice]:checked")
    assert [c.get_attribute("value") for c in checked] == [str(pizza)]


def test_js_like_keeps_the_poll_and_vote_keeps_the_discussion(js, server, alice):
    path = new_page(server, LUNCH)
    load(js, server, path)
    wait_widget(js)
    poll = the_poll(alice, path)
    marker = mark_window(js)
    click_like(js)
    wait_for(js, lambda d: attr(d, LIKE_BUTTON, "aria-pressed") == "true",
             "the like did not show")
    choose(js, "lunch", index_of(poll, "Salad"))
    wait_for(js, lambda d: (figure(d, "lunch", "Salad") or "").startswith("1 vote"),
             "the vote did not show")
    assert attr(js, LIKE_BUTTON, "aria-pressed") == "true"
    assert (text(js, LIKE_COUNT) or "").startswith("1 like")
    assert_no_reload(js, marker)


def test_js_deferred_poll_is_fetched_and_votes_in_place(js, server, alice):
    path = new_page(server, LUNCH, area="deferred")
    load(js, server, path)
    wait_for(js, lambda d: d.find_elements(By.CSS_SELECTOR, poll_css("lunch")),
             "the deferred poll was not fetched")
    poll = the_poll(alice, path)
    marker = mark_window(js)
    choose(js, "lunch", index_of(poll, "Salad"))
    wait_for(js, lambda d: the_poll(alice, path)["my_choices"] == [index_of(poll, "Salad")],
             "the vote was not stored")
    wait_for(js, lambda d: (figure(d, "lunch", "Salad") or "").startswith("1 vote"),
             "the results did not change in place")
    assert_no_reload(js, marker)


# ---------------------------------------------------------------- without JavaScript

def test_nojs_like_then_unlike_with_plain_forms(nojs, server, alice):
    path = new_page(server)
    load(nojs, server, path)
    assert nojs.title == TITLE
    click_like(nojs)
    wait_url(nojs, path + "?social=page-liked#social", "no redirect back to the page")
    assert text(nojs, "#social .social-live") == "You like this page"
    assert like_count(alice, path) == 1
    assert attr(nojs, LIKE_BUTTON, "aria-pressed") == "true"
    assert (text(nojs, LIKE_COUNT) or "").startswith("1 like")
    click_like(nojs)
    WebDriverWait(nojs, WAIT).until(lambda d: like_count(alice, path) == 0,
                                    "the unlike was not stored")
    load(nojs, server, path)
    assert attr(nojs, LIKE_BUTTON, "aria-pressed") == "false"
    assert (text(nojs, LIKE_COUNT) or "").startswith("0 likes")


def comment_likes(client, path, cid):
    return {c["id"]: c for c in client.listing(path)["comments"]}[cid]["likes"]


def followed_threads(client, path):
    return client.api("GET", "follow?page=" + q(path)).json()["threads"]


def comment_button(cid, kind):
    return "#comment-%d button.social-%s" % (cid, kind)


def test_nojs_like_and_follow_a_comment_through_the_shared_form(nojs, server, alice, bob):
    """A comment's like and follow buttons belong to the discussion's one
    shared form (form="social-acts"): without JavaScript the browser sends
    its token with the button's own action to the button's formaction."""
    path = new_page(server)
    top = bob.create(path, "The canteen opens at noon on Friday.")["id"]
    load(nojs, server, path)
    nojs.find_element(By.CSS_SELECTOR, comment_button(top, "like-button")).click()
    wait_url(nojs, path + "?social=liked#comment-%d" % top, "no redirect back to the comment")
    assert comment_likes(alice, path, top) == 1
    assert attr(nojs, comment_button(top, "like-button"), "aria-pressed") == "true"
    nojs.find_element(By.CSS_SELECTOR, comment_button(top, "follow-thread")).click()
    WebDriverWait(nojs, WAIT).until(lambda d: followed_threads(alice, path) == [top],
                                    "the thread was not followed")
    load(nojs, server, path)
    assert attr(nojs, comment_button(top, "follow-thread"), "aria-pressed") == "true"
    nojs.find_element(By.CSS_SELECTOR, comment_button(top, "like-button")).click()
    WebDriverWait(nojs, WAIT).until(lambda d: comment_likes(alice, path, top) == 0,
                                    "the unlike was not stored")


def test_nojs_share_with_a_colleague(nojs, server, alice, bob):
    path = new_page(server)
    load(nojs, server, path)
    assert nojs.find_elements(By.CSS_SELECTOR, "#social.social-ready") == []
    fill_share(nojs, "bob", "plain form share", public=True)
    wait_url(nojs, path + "?social=shared-with#social", "no redirect back to the page")
    [got] = [s for s in inbox(bob) if s["page"] == path]
    assert got["from"]["user"] == "alice" and got["note"] == "plain form share"
    assert got["public"] is True
    assert (text(nojs, SHARE_COUNT) or "").startswith("1 share")


def test_nojs_copy_button_stays_hidden(nojs, server):
    path = new_page(server)
    load(nojs, server, path)
    open_share(nojs)
    button = nojs.find_element(By.CSS_SELECTOR, "#social [data-social-copy]")
    assert not button.is_displayed()
    box = nojs.find_element(By.CSS_SELECTOR, "#social input.social-url")
    assert box.is_displayed() and box.get_attribute("value") == server.url(path)


def test_nojs_vote_and_change_the_vote(nojs, server, alice):
    path = new_page(server, LUNCH)
    load(nojs, server, path)
    poll = the_poll(alice, path)
    sushi, salad = index_of(poll, "Sushi"), index_of(poll, "Salad")
    choose(nojs, "lunch", sushi)
    wait_url(nojs, path + "?social=voted#poll-lunch", "no redirect back to the poll")
    assert the_poll(alice, path)["my_choices"] == [sushi]
    assert (figure(nojs, "lunch", "Sushi") or "").startswith("1 vote")
    choose(nojs, "lunch", salad)
    WebDriverWait(nojs, WAIT).until(
        lambda d: the_poll(alice, path)["my_choices"] == [salad], "the vote did not change")
    load(nojs, server, path)
    assert (figure(nojs, "lunch", "Salad") or "").startswith("1 vote")
    assert (figure(nojs, "lunch", "Sushi") or "").startswith("0 votes")
    assert the_poll(alice, path)["ballots"] == 1
