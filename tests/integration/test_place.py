"""SocialPlaceBefore through a real httpd: the discussion block goes before
the first element the selector names, as the scanner reads the page (not in
comments, scripts or other raw text), with a <!--social:discussion--> marker
still first and the last </body> as the fallback.

As in test_filter.py, every changed page must give back the file's bytes
exactly once the delimited blocks are removed, whatever buckets the page
arrives in (mod_bucketeer: \\x02 splits a bucket, \\x10 passes a brigade).
"""

import re
import socket
import time

import pytest

import harness
from harness import BLOCK_START, find_blocks, main_blocks, strip_blocks


# ---------------------------------------------------------------- pages

# A legacy template: the footer is inside <body>, so today's rule puts the
# discussion below "(c) ... Imprint".
LEGACY = b"""<!DOCTYPE html>
<html><head><title>Canteen</title>
<script>document.write('<div id="footer">');</script>
<style>/* <div id="footer"> */</style></head>
<body>
<!-- <div id="footer">old</div> -->
<textarea><div id=footer></textarea>
<p title='<div id="footer">'>Menu of the week.</p>
<div id="footer">&copy; 2026 ACME &middot; <a href="/imprint.html">Imprint</a></div>
<div id="footer">a second one</div>
</body>
</html>
"""

# The same decoys, and no real footer: the last </body> is the place.
DECOYS_ONLY = b"""<!DOCTYPE html>
<html><head><title>Decoys</title>
<script>var s = '<div id="footer">';</script></head>
<body>
<!-- <div id="footer"> -->
<noscript><div id="footer"></div></noscript>
<xmp><div id="footer"></xmp>
<div id="footers">not it</div><span id="footer">not a div</span>
<p>Nothing matches.</p>
</body>
</html>
"""

# A marker beats the directive, wherever it stands.
MARKER_AFTER = b"""<!DOCTYPE html>
<html><head><title>Marker</title></head>
<body>
<p>Text.</p>
<div id="footer">Footer</div>
<!--social:discussion-->
<p>After the footer.</p>
</body>
</html>
"""

CLASSES = b"""<!DOCTYPE html>
<html><head><title>Classes</title></head>
<body>
<p class="site">Not the footer.</p>
<DIV CLASS='layout site-footer dark' data-x=">">&copy; 2026</DIV>
</body>
</html>
"""

COMMENT_FOOTER = b"""<!DOCTYPE html>
<html><head><title>Comment</title></head>
<body>
<script><!-- footer --></script>
<p>Old table layout.</p>
<!-- Footer -->
<table><tr><td>&copy; 2026</td></tr></table>
</body>
</html>
"""

HUGE_TAG = (b"<!DOCTYPE html>\n<html><head><title>Huge</title></head>\n<body>\n"
            b'<div title="' + b"x" * 20000 + b'" id="footer">too long to examine</div>\n'
            b'<div id="footer">the real footer</div>\n</body>\n</html>\n')

UNTERMINATED = (b"<!DOCTYPE html>\n<html><head><title>Broken</title></head>\n<body>\n"
                b"<p>text</p>\n<div id=\"footer\" title=\"" + b"y" * 30000 + b"\n")


def every_byte(page, delimiter):
    return delimiter.join(page[i:i + 1] for i in range(len(page)))


HTTPD_FILES = {
    "one/legacy.html": LEGACY,
    "one/decoys.html": DECOYS_ONLY,
    "one/marker.html": MARKER_AFTER,
    "one/huge.html": HUGE_TAG,
    "one/unterminated.html": UNTERMINATED,
    "split/legacy.html": every_byte(LEGACY, b"\x02"),
    "split-pass/legacy.html": every_byte(LEGACY, b"\x10"),
    "split/marker.html": every_byte(MARKER_AFTER, b"\x02"),
    "classes/page.html": CLASSES,
    "classes/split.html": every_byte(CLASSES, b"\x02"),
    "comment/page.html": COMMENT_FOOTER,
    "comment/split.html": every_byte(COMMENT_FOOTER, b"\x10"),
    "cleared/legacy.html": LEGACY,
    "plain/legacy.html": LEGACY,
    "htaccess/legacy.html": LEGACY,
    "htaccess/.htaccess": b"SocialPlaceBefore p\n",
    "badhtaccess/legacy.html": LEGACY,
    "badhtaccess/.htaccess": b"SocialPlaceBefore div>p\n",
}
# The legacy page split into two buckets at every offset.
HTTPD_FILES.update({"bound/%04d.html" % k: LEGACY[:k] + b"\x02" + LEGACY[k:]
                    for k in range(1, len(LEGACY))})

