"""Passage comments in a real browser (headless Debian chromium).

The bundled demo intranet (demo/intranet/) is copied into the test
server's own temporary docroot; each test works on a fresh copy of a page
there, so editing "the page file" never touches the repository. A reader
selects a passage (or uses a paragraph's margin button from the
keyboard), comments, reloads and sees the highlight; the page file is then
edited a little (the passage is still found) and entirely (the comment
moves to the main thread, marked as on a passage that changed).
"""

import os
import time
import uuid

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import harness
from social_test.client import Client
from test_comments_browser import (HTTPD_CONF, authenticate, focus_in_social, load,
                                   nojs, wait_for, wait_widget)

DEMO = harness.REPO / "demo" / "intranet"

# the passage of the remote work policy the tests comment on: one text
# node of the page, across a line break of the source
PASSAGE_RAW = "may request up to three remote days per\nweek"
PASSAGE = "may request up to three remote days per week"
PARAGRAPH_START = "Employees who have completed their probation period"

__all__ = ["nojs"]


def demo_files(prefix):
    """The bundled demo intranet as test-server files under prefix."""
    files = {}
    for folder, _, names in os.walk(DEMO):
        for name in names:
            full = os.path.join(folder, name)
            files[prefix + os.path.relpath(full, DEMO)] = open(full, "rb").read()
    return files


@pytest.fixture(scope="module")
def server(mariadb, htpasswd):
    files = demo_files("/intranet/")
    srv = harness.Httpd(db=mariadb, conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd),
                        files=files, name="browser-anchors")
    with harness.serving(srv):
        yield srv


@pytest.fixture(scope="module")
def js(driver):
    authenticate(driver, "alice")
    yield driver
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


@pytest.fixture(scope="module")
def alice(server):
    return Client(server, "alice")


def copy_page(server, demo_path):
    """A fresh copy of a demo page beside the original (relative links
    still work); returns its URL path."""
    folder, name = demo_path.rsplit("/", 1)
    path = "/intranet/%s/%s-%s" % (folder, uuid.uuid4().hex[:10], name)
    server.write_file(path, (DEMO / demo_path).read_bytes())
    return path


def edit_page(server, path, old, new):
    body = server.file_bytes(path).decode("utf-8")
    assert old in body, old
    server.write_file(path, body.replace(old, new), mtime=time.time())


def reload(browser, server, path):
    """A fresh load (a new query string: the page key ignores it)."""
    load(browser, server, "%s?v=%s" % (path, uuid.uuid4().hex[:6]))
    wait_widget(browser)


SELECT_JS = r"""
const [startNeedle, endNeedle] = arguments;
const social = document.getElementById('social');
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
let start = null, end = null, node;
while ((node = walker.nextNode())) {
  if (social.contains(node)) { continue; }
  if (!start && node.nodeValue.indexOf(startNeedle) >= 0) {
    start = [node, node.nodeValue.indexOf(startNeedle)];
  }
  if (start && node.nodeValue.indexOf(endNeedle) >= 0
      && (node !== start[0] || node.nodeValue.indexOf(endNeedle) >= start[1])) {
    end = [node, node.nodeValue.indexOf(endNeedle, node === start[0] ? start[1] : 0) + endNeedle.length];
    break;
  }
}
if (!start || !end) { return null; }
const range = document.createRange();
range.setStart(start[0], start[1]);
range.setEnd(end[0], end[1]);
const sel = window.getSelection();
sel.removeAllRanges();
sel.addRange(range);
return range.toString();
"""


def select(browser, start, end):
    text = browser.execute_script(SELECT_JS, start, end)
    assert text, "could not select %r .. %r" % (start, end)
    return text


def comment_on_selection(browser, text):
    button = wait_for(browser, lambda d: visible(d, ".social-select-button"),
                      "no 'Comment on this passage' button after selecting")
    button.click()
    post_in_panel(browser, text)


