"""Page titles wherever a page is named: the activity stream (HTML, Atom,
JSON), notifications (HTML, JSON), the moderation console and exports,
driven through a real httpd and a real MariaDB with HTTP Basic users.

The title is what httpd serves in the page's <title>, read when someone
acts on the page (comment, like, share, vote, lock); lists show it with
the path still there (JSON "page" and "page_title"; HTML link text and
the path in the link's title attribute). Without a title the path is shown
as before. /tt-RUN/restricted/ is readable only by alice and carol: its
titles must never reach bob.
"""

import base64
import json
import uuid
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import quote, urlencode

import pytest

from social_test import config
from social_test.client import Client
from social_test.html import parse_html

RUN = uuid.uuid4().hex[:8]
AREA = "/tt-%s" % RUN
OPEN = AREA + "/open"
RESTRICTED = AREA + "/restricted"
SSI = AREA + "/ssi"
ATOM_NS = "{http://www.w3.org/2005/Atom}"
ADMIN = "/_social/admin"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# bob fails the restricted section's Require rule, for the page itself and
# in the lists' subrequests; httpd logs each at error.
ERROR_LOG_ALLOW = (r'AH01631: user bob: authorization failure for "/tt-',)

HOSTILE_TITLE = "<script>alert(1)</script> Q&amp;A & more"
HOSTILE_SHOWN = "<script>alert(1)</script> Q&A & more"


def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


HTTPD_CONF = (config.set_display_name("Basic " + b64("alice"), "Alice Liddell")
              + config.login(display_name=True)
              + config.block(RESTRICTED, "Require user alice carol")
              + config.block('"latin1-*.html"', 'ForceType "text/html; charset=ISO-8859-1"',
                             kind="Files")
              + config.block(SSI, "Options +Includes", "SetOutputFilter INCLUDES"))


def page_html(title_element, body="<p>Text.</p>"):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n%s\n"
            "</head><body><h1>Heading</h1>%s</body></html>\n" % (title_element, body))


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": page_html("<title>Home</title>")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


def new_page(server, folder, title_element, name=None, raw=None):
    token = uuid.uuid4().hex[:10]
    path = "%s/%s/%s" % (folder, token, name or "p-%s.html" % token)
    server.write_file(path, raw if raw is not None else page_html(title_element))
    return path


def section_of(path):
    return path.rsplit("/", 1)[0] + "/"


def stream(client, path):
    resp = client.api("GET", "activity?" + urlencode({"section": section_of(path)}))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["items"]


def activity_html(client, path):
    resp = client.get("/_social/activity?" + urlencode({"section": section_of(path)}))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.body.decode("ascii")


def atom_entries(client, path):
    resp = client.get("/_social/activity.atom?" + urlencode({"section": section_of(path)}))
    assert resp.status == 200, (resp, resp.body[:300])
    root = ET.fromstring(resp.body)   # well-formed, whatever the title held
    return resp.body, [e.findtext(ATOM_NS + "title") for e in root.findall(ATOM_NS + "entry")]


def page_links(html, path):
    """The stream's links to path: (link text, title attribute)."""
    root = parse_html(html)
    return [(a.text(), a.get("title")) for a in root.find_all("a", cls="social-item-page")
            if a.get("href", "").split("#")[0] == path]


def notes(client):
    resp = client.api("GET", "notifications")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["items"]


def for_you(client):
    resp = client.get("/_social/notifications")
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.body.decode("ascii")


def console(client, query=""):
    resp = client.get(ADMIN + query)
    assert resp.status == 200, (resp, resp.body[:500])
    return resp.body.decode("ascii")


def admin_post(client, rel, fields):
    token = parse_html(console(client)).find("input", name="token").get("value")
    body = urlencode(list(fields.items()) + [("token", token)]).encode()
    resp = client.request("POST", ADMIN + rel, body=body, headers=FORM)
    assert resp.status == 303, (resp, resp.body[:500])


def stored_title(client, path):
    items = stream(client, path)
    assert items, path
    return items[0]["page_title"]


# ---------------------------------------------------------------- the stream

