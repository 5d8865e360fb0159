"""Localisation (README "Languages"): the catalogues under templates/i18n,
the language the discussion block and the module's answers are written
in (SocialLanguage, the page's <html lang>, Accept-Language, English),
Content-Language and Vary, site overrides (SocialMessages), the cache's
one entry per language, plural forms, and pages in a legacy charset.

The intranet is behind login (alice, bob, carol, dave and a few more for
counts); the endpoint takes optional login. Every test works on pages of
its own.
"""

import html
import json
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

import harness
from harness import main_blocks, strip_blocks, block_attr
from social_test import config
from social_test.client import Client

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "templates" / "i18n"

TAGS = ("en", "de", "fr", "es", "pt", "ar", "hi", "ja", "ko", "zh-Hans")
PLURAL_CATEGORIES = {
    "en": {"one", "other"}, "de": {"one", "other"}, "es": {"one", "other"},
    "pt": {"one", "other"}, "fr": {"one", "other"}, "hi": {"one", "other"},
    "ar": {"zero", "one", "two", "few", "many", "other"},
    "ja": {"other"}, "ko": {"other"}, "zh-Hans": {"other"},
}

COUNTERS = tuple("user%02d" % k for k in range(1, 12))
HTPASSWD_USERS = ("alice", "bob", "carol", "dave") + COUNTERS

HTTPD_CONF = (
    config.block('"*-latin1.html"', 'ForceType "text/html; charset=ISO-8859-1"', kind="Files")
    + config.login()
    + config.optional_login()
    + config.block('"@DOCROOT@/fr-dir"', "SocialLanguage fr", kind="Directory")
    + config.block('"@DOCROOT@/ja-dir"', "SocialLanguage ja", kind="Directory")
    + config.block('"@DOCROOT@/deferred"', "SocialRender Deferred", kind="Directory"))

PAGE = """<!DOCTYPE html>
<html{lang}>
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Some text.</p>
{extra}
</body>
</html>
"""


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


@pytest.fixture(scope="module")
def bob(server):
    return Client(server, "bob")


def new_page(server, lang=None, area="", extra=""):
    name = "l10n-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, PAGE.format(lang=' lang="%s"' % lang if lang else "",
                                        title="Page " + name, extra=extra))
    return path


def get(client, path, accept=None):
    resp = client.get(path, headers={"Accept-Language": accept} if accept else None)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp


def block_of(resp):
    [block] = main_blocks(resp.body)
    return block[2]


def words(block):
    """The block as text a reader sees (references decoded)."""
    return html.unescape(block.decode("ascii"))


def vary(resp):
    return [v.strip().lower() for h in resp.header_all("Vary") for v in h.split(",")]


# ---------------------------------------------------------------- catalogues

def load_catalogue(tag):
    merged = {}
    for path in sorted((I18N / tag).glob("*.json")):
        def no_duplicates(pairs, path=path):
            keys = [k for k, _ in pairs]
            assert len(keys) == len(set(keys)), "%s: a key twice" % path
            return dict(pairs)
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)
        assert isinstance(data, dict), path
        for key in data:
            assert key not in merged, "%s: %s is also in another file of %s" % (path, key, tag)
        merged.update(data)
    return merged


def placeholders(value):
    text = value if isinstance(value, str) else "".join(value.values())
    found = set(re.findall(r"\{([A-Za-z0-9_]+)\}", text))
    if not isinstance(value, str):
        found.discard("n")      # a form may say its number in words
    return found


