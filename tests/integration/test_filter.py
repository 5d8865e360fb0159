"""The output filter of mod_social, driven through a real httpd.

Every modified page must give back the file's bytes exactly once the
delimited blocks are removed (strip_blocks); every page the module must
leave alone must arrive byte for byte as on disk.
"""

import codecs
import gzip
import http.client
import random
import re
import socket
import time
import xml.etree.ElementTree as ET

import pytest

from harness import (BLOCK_END, BLOCK_START, block_attr, child_pids,
                     find_blocks, main_blocks, strip_blocks)


# ---------------------------------------------------------------- pages

BASIC = b"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Quarterly update</title>
<link rel="stylesheet" href="/css/site.css">
</head>
<body>
<header><h1>Quarterly update</h1></header>
<main>
<p>Revenue grew in every region. The canteen now opens at 7:30.</p>
<ul><li>Sales</li><li>Engineering</li><li>Facilities</li></ul>
</main>
<footer>Intranet &copy; ACME</footer>
</body>
</html>
"""

# Two </body> end tags (two documents pasted into one file): the block goes
# before the last one.
TWO_BODY_ENDS = b"""<!DOCTYPE html>
<html><head><title>Pasted</title></head>
<body>
<p>First copy of the minutes.</p>
</body>
<body>
<p>Second copy of the minutes.</p>
</body>
</html>
"""

# </body> inside raw text, comments and after the real end tag: none counts.
BODY_END_IN_SCRIPT = b"""<!DOCTYPE html>
<html>
<head><title>Script</title>
<script>
  var closing = "</body>";
  document.write("<div>" + "</body>" + "</div>");
</script>
</head>
<body>
<p>Content with an inline script.</p>
<SCRIPT type="text/javascript">if (a < b) { document.write("</BODY >"); }</SCRIPT>
</body>
<script>var tail = "</body>"; var t2 = '</body >';</script>
</html>
"""

BODY_END_AFTER_IN_RAW = {
    "style": b"<style>/* </body> */ p { color: red }</style>",
    "textarea": b"<textarea name=\"snippet\">closing tag: </body></textarea>",
    "comment": b"<!-- old template ended here: </body> -->",
    "conditional-comment": b"<!--[if IE]></body><![endif]-->",
}


def page_with_trailer(trailer: bytes) -> bytes:
    return (b"<!DOCTYPE html>\n<html><head><title>Trailer</title></head>\n"
            b"<body>\n<p>Real content.</p>\n</body>\n" + trailer + b"\n</html>\n")


NO_BODY = b"""<!DOCTYPE html>
<html>
<title>No body element</title>
<p>The parser makes the body for us.</p>
</html>
"""

FRAGMENT = b"<h2>Fragment</h2>\n<p>Included by a portal, neither body nor html end tag.</p>\n"

# Old-style intranet page: upper-case tags, CRLF line endings, an IE
# conditional comment holding </BODY>, end tag with white space.
LEGACY_CRLF = b"\r\n".join([
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
    b'"http://www.w3.org/TR/html4/loose.dtd">',
    b"<HTML>",
    b"<HEAD>",
    b"<TITLE>Staff handbook</TITLE>",
    b'<!--[if lt IE 9]><SCRIPT SRC="/js/html5shiv.js"></SCRIPT><![endif]-->',
    b"</HEAD>",
    b'<BODY BGCOLOR="#FFFFFF">',
    b'<TABLE WIDTH="100%"><TR><TD><FONT FACE="Arial">Holidays</FONT></TD></TR></TABLE>',
    b"<!--[if IE]><P>Best viewed with IE 6</P></BODY><![endif]-->",
    b"</BODY   >",
    b"</HTML>",
    b"",
])

FRAMESET = b"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN" "http://www.w3.org/TR/html4/frameset.dtd">
<html>
<head><title>Documentation</title></head>
<frameset cols="20%,80%">
  <frame src="nav.html" name="nav">
  <frame src="main.html" name="main">
</frameset>
</html>
"""

FRAMESET_NOFRAMES = b"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN" "http://www.w3.org/TR/html4/frameset.dtd">
<html>
<head><title>Documentation</title></head>
<frameset cols="20%,80%">
  <frame src="nav.html"><frame src="main.html">
  <noframes><body><p>Your browser does not show frames.</p></body></noframes>
</frameset>
</html>
"""

MARKERS = b"""<!DOCTYPE html>
<html>
<head><title>Team offsite</title></head>
<body>
<h1>Team offsite</h1>
<p>Where should we go?</p>
<!--social:poll name="lunch" question="Lunch?" options="A|B"-->
<p>Related news:</p>
<ul><li><a href="/news/a.html">Offsite announced</a>
<!--social:count page="/news/a.html"--></li></ul>
</body>
</html>
"""

MARKER_QUOTING = b"""<!DOCTYPE html>
<html><head><title>Quoting</title></head>
<body>
<!--social:poll name='drinks' question='Coffee or tea?' options='Coffee|Tea'-->
<!--social:count page=/news/b.html-->
</body>
</html>
"""

THREAD_MARKER = b"""<!DOCTYPE html>
<html>
<head><title>Discussion</title></head>
<body>
<article><h1>New travel policy</h1><p>Please read and discuss.</p></article>
<section class="comments">
<!--social:thread-->
</section>
<aside><p>Contact HR for questions.</p></aside>
</body>
</html>
"""

# A legacy site's footer inside <body>: the author puts the discussion
# above it.
DISCUSSION_MARKER = b"""<!DOCTYPE html>
<html>
<head><title>Remote work</title></head>
<body>
<main><h1>Remote work policy</h1><p>Up to three days a week.</p></main>
<!--social:discussion-->
<footer><p>&copy; 2026 Example Corp &middot; Imprint</p></footer>
</body>
</html>
"""

MALFORMED_MARKERS = {
    "unterminated-quote": b'<!--social:poll name="x-->',
    "empty-kind": b"<!--social:-->",
    "upper-case-kind": b'<!--social:Poll name="y" question="Q?" options="A|B"-->',
    "duplicate-attribute": b'<!--social:poll name="a" name="b" question="Q?" options="A|B"-->',
}


def page_with_marker(marker: bytes) -> bytes:
    return (b"<!DOCTYPE html>\n<html><head><title>Malformed</title></head>\n"
            b"<body>\n<p>Before.</p>\n" + marker + b"\n<p>After.</p>\n</body>\n</html>\n")


def plain_page(title: str) -> bytes:
    return ("<!DOCTYPE html>\n<html><head><title>%s</title></head>\n"
            "<body>\n<p>%s</p>\n</body>\n</html>\n" % (title, title)).encode()


META_OFF = b"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="mod_social" content="off">
<title>Board minutes</title>
</head>
<body><p>Confidential.</p></body>
</html>
"""