HTTPD_MODULES = [("bucketeer_module", "mod_bucketeer.so"), ("cgid_module", "mod_cgid.so")]

HTTPD_CONF = r"""
SocialPlaceBefore div#footer
<Directory "@DOCROOT@/split">
    SetOutputFilter BUCKETEER
</Directory>
<Directory "@DOCROOT@/split-pass">
    SetOutputFilter BUCKETEER
</Directory>
<Directory "@DOCROOT@/bound">
    SetOutputFilter BUCKETEER
</Directory>
<Directory "@DOCROOT@/classes">
    SetOutputFilter BUCKETEER
    SocialPlaceBefore .site-footer
</Directory>
<Directory "@DOCROOT@/comment">
    SetOutputFilter BUCKETEER
    SocialPlaceBefore "<!--footer-->"
</Directory>
<Directory "@DOCROOT@/cleared">
    SocialPlaceBefore none
</Directory>
<Location "/plain/">
    SocialPlaceBefore none
</Location>
ScriptSock "@ROOT@/run/cgid.sock"
<Directory "@DOCROOT@/cgi">
    Options +ExecCGI
    AddHandler cgi-script .cgi
</Directory>
"""

# The .htaccess with a bad selector answers 500 and says why.
ERROR_LOG_ALLOW = [r"badhtaccess/\.htaccess: SocialPlaceBefore"]


# ---------------------------------------------------------------- helpers

def main_offset(body):
    """The main block's offset in the original file."""
    removed = 0
    found = []
    for start, end, block in find_blocks(body):
        if re.search(rb'id="social"', block):
            found.append(start - removed)
        removed += end - start
    assert len(found) == 1, "expected one main block, found %d" % len(found)
    return found[0]


def assert_placed(resp, original, at, what=""):
    assert resp.status == 200, resp
    assert strip_blocks(resp.body) == original, "%s: the page bytes changed" % what
    assert len(main_blocks(resp.body)) == 1
    got = main_offset(resp.body)
    assert got == at, "%s: block at %d, expected %d (%r)" % (
        what, got, at, original[max(0, at - 30):at + 30])


FOOTER_AT = LEGACY.index(b'<div id="footer">&copy;')


# ---------------------------------------------------------------- placement

def test_block_before_footer_in_one_bucket(httpd):
    resp = httpd.get("/one/legacy.html")
    assert_placed(resp, LEGACY, FOOTER_AT)
    # above the footer, not below "(c) ... Imprint"
    assert resp.body.index(b'<div id="social"') < resp.body.index(b"Imprint")


@pytest.mark.parametrize("path", ["/split/legacy.html", "/split-pass/legacy.html"])
def test_block_before_footer_with_every_byte_its_own_bucket(httpd, path):
    assert_placed(httpd.get(path), LEGACY, FOOTER_AT, path)


def test_block_before_footer_split_at_every_boundary(httpd):
    """Two buckets, split at each offset of the page in turn."""
    for k in range(1, len(LEGACY)):
        assert_placed(httpd.get("/bound/%04d.html" % k), LEGACY, FOOTER_AT,
                      "split at %d" % k)


def test_match_inside_comment_script_or_raw_text_does_not_count(httpd):
    resp = httpd.get("/one/decoys.html")
    assert_placed(resp, DECOYS_ONLY, DECOYS_ONLY.rindex(b"</body>"))


def test_no_match_falls_back_to_last_body_end(httpd):
    resp = httpd.get("/cleared/legacy.html")
    assert_placed(resp, LEGACY, LEGACY.rindex(b"</body>"))