def same_as_english():
    allowed = set()
    for line in (I18N / "SAME.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tag, key, reason = line.split(None, 2)
            assert reason.strip(), line
            allowed.add((tag, key))
    return allowed


def test_every_language_is_shipped():
    assert sorted(p.name for p in I18N.iterdir() if p.is_dir()) == sorted(TAGS)


@pytest.mark.parametrize("tag", [t for t in TAGS if t != "en"])
def test_catalogue_matches_english(tag):
    en, cat = load_catalogue("en"), load_catalogue(tag)
    allowed = same_as_english()
    assert sorted(set(en) - set(cat)) == [], "keys %s lacks" % tag
    assert sorted(set(cat) - set(en)) == [], "keys English lacks"
    for key, english in en.items():
        value = cat[key]
        assert type(value) is type(english), (tag, key)
        assert placeholders(value) == placeholders(english), (tag, key, value)
        if isinstance(value, dict):
            assert set(value) == PLURAL_CATEGORIES[tag], (tag, key, sorted(value))
            assert all(isinstance(v, str) and v for v in value.values()), (tag, key)
        else:
            assert value.strip(), (tag, key)
        if value == english:
            assert (tag, key) in allowed, "%s %s is English: translate it or list it in " \
                "SAME.txt with a reason" % (tag, key)


def test_english_plurals_use_english_categories():
    for key, value in load_catalogue("en").items():
        if isinstance(value, dict):
            assert set(value) == {"one", "other"}, key
            # the number, or what it counts (a list of names), is in every
            # form but "one"
            assert all("{n}" in v or k == "one" or re.search(r"\{[a-z_]+\}", v)
                       for k, v in value.items()), key


def test_same_txt_lists_only_real_duplicates():
    en = load_catalogue("en")
    for tag, key in same_as_english():
        assert load_catalogue(tag).get(key) == en.get(key), (tag, key)


# ---------------------------------------------------------------- choice of language

def test_german_latin1_page_gets_a_german_block_in_ascii(server, alice):
    raw = (REPO / "demo" / "intranet" / "de" / "betriebsrat.html").read_bytes()
    assert b'<html lang="de">' in raw and b"\xe4" in raw     # ISO-8859-1 umlauts
    path = "/de/betriebsrat-latin1.html"
    server.write_file(path, raw)
    resp = get(alice, path, accept="ja, en;q=0.5")
    assert resp.header("Content-Type").lower().endswith("iso-8859-1")
    block = block_of(resp)
    assert block_attr(block, "lang") == "de" and block_attr(block, "dir") == "ltr"
    assert all(b < 0x80 for b in block), "the block must stay ASCII on a Latin-1 page"
    text = words(block)
    assert "Kommentare" in text and "Noch keine Kommentare." in text
    assert "Gefällt mir" in text and "Gefällt mir" not in block.decode("ascii")
    # the page's own bytes are untouched; the page chose: no Vary, no Content-Language
    assert strip_blocks(resp.body) == raw
    assert "accept-language" not in vary(resp)
    assert resp.header("Content-Language") is None


def test_accept_language_decides_for_a_page_without_lang(server, alice):
    path = new_page(server)
    resp = get(alice, path, accept="ja")
    block = block_of(resp)
    assert block_attr(block, "lang") == "ja"
    assert "コメント" in words(block) and "まだコメントはありません。" in words(block)
    assert "accept-language" in vary(resp)
    assert resp.header("Content-Language") is None     # the page's own header, untouched
    # the module's own answer about the same page says its language
    frag = alice.get("/_social/fragment?page=" + quote(path, safe="/"),
                     headers={"Accept-Language": "ja"})
    assert frag.status == 200
    assert frag.header("Content-Language") == "ja"
    assert "accept-language" in vary(frag)
    assert "コメント" in html.unescape(frag.body.decode("ascii"))


@pytest.mark.parametrize("accept, tag", [
    ("de-AT", "de"), ("pt-BR", "pt"), ("zh-CN", "zh-Hans"), ("zh", "zh-Hans"),
    ("nl, fr;q=0.4, es;q=0.6", "es"), ("de;q=0, ko", "ko"), ("nl", "en"), (None, "en"),
])
def test_accept_language_mapping_and_q_values(server, alice, accept, tag):
    block = block_of(get(alice, new_page(server), accept=accept))
    assert block_attr(block, "lang") == tag


def test_arabic_is_right_to_left(server, alice):
    block = block_of(get(alice, new_page(server), accept="ar"))
    assert block_attr(block, "lang") == "ar" and block_attr(block, "dir") == "rtl"
    assert "تعليقات" in words(block)


def test_page_lang_beats_accept_language(server, alice):
    resp = get(alice, new_page(server, lang="es-MX"), accept="ja")
    assert block_attr(block_of(resp), "lang") == "es"
    assert "accept-language" not in vary(resp)


def test_social_language_in_a_directory_wins(server, alice):
    path = new_page(server, lang="de", area="fr-dir")
    resp = get(alice, path, accept="ja")
    block = block_of(resp)
    assert block_attr(block, "lang") == "fr"
    assert "Commentaires" in words(block) and "Aucun commentaire pour l’instant." in words(block)
    assert "accept-language" not in vary(resp)


def test_relative_times_are_translated(server, alice):
    path = new_page(server, area="ja-dir")
    alice.create(path, "こんにちは")
    text = words(block_of(get(alice, path)))
    assert "たった今" in text and "just now" not in text


# ---------------------------------------------------------------- the cache

def test_cache_keeps_one_entry_per_language(server, alice, bob):
    path = new_page(server)
    alice.create(path, "A comment every reader sees")
    want = {"ja": "コメント", "de": "Kommentare", "ar": "تعليقات", "en": "Comments"}
    for _ in range(3):
        for tag, heading in want.items():
            for reader in (alice, bob):
                block = block_of(get(reader, path, accept=tag))
                assert block_attr(block, "lang") == tag
                text = words(block)
                assert heading in text, (tag, text[:300])
                others = [h for t, h in want.items() if t != tag and h not in heading]
                assert not any(re.search(r">\s*%s" % re.escape(h), text) for h in others), tag


# ---------------------------------------------------------------- plural forms

def like_page(server, path, n):
    for user in COUNTERS[:n]:
        resp = Client(server, user).api("PUT", "like?page=" + quote(path, safe="/"))
        assert resp.status == 200, (resp, resp.body[:200])


def like_count(client, path, accept):
    block = words(block_of(get(client, path, accept=accept)))
    m = re.search(r'class="social-like-count">([^<]*)<', block)
    assert m, block[:500]
    return m.group(1).strip()


@pytest.mark.parametrize("n, english, arabic", [
    (0, "0 likes", "لا إعجابات"),
    (1, "1 like", "إعجاب واحد"),
    (2, "2 likes", "إعجابان"),
    (3, "3 likes", "3 إعجابات"),
    (11, "11 likes", "11 إعجابًا"),
])
def test_plural_forms_of_like_counts(server, alice, n, english, arabic):
    path = new_page(server)
    like_page(server, path, n)
    assert like_count(alice, path, "en").startswith(english)
    assert like_count(alice, path, "ar").startswith(arabic)


def test_french_counts_one_for_zero_and_one(server, alice):
    marker = ('<!--social:poll name="lunch" question="Déjeuner ?" '
              'options="Pizza|Sushi" results="always"-->')
    path = new_page(server, area="fr-dir", extra=marker)
    get(alice, path)
    [poll] = alice.api("GET", "polls?page=" + quote(path, safe="/")).json()["polls"]

    def voters():
        text = html.unescape(get(alice, path).body.decode("utf-8"))
        m = re.search(r"(\d+) (personnes? (?:a|ont) voté\.)", text)
        assert m, text[-2000:]
        return m.group(0)

    assert voters() == "0 personne a voté."
    for k, user in enumerate(COUNTERS[:2]):
        resp = Client(server, user).api("PUT", "polls/%d/vote" % poll["id"], {"choices": [0]})
        assert resp.status == 200, resp.body[:200]
        assert voters() == ("1 personne a voté." if k == 0 else "2 personnes ont voté.")


# ---------------------------------------------------------------- the module's answers

def test_json_error_message_in_german_code_unchanged(server, alice):
    path = new_page(server)
    resp = alice.api("POST", "comments", {"page": path, "body": ""},
                     headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert resp.status == 422, resp.body[:300]
    error = resp.json()["error"]
    assert error["code"] == "invalid_body"
    assert error["message"] == "Der Text ist leer"
    assert resp.header("Content-Language") == "de"
    assert "accept-language" in vary(resp)
    english = alice.api("POST", "comments", {"page": path, "body": ""}).json()["error"]
    assert english == {"code": "invalid_body", "message": "the text is empty"}


def test_html_message_page_in_the_readers_language(server, alice):
    path = new_page(server)
    token = alice.token(path)
    resp = alice.form("", {"token": token, "page": path, "body": ""},
                      headers={"Accept-Language": "es"})
    assert resp.status == 422, resp.body[:300]
    text = html.unescape(resp.body.decode("ascii"))
    assert '<html lang="es" dir="ltr">' in text
    assert "Tu comentario no se guardó" in text and "Volver a la página" in text
    assert resp.header("Content-Language") == "es"


# ---------------------------------------------------------------- SocialMessages

def overrides_dir(files):
    root = tempfile.mkdtemp(prefix="social-messages-")
    os.chmod(root, 0o755)
    for rel, text in files.items():
        target = Path(root) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(target.parent, 0o755)
        target.write_text(text, encoding="utf-8")
        os.chmod(target, 0o644)
    return root


def test_overrides_change_a_string_and_add_a_language(httpd_factory, htpasswd):
    root = overrides_dir({
        "de/site.json": json.dumps({"block.heading": "Diskussion"}),
        "nl/block.json": json.dumps({"block.heading": "Reacties",
                                     "block.empty": "Nog geen reacties."}),
    })
    try:
        srv = httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd)
                            + 'SocialMessages "%s"\n' % root, name="l10n-messages")
        reader = Client(srv, "alice")
        path = new_page(srv)
        de = words(block_of(get(reader, path, accept="de")))
        assert "Diskussion" in de and "Noch keine Kommentare." in de   # the rest stays
        nl_block = block_of(get(reader, path, accept="nl-BE"))
        assert block_attr(nl_block, "lang") == "nl"
        nl = words(nl_block)
        assert "Reacties" in nl and "Nog geen reacties." in nl
        assert "Add a comment" in nl       # what the site did not translate: English
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_an_unknown_override_key_is_a_warning(mariadb):
    root = overrides_dir({"de/site.json": json.dumps({"block.no_such_message": "x"})})
    srv = harness.Httpd(db=mariadb, conf='SocialMessages "%s"\n' % root,
                        name="l10n-unknown", error_log_allow=(r"SOCIAL2301",))
    try:
        srv.start()
        log = srv.error_log_path.read_text(errors="replace")
        assert "SOCIAL2301" in log and "block.no_such_message" in log
    finally:
        srv.stop()
        srv.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def test_bad_override_json_refuses_the_start(mariadb):
    root = overrides_dir({"de/broken.json": '{"block.heading": "Diskussion",\n oops}\n'})
    srv = harness.Httpd(db=mariadb, conf='SocialMessages "%s"\n' % root, name="l10n-bad")
    try:
        code, output = srv.config_test()
        assert code != 0, output
        assert "SocialMessages" in output and "de/broken.json" in output, output
        assert "line 2" in output, output
    finally:
        srv.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def test_override_with_wrong_placeholders_refuses_the_start(mariadb):
    root = overrides_dir({"fr/x.json": json.dumps({"block.reply_to": "Répondre à {user}"})})
    srv = harness.Httpd(db=mariadb, conf='SocialMessages "%s"\n' % root, name="l10n-ph",
                        error_log_allow=(r"SOCIAL2300",))
    try:
        with pytest.raises(Exception):
            srv.start()
        log = srv.error_log_path.read_text(errors="replace")
        assert "SOCIAL2300" in log and "fr/x.json" in log and "block.reply_to" in log
    finally:
        srv.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("value", ["auto", "de", "zh-Hans"])