def test_activity_names_the_page_by_its_title_in_json_html_and_atom(server, alice):
    title = "Offsite 2026: vote for the venue"
    page = new_page(server, OPEN, "<title>\n  Offsite 2026:  vote for the venue\n</title>")
    alice.create(page, "Lisbon please")
    item = stream(alice, page)[0]
    assert item["page"] == page
    assert item["page_title"] == title
    assert item["title"] == "Alice Liddell commented on " + title
    assert page_links(activity_html(alice, page), page) == [(title, page)]
    _, titles = atom_entries(alice, page)
    assert titles == ["Alice Liddell commented on " + title]


def test_page_without_title_is_named_by_its_path(server, alice):
    page = new_page(server, OPEN, "<!-- <title>not this</title> --><script>"
                    "document.title = '<title>nor this</title>';</script>")
    alice.create(page, "no title here")
    assert alice.api("PUT", "like?page=" + quote(page)).status == 200
    items = stream(alice, page)
    assert [i["page_title"] for i in items] == [None, None]
    assert items[0]["title"] == "Alice Liddell liked " + page
    assert items[1]["title"] == "Alice Liddell commented on " + page
    assert page_links(activity_html(alice, page), page) == [(page, None), (page, None)]
    _, titles = atom_entries(alice, page)
    assert titles == ["Alice Liddell liked " + page, "Alice Liddell commented on " + page]


def test_title_with_markup_is_escaped_in_html_atom_and_json(server, alice, carol):
    page = new_page(server, OPEN, "<title>%s</title>" % HOSTILE_TITLE)
    alice.create(page, "escaping check")
    resp = alice.api("GET", "activity?" + urlencode({"section": section_of(page)}))
    item = json.loads(resp.body)["items"][0]
    assert item["page_title"] == HOSTILE_SHOWN
    html = activity_html(alice, page)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Q&amp;A &amp; more" in html
    assert page_links(html, page) == [(HOSTILE_SHOWN, page)]
    body, titles = atom_entries(alice, page)
    assert b"<script>" not in body
    assert titles == ["Alice Liddell commented on " + HOSTILE_SHOWN]
    queue = console(carol, "?page=" + quote(page, safe="/"))
    assert "<script>alert(1)" not in queue
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Q&amp;A &amp; more" in queue


def test_latin1_page_title_is_stored_as_utf8(server, alice):
    raw = ("<!DOCTYPE html><html><head><title>Caf\xe9 &amp; cr\xe8me &#8211; "
           "d&eacute;j\xe0 vu</title></head><body><p>Latin-1.</p></body></html>"
           ).encode("iso-8859-1")
    page = new_page(server, OPEN, None, name="latin1-menu.html", raw=raw)
    resp = alice.get(page)
    assert "iso-8859-1" in resp.header("Content-Type").lower()
    alice.create(page, "latin-1 page")
    title = "Caf\u00e9 & cr\u00e8me \u2013 d\u00e9j\u00e0 vu"
    assert stored_title(alice, page) == title
    html = activity_html(alice, page)
    assert page_links(html, page) == [(title, page)]


def test_title_follows_the_page_file(server, alice, bob):
    page = new_page(server, OPEN, "<title>First draft</title>")
    alice.create(page, "on the first draft")
    assert stored_title(alice, page) == "First draft"
    server.write_file(page, page_html("<title>Final agenda</title>"))
    # the next action on the page reads the page again
    assert bob.api("PUT", "like?page=" + quote(page)).status == 200
    items = stream(alice, page)
    assert [i["page_title"] for i in items] == ["Final agenda", "Final agenda"]
    assert items[1]["title"] == "Alice Liddell commented on Final agenda"
    # a title removed from the page: back to the path
    server.write_file(page, page_html(""))
    assert alice.api("POST", "shares", {"page": page, "note": "see"}).status == 201
    assert [i["page_title"] for i in stream(alice, page)] == [None, None, None]


