"""SocialCache: the rendered discussion kept for uninvolved readers.

One cache entry serves every reader who has neither liked nor written
anything on the page (and is no moderator); each still gets their own
form token and name, and every write is visible on the next view. Readers
with a part of their own (alice, who writes here; carol, who moderates)
get the discussion rendered for them.
"""
import re
import uuid

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client
from social_test.html import Discussion, social_div

# bob's display name, as a directory would give it: markup and quotes
# that must come out escaped from the cached discussion too.
BOB_NAME = 'Bob <script>alert("x")</script> & Co'

HTTPD_CONF = r"""
SetEnvIf Authorization "^Basic Ym9iOmJvYg==$" "AUTHENTICATE_DISPLAYNAME=Bob <script>alert(\"x\")</script> & Co"
""" + (config.login(display_name=True) + config.optional_login()
       + config.anonymous("/pub", "Read"))

STAND_IN = re.compile(rb"social-[0-9a-f]{24}")


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def people(server):
    return {name: Client(server, name) for name in ("alice", "bob", "carol", "dave")}


def fresh_page(server, area=""):
    path = "%s/c-%s.html" % (area, uuid.uuid4().hex[:10])
    server.write_file(path, PAGE_TEMPLATE.format(title="Cache " + path))
    return path


def view(client, path):
    """The discussion in the page, after checking no stand-in is left."""
    resp = client.page(path)
    assert not STAND_IN.search(resp.body), STAND_IN.search(resp.body).group(0)
    return Discussion(social_div(resp.body))


def warm(client, path):
    """Two views: the first may store the entry, the second is served by it."""
    view(client, path)
    return view(client, path)


def test_cached_discussion_carries_each_readers_token_and_name(server, people):
    page = fresh_page(server)
    alice, bob, dave = people["alice"], people["bob"], people["dave"]
    cid = alice.create(page, "first words")["id"]
    warm(dave, page)
    for reader, name in ((bob, BOB_NAME), (dave, "dave")):
        d = view(reader, page)
        assert d.body_text(cid).strip() == "first words"
        label = d.new_form().find("label")
        assert label.text().strip() == "Add a comment as " + name
        # the token is the reader's own: the plain form takes it
        resp = reader.form("", {"token": d.token(), "page": page, "body": "by form"})
        assert resp.status == 303, (resp, resp.body[:300])
    tokens = {view(c, page).token() for c in (bob, dave)}
    assert len(tokens) == 2


def test_name_is_escaped_in_the_cached_discussion(server, people):
    page = fresh_page(server)
    people["alice"].create(page, "hello")
    warm(people["dave"], page)
    body = people["bob"].page(page).body
    assert b"<script>alert" not in body
    assert b"Bob &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in body \
        or b"Bob &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in body


def test_every_write_is_seen_on_the_next_view(server, people):
    page = fresh_page(server)
    alice, bob, carol, dave = (people[n] for n in ("alice", "bob", "carol", "dave"))
    cid = alice.create(page, "version one")["id"]
    assert warm(bob, page).body_text(cid).strip() == "version one"

    assert alice.patch(cid, {"body": "version two"}).status == 200
    assert view(bob, page).body_text(cid).strip() == "version two"

    reply = carol.create(page, "a reply", parent=cid)["id"]
    assert reply in view(bob, page).ids()

    assert carol.patch(reply, {"status": "hidden"}).status == 200
    d = view(bob, page)
    assert "a reply" not in d.text()
    assert "social-tombstone" not in " ".join(d.items[cid].classes)

    assert alice.delete(cid).status in (200, 204)
    assert "version two" not in view(bob, page).text()

    before = view(bob, page).root.find(cls="social-like-count").text()
    assert dave.api("PUT", "like?page=" + page).status == 200
    after = view(bob, page).root.find(cls="social-like-count").text()
    assert before.split()[0] == "0" and after.split()[0] == "1", (before, after)


def test_involved_readers_get_their_own_controls(server, people):
    page = fresh_page(server)
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    cid = alice.create(page, "mine to edit")["id"]
    warm(bob, page)
    assert bob_has_no_controls(view(bob, page), cid)
    mine = view(alice, page)
    assert mine.action_form(cid, "edit") is not None
    assert mine.action_form(cid, "delete") is not None
    assert view(carol, page).action_form(cid, "hide") is not None


def bob_has_no_controls(d, cid):
    return all(d.action_form(cid, a) is None for a in ("edit", "delete", "hide"))


def test_a_like_makes_the_reader_involved(server, people):
    page = fresh_page(server)
    alice, bob = people["alice"], people["bob"]
    cid = alice.create(page, "like me")["id"]
    warm(bob, page)
    assert bob.api("PUT", "comments/%d/like" % cid).status == 200
    d = view(bob, page)
    button = Discussion.own(d.items[cid], "social-like-button")
    assert button.get("aria-pressed") == "true"
    # and the others see the count, not bob's state
    other = view(people["dave"], page)
    button = Discussion.own(other.items[cid], "social-like-button")
    assert button.get("aria-pressed") == "false"
    assert "1 like" in Discussion.own(other.items[cid], "social-like-count").text()