def post_in_panel(browser, text):
    panel = wait_for(browser, lambda d: visible(d, "#social .social-passage-panel"),
                     "the passage panel did not open")
    area = panel.find_element(By.CSS_SELECTOR, "textarea[name=body]")
    assert browser.switch_to.active_element == area, "focus is not in the panel's text box"
    area.send_keys(text)
    panel.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def visible(browser, css):
    """The first displayed element matching css, or None (also while the
    widget replaces it)."""
    try:
        found = [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
    except StaleElementReferenceException:
        return None
    return found[0] if found else None


def marks_text(browser):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('mark.social-passage'))"
        ".map(m => m.textContent).join('').replace(/\\s+/g, ' ');")


def marker_counts(browser):
    """The numbers on the margin markers, read in one step (the widget
    rebuilds the markers after every change)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('.social-passage-marker'))"
        ".map(b => b.getClientRects().length ? b.innerText.trim() : '');")


LAYOUT_JS = r"""
const content = document.querySelector('.content') || document.body;
function snap() {
  return {
    text: content.textContent,
    tags: Array.from(content.querySelectorAll('*')).filter(e => e.tagName !== 'MARK')
      .map(e => e.tagName).join(','),
    boxes: Array.from(content.querySelectorAll('p, td, th, h1, h2, li, table, tr'))
      .map(e => { const r = e.getBoundingClientRect();
                  return [r.left, r.top, r.width, r.height].map(Math.round).join(','); })
  };
}
const withMarks = snap();
const marks = document.querySelectorAll('mark.social-passage').length;
document.querySelectorAll('mark.social-passage').forEach(m => {
  const p = m.parentNode;
  while (m.firstChild) { p.insertBefore(m.firstChild, m); }
  p.removeChild(m);
});
return [withMarks, snap(), marks, document.documentElement.scrollWidth,
        document.documentElement.clientWidth];
"""


def assert_layout_untouched(browser):
    """Taking the highlights out again changes neither text, elements nor
    any box of the page's content; nothing widened the page."""
    before, after, marks, scroll_width, client_width = browser.execute_script(LAYOUT_JS)
    assert marks > 0
    assert before["text"] == after["text"]
    assert before["tags"] == after["tags"]
    assert before["boxes"] == after["boxes"]
    assert scroll_width <= client_width


def listing(alice, path):
    return alice.listing(path)["comments"]


# ---------------------------------------------------------------- the main flow