def test_social_language_accepts_tags(mariadb, value):
    srv = harness.Httpd(db=mariadb, conf="SocialLanguage %s\n" % value, name="l10n-lang")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code == 0, output


def test_social_language_refuses_garbage(mariadb):
    srv = harness.Httpd(db=mariadb, conf="SocialLanguage de_DE.UTF-8\n", name="l10n-lang")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0 and "SocialLanguage" in output, output


def test_notice_after_a_plain_form_in_the_pages_language(server, alice):
    path = new_page(server, lang="de")
    text = words(block_of(get(alice, path + "?social=posted")))
    assert "Kommentar veröffentlicht" in text and "Comment posted" not in text


@pytest.mark.parametrize("lang,closed,reopened", [
    ("de", "Umfrage beendet", "Umfrage wieder geöffnet"),
    ("ja", "投票を締め切りました", "投票を再開しました"),
    ("ar", "أُغلق الاستطلاع", "أُعيد فتح الاستطلاع")])
def test_poll_closed_and_reopened_notices_in_the_pages_language(server, alice, lang,
                                                                closed, reopened):
    path = new_page(server, lang=lang)
    for notice, said in (("poll-closed", closed), ("poll-reopened", reopened)):
        text = words(block_of(get(alice, path + "?social=" + notice)))
        assert said in text and "Poll " not in text, (notice, text[:400])


