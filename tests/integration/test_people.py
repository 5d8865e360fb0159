"""Everyone is someone: a colleague is known to the module (shares,
@mentions, the people look-up) from their first authenticated page view,
not only from their first comment, like, share or vote; the view is
recorded at most once a day, and an anonymous visitor is never recorded.

User names are made fresh for this run: the people table is shared by
every test module on the database.
"""

import time
import uuid
from urllib.parse import quote

import pytest

from social_test import config
from social_test.asserts import assert_json_error
from social_test.client import PAGE_TEMPLATE, Client, fresh_page

RUN = uuid.uuid4().hex[:8]
VIEWER, WIDGET, DAILY, NEVER = ("%s-%s" % (who, RUN)
                                for who in ("viewer", "widget", "daily", "never"))
HTPASSWD_USERS = ["alice", VIEWER, WIDGET, DAILY, NEVER]

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
