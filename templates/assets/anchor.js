/* mod_social anchoring: find a quoted passage of a page again, after the
 * page was edited. Pure code over a list of text chunks, so the same
 * file runs in the browser (window.SocialAnchor) and under node's test
 * runner (module.exports); the few DOM helpers at the end touch only
 * nodeType, nodeName, childNodes and nodeValue, and the highlighter only
 * splits text nodes and wraps pieces of them.
 *
 * The model follows the W3C Web Annotation TextQuoteSelector (exact +
 * prefix + suffix) with a TextPositionSelector-like hint (position).
 * All offsets are in the page's "normalized text": the text of every
 * text node in document order, each run of white space (and every block
 * boundary, where a browser's selection would put a line break or tab)
 * collapsed into a single space, leading white space dropped. Stored
 * quotes are normalized the same way, so differences in indentation,
 * line breaks or table-cell tabs never matter.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.SocialAnchor = api;
  }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* Characters of context kept either side of a new quote (the server
   * takes up to 64), and the longest quote (the server takes 1000). */
  var CONTEXT = 32;
  var EXACT_MAX = 1000;
  /* Fuzzy matching tolerates this share of edits (insertions, deletions,
   * substitutions) in the quote; the context stage, where the text
   * before and after is still there word for word, a little more. */
  var FUZZY_MAX_ERRORS = 0.25;
  var CONTEXT_MIN_SIMILARITY = 0.6;
  /* Bound on the fuzzy search's work (text characters x quote length). */
  var FUZZY_BUDGET = 30000000;

  var WS = /[\s\u00a0\u200b\ufeff]/;

  function isSpace(ch) {
    return WS.test(ch);
  }

  /* Collapses white space runs to one space and trims. */
  function normalize(s) {
    return String(s).replace(/[\s\u00a0\u200b\ufeff]+/g, " ").replace(/^ | $/g, "");
  }

  /* Context keeps a single leading or trailing space: it says a word
   * boundary is there. */
  function normalizeContext(s) {
    return String(s).replace(/[\s\u00a0\u200b\ufeff]+/g, " ");
  }

  /* chunks: [{node, text}], node null for a virtual break (a block
   * boundary). Returns {text, chunk: [], offset: [], chunks} where for
   * every character k of text, chunk[k] and offset[k] say where it came
   * from (a collapsed run points at its first character). */
  function build(chunks) {
    var out = [], chunkOf = [], offsetOf = [];
    var pendingSpace = null;   /* [chunk, offset] of a run not yet written */
    var c, k, text, ch;

    for (c = 0; c < chunks.length; c++) {
      text = chunks[c].text || "";
      for (k = 0; k < text.length; k++) {
        ch = text.charAt(k);
        if (isSpace(ch)) {
          if (pendingSpace === null) {
            pendingSpace = [c, k];
          }
          continue;
        }
        if (pendingSpace !== null) {
          if (out.length > 0) {
            out.push(" ");
            chunkOf.push(pendingSpace[0]);
            offsetOf.push(pendingSpace[1]);
          }
          pendingSpace = null;
        }
        out.push(ch);
        chunkOf.push(c);
        offsetOf.push(k);
      }
    }
    return { text: out.join(""), chunk: chunkOf, offset: offsetOf, chunks: chunks };
  }

  /* Surrogate-safe ends for slices of a JS string. */
  function isLowSurrogate(s, k) {
    var code = s.charCodeAt(k);
    return code >= 0xdc00 && code <= 0xdfff;
  }

  function safeStart(s, k) {
    return k > 0 && k < s.length && isLowSurrogate(s, k) ? k + 1 : k;
  }

  function safeEnd(s, k) {
    return k > 0 && k < s.length && isLowSurrogate(s, k) ? k - 1 : k;
  }

  /* The anchor to store for text[start, end): the quote without white
   * space at its edges, at most EXACT_MAX characters, with context. */
  function describe(text, start, end) {
    while (start < end && text.charAt(start) === " ") { start++; }
    while (end > start && text.charAt(end - 1) === " ") { end--; }
    if (end <= start) {
      return null;
    }
    if (end - start > EXACT_MAX) {
      end = safeEnd(text, start + EXACT_MAX);
    }
    var from = safeStart(text, Math.max(0, start - CONTEXT));
    var to = safeEnd(text, Math.min(text.length, end + CONTEXT));
    return {
      exact: text.slice(start, end),
      prefix: text.slice(from, start),
      suffix: text.slice(end, to),
      position: start
    };
  }

  /* Levenshtein distance, two rows. */
  function distance(a, b) {
    var m = a.length, n = b.length, prev = [], cur = [], i, j, t;
    if (m === 0) { return n; }
    if (n === 0) { return m; }
    for (j = 0; j <= n; j++) { prev[j] = j; }
    for (i = 1; i <= m; i++) {
      cur[0] = i;
      for (j = 1; j <= n; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1,
                          prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      }
      t = prev; prev = cur; cur = t;
    }
    return prev[n];
  }

  function similarity(a, b) {
    var longest = Math.max(a.length, b.length);
    return longest === 0 ? 1 : 1 - distance(a, b) / longest;
  }

  /* How many characters of context agree: the end of prefix before
   * start, the beginning of suffix at end. */
  function contextMatch(text, start, end, prefix, suffix) {
    var p = 0, s = 0;
    while (p < prefix.length && start - p - 1 >= 0
           && text.charAt(start - p - 1) === prefix.charAt(prefix.length - p - 1)) {
      p++;
    }
    while (s < suffix.length && end + s < text.length
           && text.charAt(end + s) === suffix.charAt(s)) {
      s++;
    }
    return { prefix: p, suffix: s };
  }

  function contextScore(text, start, end, prefix, suffix) {
    var m = contextMatch(text, start, end, prefix, suffix);
    var total = prefix.length + suffix.length;
    return total === 0 ? 0 : (m.prefix + m.suffix) / total;
  }

  function indexesOf(text, needle) {
    var found = [], k = needle.length ? text.indexOf(needle) : -1;
    while (k >= 0) {
      found.push(k);
      k = text.indexOf(needle, k + 1);
    }
    return found;
  }

  /* Better candidate: more context agreeing, then nearer the hint. */
  function pickBest(candidates, position) {
    var best = null;
    candidates.forEach(function (c) {
      if (best === null || c.score > best.score + 1e-9
          || (Math.abs(c.score - best.score) <= 1e-9
              && Math.abs(c.start - position) < Math.abs(best.start - position))) {
        best = c;
      }
    });
    return best;
  }

  function exactStage(text, a) {
    var len = a.exact.length;
    return pickBest(indexesOf(text, a.exact).map(function (k) {
      return { start: k, end: k + len, method: "exact",
               score: contextScore(text, k, k + len, a.prefix, a.suffix) };
    }), a.position);
  }

  /* The passage between an unchanged prefix and suffix, if it still
   * resembles the quote. */
  function contextStage(text, a) {
    var prefix = a.prefix.replace(/^ /, ""), suffix = a.suffix.replace(/ $/, "");
    var len = a.exact.length, candidates = [];
    if (prefix.length < 8 || suffix.length < 8) {
      return null;   /* too little context to say where the passage was */
    }
    indexesOf(text, prefix).forEach(function (p) {
      var from = p + prefix.length;
      indexesOf(text.slice(from, from + 2 * len + prefix.length + 16), suffix)
        .forEach(function (rel) {
          var start = from, end = from + rel, sim;
          while (start < end && text.charAt(start) === " ") { start++; }
          while (end > start && text.charAt(end - 1) === " ") { end--; }
          if (end <= start) {
            return;
          }
          sim = similarity(text.slice(start, end), a.exact);
          if (sim >= CONTEXT_MIN_SIMILARITY) {
            candidates.push({ start: start, end: end, method: "context", score: sim });
          }
        });
    });
    return pickBest(candidates, a.position);
  }

  /* Approximate substring search (Sellers): every text span [start,
   * end) within maxErrors edits of pattern, one per end (the fewest
   * edits ending there), as {start, end, errors}. */
  function approximate(text, from, to, pattern, maxErrors) {
    var m = pattern.length, cost = [], start = [], nc = [], ns = [];
    var found = [], i, j, t, sub, del, ins, c, s;

    for (i = 0; i <= m; i++) { cost[i] = i; start[i] = from; }
    for (j = from; j < to; j++) {
      t = text.charCodeAt(j);
      nc[0] = 0;
      ns[0] = j + 1;
      for (i = 1; i <= m; i++) {
        sub = cost[i - 1] + (pattern.charCodeAt(i - 1) === t ? 0 : 1);
        del = nc[i - 1] + 1;
        ins = cost[i] + 1;
        if (sub <= del && sub <= ins) { c = sub; s = start[i - 1]; }
        else if (ins <= del) { c = ins; s = start[i]; }
        else { c = del; s = ns[i - 1]; }
        nc[i] = c;
        ns[i] = s;
      }
      if (nc[m] <= maxErrors) {
        found.push({ start: ns[m], end: j + 1, errors: nc[m] });
      }
      t = cost; cost = nc; nc = t;
      t = start; start = ns; ns = t;
    }
    return found;
  }

  /* Does the text around a fuzzy match resemble the stored context?
   * Without it, a deleted paragraph would be "found" in any similar one
   * elsewhere on the page. Anchors without context need none. */
  function contextAgrees(text, c, a) {
    var prefix = a.prefix.replace(/^ /, ""), suffix = a.suffix.replace(/ $/, "");
    var before, after;
    if (prefix.length < 8 && suffix.length < 8) {
      return true;
    }
    before = text.slice(Math.max(0, c.start - prefix.length), c.start).replace(/^ /, "");
    after = text.slice(c.end, c.end + suffix.length).replace(/ $/, "");
    return (prefix.length >= 8 && similarity(before.trim(), prefix.trim()) >= 0.5)
        || (suffix.length >= 8 && similarity(after.trim(), suffix.trim()) >= 0.5);
  }

  function fuzzyStage(text, a) {
    var m = a.exact.length, maxErrors = Math.floor(m * FUZZY_MAX_ERRORS), found, best = null;
    var pos = Math.min(Math.max(0, a.position), text.length);
    var from = Math.max(0, pos - 2 * m - 2000), to = Math.min(text.length, pos + 3 * m + 2000);

    if (m < 4 || maxErrors === 0) {
      return null;   /* a word or two: only an exact match is trustworthy */
    }
    found = approximate(text, from, to, a.exact, maxErrors);
    if (found.length === 0 && (from > 0 || to < text.length)
        && text.length * m <= FUZZY_BUDGET) {
      found = approximate(text, 0, text.length, a.exact, maxErrors);
    }
    found.forEach(function (c) {
      while (c.start < c.end && text.charAt(c.start) === " ") { c.start++; }
      while (c.end > c.start && text.charAt(c.end - 1) === " ") { c.end--; }
      if (c.end <= c.start || !contextAgrees(text, c, a)) {
        return;
      }
      if (best === null || c.errors < best.errors
          || (c.errors === best.errors
              && Math.abs(c.start - pos) < Math.abs(best.start - pos))) {
        best = c;
      }
    });
    if (best === null) {
      return null;
    }
    return { start: best.start, end: best.end, method: "fuzzy", score: 1 - best.errors / m };
  }

  /* Where anchor {exact, prefix, suffix, position} is in text (already
   * normalized): {start, end, method, score}, or null when the passage
   * is gone. */
  function locate(text, anchor) {
    var a = {
      exact: normalize(anchor.exact || ""),
      prefix: normalizeContext(anchor.prefix || ""),
      suffix: normalizeContext(anchor.suffix || ""),
      position: Math.max(0, Number(anchor.position) || 0)
    };
    if (!a.exact) {
      return null;
    }
    return exactStage(text, a) || contextStage(text, a) || fuzzyStage(text, a);
  }

  /* The pieces of chunks covering model.text[start, end): [{chunk,
   * node, start, end}] in document order, virtual breaks left out. */
  function ranges(model, start, end) {
    var out = [], k, c, last = null;
    for (k = start; k < end && k < model.text.length; k++) {
      c = model.chunk[k];
      if (!model.chunks[c].node) {
        continue;
      }
      if (last && last.chunk === c) {
        last.end = model.offset[k] + 1;
      } else {
        last = { chunk: c, node: model.chunks[c].node,
                 start: model.offset[k], end: model.offset[k] + 1 };
        out.push(last);
      }
    }
    return out;
  }

  /* The index in model.text of the first character at or after offset
   * of chunk c (model.text.length if none). */
  function indexAt(model, c, offset) {
    var lo = 0, hi = model.text.length, mid;
    while (lo < hi) {
      mid = (lo + hi) >> 1;
      if (model.chunk[mid] < c || (model.chunk[mid] === c && model.offset[mid] < offset)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /* ---- DOM helpers (any object with the DOM's node fields will do) ---- */

  /* Elements at whose edges a selection would show a line break or tab:
   * a virtual break keeps their words apart in the normalized text. */
  var BLOCKS = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|BR|CAPTION|CENTER|DD|DIV|DL|DT|FIELDSET|FIGCAPTION|FIGURE|FOOTER|FORM|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TBODY|TD|TFOOT|TH|THEAD|TR|UL)$/;
  /* Never part of a page's readable text. */
  var SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|TEXTAREA|SELECT|OPTION|TITLE|HEAD|IFRAME|OBJECT|SVG|CANVAS)$/;

  function tagOf(node) {
    return String(node.nodeName || "").toUpperCase();
  }

  /* The text chunks under rootNode in document order; skip(element)
   * says whether an element's subtree is left out. */
  function chunks(rootNode, skip) {
    var out = [];
    function walk(node) {
      var kids, k, tag, block;
      if (node.nodeType === 3) {
        out.push({ node: node, text: node.nodeValue || "" });
        return;
      }
      if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) {
        return;
      }
      tag = tagOf(node);
      if (node.nodeType === 1 && (SKIP.test(tag) || (skip && skip(node)))) {
        return;
      }
      block = BLOCKS.test(tag);
      if (block) { out.push({ node: null, text: " " }); }
      kids = node.childNodes || [];
      for (k = 0; k < kids.length; k++) {
        walk(kids[k]);
      }
      if (block) { out.push({ node: null, text: " " }); }
    }
    walk(rootNode);
    return out;
  }

  /* Containers where a text node holding only white space is markup
   * indentation: wrapping it would put an inline box where none was. */
  var STRUCTURAL = /^(TABLE|TBODY|THEAD|TFOOT|TR|COLGROUP|UL|OL|DL|BODY|HTML|DIV|SECTION|ARTICLE|MAIN|HEADER|FOOTER|NAV|ASIDE|FORM|FIELDSET|BLOCKQUOTE|FIGURE|CENTER)$/;

  /* Wraps each piece [{node, start, end}] in an element made by
   * makeMark(); only text nodes are split, nothing else moves. Returns
   * the wrappers in document order. Work on pieces from one ranges()
   * call: splitting changes offsets, so pieces are done last first. */
  function wrap(pieces, makeMark) {
    var marks = [], k, p, node, mark;
    for (k = pieces.length - 1; k >= 0; k--) {
      p = pieces[k];
      node = p.node;
      if (!node.parentNode || p.end <= p.start) {
        continue;
      }
      if (!/\S/.test(node.nodeValue.slice(p.start, p.end).replace(/\u00a0/g, "x"))
          && STRUCTURAL.test(tagOf(node.parentNode))) {
        continue;
      }
      if (p.end < node.nodeValue.length) {
        node.splitText(p.end);
      }
      if (p.start > 0) {
        node = node.splitText(p.start);
      }
      mark = makeMark();
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
      marks.unshift(mark);
    }
    return marks;
  }

  return {
    CONTEXT: CONTEXT,
    EXACT_MAX: EXACT_MAX,
    normalize: normalize,
    build: build,
    describe: describe,
    distance: distance,
    similarity: similarity,
    locate: locate,
    ranges: ranges,
    indexAt: indexAt,
    chunks: chunks,
    wrap: wrap
  };
}));
