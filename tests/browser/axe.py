"""axe-core for the browser tests.

axe-core comes from the npm registry at test time (npm's own configured
registry), into tests/browser/.axe, which git ignores; nothing of it is
vendored into the module. A version already there is reused. It is given
to the page through selenium (the DevTools protocol), never as a script
element, so it also runs in a browser whose page scripts are off.
"""

import json
import os
import subprocess

AXE_VERSION = "4.10.3"
HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = os.path.join(HERE, ".axe")
AXE_JS = os.path.join(PREFIX, "node_modules", "axe-core", "axe.min.js")

# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _installed_version():
    try:
        with open(os.path.join(PREFIX, "node_modules", "axe-core", "package.json")) as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def source():
    """The text of axe.min.js, installing axe-core first if needed."""
    if _installed_version() != AXE_VERSION:
        os.makedirs(PREFIX, exist_ok=True)
        result = subprocess.run(
            ["npm", "install", "--prefix", PREFIX, "--no-save", "--no-audit", "--no-fund",
             "--no-package-lock", "axe-core@" + AXE_VERSION],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or _installed_version() != AXE_VERSION:
            raise RuntimeError("npm could not install axe-core %s (is npm installed? "
                               "scripts/deps installs it):\n%s%s"
                               % (AXE_VERSION, result.stdout, result.stderr))
    with open(AXE_JS, encoding="utf-8") as f:
        return f.read()


RUN_JS = """
var context = arguments[0], options = arguments[1], done = arguments[arguments.length - 1];
axe.run(context || document, options).then(function (r) {
  done(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(function (n) {
              return {target: n.target.join(' '), html: n.html.slice(0, 200),
                      summary: n.failureSummary}; })};
  }));
}, function (e) { done({error: String(e)}); });
"""


def violations(browser, axe_source, context=None, disable=()):
    """axe's violations on the loaded page (or within context, an axe
    context such as {"include": [["#social"]]}), as plain dicts."""
    if not browser.execute_script("return typeof window.axe === 'object';"):
        browser.execute_script(axe_source + "\n;window.axe = axe;")
    browser.set_script_timeout(60)
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    found = browser.execute_async_script(RUN_JS, context, options)
    if isinstance(found, dict) and "error" in found:
        raise AssertionError("axe failed: " + found["error"])
    return found


def describe(found):
    lines = []
    for v in found:
        lines.append("%s (%s): %s" % (v["id"], v["impact"], v["help"]))
        for n in v["nodes"][:6]:
            lines.append("    %s  %s" % (n["target"], n["html"]))
            if n.get("summary"):
                lines.append("      " + n["summary"].replace("\n", "\n      "))
    return "\n".join(lines)
