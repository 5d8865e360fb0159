/* mod_social widget: progressive enhancement, no framework, no build step.
 * The block the filter wrote works without this file; this script only
 * improves it in place. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function init() {
    var root = document.getElementById("social");
    if (!root || root.getAttribute("data-social-ready") === "1") {
      return;
    }
    root.setAttribute("data-social-ready", "1");
    root.className += " social-ready";
    if (!root.firstChild) {
      var title = document.createElement("h2");
      title.className = "social-title";
      title.textContent = "Discussion";
      root.appendChild(title);
      var status = document.createElement("p");
      status.className = "social-status";
      status.setAttribute("aria-live", "polite");
      status.textContent = "Comments, likes and polls for this page appear here.";
      root.appendChild(status);
    }
  }

  ready(init);
}());
