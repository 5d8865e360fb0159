"""SocialTimeZone: absolute times in the server-rendered block follow the
zone of the page's directory (Location, Directory, .htaccess), UTC by
default; the block tells the widget its zone (data-social-tz); a zone
that does not exist stops the configuration test with the module's log id.

Expected local times come from Python's zoneinfo reading the same tzdata,
not from the module."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client, fresh_page


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(
        files={"index.html": PAGE_TEMPLATE.format(title="Home"),
               "kolkata/.htaccess": "SocialTimeZone Asia/Kolkata\n"},
        conf=config.login(htpasswd)
        + config.block("/berlin", "SocialTimeZone Europe/Berlin")
        + config.block("/berlin/tokyo", "SocialTimeZone Asia/Tokyo")
        + config.block("/saopaulo", "SocialTimeZone America/Sao_Paulo"))


def times_of(body: bytes):
    """(datetime attribute, title) of each comment time in the block."""
    block = harness.main_blocks(body)[0][2].decode()
    return re.findall(r'<time datetime="([^"]+)" title="([^"]*)"', block), block


def expected(iso, zone):
    when = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    local = when.astimezone(ZoneInfo(zone))
    return local.strftime("%Y-%m-%d %H:%M ") + local.tzname()


@pytest.mark.parametrize("area,zone", [("", "UTC"), ("berlin", "Europe/Berlin"),
                                       ("berlin/tokyo", "Asia/Tokyo"),
                                       ("saopaulo", "America/Sao_Paulo"),
                                       ("kolkata", "Asia/Kolkata")])
def test_absolute_times_follow_the_directorys_zone(server, area, zone):
    page = fresh_page(server, area)
    alice = Client(server, "alice")
    alice.create(page, "what time is it here?")
    times, block = times_of(alice.page(page).body)
    assert len(times) == 1, block
    iso, title = times[0]
    assert iso.endswith("Z"), iso          # the machine-readable time stays UTC
    assert title == expected(iso, zone), (title, zone)
    assert 'data-social-tz="%s"' % zone in block
    # the widget's fragment (the endpoint, not the page) says the same
    fragment = alice.fragment(page).body.decode()
    assert 'title="%s"' % expected(iso, zone) in fragment


def test_zones_differ_where_the_clocks_do(server):
    """Not a coincidence of the test's hour: Kolkata is 5:30 ahead of UTC."""
    page = fresh_page(server, "kolkata")
    alice = Client(server, "alice")
    alice.create(page, "namaste")
    (iso, title), = times_of(alice.page(page).body)[0]
    utc = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    shown = datetime.datetime.strptime(title[:16], "%Y-%m-%d %H:%M")
    assert shown - utc.replace(second=0, tzinfo=None) == datetime.timedelta(hours=5, minutes=30)
    assert title.endswith(" IST")


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "Europe"])
def test_unknown_zone_stops_the_configuration_test(mariadb, zone):
    srv = harness.Httpd(db=mariadb, name="tz-conf-test",
                        conf="<Location /x>\n SocialTimeZone %s\n</Location>\n" % zone)
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SOCIAL2340" in output and "SocialTimeZone" in output, output
    assert zone in output, output


def test_known_zones_pass_the_configuration_test(mariadb):
    srv = harness.Httpd(db=mariadb, name="tz-conf-test",
                        conf="SocialTimeZone Asia/Dubai\n<Location /x>\n"
                             " SocialTimeZone America/Argentina/Buenos_Aires\n</Location>\n")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code == 0, output
