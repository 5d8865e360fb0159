/* Unit tests of templates/assets/anchor.js (node's built-in runner):
 *   node --test tests/js/
 * A tiny fake DOM (text nodes that split, elements that hold children)
 * stands in for the browser, so the DOM half is tested too. */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const A = require(path.join(__dirname, "..", "..", "templates", "assets", "anchor.js"));

/* ---- a fake DOM, just enough for chunks() and wrap() ---- */

class FakeText {
  constructor(text) { this.nodeType = 3; this.nodeName = "#text"; this.nodeValue = text; this.parentNode = null; }
  get textContent() { return this.nodeValue; }
  splitText(k) {
    const rest = new FakeText(this.nodeValue.slice(k));
    this.nodeValue = this.nodeValue.slice(0, k);
    const kids = this.parentNode.childNodes;
    kids.splice(kids.indexOf(this) + 1, 0, rest);
    rest.parentNode = this.parentNode;
    return rest;
  }
}

class FakeElement {
  constructor(tag, kids) {
    this.nodeType = 1;
    this.nodeName = tag.toUpperCase();
    this.childNodes = [];
    this.parentNode = null;
    (kids || []).forEach((k) => this.appendChild(typeof k === "string" ? new FakeText(k) : k));
  }
  appendChild(node) {
    if (node.parentNode) { node.parentNode.removeChild(node); }
    node.parentNode = this;
    this.childNodes.push(node);
    return node;
  }
  insertBefore(node, ref) {
    if (node.parentNode) { node.parentNode.removeChild(node); }
    node.parentNode = this;
    this.childNodes.splice(this.childNodes.indexOf(ref), 0, node);
    return node;
  }
  removeChild(node) {
    this.childNodes.splice(this.childNodes.indexOf(node), 1);
    node.parentNode = null;
    return node;
  }
  get textContent() { return this.childNodes.map((k) => k.textContent).join(""); }
}

const h = (tag, ...kids) => new FakeElement(tag, kids);

/* The element structure without text: tags only, marks shown as such. */
function shape(node) {
  if (node.nodeType === 3) { return null; }
  return node.nodeName + "(" + node.childNodes.map(shape).filter(Boolean).join(",") + ")";
}

function shapeWithoutMarks(node) {
  if (node.nodeType === 3) { return null; }
  const inner = node.childNodes.flatMap((k) =>
    k.nodeType === 1 && k.nodeName === "MARK" ? k.childNodes : [k]);
  return node.nodeName + "(" + inner.map(shapeWithoutMarks).filter(Boolean).join(",") + ")";
}

function modelOf(rootNode, skip) {
  return A.build(A.chunks(rootNode, skip));
}

/* Anchors text like a reader's selection of [start, end) would. */
function anchorFor(text, quote, occurrence) {
  let k = -1;
  for (let n = 0; n <= (occurrence || 0); n++) { k = text.indexOf(quote, k + 1); }
  assert.ok(k >= 0, "quote not in text: " + quote);
  return A.describe(text, k, k + quote.length);
}

function highlight(rootNode, start, end) {
  const model = modelOf(rootNode);
  return A.wrap(A.ranges(model, start, end), () => new FakeElement("mark"));
}

const POLICY = [
  "Remote work policy.",
  "Employees may work remotely up to three days per week, after agreeing the days with their manager.",
  "Submit the form to HR before the first remote day.",
  "Equipment: the company provides a laptop and a headset; a second screen on request.",
  "Submit the form to HR before the first remote day.",
  "Questions go to the people team."
].join(" ");

/* ---- normalizing ---- */

test("white space runs collapse and block edges separate words", () => {
  const doc = h("body", "\n  ", h("h1", "Remote\n   work"), "\n",
                h("table", h("tr", h("td", "Mon"), h("td", "Closed")),
                  h("tr", h("td", "Tue\u00a0"), h("td", "8\u201316"))));
  const m = modelOf(doc);
  assert.equal(m.text, "Remote work Mon Closed Tue 8\u201316");
  assert.equal(A.normalize("  a \n\t b\u00a0c  "), "a b c");
  // every character maps back to the text node it came from
  const k = m.text.indexOf("Closed");
  assert.equal(m.chunks[m.chunk[k]].node.nodeValue, "Closed");
  assert.equal(m.offset[k], 0);
});

test("scripts, styles and skipped elements are not page text", () => {
  const widget = h("div", "Comments (3)");
  widget.id = "social";
  const doc = h("body", h("p", "Visible ", h("script", "var x = 1;"), "text"),
                h("style", "p{}"), widget);
  const m = modelOf(doc, (el) => el.id === "social");
  assert.equal(m.text, "Visible text");
});

/* ---- describing a selection ---- */

