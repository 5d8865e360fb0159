"""Every absolute link the module writes comes from configuration, never
from the request: `SocialBaseURL`, or else the virtual host's ServerName and
port (as httpd's `UseCanonicalName On` gives them). A request with a hostile
`Host` or `X-Forwarded-Host` changes no link in the page, the cached
discussion, the fragment, the Atom feed or the notification mail; two
name-based virtual hosts serving the same files keep their own cache
entries and their own names in their links.
"""

import base64
import email
import os
import re
import shutil
import time
import uuid
from email import policy
from urllib.parse import quote

import pytest

import harness
from harness import write_htpasswd
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import social_div

EVIL = "evil.example"
USERS = ("alice", "bob", "carol", "dave")
BASE = "https://intranet.example.com:8443"

CAPTURE = """#!/bin/sh
f="%s/mail-$(date +%%s%%N)-$$"
cat > "$f.tmp" && mv "$f.tmp" "$f.eml"
"""


def b64(user):
    return base64.b64encode(("%s:%s" % (user, user)).encode()).decode()


def site_conf(htpasswd, mail_dir, extra=""):
    lines = ['SetEnvIf Authorization "^Basic %s$" "AUTHENTICATE_MAIL=%s@example.org"'
             % (b64(u), u) for u in USERS]
    return "\n".join(lines) + """
SocialMailCommand "%(script)s"
SocialMailInterval 1
%(extra)s
""" % {"script": os.path.join(mail_dir, "capture.sh"), "extra": extra} + config.login(
        htpasswd, moderator_user=None, email=True)


@pytest.fixture(scope="module")
def users_file():
    directory = harness.make_temp_dir("social-users-")
    path = os.path.join(directory, "htpasswd")
    write_htpasswd(path, USERS)
    yield path
    shutil.rmtree(directory, ignore_errors=True)


def make_mail_dir():
    directory = harness.make_temp_dir("social-mail-")
    os.chmod(directory, 0o777)   # httpd's children may run as www-data
    script = os.path.join(directory, "capture.sh")
    with open(script, "w") as f:
        f.write(CAPTURE % directory)
    os.chmod(script, 0o755)
    return directory


@pytest.fixture(scope="module")
def mail_dir():
    directory = make_mail_dir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def based_mail_dir():
    directory = make_mail_dir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(httpd_factory, users_file, mail_dir):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=site_conf(users_file, mail_dir))


@pytest.fixture(scope="module")
def based_db():
    """A database of its own: every node sharing a database sends its
    digests (from its background thread), so a second site with another
    base URL needs its own to know whose mail carries which links."""
    db = harness.MariaDB(use_env=False)
    try:
        db.setup()
        yield db
    finally:
        db.close()


@pytest.fixture(scope="module")
def based(httpd_factory, users_file, based_mail_dir, based_db):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         db=based_db,
                         conf=site_conf(users_file, based_mail_dir,
                                        "SocialBaseURL %s/\n" % BASE))


def fresh_page(server):
    path = "/links-%s.html" % uuid.uuid4().hex[:12]
    server.write_file(path, PAGE_TEMPLATE.format(title="Links " + path))
    return path