def test_select_comment_reload_edit_slightly_then_entirely(js, server, alice):
    path = copy_page(server, "hr/remote-work-policy.html")
    reload(js, server, path)
    chosen = select(js, PASSAGE_RAW, PASSAGE_RAW)
    assert chosen == PASSAGE_RAW
    comment_on_selection(js, "Does this include part-time staff?")
    wait_for(js, lambda d: len(listing(alice, path)) == 1, "the comment was not stored")
    stored = listing(alice, path)[0]
    assert stored["anchor"]["exact"] == PASSAGE, stored["anchor"]
    assert stored["anchor"]["prefix"] == "ompleted their probation period "
    assert stored["anchor"]["suffix"].startswith(". New employees")
    assert stored["anchor"]["position"] > 0
    # without a reload the widget already shows it on the passage
    wait_for(js, lambda d: marks_text(d) == PASSAGE, "no highlight after posting")
    assert focus_in_social(js)

    # reload: the highlight and the margin marker with the count
    reload(js, server, path)
    wait_for(js, lambda d: marks_text(d) == PASSAGE, "no highlight after a reload")
    assert marker_counts(js) == ["1"]
    item = js.find_element(By.ID, "comment-%d" % stored["id"])
    assert "social-anchored" in item.get_attribute("class").split()
    assert_layout_untouched(js)

    # the marker opens the passage's thread; replies and likes work there
    reload(js, server, path)
    wait_for(js, lambda d: marker_counts(d) == ["1"], "no marker")
    js.find_element(By.CSS_SELECTOR, ".social-passage-marker").click()
    panel = wait_for(js, lambda d: visible(d, "#social .social-passage-panel"), "no panel")
    assert panel.find_element(By.ID, "comment-%d" % stored["id"])
    panel.find_element(By.CSS_SELECTOR, "#comment-%d a.social-reply-link"
                       % stored["id"]).click()
    reply_box = panel.find_element(By.CSS_SELECTOR, "#social-reply-%d" % stored["id"])
    reply_box.send_keys("Yes, pro rata.")
    panel.find_element(By.CSS_SELECTOR, "#comment-%d div.social-reply button[type=submit]"
                       % stored["id"]).click()
    wait_for(js, lambda d: len(listing(alice, path)) == 2, "the reply was not stored")
    wait_for(js, lambda d: marker_counts(d) == ["2"], "the marker does not count the reply")
    panel = wait_for(js, lambda d: visible(d, "#social .social-passage-panel"),
                     "the panel closed after replying")
    assert "Yes, pro rata." in panel.text
    panel.find_element(By.CSS_SELECTOR, "#comment-%d .social-like-button" % stored["id"]).click()
    wait_for(js, lambda d: listing(alice, path)[0]["likes"] == 1, "the like was not stored")
    js.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_for(js, lambda d: not visible(d, "#social .social-passage-panel"),
             "Escape did not close the panel")
    # closing put the thread back in the main list
    assert js.find_element(By.CSS_SELECTOR, "#social > section ol.social-comments "
                                            "#comment-%d" % stored["id"])

    # a small edit of the paragraph: still anchored (no longer exactly)
    edit_page(server, path, "up to three remote days per\nweek", "up to two remote days per\nweek")
    reload(js, server, path)
    wait_for(js, lambda d: "two remote days" in marks_text(d), "lost after a small edit")
    assert marks_text(js).startswith("may request up to two remote days")
    assert "social-orphan" not in js.find_element(
        By.ID, "comment-%d" % stored["id"]).get_attribute("class").split()

    # the paragraph rewritten entirely: shown in the main thread, marked
    body = server.file_bytes(path).decode("utf-8")
    start = body.index(PARAGRAPH_START)
    end = body.index("</p>", start)
    edit_page(server, path, body[start:end],
              "Parking permits for the company car park are issued by facilities "
              "management each January and are valid for one calendar year.")
    reload(js, server, path)
    item = wait_for(js, lambda d: d.find_element(By.CSS_SELECTOR, "#comment-%d.social-orphan"
                                                 % stored["id"]), "not marked as orphaned")
    assert marks_text(js) == ""
    assert marker_counts(js) == []
    assert item.is_displayed()
    assert item.find_element(By.CSS_SELECTOR, ".social-quote-label").text.lower() \
        .startswith("on a passage that changed")
    assert item.find_element(By.CSS_SELECTOR, ".social-quote q").text == PASSAGE
    assert "Does this include part-time staff?" in item.text
    # its reply stayed with it
    assert "Yes, pro rata." in item.text


def test_passage_across_legacy_table_cells_and_font_tags(js, server, alice):
    path = copy_page(server, "cafeteria/menu.html")
    reload(js, server, path)
    # from the middle of one <td><font> to the middle of the next cell;
    # "bread dumplings" is there twice in that row
    chosen = select(js, "with bread dumplings", "Mushroom goulash")
    assert "\n" in chosen or "\t" in chosen
    comment_on_selection(js, "Vegan option?")
    wait_for(js, lambda d: len(listing(alice, path)) == 1, "not stored")
    anchor = listing(alice, path)[0]["anchor"]
    assert anchor["exact"] == "with bread dumplings Mushroom goulash", anchor
    reload(js, server, path)
    wait_for(js, lambda d: marks_text(d) == "with bread dumplingsMushroom goulash",
             "the passage across cells is not highlighted")
    parents = js.execute_script(
        "return Array.from(document.querySelectorAll('mark.social-passage'))"
        ".map(m => m.parentNode.tagName);")
    assert parents == ["FONT", "FONT"], parents
    # the other "with bread dumplings" of the row is left alone
    marked = js.execute_script(
        "const f = Array.from(document.querySelectorAll('font'))"
        ".find(e => e.textContent === 'Mushroom goulash with bread dumplings');"
        "return Array.from(f.querySelectorAll('mark')).map(m => m.textContent);")
    assert marked == ["Mushroom goulash"], marked
    assert_layout_untouched(js)


