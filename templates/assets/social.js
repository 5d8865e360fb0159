/* mod_social widget: progressive enhancement, no framework, no build step.
 *
 * Everything the block offers works without this file: forms post to the
 * endpoint and come back to the page. With it, the same forms are sent
 * with fetch and the discussion the server renders is swapped in place,
 * focus is kept and screen readers are told what happened. With
 * SocialRender Deferred it also loads the discussion after the page.
 */
(function () {
  "use strict";

  /* Under node (tests/js): only the words, no page. */
  if (typeof document === "undefined") {
    module.exports = { words: makeWords };
    return;
  }

  var root, endpoint, page, announcer;
  /* The block's words (window.SocialMessages, loaded before this file
   * from {endpoint}/assets/VERSION/messages-TAG.js). */
  var words = makeWords(null);

  /* The words of one language: messages {lang, dir, tz, m: {key: value}}
   * as the module serves them (English filled in for keys the language
   * lacks). t(key, args) fills "{name}" from args; tn(key, n, args)
   * picks the plural form of n (Intl.PluralRules of the language; a form
   * the language does not give falls back to "other") and fills "{n}". A
   * key nobody knows reads as itself. */
  function makeWords(messages) {
    var lang = (messages && messages.lang) || "en";
    var m = (messages && messages.m) || {};
    var rules = null, numbers = null;

    function fill(text, args) {
      return text.replace(/\{([A-Za-z0-9_]+)\}/g, function (all, name) {
        return args && Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : all;
      });
    }
    function category(n) {
      if (!rules) {
        try {
          rules = new Intl.PluralRules(lang);
        } catch (e) {
          rules = { select: function (k) { return k === 1 ? "one" : "other"; } };
        }
      }
      return rules.select(n);
    }
    /* Digits as the server writes them (0-9), grouped as the language
     * groups them. */
    function number(n) {
      if (!numbers) {
        try {
          numbers = new Intl.NumberFormat(lang + "-u-nu-latn");
        } catch (e) {
          numbers = { format: function (k) { return String(k); } };
        }
      }
      return numbers.format(n);
    }
    function t(key, args) {
      var v = m[key];
      if (v === undefined || v === null) { return key; }
      return fill(typeof v === "string" ? v : String(v.other), args);
    }
    function tn(key, n, args) {
      var v = m[key], form, all = {};
      if (v === undefined || v === null) { return key; }
      form = typeof v === "string" ? v : v[category(n)];
      if (form === undefined) { form = v.other; }
      Object.keys(args || {}).forEach(function (k) { all[k] = args[k]; });
      all.n = number(n);
      return fill(String(form), all);
    }
    return {
      lang: lang,
      dir: (messages && messages.dir) || "ltr",
      tz: (messages && messages.tz) || null,
      t: t, tn: tn, category: category, number: number
    };
  }

  function t(key, args) { return words.t(key, args); }
  function tn(key, n, args) { return words.tn(key, n, args); }
  /* anchor.js sits beside this file (same asset version). */
  var ownSrc = document.currentScript ? document.currentScript.src : "";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* A live region outside the part that is replaced, so announcements
   * survive the swap. */
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "social-announce";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      root.parentNode.insertBefore(announcer, root.nextSibling);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  /* An error under the form, said once (the alert; not the status
   * region too) and tied to the field it is about: aria-invalid and
   * aria-describedby, until the reader types again. */
  function showError(form, text) {
    var box = form.querySelector(".social-error");
    var field = form.querySelector("textarea, input[type=text]");
    if (!box) {
      box = document.createElement("p");
      box.className = "social-error";
      box.id = (field && field.id ? field.id : "social-form") + "-error";
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    box.textContent = text;
    if (field) {
      var described = (field.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && id !== box.id; });
      described.push(box.id);
      field.setAttribute("aria-describedby", described.join(" "));
      field.setAttribute("aria-invalid", "true");
      field.addEventListener("input", function clear() {
        field.removeEventListener("input", clear);
        field.setAttribute("aria-describedby", (field.getAttribute("aria-describedby") || "")
          .split(/\s+/).filter(function (id) { return id && id !== box.id; }).join(" "));
        field.setAttribute("aria-invalid", "false");
        if (box.parentNode) { box.parentNode.removeChild(box); }
      });
    }
  }

  /* Replaces the discussion with fresh HTML from the server and puts
   * focus where the reader's attention belongs. */
  function swap(html, focusId) {
    root.innerHTML = html;
    /* what a pending "N new comments" offered is shown now or older */
    live.html = null;
    live.button = null;
    refreshPassages();
    var said = root.querySelector(".social-live");
    if (said && said.textContent) {
      announce(said.textContent);
    }
    var target = focusId && document.getElementById(focusId);
    if (!target) {
      target = root.querySelector("#social-new-body") || root.querySelector(".social-title");
    }
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(TEXTAREA|INPUT|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    document.dispatchEvent(new CustomEvent("social:updated", { detail: { page: page } }));
  }

  function errorText(response) {
    return response.text().then(function (body) {
      try {
        var data = JSON.parse(body);
        if (data && data.error && data.error.message) {
          return data.error.message.charAt(0).toUpperCase() + data.error.message.slice(1) + ".";
        }
      } catch (e) { /* not JSON */ }
      return t("widget.error_http", { status: response.status });
    });
  }

  /* Where the server's answer to a form goes: a poll's, an ideas board's
   * or a survey's own box, or the whole discussion. */
  function regionOf(form) {
    var poll = form.closest
      ? form.closest(".social-marker-poll, .social-marker-ideas, .social-marker-survey") : null;
    return poll || (root && root.contains(form) ? root : null);
  }

  /* form.action would name an <input name="action"> inside the form.
   * A comment's like, follow, delete and hide buttons belong to the
   * discussion's one shared form (form="social-acts"): the button says
   * where it goes (formaction) and what it does (name="action"). */
  function submit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("social-form")) {
      return;
    }
    var region = regionOf(form);
    if (!region) {
      return;
    }
    if (region !== root) {
      return submitPoll(event, form, region);
    }
    var submitter = event.submitter && event.submitter.hasAttribute("formaction")
      ? event.submitter : null;
    var question = (submitter || form).getAttribute("data-social-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!window.fetch || !window.URLSearchParams || !window.FormData) {
      return; /* the plain form post still works */
    }
    if (form.id === "social-acts" && !submitter) {
      return; /* a browser that does not say which button: the plain post */
    }
    event.preventDefault();
    var button = submitter || form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    var parent = form.querySelector("input[name=parent]");
    var action = submitter ? { value: submitter.value } : form.querySelector("input[name=action]");
    var li = (submitter || form).closest ? (submitter || form).closest("li.social-comment") : null;
    var fields = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      fields.append(submitter.name, submitter.value);
    }
    var errorPlace = submitter ? submitter.parentNode : form;
    fetch(submitter ? submitter.getAttribute("formaction") : form.getAttribute("action"), {
      method: "POST",
      body: fields,
      headers: { "X-Social-Fragment": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        return errorText(response).then(function (text) {
          if (button) { button.disabled = false; }
          showError(errorPlace, text);
        });
      }
      return response.text().then(function (html) {
        var focusId = null;
        if (action && action.value !== "delete" && li) {
          focusId = li.id;
        } else if (parent) {
          focusId = null;
        }
        swap(html, focusId);
        if (!focusId) {
          /* A new comment is the last of its thread: show it. */
          /* The newest is the highest id (a passage panel may hold it
           * before the main list in document order). */
          var last = null;
          Array.prototype.forEach.call(root.querySelectorAll("li.social-mine"), function (li) {
            if (!last || +li.getAttribute("data-social-id") > +last.getAttribute("data-social-id")) {
              last = li;
            }
          });
          if (last && !(action && action.value === "delete")) {
            last.setAttribute("tabindex", "-1");
            last.focus();
          }
        }
      });
    }).catch(function () {
      if (button) { button.disabled = false; }
      showError(errorPlace, t("widget.offline_text_kept"));
    });
  }

  function submitPoll(event, form, region) {
    if (!window.fetch || !window.URLSearchParams || !window.FormData) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-Social-Fragment": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        return errorText(response).then(function (text) {
          if (button) { button.disabled = false; }
          showError(form, text);
        });
      }
      return response.text().then(function (html) {
        region.innerHTML = html;
        var live = region.querySelector(".social-live");
        if (live && live.textContent) {
          announce(live.textContent);
        }
        var heading = region.querySelector(
          ".social-poll-question, .social-ideas-title, .social-survey-title");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      });
    }).catch(function () {
      if (button) { button.disabled = false; }
      showError(form, t("widget.offline"));
    });
  }

  /* Polls and surveys left empty by the server (Deferred) are fetched
   * one by one. */
  function loadPolls() {
    var boxes = document.querySelectorAll(".social-marker-poll[data-social-name], " +
                                          ".social-marker-survey[data-social-name]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.firstElementChild) {
        return;
      }
      var kind = box.classList.contains("social-marker-survey") ? "/survey" : "/poll";
      fetch(endpoint + kind + "?page=" + encodeURIComponent(page) + "&name=" +
            encodeURIComponent(box.getAttribute("data-social-name")) + langParam(), {
        credentials: "same-origin",
        headers: { "X-Social-Fragment": "1" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html) { box.innerHTML = html; }
      }).catch(function () { /* the page reads fine without it */ });
    });
  }

  /* What the widget fetches comes in the block's language (the page's
   * choice, which the reader's Accept-Language alone would not know). */
  function langParam() {
    var lang = root && root.getAttribute("lang");
    return lang ? "&lang=" + encodeURIComponent(lang) : "";
  }

  /* Ideas boards left empty by the server (Deferred), with the page's own
   * ideas_sort and ideas_status. */
  function loadIdeas() {
    var boxes = document.querySelectorAll(".social-marker-ideas[data-social-name]");
    var params = window.URLSearchParams ? new URLSearchParams(window.location.search) : null;
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.firstElementChild) {
        return;
      }
      var url = endpoint + "/ideas?page=" + encodeURIComponent(page) + "&board=" +
          encodeURIComponent(box.getAttribute("data-social-name")) + langParam();
      if (params && params.get("ideas_sort")) {
        url += "&sort=" + encodeURIComponent(params.get("ideas_sort"));
      }
      if (params && params.get("ideas_status")) {
        url += "&status=" + encodeURIComponent(params.get("ideas_status"));
      }
      fetch(url, {
        credentials: "same-origin",
        headers: { "X-Social-Fragment": "1" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html) { box.innerHTML = html; }
      }).catch(function () { /* the page reads fine without it */ });
    });
  }

  /* Copy-link buttons stay hidden without JavaScript. */
  function enableCopy(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-social-copy]"), function (b) {
      if (!navigator.clipboard) { return; }
      b.hidden = false;
    });
  }

  /* A long thread's "Show N earlier replies": the next older replies go
   * in above the ones shown, and the link moves on (or goes). */
  function showEarlierReplies(link) {
    var item = link.closest("li.social-comment");
    fetch(link.getAttribute("href").split("#")[0], {
      credentials: "same-origin",
      headers: { "X-Social-Fragment": "1" }
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html || !item) { return; }
      var box = document.createElement("div");
      box.innerHTML = html;
      var fresh = box.querySelector("li.social-comment[id='" + item.id + "']");
      if (!fresh) { return; }
      var older = fresh.querySelector(":scope > ol.social-replies");
      var replies = item.querySelector(":scope > ol.social-replies");
      if (older && replies) {
        while (older.lastChild) {
          replies.insertBefore(older.lastChild, replies.firstChild);
        }
      }
      var next = fresh.querySelector(":scope > p.social-more");
      var current = link.closest("p.social-more");
      if (next) { current.parentNode.replaceChild(next, current); }
      else { current.parentNode.removeChild(current); }
      refreshPassages();
      announce(t("widget.earlier_replies_shown"));
    });
  }

  /* "Report" opens its form in place (the link leads to a page of its
   * own without JavaScript); the form is sent like every other. */
  function openReport(link) {
    var id = link.getAttribute("data-social-comment");
    var existing = document.getElementById("social-report-" + id);
    if (existing) {
      existing.focus();
      return;
    }
    var token = root.querySelector("input[name=token]");
    var form = document.createElement("form");
    form.className = "social-form social-report-form";
    form.method = "post";
    form.setAttribute("accept-charset", "utf-8");   /* a page in a legacy charset too */
    form.setAttribute("action", endpoint + "/comments/" + id);
    form.appendChild(hidden("token", token ? token.value : ""));
    form.appendChild(hidden("action", "report"));
    var label = document.createElement("label");
    label.setAttribute("for", "social-report-" + id);
    label.textContent = t("widget.report_reason");
    var input = document.createElement("input");
    input.type = "text";
    input.id = "social-report-" + id;
    input.name = "reason";
    input.maxLength = 1000;
    input.required = true;
    var send = document.createElement("button");
    send.type = "submit";
    send.textContent = t("widget.report_send");
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    link.parentNode.insertBefore(form, link.nextSibling);
    input.focus();
  }

  /* "Reply" opens the reply's box under the comment (the link leads to
   * a page of its own without JavaScript): a copy of the discussion's
   * one reply form (#social-reply-template), naming the comment. Returns
   * the box, or null when there is no form to copy. */
  function openReply(link, focus) {
    var id = link.getAttribute("data-social-comment");
    var existing = document.getElementById("social-reply-" + id);
    if (existing) {
      if (focus) { existing.focus(); }
      return existing;
    }
    var template = root.querySelector("template#social-reply-template");
    var li = link.closest("li.social-comment");
    var form = template && template.content ? template.content.querySelector("form") : null;
    if (!form || !li) {
      return null;
    }
    form = form.cloneNode(true);
    form.querySelector("input[name=parent]").value = id;
    var box = form.querySelector("textarea");
    box.id = "social-reply-" + id;
    var label = form.querySelector("label");
    label.setAttribute("for", box.id);
    var author = li.querySelector(".social-author"), name = label.querySelector("bdi");
    if (author && name) { name.textContent = author.textContent; }
    var holder = document.createElement("div");
    holder.className = "social-reply";
    holder.id = "social-reply-box-" + id;
    holder.appendChild(form);
    link.parentNode.insertBefore(holder, link.nextSibling);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", holder.id);
    countAll(holder);
    markComboboxes();
    if (focus) { box.focus(); }
    return box;
  }

  function click(event) {
    var report = event.target.closest ? event.target.closest("a.social-report-link") : null;
    if (report && window.fetch) {
      event.preventDefault();
      openReport(report);
      return;
    }
    var reply = event.target.closest ? event.target.closest("a.social-reply-link") : null;
    if (reply && window.fetch && openReply(reply, true)) {
      event.preventDefault();
      return;
    }
    var earlier = event.target.closest ? event.target.closest("a.social-earlier-link") : null;
    if (earlier && window.fetch) {
      event.preventDefault();
      fetch(earlier.getAttribute("href"), {
        credentials: "same-origin",
        headers: { "X-Social-Fragment": "1" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html) { swap(html, null); }
      });
      return;
    }
    var more = event.target.closest ? event.target.closest("a.social-more-link") : null;
    if (more && window.fetch) {
      event.preventDefault();
      showEarlierReplies(more);
      return;
    }
    var b = event.target.closest ? event.target.closest("[data-social-copy]") : null;
    if (!b || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(b.getAttribute("data-social-copy")).then(function () {
      announce(t("widget.link_copied"));
    }, function () {
      announce(t("widget.copy_by_hand"));
    });
  }

  function loadDiscussion() {
    fetch(endpoint + "/fragment?page=" + encodeURIComponent(page) + langParam(), {
      credentials: "same-origin",
      headers: { "X-Social-Fragment": "1" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    }).then(function (html) {
      root.innerHTML = html;
      refreshPassages();
      document.dispatchEvent(new CustomEvent("social:updated", { detail: { page: page } }));
    }).catch(function () {
      root.textContent = "";
      var failed = document.createElement("p");
      failed.className = "social-unavailable";
      failed.textContent = t("widget.load_failed");
      root.appendChild(failed);
    });
  }

  /* New comments without a reload: every data-social-live seconds (while
   * the page is visible) the widget asks whether the discussion changed,
   * with the version it knows (If-None-Match; mostly a 304). When it did
   * and there are comments the reader has not seen, a button says how
   * many; pressing it shows them, keeping whatever the reader is typing. */
  var live = { version: null, timer: null, html: null, button: null };

  function liveSeen() {
    var ids = {};
    Array.prototype.forEach.call(root.querySelectorAll("li.social-comment[id]"), function (li) {
      ids[li.id] = true;
    });
    return ids;
  }

  function liveShow() {
    var typed = {};
    Array.prototype.forEach.call(root.querySelectorAll("textarea[id]"), function (box) {
      if (box.value) { typed[box.id] = box.value; }
    });
    var html = live.html;
    live.html = null;
    live.button = null;
    swap(html, null);
    Object.keys(typed).forEach(function (id) {
      var box = document.getElementById(id);
      var m = /^social-reply-(\d+)$/.exec(id);
      var link = m ? root.querySelector("a.social-reply-link[data-social-comment='" + m[1] + "']") : null;
      if (!box && link) {
        box = openReply(link, false);   /* a reply being written stays open */
      }
      if (box && root.contains(box)) {
        box.value = typed[id];
        countUpdate(box);
      }
    });
  }

  function liveOffer(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var seen = liveSeen(), fresh = 0;
    Array.prototype.forEach.call(holder.querySelectorAll("li.social-comment[id]"), function (li) {
      if (!seen[li.id] && !li.classList.contains("social-tombstone")) { fresh++; }
    });
    if (!fresh) {
      return;
    }
    live.html = html;
    if (!live.button) {
      live.button = document.createElement("button");
      live.button.type = "button";
      live.button.className = "social-new-comments";
      live.button.addEventListener("click", liveShow);
      root.insertBefore(live.button, root.firstChild);
    }
    live.button.textContent = tn("widget.new_comments_show", fresh);
    announce(tn("widget.new_comments", fresh));
  }

  function liveCheck() {
    live.timer = null;
    if (document.hidden) {
      liveNext();
      return;
    }
    var headers = live.version ? { "If-None-Match": "\"" + live.version + "\"" } : {};
    fetch(endpoint + "/api/v1/updates?page=" + encodeURIComponent(page), {
      credentials: "same-origin", headers: headers, cache: "no-store"
    }).then(function (response) {
      if (response.status === 304) {
        liveNext();
        return null;
      }
      if (response.status !== 200) {
        return null;   /* no cache to ask, or not allowed: stop asking */
      }
      return response.json().then(function (data) {
        var changed = live.version !== null && data.version !== live.version;
        live.version = data.version;
        liveNext();
        if (!changed) {
          return null;
        }
        return fetch(endpoint + "/fragment?page=" + encodeURIComponent(page) + langParam(), {
          credentials: "same-origin", headers: { "X-Social-Fragment": "1" }
        }).then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html) { liveOffer(html); } });
      });
    }).catch(function () { liveNext(); });
  }

  function liveNext() {
    var seconds = parseInt(root.getAttribute("data-social-live"), 10);
    if (seconds > 0 && !live.timer) {
      live.timer = window.setTimeout(liveCheck, seconds * 1000);
    }
  }

  /* Times kept fresh: every <time class="social-time"> of the page (the
   * block, the activity stream, notifications) says how long ago in the
   * block's language (Intl.RelativeTimeFormat), and its title the exact
   * time on the clock of the zone the admin set (SocialTimeZone, on the
   * block as data-social-tz; UTC by default). The server's own words stay
   * where the browser cannot do this. Once a minute and whenever the tab
   * comes back into view. */
  var TIMES = "time.social-time[datetime], .social-time > time[datetime]";
  var timesTimer = null;

  function timeZone() {
    var holder = root || document.querySelector("[data-social-tz]");
    return (holder && holder.getAttribute("data-social-tz")) || words.tz || "UTC";
  }

  /* "3 minutes ago", "yesterday", "vor 2 Stunden": the largest unit that
   * fits, whole units (as the server counts), never in the future. */
  function relativeText(format, when, now) {
    var s = Math.max(0, Math.floor((now - when) / 1000));
    var units = [[365 * 86400, "year"], [30 * 86400, "month"], [7 * 86400, "week"],
                 [86400, "day"], [3600, "hour"], [60, "minute"]];
    if (s < 45) {
      return format.format(0, "second");
    }
    for (var k = 0; k < units.length; k++) {
      if (s >= units[k][0] || units[k][1] === "minute") {
        return format.format(-Math.max(1, Math.floor(s / units[k][0])), units[k][1]);
      }
    }
    return "";
  }

  function exactFormat(tz) {
    var lang = words.lang;
    var exact, zoneName = null;
    try {
      exact = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: tz });
    } catch (e) {
      tz = "UTC";
      exact = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: tz });
    }
    if (exact.formatToParts) {
      try {
        zoneName = new Intl.DateTimeFormat(lang, { timeZone: tz, timeZoneName: "short" });
      } catch (e) { zoneName = null; }
    }
    return function (when) {
      var text = exact.format(when);
      var parts = zoneName ? zoneName.formatToParts(when) : [];
      for (var k = 0; k < parts.length; k++) {
        if (parts[k].type === "timeZoneName") { return text + " " + parts[k].value; }
      }
      return text;
    };
  }

  /* now: milliseconds since the epoch (tests pass a later one). */
  function refreshTimes(now) {
    if (!window.Intl || !Intl.DateTimeFormat) {
      return;
    }
    var rel = null;
    try {
      rel = Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(words.lang, { numeric: "auto" }) : null;
    } catch (e) { rel = null; }
    var exact = exactFormat(timeZone());
    now = typeof now === "number" ? now : Date.now();
    Array.prototype.forEach.call(document.querySelectorAll(TIMES), function (el) {
      var when = Date.parse(el.getAttribute("datetime"));
      if (isNaN(when)) {
        return;
      }
      el.setAttribute("title", exact(when));
      if (rel) {
        el.textContent = relativeText(rel, when, now);
      }
    });
  }

  function keepTimesFresh() {
    if (timesTimer) {
      return;
    }
    refreshTimes();
    timesTimer = window.setInterval(function () {
      if (!document.hidden) { refreshTimes(); }
    }, 60000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { refreshTimes(); }
    });
  }

  /* "@a, @b and @c" as the language joins a list. */
  function listOf(items) {
    try {
      if (window.Intl && Intl.ListFormat) {
        return new Intl.ListFormat(words.lang, { type: "conjunction" }).format(items);
      }
    } catch (e) { /* below */ }
    return items.join(", ");
  }

  /* Count markers left empty by the server (Deferred) get their numbers
   * in one request. */
  function loadCounts() {
    var markers = document.querySelectorAll(".social-marker-count[data-social-page]");
    var wanted = [];
    Array.prototype.forEach.call(markers, function (m) {
      if (!m.firstChild && wanted.indexOf(m.getAttribute("data-social-page")) < 0) {
        wanted.push(m.getAttribute("data-social-page"));
      }
    });
    if (!wanted.length || !window.fetch) {
      return;
    }
    var query = wanted.slice(0, 100).map(function (p) {
      return "page=" + encodeURIComponent(p);
    }).join("&");
    fetch(endpoint + "/api/v1/counts?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.pages) { return; }
        Array.prototype.forEach.call(markers, function (m) {
          var info = data.pages[m.getAttribute("data-social-page")];
          if (!info || m.firstChild) { return; }
          var a = document.createElement("a");
          a.className = "social-count-link";
          /* a document's discussion is on its discuss page (href) */
          a.href = (info.href || m.getAttribute("data-social-page")) + "#social";
          a.textContent = tn("widget.comment_count", info.comments);
          m.appendChild(a);
        });
      })
      .catch(function () { /* counts are a nicety */ });
  }

  /* @mention completion: typing "@" and the start of a name in a comment
   * box offers people the module has seen (GET api/v1/people?q=). */
  var mentionList = null, mentionBox = null, mentionAt = -1, mentionPick = 0, mentionTimer = 0;

  function mentionClose() {
    if (mentionList && mentionList.parentNode) {
      mentionList.parentNode.removeChild(mentionList);
    }
    if (mentionBox) {
      mentionBox.removeAttribute("aria-activedescendant");
      mentionBox.removeAttribute("aria-controls");
    }
    mentionList = null;
    mentionAt = -1;
  }

  function mentionInsert(user) {
    var box = mentionBox, text = box.value, caret = box.selectionStart;
    box.value = text.slice(0, mentionAt) + "@" + user + " " + text.slice(caret);
    box.selectionStart = box.selectionEnd = mentionAt + user.length + 2;
    mentionClose();
    box.focus();
  }

  function mentionMark() {
    var items = mentionList ? mentionList.children : [];
    Array.prototype.forEach.call(items, function (li, k) {
      li.setAttribute("aria-selected", k === mentionPick ? "true" : "false");
      if (k === mentionPick) {
        mentionBox.setAttribute("aria-activedescendant", li.id);
      }
    });
  }

  function mentionShow(people) {
    mentionClose();
    if (!people.length) {
      return;
    }
    mentionList = document.createElement("ul");
    mentionList.className = "social-mentions";
    mentionList.id = (mentionBox.id || "social-box") + "-mentions";
    mentionList.setAttribute("role", "listbox");
    mentionList.setAttribute("aria-label", t("widget.people"));
    people.forEach(function (person, k) {
      var li = document.createElement("li");
      li.id = mentionList.id + "-" + k;
      li.setAttribute("role", "option");
      li.textContent = person.name + " (@" + person.user + ")";
      li.addEventListener("mousedown", function (e) {
        e.preventDefault();
        mentionInsert(person.user);
      });
      li.setAttribute("data-social-user", person.user);
      mentionList.appendChild(li);
    });
    mentionPick = 0;
    mentionBox.parentNode.insertBefore(mentionList, mentionBox.nextSibling);
    mentionBox.setAttribute("aria-controls", mentionList.id);
    mentionMark();
  }

  /* Before posting: a warning under the box for each @name nobody of
   * that name has used the discussions (they would not be notified).
   * Mentions are read as the server reads them (mention.h): after a
   * character that cannot be part of an address, without a trailing '.'
   * or '-'. */
  var mentionKnown = {};
  var mentionCheckTimer = null;

  function mentionNames(text) {
    var re = /(^|[^A-Za-z0-9._@\/:-])@([A-Za-z0-9._-]{1,64})/g, m, names = [], seen = {};
    while ((m = re.exec(text)) !== null) {
      var name = m[2].replace(/[.-]+$/, "");
      if (name && !seen[name]) {
        seen[name] = true;
        names.push(name);
      }
    }
    return names;
  }

  function mentionWarn(box) {
    var names = mentionNames(box.value);
    var caret = box.value.slice(0, box.selectionStart);
    /* the name being typed right now is not judged yet */
    var typing = /@([A-Za-z0-9._-]{1,64})$/.exec(caret);
    var asks = names.filter(function (n) {
      return !(typing && typing[1] === n) && !(n in mentionKnown);
    }).map(function (n) {
      return fetch(endpoint + "/api/v1/people?q=" + encodeURIComponent(n), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data) {
          mentionKnown[n] = (data.people || []).some(function (p) { return p.user === n; });
        }
      }).catch(function () { /* the warning is a nicety */ });
    });
    Promise.all(asks).then(function () {
      var unknown = names.filter(function (n) {
        return mentionKnown[n] === false && !(typing && typing[1] === n);
      });
      var note = box.socialMentionNote;
      if (!unknown.length) {
        if (note) { note.hidden = true; note.textContent = ""; }
        return;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "social-mention-warning";
        note.setAttribute("role", "status");
        box.parentNode.insertBefore(note, box.nextSibling);
        box.socialMentionNote = note;
      }
      note.hidden = false;
      note.textContent = tn("widget.mention_unknown", unknown.length,
                            { names: listOf(unknown.map(function (n) { return "@" + n; })) });
    });
  }

  function mentionWarnInput(event) {
    var box = event.target;
    if (box.tagName !== "TEXTAREA" || !root.contains(box) || box.name !== "body") {
      return;
    }
    window.clearTimeout(mentionCheckTimer);
    mentionCheckTimer = window.setTimeout(function () { mentionWarn(box); }, 400);
  }

  /* A live count under each comment box: what is left, or how much is
   * over the limit (then the form cannot be sent). Nothing is ever cut:
   * the boxes have no maxlength, the server refuses what is too long. */
  function lengthOf(text) {
    /* the server counts characters (code points), a line break as one */
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function countUpdate(box) {
    var max = parseInt(box.getAttribute("data-social-max"), 10);
    if (!max) {
      return;
    }
    var count = box.socialCount;
    if (!count) {
      count = document.createElement("p");
      count.className = "social-length";
      count.id = (box.id || "social-box") + "-length";
      count.setAttribute("aria-live", "polite");
      box.parentNode.insertBefore(count, box.nextSibling);
      box.setAttribute("aria-describedby", ((box.getAttribute("aria-describedby") || "") +
                                            " " + count.id).trim());
      box.socialCount = count;
    }
    var n = lengthOf(box.value), over = n - max;
    var left = max - n;
    count.textContent = over > 0
      ? tn("widget.chars_over", over, { max: words.number(max) })
      : tn("widget.chars_left", left);
    count.classList.toggle("social-length-over", over > 0);
    if (over > 0 || !box.form || !box.form.querySelector(".social-error")) {
      box.setAttribute("aria-invalid", over > 0 ? "true" : "false");
    }
    var send = box.form ? box.form.querySelector("button[type=submit]") : null;
    if (send) {
      send.disabled = over > 0;
    }
  }

  function countInput(event) {
    var box = event.target;
    if (box.tagName === "TEXTAREA" && box.hasAttribute("data-social-max") && root.contains(box)) {
      countUpdate(box);
    }
  }

  function countAll(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("textarea[data-social-max]"), countUpdate);
    previewButtons(scope);
  }

  /* A Preview button beside each comment box's submit: the server formats
   * the text as the comment will show it (the same C formatter). */
  function previewButtons(scope) {
    if (!window.fetch) {
      return;
    }
    Array.prototype.forEach.call(scope.querySelectorAll("textarea[data-social-max]"), function (box) {
      var form = box.form, send = form ? form.querySelector("button[type=submit]") : null;
      if (!send || form.querySelector("button.social-preview-button")) {
        return;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "social-link social-preview-button";
      b.textContent = t("widget.preview");
      b.addEventListener("click", function () { preview(box, b); });
      send.parentNode.insertBefore(b, send.nextSibling);
    });
  }

  function preview(box, button) {
    var shown = box.socialPreview;
    if (!shown) {
      shown = document.createElement("div");
      shown.className = "social-preview social-body";
      shown.setAttribute("aria-live", "polite");
      shown.setAttribute("aria-label", t("widget.preview"));
      button.parentNode.insertBefore(shown, button.nextSibling);
      box.socialPreview = shown;
    }
    fetch(endpoint + "/api/v1/preview", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: box.value })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok) {
          /* safe HTML: made by the server's formatter, as a comment's html */
          if (data.html) {
            shown.innerHTML = data.html;
          } else {
            shown.textContent = "";
            var empty = document.createElement("p");
            empty.className = "social-empty";
            empty.textContent = t("widget.preview_empty");
            shown.appendChild(empty);
          }
        } else {
          shown.textContent = (data.error && data.error.message) || t("widget.preview_unavailable");
        }
      });
    }).catch(function () {
      shown.textContent = t("widget.preview_unavailable");
    });
  }

  /* Comment boxes offer completion as the ARIA 1.2 combobox pattern
   * allows a textarea (its role stays textbox: HTML allows no combobox
   * role, nor aria-expanded, on a textarea): aria-autocomplete="list",
   * aria-controls names the open list of people, and the chosen person
   * is the active descendant while focus stays in the box. */
  function markComboboxes() {
    Array.prototype.forEach.call(root.querySelectorAll("textarea[name=body]"), function (box) {
      if (box.hasAttribute("aria-autocomplete")) { return; }
      box.setAttribute("aria-autocomplete", "list");
    });
  }

  function mentionInput(event) {
    var box = event.target;
    if (box.tagName !== "TEXTAREA" || !root.contains(box) || box.name !== "body") {
      return;
    }
    var before = box.value.slice(0, box.selectionStart);
    var m = /(^|[^A-Za-z0-9._@\/:-])@([A-Za-z0-9._-]{1,64})$/.exec(before);
    window.clearTimeout(mentionTimer);
    if (!m) {
      mentionClose();
      return;
    }
    var at = before.length - m[2].length - 1;
    mentionTimer = window.setTimeout(function () {
      fetch(endpoint + "/api/v1/people?q=" + encodeURIComponent(m[2]), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { people: [] };
      }).then(function (data) {
        mentionBox = box;
        var keep = mentionAt;
        mentionShow(data.people || []);
        mentionAt = mentionList ? at : keep;
      }).catch(function () { /* completion is a nicety */ });
    }, 150);
  }

  function mentionKey(event) {
    if (!mentionList || event.target !== mentionBox) {
      return;
    }
    var n = mentionList.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      mentionPick = (mentionPick + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      mentionMark();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      mentionInsert(mentionList.children[mentionPick].getAttribute("data-social-user"));
      event.preventDefault();
    } else if (event.key === "Escape") {
      mentionClose();
    }
  }

  /* ---- passage comments ----
   *
   * A top-level comment may quote a passage of the page (its <li> carries
   * data-social-exact/-prefix/-suffix/-position and shows the quote, so
   * readers without JavaScript see it in the thread). Here each quote is
   * found again in the page (anchor.js), highlighted by wrapping pieces
   * of text nodes in <mark class="social-passage">, and given a margin
   * button with its number of comments; the button opens a panel with the
   * passage's threads (borrowed from the main list, which keeps working as
   * before). A quote that cannot be found stays in the main thread,
   * marked as on a passage that changed. Readers start a passage comment
   * by selecting text, or with a paragraph's margin button (keyboard). */

  var passages = { ui: null, groups: {}, order: [], open: null, paragraphs: [],
                   selection: null, selectButton: null };
  var PARAGRAPHS = "p, li, dd, dt, blockquote, td, th, pre, h2, h3, h4, h5, h6";

  function outsidePage(el) {
    return !!(el.closest && el.closest("#social, .social-marker, .social-passage-ui, .social-announce, .social-skip"));
  }

  /* Where a page's own text is not: its navigation, banners, footers and
   * forms (by element or ARIA role). */
  var NOT_CONTENT = "nav, header, footer, aside, form, menu, [role=navigation], [role=banner], " +
    "[role=contentinfo], [role=search], [role=menu], [role=menubar], [role=complementary]";
  var NOT_TEXT = "script, noscript, form, input, select, textarea, button, iframe, object, embed";

  /* Is el a block of the page's main text? Not navigation, a banner, a
   * footer or a form; holding no script or form control; not mostly links
   * (a legacy site's menu is a table cell of links); and inside the main
   * text where the page marks it (main, role=main, article). */
  function contentBlock(el, text) {
    if (el.closest(NOT_CONTENT) || el.querySelector(NOT_TEXT)) {
      return false;
    }
    var linked = 0;
    Array.prototype.forEach.call(el.querySelectorAll("a[href]"), function (a) {
      linked += window.SocialAnchor.normalize(a.textContent || "").length;
    });
    if (linked * 2 > text.length) {
      return false;
    }
    var main = document.querySelector("main, [role=main], article");
    return !main || !!el.closest("main, [role=main], article");
  }

  function skipElement(el) {
    return el.id === "social" || (el.classList && (el.classList.contains("social-marker")
        || el.classList.contains("social-passage-ui")
        || el.classList.contains("social-announce")
        || el.classList.contains("social-skip")));
  }

  function pageModel() {
    var A = window.SocialAnchor;
    return A.build(A.chunks(document.body, skipElement));
  }

  function shorten(text, n) {
    return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
  }

  /* The container of every button this feature adds: absolutely placed
   * and of no size, so the page's layout never moves. */
  function passageUi() {
    if (!passages.ui || !passages.ui.parentNode) {
      passages.ui = document.createElement("div");
      passages.ui.className = "social-passage-ui";
      /* Right after the page's main text where it marks it (main,
       * role=main, article), else just before the discussion: Tab
       * reaches the buttons after the text they belong to, never after
       * the footer. */
      var main = document.querySelector("main, [role=main], article");
      if (main && main.parentNode && !main.contains(root) && !outsidePage(main)) {
        main.parentNode.insertBefore(passages.ui, main.nextSibling);
      } else {
        root.parentNode.insertBefore(passages.ui, root);
      }
      passages.ui.setAttribute("data-social-theme", root.getAttribute("data-social-theme") || "light");
    }
    return passages.ui;
  }

  function clearHighlights() {
    Array.prototype.forEach.call(document.querySelectorAll("mark.social-passage"), function (m) {
      var parent = m.parentNode;
      if (!parent) { return; }
      while (m.firstChild) { parent.insertBefore(m.firstChild, m); }
      parent.removeChild(m);
      parent.normalize();
    });
  }

  function anchorOf(li) {
    return {
      exact: li.getAttribute("data-social-exact") || "",
      prefix: li.getAttribute("data-social-prefix") || "",
      suffix: li.getAttribute("data-social-suffix") || "",
      position: parseInt(li.getAttribute("data-social-position") || "0", 10) || 0
    };
  }

  /* Visible comments in the threads (replies included). */
  function commentCount(items) {
    var n = 0;
    items.forEach(function (li) {
      if (!li.classList.contains("social-tombstone")) { n++; }
      n += li.querySelectorAll("li.social-comment:not(.social-tombstone)").length;
    });
    return n;
  }

  /* A button; its accessible name (label) starts with what it shows
   * (WCAG 2.5.3), or, for a symbol such as "+", says what it does. No
   * label: the text it shows is its name. */
  function button(className, label, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    if (label) { b.setAttribute("aria-label", label); }
    b.textContent = text;
    return b;
  }

  /* Re-anchors every passage comment of the discussion now in root. */
  function refreshPassages() {
    var A = window.SocialAnchor;
    if (!A || !root || !document.body) {
      return;
    }
    clearHighlights();
    var ui = passageUi();
    ui.textContent = "";
    passages.groups = {};
    passages.order = [];
    passages.selectButton = null;
    var model = pageModel();
    Array.prototype.forEach.call(root.querySelectorAll("li.social-passage-comment"), function (li) {
      var found = A.locate(model.text, anchorOf(li));
      var label = li.querySelector(".social-quote-label");
      if (!found) {
        li.classList.add("social-orphan");
        if (label) { label.textContent = t("widget.passage_changed"); }
        return;
      }
      var key = found.start + "-" + found.end;
      var g = passages.groups[key];
      if (!g) {
        g = passages.groups[key] = { key: key, start: found.start, end: found.end,
                                     method: found.method, items: [], marks: [] };
        passages.order.push(g);
      }
      g.items.push(li);
      li.classList.add("social-anchored");
      li.setAttribute("data-social-passage", key);
      var quote = li.querySelector(".social-quote");
      if (quote && !quote.querySelector(".social-passage-goto")) {
        var go = button("social-link social-passage-goto", "", t("widget.passage_show"));
        go.setAttribute("data-social-passage", key);
        quote.appendChild(document.createTextNode(" "));
        quote.appendChild(go);
      }
    });
    passages.order.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    passages.order.forEach(function (g) {
      /* Wrapping splits text nodes but keeps the text: offsets in a
       * fresh model are the same, its nodes are the current ones. */
      g.marks = A.wrap(A.ranges(pageModel(), g.start, g.end), function () {
        var mark = document.createElement("mark");
        mark.className = "social-passage";
        mark.setAttribute("data-social-passage", g.key);
        return mark;
      });
      g.count = commentCount(g.items);
      g.exact = model.text.slice(g.start, g.end);
      g.button = button("social-passage-marker",
                        tn("widget.passage_count", g.count, { text: shorten(g.exact, 60) }),
                        words.number(g.count));
      g.button.setAttribute("aria-haspopup", "dialog");
      g.button.setAttribute("data-social-passage", g.key);
    });
    addParagraphButtons();
    orderButtons();
    positionPassages();
    if (passages.open) {
      var open = passages.open;
      passages.open = null;
      if (open.key && passages.groups[open.key]) {
        openPanel(open.key, null, open.opener, false);
      }
    }
  }

  function canComment() {
    return !!(root && root.querySelector("form.social-new"));
  }

  /* Leaf blocks of the page's own text get a margin button, shown on
   * hover and focus, to comment on the whole paragraph. */
  function addParagraphButtons() {
    passages.paragraphs = [];
    if (!canComment()) {
      return;
    }
    Array.prototype.forEach.call(document.body.querySelectorAll(PARAGRAPHS), function (el) {
      if (outsidePage(el) || el.querySelector(PARAGRAPHS)) {
        return;
      }
      var text = window.SocialAnchor.normalize(el.textContent || "");
      if (text.length < 20 || !contentBlock(el, text)) {
        return;
      }
      var b = button("social-paragraph-button",
                     t("widget.paragraph_comment", { text: shorten(text, 50) }), "+");
      b.setAttribute("aria-haspopup", "dialog");
      b.socialParagraph = el;
      passages.paragraphs.push({ el: el, button: b });
      b.addEventListener("click", function () {
        var range = document.createRange();
        range.selectNodeContents(el);
        var anchor = anchorFromRange(range);
        if (anchor) { openNew(anchor, b); }
      });
    });
  }

  /* Margin buttons in the order of the text they belong to, so Tab
   * walks them down the page. */
  function orderButtons() {
    var entries = [];
    passages.order.forEach(function (g) {
      if (g.marks.length) { entries.push({ node: g.marks[0], button: g.button }); }
    });
    passages.paragraphs.forEach(function (p) {
      entries.push({ node: p.el, button: p.button });
    });
    entries.sort(function (a, b) {
      if (a.node === b.node) { return 0; }
      /* a paragraph's own button before the passages inside it */
      return a.node.compareDocumentPosition(b.node) & 4 ? -1 : 1;
    });
    var ui = passageUi();
    entries.forEach(function (e) { ui.appendChild(e.button); });
  }

  function uiOffset() {
    var r = passageUi().getBoundingClientRect();
    return { left: r.left, top: r.top };
  }

  /* The block whose right edge the marker sits beside: a table as a
   * whole, not one of its cells (the next cell's text is there). */
  function blockOf(node) {
    var el = node.nodeType === 1 ? node : node.parentNode;
    while (el && el !== document.body) {
      var d = window.getComputedStyle(el).display;
      if (d !== "inline" && d !== "contents" && d.indexOf("table-") !== 0) { return el; }
      el = el.parentNode;
    }
    return document.body;
  }

  /* Margin buttons beside their text, clamped inside the viewport so
   * they never widen the page. */
  function positionPassages() {
    if (!passages.ui) { return; }
    var o = uiOffset();
    var width = document.documentElement.clientWidth;
    passages.order.forEach(function (g) {
      if (!g.marks.length || !g.button) { return; }
      var r = g.marks[0].getBoundingClientRect();
      var block = blockOf(g.marks[0]).getBoundingClientRect();
      g.button.style.top = (r.top - o.top) + "px";
      g.button.style.left = (Math.max(0, Math.min(block.right + 6, width - 34)) - o.left) + "px";
    });
    passages.paragraphs.forEach(function (p) {
      var r = p.el.getBoundingClientRect();
      p.button.style.top = (r.top - o.top) + "px";
      p.button.style.left = (Math.max(0, r.left - 30) - o.left) + "px";
    });
  }

  /* The anchor of a DOM range over the page's text, or null. */
  function anchorFromRange(range) {
    var A = window.SocialAnchor, m = pageModel(), start = -1, end = -1;
    m.chunks.forEach(function (c, k) {
      if (!c.node || !range.intersectsNode(c.node)) { return; }
      var s = c.node === range.startContainer ? range.startOffset : 0;
      var e = c.node === range.endContainer ? range.endOffset : c.node.nodeValue.length;
      var i = A.indexAt(m, k, s), j = A.indexAt(m, k, e);
      if (e <= s || j <= i) { return; }
      if (start < 0) { start = i; }
      end = j;
    });
    return start < 0 ? null : A.describe(m.text, start, end);
  }

  function hidden(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  function closePanel(restoreFocus) {
    var open = passages.open;
    if (!open) { return; }
    passages.open = null;
    open.borrowed.forEach(function (b) {
      if (b.placeholder.parentNode) {
        b.placeholder.parentNode.replaceChild(b.li, b.placeholder);
      }
    });
    if (open.panel.parentNode) { open.panel.parentNode.removeChild(open.panel); }
    if (restoreFocus) {
      var back = open.opener && document.contains(open.opener) ? open.opener : null;
      if (!back && open.key && passages.groups[open.key]) {
        back = passages.groups[open.key].button;
      }
      if (!back && open.paragraph) {
        passages.paragraphs.forEach(function (p) {
          if (p.el === open.paragraph) { back = p.button; }
        });
      }
      if (!back) { back = document.getElementById("social-heading"); }
      if (back) {
        if (!back.hasAttribute("tabindex") && back.tagName !== "BUTTON") {
          back.setAttribute("tabindex", "-1");
        }
        back.focus();
      }
    }
  }

  /* The panel of a passage: its threads (key names a group) and a form
   * for a new comment on it (anchor). */
  function openPanel(key, anchor, opener, moveFocus) {
    closePanel(false);
    var g = key ? passages.groups[key] : null;
    if (g && !anchor) {
      anchor = window.SocialAnchor.describe(pageModel().text, g.start, g.end);
    }
    if (!anchor) { return; }
    var panel = document.createElement("div");
    panel.className = "social-passage-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "social-passage-heading");
    var heading = document.createElement("h2");
    heading.id = "social-passage-heading";
    heading.className = "social-passage-heading";
    heading.setAttribute("tabindex", "-1");
    heading.textContent = g ? t("widget.passage_comments") : t("widget.comment_passage");
    var close = button("social-link social-passage-close", t("widget.passage_close_label"),
                       t("widget.close"));
    close.addEventListener("click", function () { closePanel(true); });
    var quote = document.createElement("blockquote");
    quote.className = "social-quote";
    var q = document.createElement("q");
    q.textContent = shorten(anchor.exact, 400);
    quote.appendChild(q);
    panel.appendChild(close);
    panel.appendChild(heading);
    panel.appendChild(quote);
    var borrowed = [];
    if (g) {
      var list = document.createElement("ol");
      list.className = "social-comments";
      g.items.forEach(function (li) {
        var placeholder = document.createComment("social passage comment");
        li.parentNode.insertBefore(placeholder, li);
        list.appendChild(li);
        borrowed.push({ li: li, placeholder: placeholder });
      });
      panel.appendChild(list);
    }
    var form0 = root.querySelector("form.social-new");
    var textarea = null;
    if (form0) {
      var form = form0.cloneNode(true);
      form.classList.remove("social-new");
      form.classList.add("social-passage-form");
      Array.prototype.forEach.call(form.querySelectorAll(".social-error"), function (e) {
        e.parentNode.removeChild(e);
      });
      textarea = form.querySelector("textarea");
      var label = form.querySelector("label");
      textarea.id = "social-passage-body";
      textarea.value = "";
      if (label) {
        label.setAttribute("for", "social-passage-body");
        label.textContent = g ? t("widget.passage_add") : t("widget.passage_yours");
      }
      form.appendChild(hidden("anchor_exact", anchor.exact));
      form.appendChild(hidden("anchor_prefix", anchor.prefix));
      form.appendChild(hidden("anchor_suffix", anchor.suffix));
      form.appendChild(hidden("anchor_position", String(anchor.position)));
      var submitButton = form.querySelector("button[type=submit]");
      if (submitButton) { submitButton.textContent = t("widget.passage_post"); }
      panel.appendChild(form);
    }
    root.insertBefore(panel, root.firstChild);
    passages.open = {
      key: key || (anchor.position + "-" + (anchor.position + anchor.exact.length)),
      opener: opener, panel: panel, borrowed: borrowed,
      paragraph: opener && opener.socialParagraph ? opener.socialParagraph : null
    };
    if (moveFocus) {
      (g || !textarea ? heading : textarea).focus();
    }
  }

  function openNew(anchor, opener) {
    var key = anchor.position + "-" + (anchor.position + anchor.exact.length);
    openPanel(passages.groups[key] ? key : null, anchor, opener, true);
  }

  function openGroup(key, opener) {
    if (passages.open && passages.open.key === key) {
      closePanel(true);
      return;
    }
    openPanel(key, null, opener, true);
  }

  /* A selection in the page offers a "Comment on this passage" button. */
  function selectionChanged() {
    var sel = window.getSelection ? window.getSelection() : null;
    if (passages.selectButton && passages.selectButton.parentNode) {
      passages.selectButton.parentNode.removeChild(passages.selectButton);
    }
    passages.selectButton = null;
    passages.selection = null;
    if (!sel || sel.isCollapsed || !sel.rangeCount || !canComment()) {
      return;
    }
    var range = sel.getRangeAt(0);
    var container = range.commonAncestorContainer;
    var el = container.nodeType === 1 ? container : container.parentNode;
    if (!el || outsidePage(el) || !document.body.contains(el)) {
      return;
    }
    var anchor = anchorFromRange(range);
    if (!anchor) {
      return;
    }
    var rects = range.getClientRects();
    var last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    var o = uiOffset();
    var b = button("social-select-button", "", t("widget.comment_passage"));
    b.setAttribute("aria-haspopup", "dialog");
    b.style.top = (last.bottom + 4 - o.top) + "px";
    b.style.left = (Math.max(0, Math.min(last.right - 40,
                    document.documentElement.clientWidth - 200)) - o.left) + "px";
    /* Pressing it must not clear the selection first. */
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });
    b.addEventListener("click", function () {
      var chosen = passages.selection;
      if (b.parentNode) { b.parentNode.removeChild(b); }
      passages.selectButton = null;
      if (chosen) { openNew(chosen, null); }
    });
    passageUi().appendChild(b);
    passages.selectButton = b;
    passages.selection = anchor;
  }

  function passageClick(event) {
    var t = event.target;
    var marker = t.closest ? t.closest(".social-passage-marker, .social-passage-goto, mark.social-passage") : null;
    if (!marker) { return; }
    var sel = window.getSelection ? window.getSelection() : null;
    if (marker.tagName === "MARK" && sel && !sel.isCollapsed) {
      return;   /* the reader is selecting text, not opening the thread */
    }
    var key = marker.getAttribute("data-social-passage");
    var g = passages.groups[key];
    if (!g) { return; }
    if (marker.classList.contains("social-passage-goto") && g.marks.length) {
      g.marks[0].scrollIntoView({ block: "center" });
    }
    openGroup(key, g.button || marker);
  }

  function initPassages() {
    if (!window.SocialAnchor) {
      return;
    }
    var timer = null, sizing = null;
    document.addEventListener("click", passageClick);
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(selectionChanged, 200);
    });
    document.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && passages.open) {
        closePanel(true);
      }
    });
    document.addEventListener("mouseover", function (e) {
      passages.paragraphs.forEach(function (p) {
        p.button.classList.toggle("social-show", p.el.contains(e.target) || p.button === e.target);
      });
    });
    window.addEventListener("resize", function () {
      if (sizing) { return; }
      sizing = window.requestAnimationFrame(function () { sizing = null; positionPassages(); });
    });
    /* Late images and fonts move text: place the buttons again. */
    window.addEventListener("load", positionPassages);
  }

  /* The anchoring code is only fetched by pages with the widget, and
   * after it: the page block stays one script tag. */
  function loadAnchoring() {
    if (window.SocialAnchor) {
      initPassages();
      refreshPassages();
      return;
    }
    var src = ownSrc.replace(/social\.js([?#].*)?$/, "anchor.js");
    if (!src || src === ownSrc) {
      return;
    }
    var s = document.createElement("script");
    s.src = src;
    s.onload = function () {
      initPassages();
      refreshPassages();
    };
    (document.head || document.documentElement).appendChild(s);
  }

  /* SocialTheme Auto: dark only where the page itself is dark, judged by
   * the background the page really shows behind the block (the reader's
   * OS preference alone does not make a light page dark). */
  function pageIsDark() {
    var el = root.parentNode;
    while (el && el.nodeType === 1) {
      var bg = window.getComputedStyle(el).backgroundColor;
      var m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(bg || "");
      if (m && (m[4] === undefined || parseFloat(m[4]) > 0.5)) {
        var lum = [m[1], m[2], m[3]].map(function (v) {
          v = parseFloat(v) / 255;
          return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] < 0.2;
      }
      el = el.parentNode;
    }
    return false;   /* nothing painted: the browser's white canvas */
  }

  function applyTheme() {
    var theme = root.getAttribute("data-social-theme") || "auto";
    if (theme === "auto") {
      theme = pageIsDark() ? "dark" : "light";
    }
    root.setAttribute("data-social-theme", theme);
    /* polls and counts elsewhere in the page: on their placeholders,
     * which outlive the poll's HTML swapped in after a vote */
    Array.prototype.forEach.call(document.querySelectorAll(".social-marker"), function (el) {
      el.setAttribute("data-social-theme", theme);
    });
  }

  /* A skip link first in the page's tab order, to the discussion. */
  function addSkipLink() {
    if (!document.body || document.querySelector(".social-skip")) {
      return;
    }
    var a = document.createElement("a");
    a.className = "social-skip";
    a.href = "#social-heading";
    a.textContent = t("widget.skip_link");
    a.addEventListener("click", function (e) {
      var heading = document.getElementById("social-heading") || root;
      e.preventDefault();
      heading.setAttribute("tabindex", "-1");
      heading.focus();
      heading.scrollIntoView({ block: "start" });
    });
    document.body.insertBefore(a, document.body.firstChild);
  }

  function init() {
    words = makeWords(window.SocialMessages || null);
    window.SocialWidget = { t: t, tn: tn, refreshTimes: refreshTimes, lang: words.lang };
    root = document.getElementById("social");
    keepTimesFresh();
    if (!root || root.getAttribute("data-social-ready") === "1") {
      return;
    }
    endpoint = root.getAttribute("data-social-endpoint") || "/_social";
    page = root.getAttribute("data-social-page") || location.pathname;
    root.setAttribute("data-social-ready", "1");
    root.classList.add("social-ready");
    applyTheme();
    addSkipLink();
    document.addEventListener("submit", submit);
    document.addEventListener("click", click);
    document.addEventListener("input", mentionInput);
    document.addEventListener("input", countInput);
    document.addEventListener("input", mentionWarnInput);
    document.addEventListener("keydown", mentionKey);
    document.addEventListener("social:updated", function () {
      markComboboxes();
      enableCopy(root);
      countAll(root);
      refreshTimes();
    });
    if (root.getAttribute("data-social-render") === "deferred" && !root.firstElementChild) {
      loadDiscussion();
    } else {
      markComboboxes();
      enableCopy(root);
      countAll(root);
      refreshPassages();
    }
    loadAnchoring();
    loadCounts();
    loadPolls();
    loadIdeas();
    if (window.fetch && parseInt(root.getAttribute("data-social-live"), 10) > 0) {
      liveCheck();
    }
  }

  /* The messages come before this file; without them (a page cached
   * from before, or a failed load) the English ones beside this file. */
  function start() {
    var src = ownSrc.replace(/social\.js([?#].*)?$/, "messages-en.js");
    if (window.SocialMessages || !src || src === ownSrc) {
      ready(init);
      return;
    }
    var s = document.createElement("script");
    s.src = src;
    s.onload = s.onerror = function () { ready(init); };
    (document.head || document.documentElement).appendChild(s);
  }

  start();
}());
