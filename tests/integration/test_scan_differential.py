"""The scanner against a real HTML tokenizer (no servers).

mod_social's streaming scanner (mod_social/core/scan.c) decides where a page's
markers and its last </body> are. It must see them where a browser does:
not inside <title>, <textarea>, <script>, <style>, <xmp>, <iframe>,
<noembed>, <noframes>, <noscript> (scripting on, as in a browser), after
<plaintext>, nor in a script's escaped and double-escaped text
(`<script><!--<script>...</script>...--></script>`).

The oracle is Debian's python3-html5lib (the WHATWG tokenizer, driven by
its tree builder, which is what switches the tokenizer into the raw-text
states). Every comment token whose text starts with "social:" is a
marker, every </body> and </html> end-tag token an end tag; the scanner,
run through tests/unit/scan_dump (built by `make check`) with the page
split into pieces of several sizes, must report exactly these, at the
same byte offsets.

Pages: generated ones (random mixes of the raw-text elements, comments,
markers, end tags, letter cases and attribute quoting) and the real pages
of Debian's apache2-doc manual, whose scripts are written
`<script><!--//--><![CDATA[//><!-- ... //--><!]]></script>`.

With a SocialPlaceBefore selector (scan_dump --place), the first start tag
or comment html5lib's tokenizer emits that the selector matches is the
PLACE event, at the same offsets.

Outside the compared set, by design: foreign content (<svg>, <math>) and
<select>, where the tree builder changes how start tags tokenize, and end
tags with more than SOCIAL_END_TAG_SPACE_MAX bytes after the name, which
the scanner does not take as insertion points.
"""

import os
import random
import re
import subprocess
from pathlib import Path

import pytest

from html5lib import _tokenizer, html5parser
from html5lib.constants import tokenTypes

REPO = Path(__file__).resolve().parents[2]
SCAN_DUMP = REPO / "tests" / "unit" / "scan_dump"
MANUAL = Path("/usr/share/doc/apache2-doc/manual")
MANUAL_PAGES = 300          # bounded: the whole run stays well under a minute
GENERATED_PAGES = 400
PIECES = [None, "1", "2,3,5,7,11", "64,1,4096", "13,17,19,23"]

COMMENT = tokenTypes["Comment"]
START_TAG = tokenTypes["StartTag"]
END_TAG = tokenTypes["EndTag"]
PARSE_ERROR = tokenTypes["ParseError"]


# ---------------------------------------------------------------- oracle

class _Positions:
    """Maps html5lib's (line, column) back to byte offsets: the page is
    decoded as Latin-1 (one character per byte) and html5lib turns CR LF
    and CR into LF, which keeps line numbers and columns within a line."""

    def __init__(self, text):
        self.starts = [0]
        for m in re.finditer(r"\r\n|\r|\n", text):
            self.starts.append(m.end())

    def offset(self, position):
        line, column = position
        return self.starts[line - 1] + column


class _RecordingTokenizer(_tokenizer.HTMLTokenizer):
    """html5lib's tokenizer, noting where each end tag and comment starts
    and ends."""

    events = None
    positions = None
    place = None      # a function of a token: does the selector match it?

    def _here(self):
        return self.positions.offset(self.stream.position())

    def tagOpenState(self):
        self._open_start = self._here() - 1   # after "<"
        return super().tagOpenState()

    def closeTagOpenState(self):
        self._tag_start = self._here() - 2   # after "</"
        return super().closeTagOpenState()

    def markupDeclarationOpenState(self):
        self._decl_start = self._here() - 2  # after "<!"
        return super().markupDeclarationOpenState()

    def __iter__(self):
        eof_comment = False
        for token in super().__iter__():
            kind = token["type"]
            if kind == PARSE_ERROR:
                eof_comment = str(token.get("data", "")).startswith("eof-in-comment")
            elif kind == END_TAG and token["name"] in ("body", "html"):
                self.events.append(("BODY_END" if token["name"] == "body" else "HTML_END",
                                    self._tag_start, self._here(), None))
            elif kind == COMMENT:
                if token["data"].startswith("social:") and not eof_comment:
                    self.events.append(("MARKER", self._decl_start, self._here(),
                                        token["data"].encode("latin-1")))
                elif self.place is not None and not eof_comment and self.place(token):
                    self.events.append(("PLACE", self._decl_start, self._here(), None))
                    _RecordingTokenizer.place = None   # the first match only
                eof_comment = False
            elif kind == START_TAG and self.place is not None and self.place(token):
                self.events.append(("PLACE", self._open_start, self._here(), None))
                _RecordingTokenizer.place = None
            yield token