META_OFF_XHTML_STYLE = META_OFF.replace(b'content="off">', b'content="off" />')

XHTML = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
<title>XHTML page</title>
</head>
<body>
<p>Caf&#233; &amp; more: <br /> line two.</p>
</body>
</html>
"""

XHTML_MARKERS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>XHTML with markers</title></head>
<body>
<p>Vote below.</p>
<!--social:poll name="cake" question="Tea &amp; cake? <yes> 'or' no" options="Yes|No"-->
<div><!--social:count page="/news/a.html?x=1&y=2"--></div>
</body>
</html>
"""

LATIN1 = ("<!DOCTYPE html>\n<html><head>\n"
          "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">\n"
          "<title>Caf\u00e9 cr\u00e8me</title></head>\n<body>\n"
          "<p>Men\u00fc der Woche: K\u00e4se, \u00e0 la carte, \u00bd Preis.</p>\n"
          "<!--social:poll name=\"menu\" question=\"Caf\u00e9 ou th\u00e9?\" "
          "options=\"Caf\u00e9|Th\u00e9\"-->\n"
          "</body>\n</html>\n").encode("latin-1")

WIDE_TEXT = ("<!DOCTYPE html>\n<html><head><title>Wide</title></head>\n"
             "<body>\n<p>\u65e5\u672c\u8a9e</p>\n</body>\n</html>\n")

BOM_PAGES = {
    "utf16le-bom.html": codecs.BOM_UTF16_LE + WIDE_TEXT.encode("utf-16-le"),
    "utf16be-bom.html": codecs.BOM_UTF16_BE + WIDE_TEXT.encode("utf-16-be"),
    "utf32le-bom.html": codecs.BOM_UTF32_LE + WIDE_TEXT.encode("utf-32-le"),
    "utf32be-bom.html": codecs.BOM_UTF32_BE + WIDE_TEXT.encode("utf-32-be"),
}

SSI_PAGE = b"""<!DOCTYPE html>
<html>
<head><title>Portal</title></head>
<body>
<h1>Portal</h1>
<!--#include virtual="/ssi/part.html" -->
<p>After the part.</p>
</body>
</html>
"""

SSI_PART = b"<div class=\"part\"><p>Latest news from the part.</p></div>\n"

# A page that ends its body with a tricky mix, used split into one-byte
# buckets by mod_bucketeer.
TRICKY = b"""<!DOCTYPE html>
<HTML><head><title>Split</title>
<script>var s = "</body>"; if (a<b && c</d) {}</script>
<style>p:after { content: "</BODY>"; }</style>
</head>
<body>
<p>1 < 2 and 3 > 2; </bod not an end tag; </bodyx> neither.</p>
<!--social:poll name="split" question="Split?" options="Yes|No"-->
<!-- </body> in a comment -- with dashes --->
<textarea></body></textarea>
</body>
</BODY\t\r\n >
<script>/* </body> */</script>
</html>
"""

ERROR_404 = b"""<!DOCTYPE html>
<html><head><title>Not found</title></head>
<body><h1>This page does not exist</h1><p>Try the search.</p></body>
</html>
"""

UTF8_BOM_PAGE = codecs.BOM_UTF8 + plain_page("UTF-8 with a byte order mark")

INDEX_MANY_COUNTS = (b"<!DOCTYPE html>\n<html><head><title>News index</title></head>\n<body>\n<ul>\n"
                     + b"".join(b'<li><a href="/news/%d.html">Item %d</a> '
                                b'<!--social:count page="/news/%d.html"--></li>\n' % (i, i, i)
                                for i in range(200))
                     + b"</ul>\n</body>\n</html>\n")

OVERLONG_MARKER = (b'<!--social:poll name="long" question="Pick one" options="'
                   + b"|".join(b"option %d" % i for i in range(600)) + b'"-->')

# Pages whose end is cut short: the held-back tail must still go out.
EOF_EDGES = {
    "empty": b"",
    "lt": b"<",
    "partial-end-tag": b"<!DOCTYPE html>\n<html><body>\n<p>Cut short</p>\n</bo",
    "end-tag-without-gt": b"<!DOCTYPE html>\n<html><body>\n<p>Cut short</p>\n</body",
    "open-comment": b"<!DOCTYPE html>\n<html><body>\n<p>x</p>\n<!-- </body> never closed",
    "open-script": b"<!DOCTYPE html>\n<html><body>\n<script>var a = '</body>';",
}

# Arbitrary bytes served as HTML: whatever the scanner makes of them, the
# bytes must come back unchanged.
GARBAGE = b"<html><body>" + random.Random(20240611).randbytes(256 * 1024)

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

BIG_SIZE = 20 * 1024 * 1024


def big_single_line_page() -> bytes:
    head = b"<!DOCTYPE html><html><head><title>Export</title></head><body><table>"
    row = b"<tr><td class=n>1</td><td>a &lt; b</td><td><a href='/x?a=1&b=2'>x</a></td></tr>"
    tail = b"</table></body></html>"
    count = (BIG_SIZE - len(head) - len(tail)) // len(row) + 1
    return head + row * count + tail


