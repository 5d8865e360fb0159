/* Unit tests of the widget's words (templates/assets/social.js: t, tn)
 * and of its catalogues (templates/i18n/<tag>/widget.json):
 *   node --test tests/js/ */
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const top = path.join(__dirname, "..", "..");
const { words } = require(path.join(top, "templates", "assets", "social.js"));
const LANGS = ["en", "de", "fr", "es", "pt", "ar", "hi", "ja", "ko", "zh-Hans"];

function catalogue(tag) {
  return JSON.parse(fs.readFileSync(path.join(top, "templates", "i18n", tag, "widget.json"), "utf8"));
}

/* As the module serves it: the language's words, English for the rest. */
function served(tag) {
  return { lang: tag, dir: tag === "ar" ? "rtl" : "ltr", tz: "UTC",
           m: Object.assign({}, catalogue("en"), catalogue(tag)) };
}

/* The spec's plural categories (CLDR, integers). */
function specCategory(tag, n) {
  if (tag === "ar") {
    if (n === 0) { return "zero"; }
    if (n === 1) { return "one"; }
    if (n === 2) { return "two"; }
    if (n % 100 >= 3 && n % 100 <= 10) { return "few"; }
    if (n % 100 >= 11 && n % 100 <= 99) { return "many"; }
    return "other";
  }
  if (["ja", "ko", "zh-Hans"].includes(tag)) { return "other"; }
  if (["fr", "hi", "pt"].includes(tag)) { return n === 0 || n === 1 ? "one" : "other"; }
  return n === 1 ? "one" : "other";
}

const CATEGORIES = {
  en: ["one", "other"], de: ["one", "other"], es: ["one", "other"], pt: ["one", "other"],
  fr: ["one", "other"], hi: ["one", "other"],
  ar: ["few", "many", "one", "other", "two", "zero"],
  ja: ["other"], ko: ["other"], "zh-Hans": ["other"]
};

function placeholders(value) {
  const texts = typeof value === "string" ? [value] : Object.values(value);
  const names = new Set();
  texts.forEach((s) => (s.match(/\{[A-Za-z0-9_]+\}/g) || []).forEach((p) => names.add(p)));
  return [...names].sort();
}

test("t fills placeholders and reads an unknown key as itself", () => {
  const w = words(served("en"));
  assert.equal(w.t("widget.error_http", { status: 502 }), "Sorry, that did not work (HTTP 502).");
  assert.equal(w.t("widget.link_copied"), "Link copied");
  assert.equal(w.t("widget.no_such_key"), "widget.no_such_key");
  /* a placeholder not given stays as it is, a value is not re-read */
  assert.equal(w.t("widget.paragraph_comment", { text: "{n} <b>" }),
               "Comment on this paragraph: \u201c{n} <b>\u201d");
});

test("with no messages at all the widget still answers with keys, never throws", () => {
  const w = words(null);
  assert.equal(w.lang, "en");
  assert.equal(w.t("widget.link_copied"), "widget.link_copied");
  assert.equal(w.tn("widget.comment_count", 3), "widget.comment_count");
});

test("tn picks English one and other and formats the number", () => {
  const w = words(served("en"));
  assert.equal(w.tn("widget.comment_count", 1), "1 comment");
  assert.equal(w.tn("widget.comment_count", 0), "0 comments");
  assert.equal(w.tn("widget.chars_left", 5000), "5,000 characters left");
  assert.equal(w.tn("widget.chars_over", 1, { max: w.number(5000) }),
               "1 character too many (at most 5,000)");
});

test("tn chooses each of Arabic's six forms from Intl.PluralRules", () => {
  const w = words(served("ar"));
  const cat = catalogue("ar")["widget.comment_count"];
  const cases = { 0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many",
                  100: "other", 102: "other", 103: "few", 111: "many" };
  for (const [n, expected] of Object.entries(cases)) {
    assert.equal(w.category(Number(n)), expected, "category of " + n);
    assert.equal(w.tn("widget.comment_count", Number(n)),
                 cat[expected].replace("{n}", w.number(Number(n))), "form for " + n);
  }
  /* the forms differ: a wrong choice would show */
  assert.notEqual(cat.two, cat.few);
  assert.notEqual(cat.few, cat.many);
  /* digits as the server writes them */
  assert.equal(w.tn("widget.comment_count", 3), "3 \u062a\u0639\u0644\u064a\u0642\u0627\u062a");
});

test("French and Portuguese say one for zero, Japanese has one form", () => {
  assert.equal(words(served("fr")).tn("widget.comment_count", 0), "0 commentaire");
  assert.equal(words(served("pt")).tn("widget.comment_count", 0), "0 coment\u00e1rio");
  assert.equal(words(served("de")).tn("widget.comment_count", 0), "0 Kommentare");
  assert.equal(words(served("ja")).tn("widget.comment_count", 1), "\u30b3\u30e1\u30f3\u30c8 1 \u4ef6");
});

test("a category the catalogue does not give falls back to other", () => {
  /* CLDR gives French "many" for a million; the catalogue has one and other */
  const w = words(served("fr"));
  const category = w.category(1000000);
  assert.ok(!("many" in catalogue("fr")["widget.comment_count"]) || category !== "many");
  assert.equal(w.tn("widget.comment_count", 1000000), "1\u202f000\u202f000 commentaires");
});

test("Intl's plural categories agree with the spec for every language", () => {
  for (const tag of LANGS) {
    const w = words(served(tag));
    for (let n = 0; n <= 230; n++) {
      assert.equal(w.category(n), specCategory(tag, n), tag + " " + n);
    }
  }
});

test("every language has every English key, its placeholders and its plural forms", () => {
  const en = catalogue("en");
  const sameFile = path.join(top, "templates", "i18n", "SAME.txt");
  const same = new Set((fs.existsSync(sameFile) ? fs.readFileSync(sameFile, "utf8") : "")
    .split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split("\t")[0]));
  for (const tag of LANGS) {
    const c = catalogue(tag);
    assert.deepEqual(Object.keys(c).sort(), Object.keys(en).sort(), tag + ": keys");
    for (const key of Object.keys(en)) {
      assert.ok(/^widget\.[a-z0-9_]+$/.test(key), key);
      assert.deepEqual(placeholders(c[key]), placeholders(en[key]), tag + " " + key);
      if (typeof en[key] === "string") {
        assert.equal(typeof c[key], "string", tag + " " + key);
      } else {
        assert.deepEqual(Object.keys(c[key]).sort(), CATEGORIES[tag], tag + " " + key);
        if (en[key].other.includes("{n}")) {
          Object.values(c[key]).forEach((v) => assert.ok(v.includes("{n}"), tag + " " + key));
        }
      }
      if (tag !== "en" && JSON.stringify(c[key]) === JSON.stringify(en[key])) {
        assert.ok(same.has(key) || same.has(tag + ":" + key),
                  tag + " " + key + " is the English text and not in SAME.txt");
      }
    }
  }
});

test("social.js asks for exactly the keys the English catalogue has", () => {
  const src = fs.readFileSync(path.join(top, "templates", "assets", "social.js"), "utf8") +
              fs.readFileSync(path.join(top, "templates", "assets", "anchor.js"), "utf8");
  const used = new Set();
  for (const m of src.matchAll(/\btn?\("(widget\.[a-z0-9_]+)"/g)) { used.add(m[1]); }
  assert.deepEqual([...used].sort(), Object.keys(catalogue("en")).sort());
});