def test_anonymous_readers_share_the_entry(server, people):
    page = fresh_page(server, "/pub")
    cid = people["alice"].create(page, "public words")["id"]
    anon = Client(server, None)
    for _ in range(3):
        d = view(anon, page)
        assert d.body_text(cid).strip() == "public words"
        assert d.new_form() is None
    people["alice"].create(page, "more public words")
    assert "more public words" in view(anon, page).text()


def test_fragment_is_served_from_the_same_entry(server, people):
    page = fresh_page(server)
    cid = people["alice"].create(page, "in the fragment")["id"]
    warm(people["bob"], page)
    resp = people["bob"].fragment(page)
    assert not STAND_IN.search(resp.body)
    assert b"in the fragment" in resp.body
    assert ("comment-%d" % cid).encode() in resp.body


def test_cache_off(httpd_factory, htpasswd, people):
    srv = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Off")},
                        conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd) + "SocialCache off\n")
    page = fresh_page(srv)
    alice, bob = Client(srv, "alice"), Client(srv, "bob")
    alice.create(page, "no cache here")
    assert "no cache here" in view(bob, page).text()
    alice.create(page, "still none")
    assert "still none" in view(bob, page).text()


def test_unknown_provider_stops_startup(mariadb):
    srv = harness.Httpd(db=mariadb, conf="SocialCache nosuchprovider\n", name="cache-bad",
                        error_log_allow=(r"SOCIAL1202",))
    try:
        with pytest.raises(Exception):
            srv.start()
        assert "SOCIAL1202" in srv.error_log_path.read_text(errors="replace")
    finally:
        srv.cleanup()


@pytest.mark.parametrize("value", ["1", "30s", "5m", "60m", "1h", "3600"])
def test_cache_ttl_up_to_an_hour_accepted(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf="SocialCacheTTL %s\n" % value, name="cache-ttl")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code == 0, output


@pytest.mark.parametrize("value", ["0", "abc", "10x", "2h", "61m", "3601s", "-5", "5s extra",
                                   "9999999999999h"])
def test_bad_cache_ttl_refused(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf="SocialCacheTTL %s\n" % value, name="cache-ttl")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialCacheTTL" in output, output


def test_cache_in_a_virtual_host_is_refused(mariadb):
    conf = "<VirtualHost 127.0.0.1:@PORT@>\nSocialCache off\n</VirtualHost>\n"
    srv = harness.Httpd(db=mariadb, conf=conf, name="cache-vhost")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialCache" in output, output


def test_console_actions_reach_cached_readers(server, people):
    """Locking a discussion and bulk moderation in the console give the
    page a new version like any other write."""
    from test_admin import admin_post
    page = fresh_page(server)
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    cid = alice.create(page, "before the lock")["id"]
    d = warm(bob, page)
    assert d.new_form() is not None
    resp = admin_post(carol, "/lock", {"page": page, "action": "lock", "reason": "calm down"})
    assert resp.status in (200, 303), (resp, resp.body[:300])
    d = view(bob, page)
    assert d.new_form() is None
    assert "locked" in d.text().lower()

    resp = admin_post(carol, "/comments", [("id", str(cid)), ("action", "hide"),
                                           ("reason", "off topic")])
    assert resp.status in (200, 303), (resp, resp.body[:300])
    assert "before the lock" not in view(bob, page).text()


def unread_in(d):
    node = d.root.find(cls="social-unread")
    return 0 if node is None else int(node.get("data-social-unread"))


def test_cached_readers_unread_count_follows_notifications(server, people):
    """A reader's unread count is kept with the discussion's version and
    the notification epoch: a reply on another page, and marking read,
    show on the next view of a page that did not change."""
    alice, dave = people["alice"], people["dave"]
    quiet, busy = fresh_page(server), fresh_page(server)
    alice.create(quiet, "nothing for dave here")
    mine = dave.create(busy, "dave asks something")["id"]
    assert dave.api("POST", "notifications/read-all", {}).status == 200
    warm(dave, quiet)
    assert unread_in(view(dave, quiet)) == 0
    alice.create(busy, "an answer for dave", parent=mine)
    assert unread_in(view(dave, quiet)) == 1
    assert dave.api("POST", "notifications/read-all", {}).status == 200
    assert unread_in(view(dave, quiet)) == 0


# ---------------------------------------------------------------- live updates

def updates(client, path, version=None):
    headers = {"If-None-Match": '"%s"' % version} if version else None
    return client.api("GET", "updates?page=" + path, headers=headers)