HTTPD_FILES = {
    "basic.html": BASIC,
    "two-body-ends.html": TWO_BODY_ENDS,
    "body-end-in-script.html": BODY_END_IN_SCRIPT,
    "no-body.html": NO_BODY,
    "fragment.html": FRAGMENT,
    "legacy.html": LEGACY_CRLF,
    "frameset.html": FRAMESET,
    "frameset-noframes.html": FRAMESET_NOFRAMES,
    "markers.html": MARKERS,
    "marker-quoting.html": MARKER_QUOTING,
    "thread.html": THREAD_MARKER,
    "discussion.html": DISCUSSION_MARKER,
    "meta-off.html": META_OFF,
    "meta-off-xhtml.html": META_OFF_XHTML_STYLE,
    "page.xhtml": XHTML,
    "markers.xhtml": XHTML_MARKERS,
    "latin1.html": LATIN1,
    "caf\u00e9.html": plain_page("Caf\u00e9"),
    "news/index.html": plain_page("News"),
    "types/upper.html": plain_page("Upper-case type"),
    "types/xhtml-params.html": plain_page("XHTML type with parameters"),
    "types/sandboxed.html": plain_page("text/html-sandboxed"),
    "notes.txt": b"Plain text notes.\n</body>\n<!--social:thread-->\n",
    "css/site.css": b"body { margin: 0 } /* </body> */\n",
    "js/site.js": b"document.write('</body>');\n",
    "img/dot.png": PNG,
    "data.xml": b"<?xml version=\"1.0\"?>\n<html><body>xml</body></html>\n",
    "gz/page.html.gz": gzip.compress(BASIC, mtime=0),
    "wide/page.u16.html": WIDE_TEXT.encode("utf-16-le"),
    "forced-wide/page.html": WIDE_TEXT.encode("utf-16-le"),
    "forced-wide/.htaccess": b'ForceType "text/html; charset=utf-16"\n',
    "forced-wide32/page.html": WIDE_TEXT.encode("utf-32-be"),
    "forced-wide32/.htaccess": b'ForceType "text/html; charset=UTF-32BE"\n',
    "legal/terms.html": plain_page("Terms"),
    "legalese/terms.html": plain_page("Not legal"),
    "off/page.html": MARKERS,
    "off/.htaccess": b"Social Off\n",
    "off/on/page.html": plain_page("On again"),
    "off/on/.htaccess": b"Social On\n",
    "ssi/index.shtml": SSI_PAGE,
    "ssi/part.html": SSI_PART,
    "deflate/page.html": BASIC * 3,
    "errors/404.html": ERROR_404,
    "digest/page.html": BASIC,
    "deferred/basic.html": BASIC,
    "whole/tricky.html": TRICKY,
    "split/tricky.html": b"\x02".join(TRICKY[i:i + 1] for i in range(len(TRICKY))),
    "split-pass/tricky.html": b"\x10".join(TRICKY[i:i + 1] for i in range(len(TRICKY))),
    "errdoc/index.html": plain_page("Error documents"),
    "archive/page.html": plain_page("Archive"),
    "archive/.htaccess": b"SetEnv no-social 1\n",
    "agent/page.html": plain_page("Agent"),
    "mv/page.html": plain_page("Negotiated"),
    "garbage.html": GARBAGE,
    "asis/wide-quoted.asis": (b"Status: 200 OK\n"
                              b'Content-Type: text/html; Charset="UTF-16LE"\n\n'
                              + WIDE_TEXT.encode("utf-16-le")),
    "denied/page.html": plain_page("Denied"),
    "utf8-bom.html": UTF8_BOM_PAGE,
    "news/all.html": INDEX_MANY_COUNTS,
    "overlong-marker.html": page_with_marker(OVERLONG_MARKER),
    # a handler that sends its own Content-MD5 and Content-Length
    "asis/page.asis": (b"Status: 200 OK\nContent-Type: text/html\n"
                       b"Content-MD5: 7Qdih1MuhjZehB6Sv8UNjA==\n"
                       b"Content-Length: %d\n\n" % len(BASIC)) + BASIC,
}
HTTPD_FILES.update({"bom/" + k: v for k, v in BOM_PAGES.items()})

HTTPD_MODULES = [("bucketeer_module", "mod_bucketeer.so"), ("asis_module", "mod_asis.so"),
                 ("negotiation_module", "mod_negotiation.so"), ("cgid_module", "mod_cgid.so")]

HTTPD_CONF = r"""
AddCharset UTF-16 .u16
<Files "latin1.html">
    ForceType "text/html; charset=ISO-8859-1"
</Files>
<Directory "@DOCROOT@/types">
    <Files "upper.html">
        ForceType "TEXT/HTML; Charset=UTF-8"
    </Files>
    <Files "xhtml-params.html">
        ForceType "Application/XHTML+XML ; charset=utf-8"
    </Files>
    <Files "sandboxed.html">
        ForceType text/html-sandboxed
    </Files>
</Directory>
<Directory "@DOCROOT@/gz">
    AddEncoding gzip .gz
    <Files "*.html.gz">
        ForceType text/html
    </Files>
</Directory>
SetEnvIf Request_URI ^/legal/ no-social
SetEnvIfNoCase User-Agent ^LegacyScanner no-social
<Directory "@DOCROOT@/mv">
    Options +MultiViews
</Directory>
<Directory "@DOCROOT@/ssi">
    Options +Includes
    AddOutputFilter INCLUDES .shtml
</Directory>
<Directory "@DOCROOT@/deflate">
    AddOutputFilterByType DEFLATE text/html
    SocialRender Deferred
</Directory>
<Directory "@DOCROOT@/deferred">
    SocialRender Deferred
</Directory>
<Directory "@DOCROOT@/errdoc">
    ErrorDocument 404 /errors/404.html
</Directory>
<Directory "@DOCROOT@/digest">
    ContentDigest On
</Directory>
<Directory "@DOCROOT@/asis">
    AddHandler send-as-is asis
</Directory>
<Directory "@DOCROOT@/denied">
    Require all denied
    ErrorDocument 403 /errors/404.html
</Directory>
<Directory "@DOCROOT@/split">
    SetOutputFilter BUCKETEER
</Directory>
<Directory "@DOCROOT@/split-pass">
    SetOutputFilter BUCKETEER
</Directory>
ScriptSock "@ROOT@/run/cgid.sock"
<Directory "@DOCROOT@/cgi">
    Options +ExecCGI
    AddHandler cgi-script .cgi
</Directory>
<Directory "@DOCROOT@/cgi-flush">
    Options +ExecCGI
    AddHandler cgi-script .cgi
    SetOutputFilter BUCKETEER
</Directory>
<Directory "@DOCROOT@/bigmem">
    EnableMMAP Off
    EnableSendfile Off
</Directory>
"""


