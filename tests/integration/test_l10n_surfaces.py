"""The pages outside the discussion block in the reader's language: the
activity stream, notifications, the moderation console and its dashboard,
an ideas board and an idea's own page, a survey with its results and a
document's discuss page, plus the JSON error messages of ideas and
surveys (their codes unchanged).

German (Accept-Language: de) must leave none of the English catalogue
values of these areas (stream, console, ideas, survey, documents) in the
module's own words (user content and the values SAME.txt lists are left
out of the comparison); Arabic pages the module owns say dir="rtl";
Japanese counts take the one form their language has.

The intranet is behind login (alice, bob, carol, dave; carol moderates).
User content here is German or neutral, so an English word found in a
page is the module's.
"""

import json
import re
import uuid
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest

from social_test import config, documents

RUN = uuid.uuid4().hex[:8]
AREA = "/l10n-%s" % RUN
CATALOGUES = Path(__file__).resolve().parents[2] / "templates" / "i18n"
AREAS = ("stream", "console", "ideas", "survey", "documents")
DE = {"Accept-Language": "de"}
AR = {"Accept-Language": "ar"}
JA = {"Accept-Language": "ja"}

HTTPD_CONF = r"""
LogLevel warn social:info
""" + (config.login() + config.optional_login()
       + config.block('"@DOCROOT@%s/docs"' % AREA, "Options +Indexes",
                      "SocialDocumentLinks pdf", kind="Directory"))

ERROR_LOG_ALLOW = (r"AH01631: user \w+: authorization failure for",)

# No lang attribute: the reader's Accept-Language decides.
PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
{markers}
</body>
</html>
"""

BOARD = '<!--social:ideas name="kosten" title="Kosten senken"-->'
SURVEY = ('<!--social:survey name="umfrage" title="Teamumfrage"-->'
          '<!--social:question survey="umfrage" name="team" type="choice" label="Welches Team?"'
          ' options="Vertrieb|Technik" required="yes"-->'
          '<!--social:question survey="umfrage" name="note" type="scale" label="Wie klar?"'
          ' min="1" max="5"-->')
PDF = AREA + "/docs/handbuch.pdf"
# a page linking to the PDF (no lang of its own: the reader's decides)
LINKS = AREA + "/docs/seite.html"
LINKS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Schulung</title></head>
<body><h1>Schulung</h1><p><a href="handbuch.pdf">Das Handbuch</a></p></body></html>
"""


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd, own_mariadb):
    # a database of its own: the console and the stream show only this
    # module's data, never English words other test files wrote
    return httpd_factory(db=own_mariadb, files={PDF: documents.pdf(2, "Handbuch"),
                                                LINKS: LINKS_PAGE},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                         error_log_allow=ERROR_LOG_ALLOW,
                         modules=[("autoindex_module", "mod_autoindex.so")])


# ---------------------------------------------------------------- helpers

def catalogue(tag):
    values = {}
    for area in AREAS:
        values.update(json.loads((CATALOGUES / tag / ("%s.json" % area)).read_text("utf-8")))
    return values