def test_comment_like_counts_and_share_mail_are_translated(server, alice, bob):
    path = new_page(server, lang="ja")
    cid = alice.create(path, "テスト")["id"]
    resp = bob.api("PUT", "comments/%d/like" % cid)
    assert resp.status == 200, resp.body[:200]
    block = block_of(get(alice, path))
    text = words(block)
    assert "いいね！1件" in text and "1 like" not in text
    subject = quote("イントラネットのおすすめ記事")
    assert "subject=" + subject in text, re.findall(r"subject=[^&\"]*", text)


# ---------------------------------------------------------------- Deferred validators

def test_deferred_etag_names_the_language_a_reader_negotiated(server, alice):
    """Under SocialRender Deferred the page keeps the file's validators.
    When Accept-Language chose the block's language, the ETag names it
    ("-social-de"), so a copy in one language never validates another:
    a cache asking with the German tag for a French reader gets the
    French page, and the 304 says Vary like the 200."""
    path = new_page(server, area="deferred")
    english = get(alice, path)
    german = get(alice, path, "de")
    french = get(alice, path, "fr")
    en_tag, de_tag, fr_tag = (r.header("ETag") for r in (english, german, french))
    assert en_tag.endswith('-social"'), en_tag
    assert de_tag == en_tag[:-1] + '-de"' and fr_tag == en_tag[:-1] + '-fr"', (de_tag, fr_tag)
    assert "accept-language" in vary(german)

    again = alice.get(path, headers={"Accept-Language": "de", "If-None-Match": de_tag})
    assert again.status == 304, again
    assert again.header("ETag") == de_tag and "accept-language" in vary(again)
    both = alice.get(path, headers={"Accept-Language": "fr",
                                    "If-None-Match": "%s, %s" % (en_tag, fr_tag)})
    assert both.status == 304 and both.header("ETag") == fr_tag, both
    # the German copy offered for a French reader: the page, in French
    other = alice.get(path, headers={"Accept-Language": "fr", "If-None-Match": de_tag})
    assert other.status == 200, other
    assert other.header("ETag") == fr_tag
    assert block_attr(block_of(other), "lang") == "fr"
    # and the English copy for a German reader
    assert alice.get(path, headers={"Accept-Language": "de",
                                    "If-None-Match": en_tag}).status == 200


