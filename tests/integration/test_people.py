"""Everyone is someone: a colleague is known to the module (shares,
@mentions, the people look-up) from their first authenticated page view,
not only from their first comment, like, share or vote; the view is
recorded at most once a day, and an anonymous visitor is never recorded.

User names are made fresh for this run: the people table is shared by
every test module on the database.
"""

import subprocess
import time
import uuid
from urllib.parse import quote

import pytest

import harness
from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client, fresh_page
from social_test.html import parse_html

RUN = uuid.uuid4().hex[:8]
VIEWER, WIDGET, DAILY, NEVER = ("%s-%s" % (who, RUN)
                                for who in ("viewer", "widget", "daily", "never"))
IMPORTED, RENAMED, HOSTILE = ("%s-%s" % (who, RUN) for who in ("imported", "renamed", "hostile"))
HTPASSWD_USERS = ["alice", VIEWER, WIDGET, DAILY, NEVER, RENAMED]

HTTPD_CONF = (config.login(display_name=True) + config.optional_login()
              + config.block("/deferred", "SocialRender Deferred")
              + config.anonymous("/pub", "Read"))


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


def share(client, page, to):
    return client.api("POST", "shares", {"page": page, "to": [to]})


def known(mariadb, user):
    return int(mariadb.sql("SELECT COUNT(*) FROM social_people WHERE user = '%s'" % user)[0][0])


def test_a_colleague_who_only_viewed_a_page_can_be_shared_with_and_mentioned(
        server, mariadb, alice):
    page = fresh_page(server)
    assert_json_error(share(alice, page, VIEWER), 422, "unknown_recipient")

    viewer = Client(server, VIEWER)
    viewer.page(fresh_page(server))     # one page view, nothing else

    resp = share(alice, page, VIEWER)
    assert resp.status == 201, (resp, resp.body[:300])
    inbox = viewer.api("GET", "shares").json()["shares"]
    assert resp.json()["id"] in [s["id"] for s in inbox]
    found = alice.api("GET", "people?q=" + quote(VIEWER[:-2])).json()["people"]
    assert VIEWER in [p["user"] for p in found], found
    mention = alice.create(page, "@%s have a look" % VIEWER)
    items = viewer.api("GET", "notifications").json()["items"]
    assert [n["comment"] for n in items
            if n["page"] == page and n["kind"] == "mention"] == [mention["id"]]


def test_the_widget_of_a_deferred_page_makes_its_reader_known(server, mariadb, alice):
    page = fresh_page(server, area="deferred")
    reader = Client(server, WIDGET)
    reader.page(page)
    assert known(mariadb, WIDGET) == 0   # the page itself does not touch the database
    reader.fragment(page)                # the widget asks for the discussion
    assert known(mariadb, WIDGET) == 1
    assert share(alice, fresh_page(server), WIDGET).status == 201


def test_a_person_is_recorded_once_a_day_not_at_every_view(server, mariadb):
    reader = Client(server, DAILY)
    reader.page(fresh_page(server))
    first = mariadb.sql("SELECT last_seen FROM social_people WHERE user = '%s'" % DAILY)
    assert len(first) == 1, first
    time.sleep(0.05)                      # last_seen has milliseconds
    for k in range(3):
        reader.page(fresh_page(server))
    again = mariadb.sql("SELECT last_seen FROM social_people WHERE user = '%s'" % DAILY)
    assert again == first


def test_someone_who_never_viewed_a_page_stays_unknown(server, alice):
    doc = assert_json_error(share(alice, fresh_page(server), NEVER), 422,
                            "unknown_recipient")
    assert NEVER in doc["error"]["message"]


def test_anonymous_visitors_are_not_recorded(server, mariadb):
    before = mariadb.sql("SELECT COUNT(*) FROM social_people")[0][0]
    page = fresh_page(server, area="pub")
    resp = Client(server, None).get(page)
    assert resp.status == 200
    assert mariadb.sql("SELECT COUNT(*) FROM social_people")[0][0] == before


# ------------------------------------------------- the directory, in advance



def load_people(mariadb, tmp_path, text):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([str(harness.SOCIAL_DB_TOOL), "people", str(path),
                           "--socket=%s" % mariadb.socket, "--user=root",
                           "--database=%s" % harness.DB_NAME],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)