def test_update_check_answers_304_until_the_discussion_changes(server, people):
    alice, bob = people["alice"], people["bob"]
    page = fresh_page(server)
    first = updates(bob, page)
    assert first.status == 200, (first, first.body)
    version = first.json()["version"]
    assert first.header("ETag") == '"%s"' % version
    assert "no-store" in first.header("Cache-Control")    # never kept by a shared cache
    for k in range(3):
        assert updates(bob, page, version).status == 304
    alice.create(page, "something new")
    changed = updates(bob, page, version)
    assert changed.status == 200 and changed.json()["version"] != version
    assert updates(bob, page, changed.json()["version"]).status == 304


def test_a_restart_gives_every_page_a_new_version(httpd_factory, htpasswd):
    """The versions are counters in shared memory, made anew at each start:
    a version of an earlier start never comes back, so what a client or a
    process kept from before the restart (e.g. the database changed
    meanwhile) is asked for again."""
    server = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                           conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                           name="cache-restart")
    bob = Client(server, "bob")
    page = fresh_page(server)
    Client(server, "alice").create(page, "before the restart")
    version = updates(bob, page).json()["version"]
    assert re.fullmatch(r"[0-9a-f]{16}", version), version
    assert updates(bob, page, version).status == 304
    server.graceful()
    again = updates(bob, page, version)
    assert again.status == 200 and again.json()["version"] != version
    assert updates(bob, page, again.json()["version"]).status == 304


# Two child processes that each keep discussions in their own memory,
# and a log of which one answered each request.
TWO_PROCESSES = """
StartServers 2
ServerLimit 2
ThreadsPerChild 4
MinSpareThreads 8
MaxSpareThreads 8
MaxRequestWorkers 8
LogFormat "%P %U%q" social_pids
CustomLog "@ROOT@/logs/pids_log" social_pids
"""


def test_a_write_through_one_process_is_seen_by_every_process_at_once(
        httpd_factory, htpasswd):
    """Page versions and the notification epoch live in memory all child
    processes share, read without a lock: after a write through one
    process, the next view in any other shows it, although each process
    served the discussion from its own memory before; so does a reader's
    unread count, kept per process under the epoch."""
    server = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                           conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd) + TWO_PROCESSES,
                           name="cache-processes")
    alice, dave = Client(server, "alice"), Client(server, "dave")
    page, other = fresh_page(server), fresh_page(server)
    log = server.root / "logs" / "pids_log"

    def pids_of_views(since):
        """The processes that answered the views of page logged after since."""
        lines = log.read_text().splitlines()[since:]
        return {l.split()[0] for l in lines if l.split()[1] == page}

    def views_in_both(comment, unread):
        """Views by dave, each on a new connection, each showing comment and
        dave's unread count, until both processes have answered some."""
        seen = set()
        for _ in range(60):
            since = len(log.read_text().splitlines())
            d = view(dave, page)
            assert comment in d.ids() and unread_in(d) == unread, (
                comment, d.ids(), unread_in(d), log.read_text().splitlines()[-1])
            seen |= pids_of_views(since)
            if len(seen) == 2:
                return
        pytest.fail("60 views were all answered by one process: %s" % seen)

    first = alice.create(page, "the first comment")["id"]
    mine = dave.create(other, "dave asks something")["id"]
    assert dave.api("POST", "notifications/read-all", {}).status == 200
    # every process keeps the discussion and dave's state
    views_in_both(first, 0)
    second = alice.create(page, "the second comment")["id"]
    alice.create(other, "an answer for dave", parent=mine)
    # and every process shows the write at once
    views_in_both(second, 1)


def test_update_check_asks_the_page_access_question(server, people):
    """What may not be read answers like the fragment: nothing to learn."""
    anon = Client(server, None)
    page = fresh_page(server)
    assert updates(anon, page).status in (401, 404)
    assert updates(people["bob"], "/no-such-page.html").status == 404
    public = fresh_page(server, "/pub")
    assert updates(anon, public).status == 200


def test_block_tells_the_widget_how_often_to_ask(server, people, httpd_factory, htpasswd):
    body = people["bob"].page(fresh_page(server)).body
    assert harness.block_attr(harness.main_blocks(body)[0][2], "data-social-live") == "30"
    srv = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Live off")},
                        conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd)
                        + "<Location />\n    SocialLiveUpdates off\n</Location>\n")
    body = Client(srv, "bob").page(fresh_page(srv)).body
    assert harness.block_attr(harness.main_blocks(body)[0][2], "data-social-live") is None


def test_without_a_cache_the_widget_is_told_not_to_ask(httpd_factory, htpasswd):
    srv = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Off")},
                        conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd) + "SocialCache off\n")
    resp = updates(Client(srv, "bob"), fresh_page(srv))
    assert resp.status == 204, resp


@pytest.mark.parametrize("value", ["0", "abc", "10x", "3601", "-5"])
def test_bad_live_updates_refused(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf="SocialLiveUpdates %s\n" % value, name="live-bad")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialLiveUpdates" in output, output