# ---------------------------------------------------------------- helpers

def original_offsets(body: bytes):
    """[(offset in the original file, block bytes)] for every block."""
    out = []
    removed = 0
    for start, end, block in find_blocks(body):
        out.append((start - removed, block))
        removed += end - start
    return out


def assert_same_bytes(got, want, what):
    """Compare without a diff of megabytes: name the first difference."""
    if got == want:
        return
    at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
              min(len(got), len(want)))
    pytest.fail("%s differs at byte %d (got %d bytes, want %d):\n got  %r\n want %r"
                % (what, at, len(got), len(want), got[max(0, at - 40):at + 60],
                   want[max(0, at - 40):at + 60]))


def assert_modified(resp, original, main_at=None):
    """A page the module changed: the file's bytes plus one main block."""
    assert resp.status == 200, resp
    assert_same_bytes(strip_blocks(resp.body), original, "the body without blocks")
    mains = main_blocks(resp.body)
    assert len(mains) == 1, "expected one main block, got %d" % len(mains)
    assert resp.body.count(BLOCK_START) == resp.body.count(BLOCK_END)
    length = resp.content_length
    assert length is None or length == len(resp.body), \
        "Content-Length %s but %d body bytes" % (length, len(resp.body))
    assert not resp.has_header("Content-MD5")
    if main_at is not None:
        offsets = [off for off, block in original_offsets(resp.body)
                   if re.search(rb'id="social"', block)]
        assert offsets == [main_at], \
            "main block at original offset %s, expected %d (%r)" % (
                offsets, main_at, original[max(0, main_at - 20):main_at + 20])


def assert_untouched(resp, original, status=200):
    """A response the module left alone: the file's bytes, no block."""
    assert resp.status == status, resp
    assert BLOCK_START not in resp.body, "a block in %r" % resp.body[:300]
    assert_same_bytes(resp.body, original, "the body")


def last_index(data: bytes, needle: bytes) -> int:
    i = data.rfind(needle)
    assert i >= 0
    return i


@pytest.fixture
def solo_httpd(httpd_factory):
    """Servers of their own for one test: a page that hangs or kills a
    worker must not take the shared server with it."""
    servers = []

    def make(files, **kw):
        kw.setdefault("name", "solo")
        server = httpd_factory(files=files, **kw)
        servers.append(server)
        return server

    yield make
    problems = []
    for server in servers:
        bad = server.stop_and_check()
        if bad:
            problems.append("%s:\n  %s" % (server.error_log_path, "\n  ".join(bad)))
    if problems:
        pytest.fail("unexpected error-log lines:\n" + "\n".join(problems))


# ---------------------------------------------------------------- placement

def test_block_inserted_before_last_body_end(httpd):
    resp = httpd.get("/basic.html")
    assert_modified(resp, BASIC, main_at=last_index(BASIC, b"</body>"))
    assert "text/html" in resp.content_type


def test_block_inserted_before_last_of_two_body_ends(httpd):
    resp = httpd.get("/two-body-ends.html")
    assert_modified(resp, TWO_BODY_ENDS, main_at=last_index(TWO_BODY_ENDS, b"</body>"))


def test_block_content(httpd):
    resp = httpd.get("/basic.html")
    block = main_blocks(resp.body)[0][2]
    assert block.startswith(BLOCK_START) and block.endswith(BLOCK_END)
    assert block_attr(block, "data-social-page") == "/basic.html"
    assert re.search(rb'<link[^>]+href="/_social/assets/[^/"]+/social\.css"', block)
    assert re.search(rb'<script[^>]+src="/_social/assets/[^/"]+/social\.js"', block)


def test_body_end_inside_script_does_not_count(httpd):
    resp = httpd.get("/body-end-in-script.html")
    real = BODY_END_IN_SCRIPT.index(b"</SCRIPT>\n</body>") + len(b"</SCRIPT>\n")
    assert_modified(resp, BODY_END_IN_SCRIPT, main_at=real)


@pytest.mark.parametrize("kind", sorted(BODY_END_AFTER_IN_RAW))
def test_body_end_inside_style_textarea_comment_does_not_count(httpd, kind):
    page = page_with_trailer(BODY_END_AFTER_IN_RAW[kind])
    path = "/trailer-%s.html" % kind
    httpd.write_file(path, page)
    resp = httpd.get(path)
    assert_modified(resp, page, main_at=page.index(b"</body>"))


def test_body_end_any_case_and_white_space(httpd):
    resp = httpd.get("/legacy.html")
    assert_modified(resp, LEGACY_CRLF, main_at=LEGACY_CRLF.index(b"</BODY   >"))


def test_no_body_falls_back_to_html_end(httpd):
    resp = httpd.get("/no-body.html")
    assert_modified(resp, NO_BODY, main_at=NO_BODY.index(b"</html>"))


def test_frameset_block_before_html_end(httpd):
    resp = httpd.get("/frameset.html")
    assert_modified(resp, FRAMESET, main_at=FRAMESET.index(b"</html>"))


def test_frameset_noframes_body_end_does_not_count(httpd):
    """<noframes> is raw text to a browser's tokenizer: the </body> in it
    is text, so the block goes before </html> as in any frameset."""
    resp = httpd.get("/frameset-noframes.html")
    assert_modified(resp, FRAMESET_NOFRAMES,
                    main_at=FRAMESET_NOFRAMES.index(b"</html>"))


def test_neither_appends_at_end(httpd):
    resp = httpd.get("/fragment.html")
    assert_modified(resp, FRAGMENT, main_at=len(FRAGMENT))
    assert resp.body.endswith(BLOCK_END)


def test_utf8_bom_page_modified(httpd):
    resp = httpd.get("/utf8-bom.html")
    assert_modified(resp, UTF8_BOM_PAGE, main_at=UTF8_BOM_PAGE.index(b"</body>"))
    assert resp.body.startswith(codecs.BOM_UTF8)