def test_deferred_etag_of_a_page_in_its_own_language_ignores_the_reader(server, alice):
    """A page that says lang="de" has a German block for everyone: one
    ETag, and a reader's Accept-Language does not change what validates."""
    path = new_page(server, lang="de", area="deferred")
    first = get(alice, path, "fr")
    tag = first.header("ETag")
    assert tag.endswith('-social-de"'), tag
    assert "accept-language" not in vary(first)
    for accept in ("fr", "ja", None):
        headers = {"If-None-Match": tag}
        if accept:
            headers["Accept-Language"] = accept
        resp = alice.get(path, headers=headers)
        assert resp.status == 304 and resp.header("ETag") == tag, (accept, resp)


# ---------------------------------------------------------------- refusals of text

@pytest.mark.parametrize("lang,words_of", [
    ("de", {"control": "der Text enthält Steuerzeichen",
            "one_line": "der Titel muss aus einer Zeile bestehen",
            "title_long": "der Titel ist zu lang (201 Zeichen; höchstens 200)",
            "no_reason": "Sagen Sie, warum",
            "reason_control": "der Grund enthält Steuerzeichen",
            "note_control": "die Notiz enthält Steuerzeichen"}),
    ("ja", {"control": "本文に制御文字が含まれています",
            "one_line": "タイトルは1行で入力してください",
            "title_long": "タイトルが長すぎます（201文字、最大200文字）",
            "no_reason": "モデレーターに確認してほしい理由",
            "reason_control": "理由に制御文字が含まれています",
            "note_control": "メモに制御文字が含まれています"})])