def test_paragraph_margin_button_from_the_keyboard(js, server, alice):
    path = copy_page(server, "hr/remote-work-policy.html")
    reload(js, server, path)
    label = js.execute_script(
        "const b = Array.from(document.querySelectorAll('.social-paragraph-button'))"
        ".find(b => b.getAttribute('aria-label').indexOf(arguments[0]) >= 0);"
        "b.focus(); return document.activeElement === b ? b.getAttribute('aria-label') : null;",
        "Remote work is an option")
    assert label and label.startswith("Comment on this paragraph")
    button = js.switch_to.active_element
    assert button.is_displayed()
    # reachable with Tab: it is a real button in the tab order
    assert button.tag_name == "button" and button.get_attribute("tabindex") in (None, "", "0")
    button.send_keys(Keys.ENTER)
    post_in_panel(js, "Which roles exactly?")
    wait_for(js, lambda d: len(listing(alice, path)) == 1, "not stored")
    anchor = listing(alice, path)[0]["anchor"]
    assert anchor["exact"].startswith("Remote work is an option offered by the company")
    assert anchor["exact"].endswith("the person with disciplinary responsibility for the "
                                    "employee is meant.")
    assert len(anchor["exact"]) <= 1000 and len(anchor["prefix"]) <= 64
    wait_for(js, lambda d: marks_text(d).startswith("Remote work is an option"),
             "the paragraph is not highlighted")


PARAGRAPH_LABELS = ("return Array.from(document.querySelectorAll('.social-paragraph-button'))"
                    ".map(b => b.getAttribute('aria-label'));")


def test_paragraph_buttons_only_on_the_main_text_of_a_legacy_page(js, server):
    """The help desk page is a table layout: a banner cell writing the date
    with document.write, a menu cell of links, then the text. Only the
    text's paragraphs, items and cells get a margin button."""
    path = copy_page(server, "it/helpdesk.html")
    reload(js, server, path)
    labels = wait_for(js, lambda d: d.execute_script(PARAGRAPH_LABELS) or None,
                      "no paragraph buttons on the help desk page")
    assert any("The IT Helpdesk looks after" in l for l in labels), labels
    assert not [l for l in labels if "document.write" in l or "nwrToday" in l], labels
    assert not [l for l in labels if "Intranet Home" in l or "Remote Work Policy" in l], labels


SEMANTIC_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Semantic</title></head>
<body>
<header><p>Northwind Ridge intranet: the banner text of every page</p></header>
<nav><ul><li>Home and news and everything else in the menu</li></ul></nav>
<main>
<h2>The heading of the main text, long enough</h2>
<p>The first paragraph of the main text, which readers discuss.</p>
<form action="/search"><p>Search the intranet for anything at all <input name="q"></p></form>
</main>
<aside><p>A sidebar with related links and other complementary things</p></aside>
<p>A paragraph outside the main element of a page that marks its main text</p>
<footer><p>&copy; 2026 Northwind Ridge, imprint and privacy notes</p></footer>
</body></html>
"""


def test_paragraph_buttons_skip_navigation_banners_footers_and_forms(js, server):
    path = "/intranet/semantic-%s.html" % uuid.uuid4().hex[:10]
    server.write_file(path, SEMANTIC_PAGE.encode())
    reload(js, server, path)
    labels = wait_for(js, lambda d: d.execute_script(PARAGRAPH_LABELS) or None,
                      "no paragraph buttons on the semantic page")
    starts = sorted(l.split("\u201c", 1)[1][:20] for l in labels)
    assert starts == ["The first paragraph ", "The heading of the m"], labels


def test_without_javascript_passage_comments_show_their_quote(nojs, server, alice):
    path = copy_page(server, "hr/remote-work-policy.html")
    item = alice.create(path, "A question on the probation rule")
    resp = alice.api("POST", "comments", {"page": path, "body": "On this passage",
                                          "anchor": {"exact": PASSAGE, "prefix": "", "suffix": "",
                                                     "position": 0}})
    assert resp.status == 201
    cid = resp.json()["id"]
    load(nojs, server, path)
    li = nojs.find_element(By.ID, "comment-%d" % cid)
    assert li.find_element(By.CSS_SELECTOR, "blockquote.social-quote q").text == PASSAGE
    assert li.find_element(By.CSS_SELECTOR, ".social-quote-label").text.startswith("On the passage")
    assert nojs.find_elements(By.CSS_SELECTOR, "mark.social-passage") == []
    assert nojs.find_element(By.ID, "comment-%d" % item["id"]).find_elements(
        By.CSS_SELECTOR, "blockquote.social-quote") == []


def test_deferred_discussion_is_anchored_once_loaded(js, server, alice):
    """SocialRender Deferred: the discussion comes after the page; its
    passage comments are highlighted once it is there."""
    path = "/deferred/policy-%s.html" % uuid.uuid4().hex[:10]
    server.write_file(path, (DEMO / "hr/remote-work-policy.html").read_bytes())
    resp = alice.api("POST", "comments", {
        "page": path, "body": "Deferred but anchored",
        "anchor": {"exact": PASSAGE, "prefix": "ompleted their probation period ",
                   "suffix": ". New employees are encouraged", "position": 1000}})
    assert resp.status == 201, resp.body
    reload(js, server, path)
    wait_for(js, lambda d: marks_text(d) == PASSAGE, "no highlight in Deferred mode")
    assert marker_counts(js) == ["1"]


# ---------------------------------------------------------------- the bundled pages

EVALUATE_JS = r"""
const A = window.SocialAnchor;
const skip = el => el.id === 'social' || (el.classList && (el.classList.contains('social-marker')
  || el.classList.contains('social-passage-ui') || el.classList.contains('social-announce')));