def mails(directory, user):
    found = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".eml"):
            with open(os.path.join(directory, name), "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=policy.default)
            if "%s@example.org" % user in str(msg["To"]):
                found.append(msg)
    return found


HOSTILE = [{"Host": EVIL}, {"Host": EVIL + ":80"}, {"X-Forwarded-Host": EVIL},
           {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
            "Forwarded": "host=" + EVIL}]


@pytest.mark.parametrize("hostile", HOSTILE, ids=["host", "host-port", "xfh", "forwarded"])
def test_hostile_host_bends_no_link_for_anyone(server, hostile):
    alice, bob, dave = (Client(server, u) for u in ("alice", "bob", "dave"))
    page = fresh_page(server)
    alice.create(page, "a comment so there is a discussion")
    # bob has written nothing: his view is the one the cache keeps
    hostile_view = bob.get(page, headers=hostile)
    assert hostile_view.status == 200, hostile_view
    assert EVIL.encode() not in hostile_view.body
    frag = bob.get("/_social/fragment?page=" + quote(page), headers=hostile)
    assert frag.status == 200 and EVIL.encode() not in frag.body
    # every other reader then gets the canonical link
    normal = dave.page(page).body
    assert EVIL.encode() not in normal
    url = social_div(normal).find("input", cls="social-url").get("value")
    assert url == "http://127.0.0.1:%d%s" % (server.port, page), url
    assert EVIL.encode() not in dave.fragment(page).body
    # the Atom feed, asked for with the hostile header and without
    for headers in (hostile, {}):
        feed = alice.get("/_social/activity.atom", headers=headers)
        assert feed.status == 200, feed
        assert EVIL.encode() not in feed.body
        assert ("http://127.0.0.1:%d/" % server.port).encode() in feed.body


def drive(server, predicate, timeout, headers):
    deadline = time.time() + timeout
    while time.time() < deadline:
        server.get("/_social/api/v1/health", headers=headers)
        if predicate():
            return True
        time.sleep(0.3)
    return predicate()


def test_digest_links_ignore_the_host_of_the_request_that_sends_them(server, mail_dir):
    carol, bob = Client(server, "carol"), Client(server, "bob")
    page = fresh_page(server)
    done = len(mails(mail_dir, "carol"))
    top = carol.create(page, "mail me the replies")
    bob.create(page, "a reply for the digest", parent=top["id"])
    # only requests with a hostile Host come along to send it
    assert drive(server, lambda: len(mails(mail_dir, "carol")) > done, 20, {"Host": EVIL})
    body = mails(mail_dir, "carol")[done].get_content()
    assert EVIL not in body
    assert "http://127.0.0.1:%d%s#comment-" % (server.port, page) in body
    assert "http://127.0.0.1:%d/_social/notifications" % server.port in body


def test_social_base_url_is_used_for_every_link(based, based_mail_dir):
    alice, bob, carol = (Client(based, u) for u in ("alice", "bob", "carol"))
    page = fresh_page(based)
    top = carol.create(page, "based")
    bob.get(page, headers={"Host": EVIL})
    for body in (bob.page(page).body, alice.page(page).body, alice.fragment(page).body):
        assert EVIL.encode() not in body and b"http://127.0.0.1" not in body
        url = re.search(rb'class="social-url"[^>]*value="([^"]*)"', body)
        assert url is not None and url.group(1).decode() == BASE + page, url
    feed = alice.get("/_social/activity.atom", headers={"Host": EVIL}).body
    assert EVIL.encode() not in feed and (BASE + "/").encode() in feed
    assert ("http://127.0.0.1:%d" % based.port).encode() not in feed
    done = len(mails(based_mail_dir, "carol"))
    bob.create(page, "a reply", parent=top["id"])
    assert drive(based, lambda: len(mails(based_mail_dir, "carol")) > done, 20,
                 {"Host": EVIL})
    text = mails(based_mail_dir, "carol")[done].get_content()
    assert EVIL not in text and "127.0.0.1" not in text
    assert BASE + page + "#comment-" in text
    assert BASE + "/_social/notifications" in text


@pytest.mark.parametrize("value", ["ftp://intranet.example.com", "https://", "intranet.example.com",
                                   "https://intranet.example.com/wiki",
                                   "https://intranet.example.com?x=1",
                                   "https://intranet.example.com#top",
                                   "https://user@intranet.example.com",
                                   "https://intranet.example.com:99999",
                                   "https://intranet.example.com:8x"])
def test_invalid_social_base_url_stops_the_configuration(mariadb, value):
    server = harness.Httpd(db=mariadb, conf="SocialBaseURL %s\n" % value)
    try:
        code, output = server.config_test()
    finally:
        server.cleanup()
    assert code != 0 and "SocialBaseURL" in output, output


VHOSTS = """
<VirtualHost 127.0.0.1:@PORT@>
    ServerName a.example
    DocumentRoot "@DOCROOT@"
</VirtualHost>
<VirtualHost 127.0.0.1:@PORT@>
    ServerName b.example
    DocumentRoot "@DOCROOT@"
</VirtualHost>
"""


@pytest.fixture(scope="module")
def vhosts(httpd_factory):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=VHOSTS)


def test_virtual_hosts_keep_their_own_cache_entries_and_links(vhosts):
    page = fresh_page(vhosts)
    a = {"Host": "a.example:%d" % vhosts.port}
    b = {"Host": "b.example:%d" % vhosts.port}
    views = {}
    for name, host in (("a", a), ("b", b), ("a2", a), ("b2", b)):
        resp = vhosts.get(page, headers=host)
        assert resp.status == 200, resp
        views[name] = social_div(resp.body).find("input", cls="social-url").get("value")
    assert views["a"] == views["a2"] == "http://a.example:%d%s" % (vhosts.port, page)
    assert views["b"] == views["b2"] == "http://b.example:%d%s" % (vhosts.port, page)
    # a hostile name on one virtual host reaches neither
    vhosts.get(page, headers={"Host": "a.example:%d" % vhosts.port,
                              "X-Forwarded-Host": EVIL})
    for host in (a, b):
        assert EVIL.encode() not in vhosts.get(page, headers=host).body