def test_refused_texts_say_why_in_the_readers_language(server, alice, bob, lang, words_of):
    """Every refusal of a text (a comment, an idea's title and text, a
    report's reason, a share's note) in the reader's language; the code
    stays the same, and nothing is stored."""
    path = new_page(server, extra='<!--social:ideas name="ways" title="Ways"-->')
    accept = {"Accept-Language": lang}
    get(alice, path)    # the board is learnt when the page is served

    def refused(client, method, rel, doc, code):
        resp = client.api(method, rel, doc, headers=accept)
        assert resp.status == 422, (rel, resp.status, resp.body[:300])
        error = resp.json()["error"]
        assert error["code"] == code, error
        return error["message"]

    assert words_of["control"] in refused(alice, "POST", "comments",
                                          {"page": path, "body": "bell \x07 here"},
                                          "invalid_body")
    assert words_of["one_line"] in refused(alice, "POST", "ideas",
                                           {"page": path, "board": "ways",
                                            "title": "two\nlines", "text": "x"},
                                           "invalid_title")
    assert words_of["title_long"] in refused(alice, "POST", "ideas",
                                             {"page": path, "board": "ways",
                                              "title": "t" * 201, "text": "x"},
                                             "invalid_title")
    cid = bob.create(path, "Reported, perhaps")["id"]
    assert words_of["no_reason"] in refused(alice, "POST", "comments/%d/report" % cid,
                                            {"reason": ""}, "invalid_reason")
    assert words_of["reason_control"] in refused(alice, "POST", "comments/%d/report" % cid,
                                                 {"reason": "why \x01"}, "invalid_reason")
    assert words_of["note_control"] in refused(alice, "POST", "shares",
                                               {"page": path, "note": "note \x02",
                                                "to": ["bob"]}, "invalid_note")
    assert alice.api("GET", "ideas?page=%s&board=ways" % quote(path)).json()["ideas"] == []
    assert alice.listing(path)["count"] == 1


@pytest.mark.parametrize("lang,said", [
    ("de", {"type": "senden Sie den Inhalt als application/json",
            "json": "fehlerhaftes JSON in Zeile 1",
            "note": "Sie haben keine Benachrichtigung mit dieser ID",
            "method": "POST ist hier nicht erlaubt; verwenden Sie GET, HEAD"}),
    ("ar", {"type": "أرسل المحتوى بصيغة application/json",
            "json": "JSON غير سليم في السطر 1",
            "note": "ليس لديك إشعار بهذا المعرّف",
            "method": "POST غير مسموح هنا؛ استخدم GET, HEAD"})])
def test_the_apis_own_refusals_in_the_readers_language(server, alice, lang, said):
    """What the API says of a request itself (its media type, its JSON,
    an id that is not the reader's, its method) comes from the catalogue:
    the code stays the API's, the words are the reader's."""
    accept = {"Accept-Language": lang}

    def refusal(resp, status, code):
        assert resp.status == status, (resp.status, resp.body[:300])
        assert resp.header("Content-Language") == lang
        error = resp.json()["error"]
        assert error["code"] == code, error
        return error["message"]

    path = new_page(server)
    assert said["type"] in refusal(alice.api("POST", "comments", raw=b"body=x", headers=accept,
                                             content_type="text/plain"),
                                   415, "unsupported_media_type")
    assert said["json"] in refusal(alice.api("POST", "comments", raw=b'{"page": ',
                                             headers=accept), 400, "malformed_json")
    assert said["note"] in refusal(alice.api("GET", "notifications/999999999999",
                                             headers=accept), 404, "not_found")
    version = alice.api("GET", "health").json()["version"]
    resp = alice.request("POST", "/_social/assets/%s/messages-de.js" % version, body=b"",
                         headers=accept)
    assert said["method"] in refusal(resp, 405, "method_not_allowed")
    assert alice.listing(path)["count"] == 0
