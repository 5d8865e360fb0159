"""The widget's words: {endpoint}/assets/VERSION/messages-TAG.js, made
from templates/i18n/<tag>/widget.json with English for keys a language
lacks, cached like the other assets (immutable, with an ETag), and loaded
by the block before social.js in the block's language."""

import json
import re

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client, fresh_page

LANGS = ["en", "de", "fr", "es", "pt", "ar", "hi", "ja", "ko", "zh-Hans"]
I18N = harness.REPO / "templates" / "i18n"


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=config.login(htpasswd)
                         + config.block("/_social", "SocialTimeZone Asia/Tokyo")
                         + config.block("/ja-site", "SocialLanguage ja"))


@pytest.fixture(scope="module")
def version(server):
    return Client(server, "alice").get("/_social/api/v1/health").json()["version"]


def messages(resp):
    body = resp.body.decode("utf-8")
    m = re.fullmatch(r"window\.SocialMessages = (\{.*\});\n", body, re.DOTALL)
    assert m, body[:200]
    return json.loads(m.group(1))


@pytest.mark.parametrize("tag", LANGS)
def test_messages_of_every_language(server, version, tag):
    resp = Client(server, "alice").get("/_social/assets/%s/messages-%s.js" % (version, tag))
    assert resp.status == 200, resp
    assert resp.content_type == "text/javascript; charset=utf-8"
    cache = resp.header("Cache-Control") or ""
    assert "max-age=31536000" in cache and "immutable" in cache, cache
    doc = messages(resp)
    assert doc["lang"] == tag
    assert doc["dir"] == ("rtl" if tag == "ar" else "ltr")
    assert doc["tz"] == "Asia/Tokyo"        # SocialTimeZone of the endpoint
    own = json.loads((I18N / tag / "widget.json").read_text("utf-8"))
    english = json.loads((I18N / "en" / "widget.json").read_text("utf-8"))
    assert set(doc["m"]) == set(english)
    for key, value in doc["m"].items():
        assert value == own.get(key, english[key]), (tag, key)


def test_messages_etag_and_conditional_get(server, version):
    alice = Client(server, "alice")
    path = "/_social/assets/%s/messages-de.js" % version
    first = alice.get(path)
    etag = first.header("ETag")
    assert etag and etag.startswith('"') and etag.endswith('"'), etag
    assert alice.get(path).header("ETag") == etag
    assert Client(server, "alice").get("/_social/assets/%s/messages-fr.js"
                                       % version).header("ETag") != etag
    again = alice.get(path, headers={"If-None-Match": etag})
    assert again.status == 304, again
    assert alice.get(path, headers={"If-None-Match": '"other"'}).status == 200
    head = server.head(path, headers=alice.headers())
    assert head.status == 200 and head.raw_body == b""


@pytest.mark.parametrize("name", ["messages-xx.js", "messages-.js", "messages-de.css",
                                  "messages-de", "messages-../en.js", "messages-DE.js"])
def test_unknown_messages_are_404(server, version, name):
    resp = Client(server, "alice").get("/_social/assets/%s/%s" % (version, name))
    assert resp.status == 404, resp


def test_messages_with_the_wrong_version_are_404(server, version):
    resp = Client(server, "alice").get("/_social/assets/%s-old/messages-de.js" % version)
    assert resp.status == 404


@pytest.mark.parametrize("accept,tag", [(None, "en"), ("de-AT,de;q=0.9,en;q=0.5", "de"),
                                        ("fr;q=0.2, ja;q=0.8", "ja"), ("zh-CN", "zh-Hans"),
                                        ("pt-BR", "pt"), ("ar", "ar"), ("sv", "en")])
def test_block_loads_the_messages_before_the_widget(server, version, accept, tag):
    # a page that names no language of its own: the reader's decides
    page = fresh_page(server, content=PAGE_TEMPLATE.format(title="No lang")
                      .replace('<html lang="en">', "<html>"))
    headers = {"Accept-Language": accept} if accept else None
    resp = Client(server, "alice").get(page, headers=headers)
    block = harness.main_blocks(resp.body)[0][2].decode()
    scripts = re.findall(r'<script src="([^"]+)" defer="defer"></script>', block)
    assert len(scripts) == 2, block
    assert re.fullmatch(r"/_social/assets/%s/messages-%s\.js\?v=[0-9a-f]{16}"
                        % (re.escape(version), tag), scripts[0]), scripts
    assert scripts[1] == "/_social/assets/%s/social.js" % version, scripts
    if accept:
        assert "Accept-Language" in (resp.header("Vary") or ""), resp.header("Vary")


def test_social_language_decides_the_widgets_words(server, version):
    page = fresh_page(server, "ja-site")
    resp = Client(server, "alice").get(page, headers={"Accept-Language": "de"})
    block = harness.main_blocks(resp.body)[0][2].decode()
    assert re.search(r'<script src="/_social/assets/%s/messages-ja\.js\?v=[0-9a-f]{16}" '
                     r'defer="defer">' % re.escape(version), block), block
    assert "Accept-Language" not in (resp.header("Vary") or "")


def test_admins_own_words_reach_the_widget(httpd_factory, htpasswd, tmp_path):
    """SocialMessages DIR: a key of de/widget.json there replaces the
    module's in messages-de.js; a new language directory gets its own
    script, English for what it lacks."""
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "widget.json").write_text(
        json.dumps({"widget.link_copied": "Adresse in der Zwischenablage"}), "utf-8")
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "widget.json").write_text(
        json.dumps({"widget.close": "St\u00e4ng"}), "utf-8")
    tmp_path.chmod(0o755)
    for d in (tmp_path / "de", tmp_path / "sv"):
        d.chmod(0o755)
        for f in d.iterdir():
            f.chmod(0o644)
    srv = httpd_factory(conf=config.login(htpasswd) + "SocialMessages %s\n" % tmp_path)
    alice = Client(srv, "alice")
    version = alice.get("/_social/api/v1/health").json()["version"]
    de = messages(alice.get("/_social/assets/%s/messages-de.js" % version))
    assert de["m"]["widget.link_copied"] == "Adresse in der Zwischenablage"
    assert de["m"]["widget.close"] == "Schlie\u00dfen"
    sv = messages(alice.get("/_social/assets/%s/messages-sv.js" % version))
    assert sv["lang"] == "sv" and sv["m"]["widget.close"] == "St\u00e4ng"
    assert sv["m"]["widget.link_copied"] == "Link copied"
    # the script is cached for a year: a changed word is a new URL
    plain = httpd_factory(conf=config.login(htpasswd))

    def script_url(server, lang):
        page = fresh_page(server, content=PAGE_TEMPLATE.format(title="Words")
                          .replace('<html lang="en">', '<html lang="%s">' % lang))
        block = harness.main_blocks(Client(server, "alice").get(page).body)[0][2].decode()
        return re.findall(r'<script src="([^"]+messages-[^"]+)"', block)[0]

    assert script_url(srv, "de") != script_url(plain, "de")
    assert script_url(srv, "fr") == script_url(plain, "fr")
    assert script_url(srv, "de") != script_url(srv, "fr")