@pytest.mark.parametrize("path", ["/one/marker.html", "/split/marker.html"])
def test_discussion_marker_wins_over_the_directive(httpd, path):
    marker = b"<!--social:discussion-->"
    assert_placed(httpd.get(path), MARKER_AFTER,
                  MARKER_AFTER.index(marker) + len(marker), path)


@pytest.mark.parametrize("path", ["/classes/page.html", "/classes/split.html"])
def test_class_among_several_any_quoting_and_case(httpd, path):
    assert_placed(httpd.get(path), CLASSES, CLASSES.index(b"<DIV CLASS="), path)


@pytest.mark.parametrize("path", ["/comment/page.html", "/comment/split.html"])
def test_comment_selector_matches_an_html_comment(httpd, path):
    assert_placed(httpd.get(path), COMMENT_FOOTER,
                  COMMENT_FOOTER.index(b"<!-- Footer -->"), path)


def test_per_directory_location_and_htaccess_override(httpd):
    assert_placed(httpd.get("/plain/legacy.html"), LEGACY, LEGACY.rindex(b"</body>"))
    assert_placed(httpd.get("/htaccess/legacy.html"), LEGACY, LEGACY.index(b"<p title="))


def test_bad_selector_in_htaccess_answers_500(httpd):
    assert httpd.get("/badhtaccess/legacy.html").status == 500
    log = httpd.error_log_path.read_text(errors="replace")
    assert "SocialPlaceBefore" in log


def test_tag_too_long_to_examine_is_not_matched(httpd):
    resp = httpd.get("/one/huge.html")
    assert_placed(resp, HUGE_TAG, HUGE_TAG.index(b'<div id="footer">the real'))


def test_unterminated_attribute_falls_back_to_the_end(httpd):
    resp = httpd.get("/one/unterminated.html")
    assert_placed(resp, UNTERMINATED, len(UNTERMINATED))


# ---------------------------------------------------------------- configuration

@pytest.mark.parametrize("value", ["footer", "div#footer", "#footer", ".site-footer",
                                   "DIV.a-b_c", '"<!--footer-->"', '"<!-- end of page -->"',
                                   "none"])
def test_good_selectors_accepted(mariadb, value):
    srv = harness.Httpd(db=mariadb, name="conf-test",
                        conf="SocialPlaceBefore %s\n<Directory /srv>\n SocialPlaceBefore "
                             "%s\n</Directory>\n" % (value, value))
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code == 0, output


@pytest.mark.parametrize("value", ['"div p"', "div>p", "div#a.b", "*", "div[id=x]",
                                   "#", '""', '"<!---->"', '"<!--social:discussion-->"',
                                   "1div", "div:first-child", '"<footer>"'])
def test_bad_selector_is_a_config_error(mariadb, value):
    srv = harness.Httpd(db=mariadb, name="conf-test",
                        conf="<Location /x>\n SocialPlaceBefore %s\n</Location>\n" % value)
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialPlaceBefore" in output, output


# ---------------------------------------------------------------- streaming

SLOW_CGI = b"""#!/bin/sh
printf 'Content-Type: text/html\\r\\n\\r\\n'
printf '<!DOCTYPE html>\\n<html><head><title>Report</title></head><body>\\n<p>first part</p>\\n%s'
sleep %d
printf '<p>second part</p>\\n</div></body></html>\\n'
"""
SLOW_SECONDS = 3


def first_part_delay(httpd, path):
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


@pytest.mark.parametrize("tail", [b'<div id="footer">', b'<div id="foo', b"<div", b"<"])
def test_bytes_before_the_match_are_passed_at_once(httpd, tail):
    """The page before a matching (or maybe matching) tag reaches the client
    while the program still sleeps; only the tag is held back."""
    name = "/cgi/slow%d.cgi" % len(tail)
    httpd.write_file(name, SLOW_CGI % (tail, SLOW_SECONDS), mode=0o755)
    delay, data = first_part_delay(httpd, name)
    assert data.startswith(b"HTTP/1.1 200") and BLOCK_START in data
    assert delay is not None and delay < 1.5, "the first part arrived after %.1f s" % delay
    if tail == b'<div id="footer">':
        assert data.index(b'<div id="social"') < data.index(b'<div id="footer">')