@pytest.mark.parametrize("case", sorted(EOF_EDGES))
def test_page_cut_short_gets_block_at_end(solo_httpd, case):
    """No complete </body> or </html>: the block goes at the very end,
    after whatever the scanner held back."""
    page = EOF_EDGES[case]
    server = solo_httpd({"page.html": page}, name="eof-" + case)
    for method in ("GET", "HEAD"):
        resp = server.request(method, "/page.html", timeout=5)
        assert resp.status == 200
        if method == "GET":
            get = resp
            assert_modified(resp, page, main_at=len(page))
            assert resp.body.endswith(BLOCK_END)
        else:
            assert resp.raw_body == b""
            assert resp.header("ETag") == get.header("ETag")
            assert resp.content_length in (None, len(get.body))


def test_binary_garbage_page_byte_exact(httpd):
    resp = httpd.get("/garbage.html")
    assert_modified(resp, GARBAGE)


def test_multiviews_page_gets_one_block(httpd):
    resp = httpd.get("/mv/page")
    assert_modified(resp, plain_page("Negotiated"))
    assert len(find_blocks(resp.body)) == 1


def test_crlf_page_bytes_kept(httpd):
    resp = httpd.get("/legacy.html")
    assert strip_blocks(resp.body).count(b"\r\n") == LEGACY_CRLF.count(b"\r\n")


def per_page_ids(body):
    """Masks what differs between two pages of the same bytes: poll ids
    (a poll per page) and form tokens (they carry the second)."""
    body = re.sub(rb'data-social-poll-id="\d+"', b'data-social-poll-id="N"', body)
    body = re.sub(rb'/polls/\d+"', b'/polls/N"', body)
    return re.sub(rb'name="token" value="[^"]*"', b'name="token" value="T"', body)


def test_split_at_every_byte_same_result(httpd):
    """mod_bucketeer turns every byte into its own bucket (\\x02) or its own
    brigade (\\x10); the result must not depend on where the input splits."""
    whole = httpd.get("/whole/tricky.html")
    assert_modified(whole, TRICKY, main_at=TRICKY.index(b"</BODY\t"))
    for directory in ("split", "split-pass"):
        resp = httpd.get("/%s/tricky.html" % directory)
        assert_modified(resp, TRICKY, main_at=TRICKY.index(b"</BODY\t"))
        normalised = resp.body.replace(("/%s/tricky.html" % directory).encode(),
                                       b"/whole/tricky.html")
        normalised = re.sub(("%%2[Ff]%s%%2[Ff]tricky.html" % directory).encode(),
                            b"%2Fwhole%2Ftricky.html", normalised)
        assert per_page_ids(normalised) == per_page_ids(whole.body)


# ---------------------------------------------------------------- content types

@pytest.mark.parametrize("path", ["/types/upper.html", "/types/xhtml-params.html",
                                  "/page.xhtml"])
def test_html_types_any_case_and_parameters(httpd, path):
    resp = httpd.get(path)
    assert_modified(resp, httpd.file_bytes(path))


def test_text_plain_untouched(httpd):
    resp = httpd.get("/notes.txt")
    assert resp.content_type.startswith("text/plain")
    assert_untouched(resp, HTTPD_FILES["notes.txt"])


@pytest.mark.parametrize("path", ["/css/site.css", "/js/site.js", "/img/dot.png",
                                  "/data.xml", "/types/sandboxed.html"])
def test_other_types_untouched(httpd, path):
    resp = httpd.get(path)
    assert_untouched(resp, httpd.file_bytes(path))
    assert resp.content_length == len(resp.body)


def test_content_encoded_file_untouched(httpd):
    resp = httpd.get("/gz/page.html.gz", {"Accept-Encoding": "gzip"})
    assert resp.header("Content-Encoding") == "gzip"
    assert resp.content_type.startswith("text/html")
    assert_untouched(resp, HTTPD_FILES["gz/page.html.gz"])
    assert gzip.decompress(resp.body) == BASIC


@pytest.mark.parametrize("name", sorted(BOM_PAGES))
def test_utf16_bom_untouched(httpd, name):
    resp = httpd.get("/bom/" + name)
    assert resp.content_type.startswith("text/html")
    assert_untouched(resp, BOM_PAGES[name])


@pytest.mark.parametrize("path", ["/wide/page.u16.html", "/forced-wide/page.html",
                                  "/forced-wide32/page.html", "/asis/wide-quoted.asis"])
def test_wide_charset_untouched(httpd, path):
    resp = httpd.get(path)
    assert re.search(r"(?i)charset=\"?utf-(16|32)", resp.content_type), resp.content_type
    original = httpd.file_bytes(path)
    if path.endswith(".asis"):
        original = original.split(b"\n\n", 1)[1]
    assert_untouched(resp, original)


def test_latin1_page_block_is_ascii(httpd):
    resp = httpd.get("/latin1.html")
    assert "iso-8859-1" in resp.content_type.lower()
    assert_modified(resp, LATIN1)
    blocks = find_blocks(resp.body)
    assert len(blocks) == 2  # poll placeholder and main block
    for _, _, block in blocks:
        assert all(b < 0x80 for b in block), block


def test_page_key_of_non_ascii_path_is_ascii(httpd):
    resp = httpd.get("/caf%C3%A9.html")
    assert_modified(resp, plain_page("Caf\u00e9"))
    block = main_blocks(resp.body)[0][2]
    assert all(b < 0x80 for b in block), block
    assert block_attr(block, "data-social-page") == "/caf%C3%A9.html"


def test_page_key_of_directory_index(httpd):
    keys = set()
    for path in ("/news/", "/news/index.html", "/news/index.html?x=1"):
        resp = httpd.get(path)
        assert_modified(resp, plain_page("News"))
        keys.add(block_attr(main_blocks(resp.body)[0][2], "data-social-page"))
    assert keys == {"/news/"}


# ---------------------------------------------------------------- statuses

def test_error_document_404_untouched(httpd):
    resp = httpd.get("/errdoc/missing.html")
    assert_untouched(resp, ERROR_404, status=404)


def test_error_document_403_untouched(httpd):
    httpd.allow_errors(r"AH01630: client denied by server configuration")
    resp = httpd.get("/denied/page.html")
    assert_untouched(resp, ERROR_404, status=403)


def test_directory_redirect_untouched(httpd):
    resp = httpd.get("/news")
    assert resp.status == 301
    assert resp.header("Location", "").endswith("/news/")
    assert BLOCK_START not in resp.body


def test_builtin_404_untouched(httpd):
    resp = httpd.get("/missing.html")
    assert resp.status == 404
    assert BLOCK_START not in resp.body