test("describe trims the quote and keeps bounded context", () => {
  const text = "x".repeat(100) + " the quoted part " + "y".repeat(100);
  const start = text.indexOf(" the quoted");
  const a = A.describe(text, start, start + " the quoted part ".length);
  assert.equal(a.exact, "the quoted part");
  assert.equal(a.position, start + 1);
  assert.equal(a.prefix, "x".repeat(31) + " ");
  assert.equal(a.suffix, " " + "y".repeat(31));
  assert.equal(A.describe(text, 5, 5), null);
  assert.equal(A.describe("a   b", 1, 2), null);
});

test("describe never exceeds the server's sizes nor splits a surrogate pair", () => {
  const text = "\ud83d\ude00".repeat(600) + " end";
  const a = A.describe(text, 0, text.length);
  assert.ok(a.exact.length <= A.EXACT_MAX);
  assert.ok(!/[\ud800-\udbff]$/.test(a.exact), "exact ends inside a pair");
  assert.ok(!/^[\udc00-\udfff]/.test(a.suffix), "suffix starts inside a pair");
  const b = A.describe(text, 3 * 2, 10 * 2);
  assert.ok(!/^[\udc00-\udfff]/.test(b.prefix) && b.prefix.length <= A.CONTEXT);
});

/* ---- locating ---- */

test("an unchanged passage is found exactly", () => {
  const a = anchorFor(POLICY, "a laptop and a headset");
  const found = A.locate(POLICY, a);
  assert.equal(found.method, "exact");
  assert.equal(POLICY.slice(found.start, found.end), "a laptop and a headset");
});

test("a repeated phrase anchors to the occurrence the reader chose", () => {
  const quote = "Submit the form to HR";
  const first = POLICY.indexOf(quote), second = POLICY.indexOf(quote, first + 1);
  assert.ok(second > first);
  assert.equal(A.locate(POLICY, anchorFor(POLICY, quote, 0)).start, first);
  assert.equal(A.locate(POLICY, anchorFor(POLICY, quote, 1)).start, second);
  // still right after text was inserted before both (the hint is off)
  const edited = "New intro paragraph added at the top. " + POLICY;
  assert.equal(A.locate(edited, anchorFor(POLICY, quote, 1)).start,
               edited.indexOf(quote, edited.indexOf(quote) + 1));
});

test("with identical context the position hint decides", () => {
  const text = "Yes. Yes. Yes. Yes.";
  const a = { exact: "Yes.", prefix: "", suffix: "", position: 10 };
  assert.equal(A.locate(text, a).start, 10);
  a.position = 0;
  assert.equal(A.locate(text, a).start, 0);
});

test("quotes and pages differing only in white space still match", () => {
  const doc = h("body", h("p", "Employees   may\n      work\tremotely"),
                h("table", "\n  ", h("tr", "\n    ", h("td", "Opening"), h("td", "hours")), "\n"));
  const m = modelOf(doc);
  assert.equal(A.locate(m.text, { exact: "may work remotely", position: 0 }).method, "exact");
  // a selection across table cells reads "Opening\thours" in a browser
  const found = A.locate(m.text, { exact: "Opening\thours", prefix: "remotely\n", position: 0 });
  assert.equal(found.method, "exact");
  assert.equal(m.text.slice(found.start, found.end), "Opening hours");
});

test("a slightly edited paragraph is still anchored (context, then fuzzy)", () => {
  const quote = "Employees may work remotely up to three days per week";
  const a = anchorFor(POLICY, quote);
  const edited = POLICY.replace("up to three days", "up to two days");
  const found = A.locate(edited, a);
  assert.ok(found, "lost after a small edit");
  assert.equal(found.method, "context");
  assert.equal(edited.slice(found.start, found.end),
               "Employees may work remotely up to two days per week");
  // the context changed too: only the fuzzy search can find it
  const moved = edited.replace("Remote work policy.", "Working from home: the rules.")
    .replace("after agreeing", "once agreed");
  const again = A.locate(moved, a);
  assert.ok(again, "lost when context and quote changed a little");
  assert.equal(again.method, "fuzzy");
  assert.match(moved.slice(again.start, again.end), /^Employees may work remotely up to two days per wee/);
});

test("a deleted paragraph is not found", () => {
  const quote = "Equipment: the company provides a laptop and a headset; a second screen on request.";
  const a = anchorFor(POLICY, quote);
  assert.equal(A.locate(POLICY.replace(quote + " ", ""), a), null);
});

test("a paragraph rewritten entirely is not found, though its neighbours are intact", () => {
  const quote = "Equipment: the company provides a laptop and a headset; a second screen on request.";
  const a = anchorFor(POLICY, quote);
  const rewritten = POLICY.replace(quote, "Parking permits are issued by facilities each January for a year.");
  assert.equal(A.locate(rewritten, a), null);
});

test("short quotes never match fuzzily", () => {
  assert.equal(A.locate("the cat sat", { exact: "dog", position: 0 }), null);
  assert.equal(A.locate("the cat sat", { exact: "   ", position: 0 }), null);
  assert.equal(A.distance("kitten", "sitting"), 3);
});