def test_host_and_forwarded_headers_never_reach_the_title(server, alice):
    page = new_page(server, SSI, "<title>Host <!--#echo var=\"HTTP_HOST\" --> "
                    "fwd <!--#echo var=\"HTTP_X_FORWARDED_HOST\" --> "
                    "name <!--#echo var=\"SERVER_NAME\" --></title>")
    alice.create(page, "through a proxy", headers={"X-Forwarded-Host": "evil.example",
                                                   "Forwarded": "host=evil.example"})
    title = stored_title(alice, page)
    assert "evil" not in title
    assert title == "Host (none) fwd (none) name 127.0.0.1", title


# ---------------------------------------------------------------- notifications

def test_notifications_name_the_page_by_its_title(server, alice, bob):
    title = "Travel policy 2027 & you"
    page = new_page(server, OPEN, "<title>Travel policy 2027 &amp; you</title>")
    first = alice.create(page, "question for @bob")
    bob.create(page, "an answer", parent=first["id"])
    mine = [n for n in notes(alice) if n["page"] == page]
    assert mine and mine[0]["page_title"] == title
    assert mine[0]["title"] == "bob replied to your comment on " + title
    html = for_you(alice)
    links = [(a.text(), a.get("title")) for a in parse_html(html).find_all("a")
             if a.get("href", "").startswith(page + "#")]
    assert links == [("bob replied to your comment on " + title, page)]
    assert "Travel policy 2027 &amp; you" in html
    theirs = [n for n in notes(bob) if n["page"] == page]
    assert theirs and theirs[0]["page_title"] == title
    assert theirs[0]["title"] == "Alice Liddell mentioned you on " + title


def test_restricted_page_title_never_reaches_who_may_not_read_it(server, alice, bob, carol):
    secret = "Merger plans %s" % uuid.uuid4().hex[:6]
    page = new_page(server, RESTRICTED, "<title>%s</title>" % secret)
    alice.create(page, "confidential, cc @bob")
    assert bob.get(page).status in (401, 403)
    assert stored_title(carol, page) == secret
    resp = bob.api("GET", "activity?" + urlencode({"section": AREA + "/"}))
    assert resp.status == 200 and secret.encode() not in resp.body
    assert secret not in bob.get("/_social/activity?section=" + AREA + "/").body.decode()
    assert secret.encode() not in bob.get("/_social/activity.atom").body
    assert secret.encode() not in bob.api("GET", "notifications").body
    assert secret not in for_you(bob)
    # who may read it sees it
    assert secret in activity_html(carol, page)


# ---------------------------------------------------------------- the console

def test_console_names_pages_by_title_with_their_path(server, alice, carol):
    title = "Canteen menu week 12"
    page = new_page(server, OPEN, "<title>%s</title>" % title,
                    raw=page_html("<title>%s</title>" % title,
                                  '<!--social:poll name="soup" question="Soup?" '
                                  'options="Yes|No"-->'))
    assert alice.get(page).status == 200   # the poll exists from the marker
    alice.create(page, "more soup")
    root = parse_html(console(carol, "?page=" + quote(page, safe="/")))
    links = [(a.text(), a.get("title")) for a in root.find_all("a")
             if a.get("href", "").startswith(page + "#comment-")]
    assert links == [(title, page)]
    admin_post(carol, "/lock", {"page": page, "action": "lock", "reason": "calm"})
    root = parse_html(console(carol))
    locked = [(a.text(), a.get("title")) for a in root.find("ul", cls="admin-locked").find_all("a")
              if a.get("href") == page]
    assert locked == [(title, page)]
    polls = [(a.text(), a.get("title")) for a in root.find_all("a") if a.get("href") == page
             and a.parent.tag == "td"]
    assert (title, page) in polls
    admin_post(carol, "/lock", {"page": page, "action": "unlock", "reason": "done"})


def test_exports_carry_the_page_title(server, alice, carol):
    title = "Export check %s" % uuid.uuid4().hex[:6]
    page = new_page(server, OPEN, "<title>%s</title>" % title)
    alice.create(page, "for the export")
    resp = carol.get(ADMIN + "/export?what=comments&format=json")
    assert resp.status == 200, (resp, resp.body[:300])
    rows = [r for r in resp.json()["rows"] if r["page"] == page]
    assert [r["page_title"] for r in rows] == [title]