# ---------------------------------------------------------------- opt-outs

def test_env_opt_out(httpd):
    assert_untouched(httpd.get("/legal/terms.html"), plain_page("Terms"))
    assert_modified(httpd.get("/legalese/terms.html"), plain_page("Not legal"))


def test_env_opt_out_set_in_htaccess(httpd):
    assert_untouched(httpd.get("/archive/page.html"), plain_page("Archive"))


def test_env_opt_out_by_user_agent(httpd):
    page = plain_page("Agent")
    assert_untouched(httpd.get("/agent/page.html", {"User-Agent": "LegacyScanner/2.1"}), page)
    assert_modified(httpd.get("/agent/page.html", {"User-Agent": "Mozilla/5.0"}), page)


@pytest.mark.parametrize("path", ["/meta-off.html", "/meta-off-xhtml.html"])
def test_meta_opt_out(httpd, path):
    assert_untouched(httpd.get(path), httpd.file_bytes(path))


def test_social_off_in_htaccess(httpd):
    assert_untouched(httpd.get("/off/page.html"), MARKERS)


def test_social_on_again_in_nested_htaccess(httpd):
    assert_modified(httpd.get("/off/on/page.html"), plain_page("On again"))


def test_social_default_is_off(solo_httpd):
    server = solo_httpd({"page.html": BASIC}, social_on=False)
    assert_untouched(server.get("/page.html"), BASIC)


def test_social_off_in_location(httpd):
    assert_untouched(httpd.get("/_raw/basic.html"), BASIC)


# ---------------------------------------------------------------- markers

def test_markers_get_placeholders(httpd):
    resp = httpd.get("/markers.html")
    assert_modified(resp, MARKERS, main_at=MARKERS.index(b"</body>"))
    blocks = original_offsets(resp.body)
    assert len(blocks) == 3
    for marker, kind in ((b'<!--social:poll name="lunch" question="Lunch?" options="A|B"-->',
                          "poll"),
                         (b'<!--social:count page="/news/a.html"-->', "count")):
        end = MARKERS.index(marker) + len(marker)
        found = [b for off, b in blocks if off == end]
        assert len(found) == 1, "no placeholder right after %r" % marker
        block = found[0]
        assert re.search(rb'class="[^"]*\bsocial-marker\b', block), block
        assert block_attr(block, "data-social-kind") == kind
        assert not re.search(rb'\bid="social"', block)
        # the marker itself stays in the page
        assert marker + block in resp.body


def test_marker_attribute_quoting_variants(httpd):
    resp = httpd.get("/marker-quoting.html")
    assert_modified(resp, MARKER_QUOTING)
    kinds = [block_attr(b, "data-social-kind") for _, b in original_offsets(resp.body)
             if b"social-marker" in b]
    assert kinds == ["poll", "count"]


def test_thread_marker_moves_block(httpd):
    resp = httpd.get("/thread.html")
    marker = b"<!--social:thread-->"
    assert_modified(resp, THREAD_MARKER,
                    main_at=THREAD_MARKER.index(marker) + len(marker))
    assert len(find_blocks(resp.body)) == 1
    before_end = resp.body[:resp.body.rindex(b"</body>")]
    assert before_end.rstrip().endswith(b"</aside>")


def test_discussion_marker_puts_the_block_above_the_footer(httpd):
    resp = httpd.get("/discussion.html")
    marker = b"<!--social:discussion-->"
    assert_modified(resp, DISCUSSION_MARKER,
                    main_at=DISCUSSION_MARKER.index(marker) + len(marker))
    assert len(find_blocks(resp.body)) == 1
    assert resp.body.index(b'<div id="social"') < resp.body.index(b"<footer>")


@pytest.mark.parametrize("case", sorted(MALFORMED_MARKERS))
def test_malformed_marker_left_alone(httpd, case):
    page = page_with_marker(MALFORMED_MARKERS[case])
    path = "/malformed-%s.html" % case
    httpd.write_file(path, page)
    resp = httpd.get(path)
    assert_modified(resp, page, main_at=page.index(b"</body>"))
    assert len(find_blocks(resp.body)) == 1
    assert b"social-marker" not in resp.body


def test_many_markers_each_get_a_placeholder(httpd):
    resp = httpd.get("/news/all.html")
    assert_modified(resp, INDEX_MANY_COUNTS, main_at=INDEX_MANY_COUNTS.index(b"</body>"))
    blocks = original_offsets(resp.body)
    placeholders = [(off, b) for off, b in blocks if b"social-marker" in b]
    assert len(placeholders) == 200
    for i, (off, block) in enumerate(placeholders):
        marker = b'<!--social:count page="/news/%d.html"-->' % i
        assert INDEX_MANY_COUNTS[off - len(marker):off] == marker
        assert block_attr(block, "data-social-kind") == "count"


def test_overlong_marker_left_alone(httpd):
    page = page_with_marker(OVERLONG_MARKER)
    resp = httpd.get("/overlong-marker.html")
    assert_modified(resp, page, main_at=page.index(b"</body>"))
    assert b"social-marker" not in resp.body


# ---------------------------------------------------------------- XHTML

def parse_xml(body: bytes):
    try:
        return ET.fromstring(body)
    except ET.ParseError as e:
        line = body.splitlines()[e.position[0] - 1] if e.position else b""
        pytest.fail("not well-formed XML: %s\n%r" % (e, line))


def test_xhtml_block_is_well_formed(httpd):
    resp = httpd.get("/page.xhtml")
    assert resp.content_type.startswith("application/xhtml+xml")
    assert_modified(resp, XHTML, main_at=XHTML.index(b"</body>"))
    root = parse_xml(resp.body)
    ns = "{http://www.w3.org/1999/xhtml}"
    found = [e for e in root.iter() if e.get("id") == "social"]
    assert len(found) == 1
    assert found[0].tag.startswith(ns), found[0].tag