def same_keys(tag):
    """The keys SAME.txt lets tag say as English does (lines: TAG KEY REASON)."""
    keys = set()
    for line in (CATALOGUES / "SAME.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            said, key, _ = line.split(None, 2)
            if said == tag:
                keys.add(key)
    return keys


def forms(value):
    return list(value.values()) if isinstance(value, dict) else [value]


def english_phrases(tag="de"):
    """Each English value of these areas, as the literal runs between its
    placeholders that hold a word of three letters or more (and that the
    language's own value does not hold too, such as "UTC"); the key too."""
    skip = same_keys(tag)
    own = catalogue(tag)
    phrases = []
    for key, value in catalogue("en").items():
        if key in skip:
            continue
        theirs = " ".join(forms(own[key]))
        for form in forms(value):
            for run in re.split(r"\{[A-Za-z0-9_]+\}", form):
                run = run.strip(" .,:;()#’'\"“”")
                if re.search(r"[A-Za-z]{3}", run) and run not in theirs:
                    phrases.append((key, run))
    return phrases


# Elements whose text is the user's (names, titles, bodies, reasons, paths),
# and the audit log's codes (actions and target kinds, kept as stored).
USER_CONTENT = re.compile(
    r"<(bdi|q|pre|blockquote|textarea|code)\b.*?</\1>"
    r"|<(div|td|span|p)\b[^>]*(dir=\"auto\"|class=\"(admin-body|admin-path|admin-user"
    r"|social-body|social-idea-summary|social-poll-summary)[^\"]*\")[^>]*>.*?</\2>",
    re.S)


def module_words(html):
    """The module's own words in html: text and the attributes people see
    or hear (title, placeholder, aria-label, alt), user content left out."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    html = USER_CONTENT.sub(" ", html)
    attrs = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    # paths of pages (a locked page, an audit target) are the site's, not words
    text = re.sub(r"(?<!\S)/\S*", " ", unescape(text))
    return " ".join([text] + [unescape(a) for a in attrs])


def assert_no_english(html, where):
    words = module_words(html)
    left = [(key, phrase) for key, phrase in english_phrases()
            if re.search(r"(?<![A-Za-z])%s(?![A-Za-z])" % re.escape(phrase), words)]
    assert not left, "%s: English left: %r\n%s" % (where, left[:10], words[:2000])


def region(body, start, end):
    """The part of body from the first match of start to the next end."""
    text = body.decode("utf-8")
    m = re.search(start, text)
    assert m, (start, text[:500])
    stop = text.find(end, m.end())
    assert stop > 0, (end, text[m.start():m.start() + 500])
    return unescape(text[m.start():stop + len(end)])


def get_ok(client, path, headers):
    resp = client.get(path, headers=headers)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp


def assert_language(resp, tag, rtl=False):
    assert resp.header("Content-Language") == tag, resp.headers
    html = resp.body.decode("utf-8")
    assert re.search(r'<html lang="%s" dir="%s"' % (tag, "rtl" if rtl else "ltr"), html), \
        html[:400]
    return unescape(html)


def new_page(server, markers, title):
    path = "%s/%s.html" % (AREA, uuid.uuid4().hex[:10])
    server.write_file(path, PAGE.format(title=title, markers=markers))
    return path


def q(path):
    return quote(path, safe="/")


@pytest.fixture(scope="module")
def board(server, alice, bob):
    """A page with an ideas board holding one idea, voted for by bob."""
    path = new_page(server, BOARD, "Ideenseite")
    assert alice.get(path).status == 200        # the first view makes the board
    resp = alice.api("POST", "ideas", {"page": path, "board": "kosten",
                                       "title": "Bildschirme nachts aus",
                                       "text": "Spart **Strom**."})
    assert resp.status == 201, (resp, resp.body[:300])
    idea = resp.json()
    assert bob.api("PUT", "ideas/%d/vote" % idea["id"]).status in (200, 204)
    return path, idea


@pytest.fixture(scope="module")
def survey(server, alice, bob):
    """A page with a survey both alice and bob answered."""
    path = new_page(server, SURVEY, "Umfrageseite")
    assert alice.get(path).status == 200
    resp = alice.api("GET", "surveys?page=%s&name=umfrage" % q(path))
    assert resp.status == 200, (resp, resp.body[:300])
    sid = resp.json()["id"]
    for client, team in ((alice, "Vertrieb"), (bob, "Technik")):
        resp = client.api("PUT", "surveys/%d/response" % sid,
                          {"answers": {"team": team, "note": 4}})
        assert resp.status == 200, (resp, resp.body[:300])
    return path, sid


@pytest.fixture(scope="module")
def talk(server, alice, bob):
    """alice comments on a page of her own, bob answers: a stream item and
    a notification for alice."""
    path = new_page(server, "<p>Inhalt.</p>", "Betriebsrat")
    first = alice.create(path, "Wann ist die Sitzung?")
    bob.create(path, "Am Montag.", parent=first["id"])
    return path


# ------------------------------------------------------------------ German

def test_activity_stream_in_german(alice, talk):
    resp = get_ok(alice, "/_social/activity?section=%s/" % AREA, DE)
    html = assert_language(resp, "de")
    assert "Accept-Language" in (resp.header("Vary") or ""), resp.headers
    assert "<h1 class=\"social-title\">Aktivität" in html
    assert "hat kommentiert:" in html and "hat geantwortet:" in html, html
    assert "gerade eben" in html and "just now" not in html, html
    assert_no_english(resp.body.decode("utf-8"), "activity")


def test_activity_api_titles_in_german(alice, talk):
    resp = alice.api("GET", "activity?section=%s/" % q(AREA), headers=DE)
    assert resp.status == 200, (resp, resp.body[:300])
    titles = [item["title"] for item in resp.json()["items"]]
    assert any("hat Betriebsrat kommentiert" in t for t in titles), titles
    assert not any("commented on" in t or "replied on" in t for t in titles), titles


def test_notifications_in_german(alice, talk):
    html = assert_language(get_ok(alice, "/_social/notifications", DE), "de")
    assert "<h1 class=\"social-title\">Für Sie</h1>" in html
    assert "hat auf Ihren Kommentar zu Betriebsrat geantwortet" in html, html
    assert re.search(r"\d+ ungelesene Benachrichtigung(en)?\.", html), html
    assert "gerade eben" in html and "just now" not in html, html
    assert_no_english(html, "notifications")


def test_console_in_german(carol, talk):
    resp = get_ok(carol, "/_social/admin?page=%s" % q(talk), DE)
    html = assert_language(resp, "de")
    assert "<h1>Moderationskonsole</h1>" in html
    assert ">Neueste Kommentare</h2>" in html and ">Protokoll</h2>" in html
    assert_no_english(html, "console")


def test_console_refusal_in_german(alice):
    resp = alice.get("/_social/admin", headers=DE)
    assert resp.status == 403, resp
    html = assert_language(resp, "de")
    assert "Die Moderationskonsole ist nur für Moderatoren" in html, html
    assert_no_english(html, "console refusal")


def test_dashboard_in_german(carol, talk):
    html = assert_language(get_ok(carol, "/_social/admin/dashboard", DE), "de")
    assert "<h1>Beteiligung</h1>" in html and "Meistdiskutierte Seiten" in html
    assert "Kommentare:" in html        # the chart's legend
    # a quiet period: nothing of anybody's in it, so every word is the module's
    quiet = get_ok(carol, "/_social/admin/dashboard?from=2020-01-01&to=2020-01-31", DE)
    text = unescape(quiet.body.decode("utf-8"))
    assert "In diesem Zeitraum ist nichts passiert." in text, text
    assert_no_english(text, "dashboard")


def test_ideas_board_in_german(alice, board):
    path, idea = board
    resp = get_ok(alice, path, DE)
    part = region(resp.body, r'<section class="social social-ideas"', "</section>")
    assert "1 Idee." in part and "Idee einreichen" in part, part
    assert re.search(r'social-idea-count" data-social-votes="1">1 Stimme</span>', part), part
    assert "0 Kommentare" in part, part
    assert_no_english(part, "ideas board")


def test_idea_page_in_german(alice, board):
    path, idea = board
    resp = get_ok(alice, "/_social/ideas/%d" % idea["id"], DE)
    html = assert_language(resp, "de")
    # the discussion below is the block's (another catalogue): left out
    head = html.split('<div class="social-idea-thread">', 1)[0]
    assert "Zurück zu Kosten senken" in head and "Vorgeschlagen von" in head, head
    assert_no_english(head, "idea page")


def test_survey_with_results_in_german(alice, survey):
    path, sid = survey
    resp = get_ok(alice, path, DE)
    part = region(resp.body, r'<section class="social social-survey"', "</section>")
    assert "Ergebnisse (2 Antworten)" in part, part
    assert "Sie haben teilgenommen" in part and "Mittelwert:" in part, part
    assert_no_english(part, "survey")


def test_discuss_page_in_german(alice):
    resp = get_ok(alice, "/_social/discuss?page=" + q(PDF), DE)
    html = assert_language(resp, "de")
    assert "handbuch.pdf herunterladen" in html, html
    assert 'aria-label="Brotkrumennavigation"' in html
    # the discussion block (another catalogue) follows the download link
    own = html.split('<p class="social-document-download">', 1)
    own = own[0] + own[1].split("</p>", 1)[0]
    assert_no_english(own, "discuss page")


def test_listing_and_document_links_in_the_readers_language(alice, bob):
    alice.create(PDF, "Seite zwei ist falsch.")
    listing = unescape(get_ok(bob, AREA + "/docs/", DE).body.decode("utf-8"))
    assert re.search(r'class="social-entry-count" href="[^"]*#social">1 Kommentar</a>',
                     listing), listing
    assert ">Diskutieren</a>" in listing and ">Discuss</a>" not in listing, listing
    japanese = unescape(get_ok(bob, AREA + "/docs/", JA).body.decode("utf-8"))
    assert ">コメント 1 件</a>" in japanese and ">話し合う</a>" in japanese, japanese
    page = unescape(get_ok(bob, LINKS, DE).body.decode("utf-8"))
    assert 'class="social-doc-link"' in page, page
    assert re.search(r'class="social-doc-link" href="[^"]*">Diskutieren</a>', page), page


def test_json_errors_in_german_keep_their_codes(alice, board, survey):
    resp = alice.api("GET", "ideas/999999999", headers=DE)
    assert resp.status == 404, resp
    err = resp.json()["error"]
    assert err == {"code": "not_found", "message": "Diese Idee gibt es nicht"}, err
    resp = alice.api("GET", "surveys/999999999", headers=DE)
    assert resp.status == 404, resp
    err = resp.json()["error"]
    assert err["code"] == "not_found" and err["message"] == "Diese Befragung gibt es nicht", err
    # a refusal of a write, with its own code
    path, idea = board
    resp = alice.api("POST", "ideas", {"page": path, "board": "nichts", "title": "Titel",
                                       "text": "Text"}, headers=DE)
    assert resp.status == 404, (resp, resp.body[:300])
    err = resp.json()["error"]
    assert err["message"] == "Auf dieser Seite gibt es diese Ideensammlung nicht", err
    assert err["code"] == alice.api("POST", "ideas", {"page": path, "board": "nichts",
                                                      "title": "Titel", "text": "Text"}
                                    ).json()["error"]["code"], err
    # and in English without a language
    resp = alice.api("GET", "ideas/999999999")
    assert resp.json()["error"]["message"] == "no such idea"


def test_english_is_unchanged_without_a_language(alice, board):
    resp = get_ok(alice, "/_social/activity", {})
    html = assert_language(resp, "en")
    assert "<h1 class=\"social-title\">Activity" in html
    part = region(get_ok(alice, board[0], {}).body,
                  r'<section class="social social-ideas"', "</section>")
    assert "1 idea." in part and "Submit idea" in part and "0 comments" in part, part


# ------------------------------------------------------- Arabic, Japanese

def test_arabic_pages_are_right_to_left(alice, carol, board, talk):
    for client, path in ((alice, "/_social/activity"), (alice, "/_social/notifications"),
                         (carol, "/_social/admin"), (carol, "/_social/admin/dashboard"),
                         (alice, "/_social/ideas/%d" % board[1]["id"]),
                         (alice, "/_social/discuss?page=" + q(PDF))):
        html = assert_language(get_ok(client, path, AR), "ar", rtl=True)
        assert re.search(r"[\u0600-\u06ff]{3}", html), (path, html[:400])


def test_japanese_counts_have_one_form(alice, bob, server):
    path = new_page(server, BOARD, "会議室")
    assert alice.get(path).status == 200
    for title in ("案その一", "案その二"):
        resp = alice.api("POST", "ideas", {"page": path, "board": "kosten",
                                           "title": title, "text": "説明"})
        assert resp.status == 201, (resp, resp.body[:300])
    part = region(get_ok(bob, path, JA).body, r'<section class="social social-ideas"',
                  "</section>")
    assert "アイデア 2 件。" in part, part
    assert part.count("コメント 0 件") == 2, part
    assert re.search(r'social-idea-count" data-social-votes="0">0 票</span>', part), part
    assert not re.search(r"\b(ideas?|votes?|comments?)\b", module_words(part)), part