class _RecordingParser(html5parser.HTMLParser):
    """html5lib's parser (its tree builder switches the tokenizer into the
    raw-text states) over the recording tokenizer."""

    def _parse(self, stream, innerHTML=False, container="div", scripting=False, **kwargs):
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _RecordingTokenizer(stream, parser=self, **kwargs)
        self.reset()
        self.mainLoop()


HTML_SPACE = " \t\n\f\r"


def place_matcher(selector):
    """The SocialPlaceBefore grammar (place.h) as a test of html5lib tokens."""
    if selector.startswith("<!--"):
        want = selector[4:-3].strip(HTML_SPACE).lower()
        return lambda t: (t["type"] == COMMENT
                          and t["data"].strip(HTML_SPACE).lower() == want)
    m = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*)?(?:([#.])([A-Za-z0-9_-]+))?", selector)
    assert m and (m.group(1) or m.group(2)), selector
    name, sign, value = (m.group(1) or "").lower(), m.group(2), m.group(3)

    def matches(t):
        if t["type"] != START_TAG or (name and t["name"] != name):
            return False
        if sign == "#":
            return t["data"].get("id") == value
        if sign == ".":
            return value in re.split("[%s]+" % HTML_SPACE, t["data"].get("class", ""))
        return True
    return matches


def oracle_events(page: bytes, place=None):
    """html5lib's end tags and markers of page (and the first match of the
    selector place), as scan_dump prints them."""
    text = page.decode("latin-1")
    events = []
    _RecordingTokenizer.place = staticmethod(place_matcher(place)) if place else None
    _RecordingTokenizer.events = events
    _RecordingTokenizer.positions = _Positions(text)
    _RecordingParser(namespaceHTMLElements=False).parse(text, scripting=True)
    return events


# ---------------------------------------------------------------- scanner

def scanner_events(paths, pieces, place=None):
    assert SCAN_DUMP.exists(), f"{SCAN_DUMP} is missing: run `make check` first"
    args = [str(SCAN_DUMP)]
    if pieces:
        args += ["--pieces", pieces]
    if place:
        args += ["--place", place]
    out = subprocess.run(args + [str(p) for p in paths], check=True,
                         stdout=subprocess.PIPE).stdout.decode("latin-1")
    result = {}
    current = None
    for line in out.splitlines():
        fields = line.split(" ")
        if fields[0] == "FILE":
            current = result.setdefault(line[5:], [])
            continue
        kind, start, end = fields[0], int(fields[1]), int(fields[2])
        text = None
        if kind == "MARKER":
            # html5lib's input stream turns CR LF and CR into LF
            text = bytes.fromhex(fields[3]).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        current.append((kind, start, end, text))
    return result


def compare(paths, pages, place=None):
    """Every page's scanner events, in every piece pattern, equal its
    oracle events; returns a list of readable differences."""
    problems = []
    want = {str(p): oracle_events(page, place) for p, page in zip(paths, pages)}
    for pieces in PIECES:
        got = scanner_events(paths, pieces, place)
        for p, page in zip(paths, pages):
            w, g = want[str(p)], got.get(str(p), [])
            if w != g:
                problems.append(_explain(p, page, pieces, w, g, place))
                if len(problems) >= 5:
                    return problems
    return problems


def _explain(path, page, pieces, want, got, place=None):
    lines = [f"{path} (pieces {pieces or 'whole'}, place {place}):"]
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w != g:
            at = (w or g)[1]
            lines.append(f"  event {i}: html5lib {w}, scanner {g}")
            lines.append(f"  context: {page[max(0, at - 80):at + 80]!r}")
            break
    return "\n".join(lines)


# ---------------------------------------------------------------- pages

RCDATA = ["title", "textarea"]
RAWTEXT = ["style", "xmp", "iframe", "noembed", "noframes", "noscript"]


def _case(rng, word):
    pick = rng.random()
    if pick < 0.5:
        return word
    if pick < 0.7:
        return word.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in word)


def _space(rng):
    return rng.choice(["", " ", "  ", "\t", "\n", "\r\n", "\f", " \r "])


def _attrs(rng):
    return rng.choice([
        "", ' class="a"', " id=x", " data-x='</body>'", ' title="a>b"',
        " checked", ' a = "1" b=\'2\'', ' ="x>"', " a/=\"y>z\"", ' x="<!--"',
        " a=b/", ' q="--!>"',
    ])


def _end_tag(rng, name):
    return "</" + _case(rng, name) + rng.choice(
        ["", _space(rng), " x", "/", ' a="b>"', " / ", _space(rng) + "\n"]) + ">"


def _text(rng):
    return rng.choice([
        "hello", " a < b ", "x > y", "&amp; &lt;", "\r\n", "\n", "caf\xe9",
        "<", "<<", "</", "</ 3>", "a-->b", "--", "<!", "<!-", "<!x>", "<?php x ?>",
        "<!DOCTYPE html>", "<![CDATA[ <!--social:cdata--> ]]>", "</>",
        "<p>", "</p>", "<div class='c'>", "</div>", "<br/>", "<img alt=\">\">",
        "<p =\"x>\">", "<a b/=\"</body>\">", "<bodyx>", "</bodyx>", "</htmlx>",
        "<body>", "<head>", "</head>", "<html>", "</bod>", "</body", "<b", "<script",
    ])


def _comment(rng):
    return rng.choice([
        "<!-- plain -->", "<!---->", "<!-->", "<!--->", "<!-- a --!>", "<!-- a --!-->",
        "<!--a-- b-->", "<!---x-->", "<!--<!-- nested -->", "<!-- </body> -->",
        "<!-- -!> --->", "<!--!>-->", "<!---!>-->", "<!----!>",
    ])


def _marker(rng):
    return rng.choice([
        "<!--social:comments-->", '<!--social:poll name="p" question="Q?" options="a|b"-->',
        "<!--social:like--!>", "<!--social:x -- -->", "<!--social:count page='/a'--->",
        "<!--social:-->", "<!--social:share\r\n-->", "<!--Social:no-->", "<!--socia:no-->",
        "<!--social:x--!-->",
    ])


def _raw_content(rng, name, script):
    """Text for inside a raw-text element: things that would be markup
    outside it, partial and wrong end tags, and now and then its own end."""
    parts = []
    for _ in range(rng.randint(0, 6)):
        pick = rng.random()
        if pick < 0.25:
            parts.append(rng.choice(["</body>", "</html>", "<!--social:inside-->",
                                     "<!-- c -->", "</BODY >"]))
        elif pick < 0.45:
            parts.append(rng.choice([
                "</" + name[:-1], "</" + name + "x>", "</" + name + "-a>", "<" + name + ">",
                "</" + _case(rng, name[:3]), "<</", "</ " + name + ">", "</" + name + "\x00",
            ]))
        elif pick < 0.6 and script:
            parts.append(rng.choice([
                "<!--", "-->", "--!>", "<script>", "<SCRIPT ", "</script>", "<scripts>",
                "<!-->", "<!--->", "<script/", "--", "-", "<!-<script>", "<!--<script>x",
                "</script ", "<scriptx>", "- ->",
            ]))
        else:
            parts.append(_text(rng))
    return "".join(parts)


def _raw_element(rng):
    name = rng.choice(RCDATA + RAWTEXT + ["script", "script", "script"])
    script = name == "script"
    start = "<" + _case(rng, name) + _attrs(rng) + rng.choice(["", "", "/"]) + ">"
    body = _raw_content(rng, name, script)
    if script and rng.random() < 0.5:
        # The escaped states: an old-style hidden script, maybe with a
        # script start tag inside (double escaped).
        body = rng.choice(["<!--", "<!--//", "<!--//--><![CDATA[//><!--\n"]) + body
        if rng.random() < 0.5:
            body += rng.choice(["<script>", "<Script type=x>", "<script/", "<script\n"])
            body += _raw_content(rng, name, script)
            body += rng.choice(["</script>", "</SCRIPT >", "", "</script/"])
            body += _raw_content(rng, name, script)
        body += rng.choice(["-->", "//-->", "//--><!]]>", "--!>", ""])
    end = "" if rng.random() < 0.05 else _end_tag(rng, name)
    return start + body + end


def generated_page(rng):
    parts = [rng.choice(["", "<!DOCTYPE html>\n"]), rng.choice(["", "<html><head>"])]
    for _ in range(rng.randint(3, 25)):
        pick = rng.random()
        if pick < 0.3:
            parts.append(_raw_element(rng))
        elif pick < 0.45:
            parts.append(_marker(rng))
        elif pick < 0.55:
            parts.append(_comment(rng))
        elif pick < 0.65:
            parts.append(_end_tag(rng, rng.choice(["body", "body", "html"])))
        else:
            parts.append(_text(rng))
    if rng.random() < 0.05:
        parts.append("<" + _case(rng, "plaintext") + _attrs(rng) + ">"
                     + "<!--social:after--></body>")
    parts.append(rng.choice(["</body></html>\n", "</BODY>", "", "</body>"]))
    return "".join(parts).encode("latin-1")


# ---------------------------------------------------------------- tests

def test_scanner_matches_html5lib_on_generated_pages(tmp_path):
    rng = random.Random(20240613)
    pages = [generated_page(rng) for _ in range(GENERATED_PAGES)]
    paths = []
    for i, page in enumerate(pages):
        path = tmp_path / f"page{i:04d}.html"
        path.write_bytes(page)
        paths.append(path)
    # The generator must reach what it is meant to test.
    every = b"".join(pages).lower()
    for needle in [b"<title", b"<textarea", b"<script><!--", b"<xmp", b"<iframe",
                   b"<noembed", b"<noframes", b"<noscript", b"<plaintext", b"<style"]:
        assert needle in every, needle
    problems = compare(paths, pages)
    assert not problems, "\n".join(problems)


def test_scanner_matches_html5lib_on_apache_manual(tmp_path):
    files = sorted(p for p in MANUAL.rglob("*.html*") if p.is_file())
    assert len(files) >= 100, f"apache2-doc's manual not found under {MANUAL}"
    # Every language of the manual, spread evenly, bounded in count.
    step = max(1, len(files) // MANUAL_PAGES)
    files = files[::step][:MANUAL_PAGES]
    pages = [p.read_bytes() for p in files]
    assert sum(b"<script><!--" in page for page in pages) > MANUAL_PAGES // 2
    want_ends = sum(1 for page in pages for e in oracle_events(page) if e[0] == "BODY_END")
    assert want_ends >= MANUAL_PAGES // 2
    problems = compare(files, pages)
    assert not problems, "\n".join(problems)


# Start tags and comments a selector may match, some of them decoys; they
# land anywhere in a generated page, inside raw text and comments too.
PLACE_PIECES = [
    '<div id="footer">', "<DIV ID=footer>", "<div class='a footer b'>", "<div id=footer2>",
    "<span id=footer>", "<div title='<div id=footer>'>", '<div id="footer" id=x>',
    '<div id=x id="footer">', "<div/id=footer>", "<div id=footer/>", "<div id=footer />",
    '<div class="footer"\nid=footer>', "<div =id=footer>", "<div a= id=footer>",
    "<footer>", "<Footer class=site>", "<footers>", "<div\tclass=\"x\tfooter\">",
    "<!-- footer -->", "<!--footer--!>", "<!--FOOTER-->", "<!--x footer-->", "<!--\r\nfooter\r\n-->",
    "<!--footer", "<div id='footer",
]
PLACE_SELECTORS = ["div#footer", "#footer", ".footer", "footer", "<!--footer-->"]


def placed_page(rng):
    page = generated_page(rng)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(page))
        page = page[:at] + rng.choice(PLACE_PIECES).encode("latin-1") + page[at:]
    # and a few before the generated part, where raw text cannot hide them
    head = "".join(rng.choice(PLACE_PIECES) for _ in range(rng.randint(0, 3)))
    return head.encode("latin-1") + page


@pytest.mark.parametrize("place", PLACE_SELECTORS)
def test_placement_matches_html5lib_on_generated_pages(tmp_path, place):
    rng = random.Random(20261204)
    pages = [placed_page(rng) for _ in range(GENERATED_PAGES // 2)]
    paths = []
    for i, page in enumerate(pages):
        path = tmp_path / f"page{i:04d}.html"
        path.write_bytes(page)
        paths.append(path)
    wanted = sum(1 for page in pages if any(e[0] == "PLACE" for e in oracle_events(page, place)))
    assert wanted >= len(pages) // 10, f"only {wanted} pages have a match for {place}"
    problems = compare(paths, pages, place)
    assert not problems, "\n".join(problems)


def test_oracle_sees_raw_text_as_a_browser_does():
    """The oracle itself: html5lib hides end tags and markers in raw text."""
    page = (b"<title></body><!--social:a--></title><script><!--<script></script>"
            b"</body>--></script><!--social:b--></body>")
    events = oracle_events(page)
    assert [e[0] for e in events] == ["MARKER", "BODY_END"]
    assert events[0][3] == b"social:b"
    assert events[1][1:3] == (len(page) - 7, len(page))