def test_xhtml_marker_placeholders_are_well_formed(httpd):
    resp = httpd.get("/markers.xhtml")
    assert_modified(resp, XHTML_MARKERS)
    assert len(find_blocks(resp.body)) == 3
    parse_xml(resp.body)


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("path", ["/basic.html", "/deferred/basic.html"])
def test_head_matches_get_headers(httpd, path):
    get = httpd.get(path)
    head = httpd.head(path)
    assert head.status == get.status == 200
    assert head.raw_body == b""
    for name in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
        assert head.header(name) == get.header(name), name
    if get.content_length is not None:
        assert head.content_length == get.content_length
    else:
        assert head.content_length in (None, len(get.body))
    assert not head.has_header("Content-MD5")


# Deferred rendering: the page depends only on the file, so it keeps
# validators derived from the file's.

def test_etag_changed_and_conditional_get(httpd):
    plain = httpd.get("/_raw/deferred/basic.html")
    file_etag = plain.header("ETag")
    assert file_etag and file_etag.startswith('"'), file_etag
    resp = httpd.get("/deferred/basic.html")
    assert_modified(resp, BASIC)
    modified = file_etag[:-1] + '-social"'
    assert resp.header("ETag") == modified

    for condition in (modified, '"elsewhere", ' + modified, "W/" + modified):
        not_modified = httpd.get("/deferred/basic.html", {"If-None-Match": condition})
        assert not_modified.status == 304, condition
        assert not_modified.header("ETag") == modified
        assert not_modified.raw_body == b""

    stale = httpd.get("/deferred/basic.html", {"If-None-Match": file_etag})
    assert_modified(stale, BASIC)
    assert stale.header("ETag") == modified


@pytest.mark.parametrize("path", ["/basic.html", "/deferred/basic.html"])
def test_stale_etag_with_if_modified_since_gets_page(httpd, path):
    """A browser that cached the page before the module was enabled
    revalidates with the file's ETag and its Last-Modified; If-None-Match
    takes precedence over If-Modified-Since (RFC 9110, 13.2.2), and the
    file's ETag no longer matches, so the page comes with its block."""
    plain = httpd.get("/_raw" + path)
    resp = httpd.get(path, {"If-None-Match": plain.header("ETag"),
                            "If-Modified-Since": plain.header("Last-Modified")})
    assert_modified(resp, BASIC)


def test_weak_etag_keeps_prefix(httpd):
    # httpd makes the ETag weak for a file modified less than a second
    # before the request; a file dated in the future always is.
    httpd.write_file("/deferred/weak.html", BASIC, mtime=time.time() + 86400)
    plain = httpd.get("/_raw/deferred/weak.html")
    file_etag = plain.header("ETag")
    assert file_etag.startswith('W/"'), file_etag
    resp = httpd.get("/deferred/weak.html")
    assert_modified(resp, BASIC)
    assert resp.header("ETag") == file_etag[:-1] + '-social"'


def test_if_modified_since_gives_304(httpd):
    resp = httpd.get("/deferred/basic.html")
    last_modified = resp.header("Last-Modified")
    assert last_modified
    cond = httpd.get("/deferred/basic.html", {"If-Modified-Since": last_modified})
    assert cond.status == 304
    assert cond.raw_body == b""


# Inline rendering (the default): the page holds the discussion, so the
# file's validators must not make a client keep an outdated copy.

def test_inline_page_never_revalidated_against_file(httpd):
    plain = httpd.get("/_raw/basic.html")
    file_etag, last_modified = plain.header("ETag"), plain.header("Last-Modified")
    resp = httpd.get("/basic.html")
    assert_modified(resp, BASIC)
    assert resp.header("ETag") != file_etag
    for headers in ({"If-None-Match": file_etag},
                    {"If-Modified-Since": last_modified},
                    {"If-None-Match": file_etag, "If-Modified-Since": last_modified}):
        cond = httpd.get("/basic.html", headers)
        assert_modified(cond, BASIC)


def test_range_request_gets_full_page(httpd):
    for spec in ("bytes=0-9", "bytes=-5", "bytes=0-3,10-20"):
        resp = httpd.get("/basic.html", {"Range": spec})
        assert_modified(resp, BASIC)
        assert not resp.has_header("Content-Range")


@pytest.mark.parametrize("path", ["/digest/page.html", "/asis/page.asis"])
def test_content_md5_and_length_not_stale(httpd, path):
    resp = httpd.get(path)
    assert_modified(resp, BASIC)
    assert resp.content_length in (None, len(resp.body))


def test_http10_client(httpd):
    resp = httpd.request("GET", "/basic.html", proto="HTTP/1.0")
    assert_modified(resp, BASIC)
    assert not resp.chunked


def test_keepalive_framing(httpd):
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=30)
    try:
        for path, original in (("/basic.html", BASIC), ("/legacy.html", LEGACY_CRLF),
                               ("/notes.txt", HTTPD_FILES["notes.txt"]),
                               ("/fragment.html", FRAGMENT)):
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200
            assert strip_blocks(body) == original
            assert not r.will_close
    finally:
        conn.close()


SIZES = [500, 16 * 1024, 60 * 1024, 64 * 1024, 70 * 1024, 256 * 1024, 5 * 1024 * 1024]