const model = A.build(A.chunks(document.body, skip));
const text = model.text;
const chunkOf = new Map();
model.chunks.forEach((c, k) => { if (c.node) { chunkOf.set(c.node, k); } });
const SEL = 'p, li, dd, dt, blockquote, td, th, pre, h1, h2, h3, h4, h5, h6';
const blocks = Array.from(document.body.querySelectorAll(SEL)).filter(el =>
  !el.closest('#social, .social-marker, .social-passage-ui') && !el.querySelector(SEL));
const r = {passages: 0, unchanged: 0, phrase: 0, phrase_total: 0, word_edit: 0,
           long: 0, word_edit_long: 0, longer: 0, sentence_edit_longer: 0,
           sentence_edit: 0, deleted_gone: 0, deleted_elsewhere: [], rewritten_gone: 0,
           rewritten_elsewhere: [], lost_word_edit: [], lost_sentence: [], methods: {},
           slowest_ms: 0};
function overlaps(found, start, end) {
  if (!found) { return false; }
  const inter = Math.min(found.end, end) - Math.max(found.start, start);
  return inter >= 0.8 * Math.max(end - start, found.end - found.start);
}
function timed(t, a) {
  const t0 = performance.now();
  const found = A.locate(t, a);
  r.slowest_ms = Math.max(r.slowest_ms, performance.now() - t0);
  return found;
}
blocks.forEach(el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let n;
  while ((n = walker.nextNode())) { if (chunkOf.has(n)) { nodes.push(n); } }
  if (!nodes.length) { return; }
  const last = nodes[nodes.length - 1];
  const start = A.indexAt(model, chunkOf.get(nodes[0]), 0);
  const end = A.indexAt(model, chunkOf.get(last), last.nodeValue.length);
  const a = A.describe(text, start, end);
  if (!a || a.exact.length < 20) { return; }
  const s = a.position, e = s + a.exact.length;
  r.passages++;
  const isLong = a.exact.length >= 40, isLonger = a.exact.length >= 100;
  r.long += isLong ? 1 : 0;
  r.longer += isLonger ? 1 : 0;
  const same = timed(text, a);
  if (same && same.start === s && same.end === e) { r.unchanged++; }
  // a phrase of five words from the middle of the paragraph
  const words = a.exact.split(' ');
  if (words.length >= 9) {
    const k = Math.floor(words.length / 2) - 2;
    const phrase = words.slice(k, k + 5).join(' ');
    const ps = s + words.slice(0, k).join(' ').length + 1;
    const pa = A.describe(text, ps, ps + phrase.length);
    r.phrase_total++;
    const pf = timed(text, pa);
    if (pf && pf.start === ps) { r.phrase++; }
  }
  // one word replaced near the middle
  const mid = s + Math.floor(a.exact.length / 2);
  const ws = text.lastIndexOf(' ', mid) + 1, we = text.indexOf(' ', mid);
  const wordEnd = we < 0 || we > e ? e : we;
  const edited = text.slice(0, ws) + 'changed' + text.slice(wordEnd);
  const delta = 'changed'.length - (wordEnd - ws);
  const ef = timed(edited, a);
  if (overlaps(ef, s, e + delta)) {
    r.word_edit++;
    r.word_edit_long += isLong ? 1 : 0;
    r.methods[ef.method] = (r.methods[ef.method] || 0) + 1;
  }
  else { r.lost_word_edit.push(a.exact.slice(0, 60)); }
  // a sentence added in the middle
  const added = ' This sentence was added later. ';
  const sentence = text.slice(0, mid) + added + text.slice(mid);
  const sf = timed(sentence, a);
  if (overlaps(sf, s, e + added.length)) {
    r.sentence_edit++;
    r.sentence_edit_longer += isLonger ? 1 : 0;
  } else {
    r.lost_sentence.push(a.exact.length);
  }
  // the paragraph deleted, or rewritten entirely
  const deleted = text.slice(0, s) + text.slice(e);
  const df = timed(deleted, a);
  // found elsewhere: how like the quote is what was found there
  if (!df) { r.deleted_gone++; }
  else { r.deleted_elsewhere.push([df.method, a.exact.slice(0, 40),
                                   A.similarity(deleted.slice(df.start, df.end), a.exact)]); }
  const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. ';
  let other = '';
  while (other.length < a.exact.length) { other += filler; }
  const rewritten = text.slice(0, s) + other.slice(0, a.exact.length) + text.slice(e);
  const rf = timed(rewritten, a);
  if (!rf) { r.rewritten_gone++; }
  else { r.rewritten_elsewhere.push([rf.method, a.exact.slice(0, 40),
                                     A.similarity(rewritten.slice(rf.start, rf.end), a.exact)]); }
});
r.text_length = text.length;
return r;
"""


def demo_pages():
    return sorted(os.path.relpath(os.path.join(folder, name), DEMO)
                  for folder, _, names in os.walk(DEMO) for name in names
                  if name.endswith(".html"))


@pytest.mark.parametrize("demo_path", demo_pages())
def test_bundled_page_passages_anchor_back(js, server, demo_path):
    """Every paragraph, list item and table cell of a bundled page, as a
    quote: found where it was; still found after a one-word edit or an
    added sentence; gone once deleted or rewritten."""
    reload(js, server, "/intranet/" + demo_path)
    wait_for(js, lambda d: d.execute_script("return !!window.SocialAnchor"), "no anchor.js")
    r = js.execute_script(EVALUATE_JS)
    print("\n%s: %d passages (%d of 40+ chars, %d of 100+); unchanged %d, "
          "phrases %d/%d, one word changed %d (40+: %d), sentence added %d (100+: %d), "
          "deleted gone %d, rewritten gone %d, found elsewhere %r, slowest %.0f ms"
          % (demo_path, r["passages"], r["long"], r["longer"], r["unchanged"], r["phrase"],
             r["phrase_total"], r["word_edit"], r["word_edit_long"], r["sentence_edit"],
             r["sentence_edit_longer"], r["deleted_gone"], r["rewritten_gone"],
             r["deleted_elsewhere"] + r["rewritten_elsewhere"], r["slowest_ms"]))
    assert r["passages"] > 0
    # unchanged text: every paragraph and every phrase in it where it was
    assert r["unchanged"] == r["passages"], r
    assert r["phrase"] == r["phrase_total"], r
    # edits: a changed word never loses a passage of 40+ characters, an
    # added sentence never one of 100+ (shorter ones change too much)
    assert r["word_edit_long"] == r["long"], r
    assert r["sentence_edit_longer"] == r["longer"], r
    # deleted or rewritten: gone, unless the page holds the same or a
    # nearly identical text elsewhere (then that is what is found)
    for method, quote, like in r["deleted_elsewhere"] + r["rewritten_elsewhere"]:
        assert like >= 0.7, (method, quote, like)
    assert r["slowest_ms"] < 1000, r