/* ---- mapping back to nodes and highlighting ---- */

test("a passage across nested inline elements maps to pieces of each text node", () => {
  const p = h("p", "Employees ", h("b", "may ", h("i", "work")), " remotely up to three days.");
  const doc = h("body", p);
  const m = modelOf(doc);
  const a = anchorFor(m.text, "may work remotely");
  const found = A.locate(m.text, a);
  const pieces = A.ranges(m, found.start, found.end);
  assert.deepEqual(pieces.map((x) => x.node.nodeValue.slice(x.start, x.end)),
                   ["may ", "work", " remotely"]);
  const before = doc.textContent, structure = shape(doc);
  const marks = highlight(doc, found.start, found.end);
  assert.equal(marks.length, 3);
  assert.equal(marks.map((x) => x.textContent).join(""), "may work remotely");
  assert.equal(doc.textContent, before, "text content changed");
  assert.equal(shapeWithoutMarks(doc), structure, "element structure changed");
});

test("legacy markup: font tags, tables and passages spanning cells and rows", () => {
  const table = h("table", "\n", h("tbody", "\n  ",
    h("tr", "\n    ", h("td", h("font", "Mon\u2013Fri")),
      "\n    ", h("td", h("font", h("b", "7:30"), " \u2013 14:00"))), "\n  ",
    h("tr", "\n    ", h("td", "Sat"), "\n    ", h("td", "closed")), "\n"));
  const doc = h("body", h("center", h("font", "Cafeteria ", h("i", "hours"))), table);
  const m = modelOf(doc);
  assert.equal(m.text, "Cafeteria hours Mon\u2013Fri 7:30 \u2013 14:00 Sat closed");
  const a = anchorFor(m.text, "7:30 \u2013 14:00 Sat");
  const found = A.locate(m.text, a);
  const before = doc.textContent, structure = shape(doc);
  const marks = highlight(doc, found.start, found.end);
  // indentation inside <tr>/<tbody> is never wrapped
  marks.forEach((x) => assert.ok(!/^(TR|TBODY|TABLE)$/.test(x.parentNode.nodeName), x.parentNode.nodeName));
  assert.equal(marks.map((x) => x.textContent).join("|"), "7:30| \u2013 14:00|Sat");
  assert.equal(doc.textContent, before);
  assert.equal(shapeWithoutMarks(doc), structure);
  // the text model is the same after highlighting: offsets stay valid
  assert.equal(modelOf(doc).text, m.text);
});

test("two overlapping passages can both be highlighted", () => {
  const doc = h("body", h("p", "one two three four five"));
  const m = modelOf(doc);
  highlight(doc, m.text.indexOf("two"), m.text.indexOf("four") + 4);
  const again = modelOf(doc);
  assert.equal(again.text, m.text);
  const marks = highlight(doc, again.text.indexOf("three"), again.text.indexOf("five") + 4);
  assert.equal(marks.map((x) => x.textContent).join(""), "three four five");
  assert.equal(doc.textContent, "one two three four five");
});

test("indexAt maps a selection boundary to the normalized text", () => {
  const doc = h("body", h("p", "  Hello   big"), h("p", " world  "));
  const m = modelOf(doc);
  assert.equal(m.text, "Hello big world");
  const second = m.chunks.findIndex((c) => c.node && c.node.nodeValue === " world  ");
  assert.equal(m.text.slice(A.indexAt(m, second, 1)), "world");
  const first = m.chunks.findIndex((c) => c.node && c.node.nodeValue === "  Hello   big");
  // an offset inside a collapsed run goes to the next character
  assert.equal(m.text.charAt(A.indexAt(m, first, 9)), "b");
  assert.equal(A.indexAt(m, m.chunks.length, 0), m.text.length);
});

test("a deleted paragraph is not found again in a similar one elsewhere", () => {
  const kept = "The beta team meets every Monday at ten in room B.";
  const gone = "The beta team meets every Monday at nine in room A.";
  const page = "Welcome to the planning page of the project. " + gone +
    " Lunch is served at noon in the hall downstairs. Parking rules differ on Fridays. " +
    kept + " Bring your own cups please, thank you.";
  const a = anchorFor(page, gone);
  assert.ok(A.similarity(kept, gone) > 0.85, "the two must be near-identical");
  // an edit in place is found (context agrees) ...
  const edited = page.replace(gone, "The beta team meets every Monday at half nine in room A.");
  const found = A.locate(edited, a);
  assert.ok(found && found.start === page.indexOf(gone), JSON.stringify(found));
  // ... but once deleted, the look-alike with other context is not taken
  assert.equal(A.locate(page.replace(gone + " ", ""), a), null);
  // an anchor without context (an API client's) may still find it
  assert.equal(A.locate(page.replace(gone + " ", ""), { exact: gone, position: 0 }).method, "fuzzy");
});