@pytest.mark.parametrize("size", SIZES)
def test_page_sizes_framed_correctly(httpd, size):
    """Small pages may be sent with an exact length and large ones chunked:
    both must frame the body right, on a kept-alive connection too, and
    HEAD must agree with GET."""
    page = (b"<!DOCTYPE html><html><head><title>%d</title></head><body>\n" % size)
    page += b"<p>line of text &amp; <b>tags</b></p>\n" * (size // 38 + 1) + b"</body></html>\n"
    path = "/sizes/%d.html" % size
    httpd.write_file(path, page)
    resp = httpd.get(path)
    assert_modified(resp, page, main_at=page.rindex(b"</body>"))
    head = httpd.head(path)
    assert head.content_length in (None, len(resp.body))
    assert head.header("ETag") == resp.header("ETag")
    conn = http.client.HTTPConnection("127.0.0.1", httpd.port, timeout=30)
    try:
        for _ in range(2):
            conn.request("GET", path)
            r = conn.getresponse()
            assert r.status == 200
            assert r.read() == resp.body
    finally:
        conn.close()


# ---------------------------------------------------------------- other filters

def test_ssi_subrequest_gets_no_block(httpd):
    resp = httpd.get("/ssi/index.shtml")
    processed = SSI_PAGE.replace(b'<!--#include virtual="/ssi/part.html" -->', SSI_PART)
    assert_modified(resp, processed, main_at=processed.index(b"</body>"))
    assert len(find_blocks(resp.body)) == 1
    # the part on its own is a page of its own
    part = httpd.get("/ssi/part.html")
    assert_modified(part, SSI_PART, main_at=len(SSI_PART))


def test_deflate_after_filter(httpd):
    original = HTTPD_FILES["deflate/page.html"]
    resp = httpd.get("/deflate/page.html", {"Accept-Encoding": "gzip"})
    assert resp.status == 200
    assert resp.header("Content-Encoding") == "gzip"
    page = gzip.decompress(resp.body)
    assert strip_blocks(page) == original
    assert len(main_blocks(page)) == 1
    assert page.index(BLOCK_START) == original.rindex(b"</body>")
    identity = httpd.get("/deflate/page.html")
    assert identity.header("Content-Encoding") is None
    assert_modified(identity, original)
    # the page's ETag, whatever mod_deflate adds to it for the gzip variant
    file_etag = httpd.get("/_raw/deflate/page.html").header("ETag")
    assert identity.header("ETag") == file_etag[:-1] + '-social"'
    assert (resp.header("ETag") or "").startswith(file_etag[:-1] + "-social"), \
        resp.header("ETag")


# ---------------------------------------------------------------- streaming

# A CGI program that sends the start of its page, then takes a while.
SLOW_CGI = b"""#!/bin/sh
printf 'Content-Type: text/html\\r\\n\\r\\n'
printf '<!DOCTYPE html>\\n<html><head><title>Report</title></head><body>\\n<p>first part</p>\\n%s'
sleep %d
printf '<p>second part</p>\\n</body></html>\\n'
"""
SLOW_SECONDS = 3


def first_part_delay(httpd, path):
    """Seconds until the first part of the slow page reached the client,
    and the whole response."""
    started = time.monotonic()
    first = None
    data = bytearray()
    with socket.create_connection(("127.0.0.1", httpd.port), timeout=30) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  % path.encode())
        while True:
            piece = s.recv(65536)
            if not piece:
                break
            data += piece
            if first is None and b"first part" in data:
                first = time.monotonic() - started
    return first, bytes(data)


def test_slow_producer_first_bytes_not_held(httpd):
    """Bytes that cannot be where the block goes are passed on at once:
    the start of a page from a slow CGI program reaches the client long
    before the program finishes, as it does without the module."""
    httpd.write_file("/cgi/slow.cgi", SLOW_CGI % (b"", SLOW_SECONDS), mode=0o755)
    plain, _ = first_part_delay(httpd, "/_raw/cgi/slow.cgi")
    assert plain is not None and plain < 1.5, "httpd itself held the page (%s s)" % plain
    delay, data = first_part_delay(httpd, "/cgi/slow.cgi")
    assert data.startswith(b"HTTP/1.1 200") and BLOCK_START in data
    assert delay < 1.5, ("the first part arrived after %.1f s (the program sleeps %d s; "
                         "without the module: %.2f s)" % (delay, SLOW_SECONDS, plain))


def test_flush_passed_on(httpd):
    """A FLUSH after the first part (made by mod_bucketeer from \\006,
    passed on at \\020) sends it to the client at once."""
    httpd.write_file("/cgi-flush/slow.cgi", SLOW_CGI % (b"\\006\\020", SLOW_SECONDS),
                     mode=0o755)
    delay, data = first_part_delay(httpd, "/cgi-flush/slow.cgi")
    assert data.startswith(b"HTTP/1.1 200") and BLOCK_START in data
    assert delay < 1.5, "the first part arrived after %.1f s" % delay


# The filter holds back what follows a candidate </body> only up to a limit
# (README: 256 KB); with more after it, the block stays at that </body>.
# Where the block goes must not depend on how httpd reads the file: in
# large memory-mapped pieces (the default) or in 8 KB reads (/bigmem/).

@pytest.mark.parametrize("directory", ["mmap", "bigmem"])
@pytest.mark.parametrize("trailer_kb, at_first", [(100, False), (400, True), (5000, True)])
def test_long_trailer_after_body_end(httpd, directory, trailer_kb, at_first):
    head = b"<!DOCTYPE html>\n<html><head><title>Log</title></head>\n<body>\n<p>Log</p>\n"
    trailer = b"<p>appended log line</p>\n" * (trailer_kb * 1024 // 25)
    page = head + b"</body>\n" + trailer + b"</body>\n</html>\n"
    path = "/%s/trailer-%dk.html" % (directory, trailer_kb)
    httpd.write_file(path, page)
    resp = httpd.get(path)
    assert_modified(resp, page, main_at=len(head) if at_first else page.rindex(b"</body>"))


# ---------------------------------------------------------------- size

def child_rss_anon_kb(httpd):
    total = 0
    for pid in child_pids(httpd.pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def test_large_page_memory_stays_flat(httpd):
    """While a 20 MB page is in flight to a slow reader, the children do
    not hold the page in memory."""
    page = big_single_line_page()
    httpd.write_file("/bigmem/page.html", page)
    before = child_rss_anon_kb(httpd)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # a small receive buffer keeps most of the page on the server side
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        s.settimeout(60)
        s.connect(("127.0.0.1", httpd.port))
        s.sendall(b"GET /bigmem/page.html HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Connection: close\r\n\r\n")
        received = bytearray(s.recv(65536))
        peak = before
        for _ in range(10):
            time.sleep(0.1)
            peak = max(peak, child_rss_anon_kb(httpd))
        while True:
            piece = s.recv(1 << 20)
            if not piece:
                break
            received += piece
    assert received.startswith(b"HTTP/1.1 200")
    grown_mb = (peak - before) / 1024
    assert grown_mb < 8, "children grew by %.1f MB serving a 20 MB page" % grown_mb


def test_large_single_line_page_streams(httpd):
    page = big_single_line_page()
    httpd.write_file("/big/page.html", page)
    started = time.monotonic()
    resp = httpd.get("/big/page.html")
    elapsed = time.monotonic() - started
    assert_modified(resp, page, main_at=page.rindex(b"</body>"))
    assert elapsed < 20, "20 MB page took %.1f s" % elapsed