def test_the_directory_loaded_in_advance_makes_everyone_known(server, mariadb, alice,
                                                              tmp_path):
    hostile_name = "Robert'); DROP TABLE social_people; --"
    res = load_people(mariadb, tmp_path,
                      "user,name,email\n"
                      "%s,Ida Imported,ida@example.org\n"
                      '%s,"%s",\n'
                      "%s,Rita Renamed,\n" % (IMPORTED, HOSTILE, hostile_name.replace('"', '""'),
                                              RENAMED))
    assert res.returncode == 0, res.stdout
    assert b"3 people loaded" in res.stdout, res.stdout
    rows = mariadb.sql("SELECT user, display_name, COALESCE(email, '-') FROM social_people "
                       "WHERE user IN ('%s', '%s', '%s') ORDER BY user"
                       % (HOSTILE, IMPORTED, RENAMED))
    assert rows == [[HOSTILE, hostile_name, "-"], [IMPORTED, "Ida Imported", "ida@example.org"],
                    [RENAMED, "Rita Renamed", "-"]]
    # nobody of them has visited: they can be shared with and found
    resp = share(alice, fresh_page(server), IMPORTED)
    assert resp.status == 201, (resp, resp.body[:300])
    found = alice.api("GET", "people?q=" + quote("Ida Imp")).json()["people"]
    assert {"user": IMPORTED, "name": "Ida Imported"} in found, found
    # a login that gives no display name keeps the directory's
    Client(server, RENAMED).page(fresh_page(server))
    assert mariadb.sql("SELECT display_name FROM social_people WHERE user = '%s'"
                       % RENAMED) == [["Rita Renamed"]]
    # loading again updates, it does not duplicate
    res = load_people(mariadb, tmp_path, "%s,Ida Renamed,\n" % IMPORTED)
    assert res.returncode == 0, res.stdout
    assert mariadb.sql("SELECT display_name, email FROM social_people WHERE user = '%s'"
                       % IMPORTED) == [["Ida Renamed", "ida@example.org"]]


@pytest.mark.parametrize("text, why", [
    ("ok-{run},Ok\n,No User,\n", "line 2: no user name"),
    ("ok-{run},Ok\nonly-one-column\n", "line 2: want user,name,email"),
    ("ok-{run},Ok\nbell-{run},Bell\x07,\n", "line 2: control characters"),
    ("ok-{run},Ok\n" + "long-{run}," + "n" * 256 + ",\n", "line 2: name over 255"),
])
def test_a_wrong_directory_line_imports_nothing(mariadb, tmp_path, text, why):
    text = text.format(run=RUN)
    res = load_people(mariadb, tmp_path, text)
    assert res.returncode == 1, res.stdout
    assert why.encode() in res.stdout, res.stdout
    assert b"nothing imported" in res.stdout
    assert known(mariadb, "ok-%s" % RUN) == 0


# ------------------------------------ an unknown @name, without JavaScript

def test_the_plain_form_asks_before_posting_a_mention_nobody_will_get(server, alice):
    page = fresh_page(server)
    token = alice.discussion(page).token()
    body = "Thanks @%s and @alice, see @%s." % (NEVER, VIEWER)
    Client(server, VIEWER).page(fresh_page(server))         # VIEWER is known
    resp = alice.form("", {"page": page, "body": body, "token": token})
    assert resp.status == 200, (resp, resp.body[:300])
    root = parse_html(resp.body)
    assert root.find("title").text() == "Check the names you mentioned"
    status = root.find("p", cls="social-message-text").text()
    assert "@" + NEVER in status and "@alice" not in status and VIEWER not in status, status
    assert alice.listing(page)["comments"] == []                # nothing stored yet
    form = root.find("form", cls="social-mentions-form")
    fields = {i.get("name"): i.get("value", "") for i in form.find_all("input")}
    assert fields == {"token": token, "page": page, "mentions_checked": "1"}
    assert form.find("textarea").text() == body
    assert root.find("a", href=page + "#social") is not None
    # posted as it is: stored, back to the comment
    fields["body"] = body
    resp = alice.form("", fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert [c["body"] for c in alice.listing(page)["comments"]] == [body]


def test_known_names_and_the_widget_are_not_asked(server, alice):
    page = fresh_page(server)
    Client(server, VIEWER).page(fresh_page(server))
    token = alice.discussion(page).token()
    resp = alice.form("", {"page": page, "body": "hi @%s" % VIEWER, "token": token})
    assert resp.status == 303, (resp, resp.body[:300])
    # the widget warns as one types; its post is not held up
    resp = alice.form("", {"page": page, "body": "hi @%s" % NEVER, "token": token},
                      headers={"X-Social-Fragment": "1"})
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    assert len(alice.listing(page)["comments"]) == 2
