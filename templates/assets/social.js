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

  var root, endpoint, page, announcer;

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

  function showError(form, text) {
    var box = form.querySelector(".social-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "social-error";
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    box.textContent = text;
    announce(text);
  }

  /* Replaces the discussion with fresh HTML from the server and puts
   * focus where the reader's attention belongs. */
  function swap(html, focusId) {
    root.innerHTML = html;
    var live = root.querySelector(".social-live");
    if (live && live.textContent) {
      announce(live.textContent);
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
      return "Sorry, that did not work (HTTP " + response.status + ").";
    });
  }

  /* Where the server's answer to a form goes: a poll's own box, or the
   * whole discussion. */
  function regionOf(form) {
    var poll = form.closest ? form.closest(".social-marker-poll") : null;
    return poll || (root && root.contains(form) ? root : null);
  }

  /* form.action would name an <input name="action"> inside the form. */
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
    var question = form.getAttribute("data-social-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!window.fetch || !window.URLSearchParams || !window.FormData) {
      return; /* the plain form post still works */
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    var parent = form.querySelector("input[name=parent]");
    var action = form.querySelector("input[name=action]");
    var li = form.closest ? form.closest("li.social-comment") : null;
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
        var focusId = null;
        if (action && action.value !== "delete" && li) {
          focusId = li.id;
        } else if (parent) {
          focusId = null;
        }
        swap(html, focusId);
        if (!focusId) {
          /* A new comment is the last of its thread: show it. */
          var mine = root.querySelectorAll("li.social-mine");
          var last = mine.length ? mine[mine.length - 1] : null;
          if (last && !(action && action.value === "delete")) {
            last.setAttribute("tabindex", "-1");
            last.focus();
          }
        }
      });
    }).catch(function () {
      if (button) { button.disabled = false; }
      showError(form, "The network is unavailable; your text is still here, try again.");
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
        var heading = region.querySelector(".social-poll-question");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      });
    }).catch(function () {
      if (button) { button.disabled = false; }
      showError(form, "The network is unavailable; try again.");
    });
  }

  /* Polls left empty by the server (Deferred) are fetched one by one. */
  function loadPolls() {
    var boxes = document.querySelectorAll(".social-marker-poll[data-social-name]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.firstElementChild) {
        return;
      }
      fetch(endpoint + "/poll?page=" + encodeURIComponent(page) + "&name=" +
            encodeURIComponent(box.getAttribute("data-social-name")), {
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

  function click(event) {
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
    var b = event.target.closest ? event.target.closest("[data-social-copy]") : null;
    if (!b || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(b.getAttribute("data-social-copy")).then(function () {
      announce("Link copied");
    }, function () {
      announce("Copy the link from the box next to the button");
    });
  }

  function loadDiscussion() {
    fetch(endpoint + "/fragment?page=" + encodeURIComponent(page), {
      credentials: "same-origin",
      headers: { "X-Social-Fragment": "1" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    }).then(function (html) {
      root.innerHTML = html;
      document.dispatchEvent(new CustomEvent("social:updated", { detail: { page: page } }));
    }).catch(function () {
      root.innerHTML = "<p class=\"social-unavailable\">The discussion could not be loaded.</p>";
    });
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
          a.href = m.getAttribute("data-social-page") + "#social";
          a.textContent = info.comments + (info.comments === 1 ? " comment" : " comments");
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
    mentionList.setAttribute("role", "listbox");
    people.forEach(function (person, k) {
      var li = document.createElement("li");
      li.id = "social-mention-" + k;
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
    mentionMark();
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

  function init() {
    root = document.getElementById("social");
    if (!root || root.getAttribute("data-social-ready") === "1") {
      return;
    }
    endpoint = root.getAttribute("data-social-endpoint") || "/_social";
    page = root.getAttribute("data-social-page") || location.pathname;
    root.setAttribute("data-social-ready", "1");
    root.classList.add("social-ready");
    document.addEventListener("submit", submit);
    document.addEventListener("click", click);
    document.addEventListener("input", mentionInput);
    document.addEventListener("keydown", mentionKey);
    document.addEventListener("social:updated", function () { enableCopy(root); });
    if (root.getAttribute("data-social-render") === "deferred" && !root.firstElementChild) {
      loadDiscussion();
    } else {
      enableCopy(root);
    }
    loadCounts();
    loadPolls();
  }

  ready(init);
}());
