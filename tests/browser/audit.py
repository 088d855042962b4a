"""What every page must pass: axe-core, and the checks axe does not make.

axe-core comes pinned inside the axe-playwright-python package (its
axe.min.js); like that package, we run it with page.evaluate, which the
page's Content Security Policy does not apply to, so the app's CSP stays as
strict as in production.
"""

import hashlib

from axe_playwright_python.base import AXE_SCRIPT, AxeResults

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# On top of the WCAG rules, axe's structural rules (tagged best-practice,
# so not in the tags above): headings in order, one h1, one main landmark.
STRUCTURE_RULES = ["heading-order", "page-has-heading-one", "landmark-one-main"]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
    "resultTypes": ["violations"],
}

# The checks axe does not make, run in the page; each returns a list of
# problems in words.
OWN_CHECKS = """() => {
  const problems = [];
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${text.slice(0, 60)}"`;
  };

  // The page is in Dutch.
  if (document.documentElement.lang !== "nl") {
    problems.push(`the page language is "${document.documentElement.lang}", not "nl"`);
  }

  // Every error message is tied to its field: a control or fieldset names
  // it in aria-describedby, and a control with an error is marked invalid.
  for (const message of document.querySelectorAll(".utrecht-form-field-error-message")) {
    const owners = message.id ? [...document.querySelectorAll("[aria-describedby]")].filter(
      (el) => el.getAttribute("aria-describedby").split(/\\s+/).includes(message.id)) : [];
    if (!owners.length) {
      problems.push(`the error "${message.innerText.trim()}" is tied to no field (aria-describedby)`);
    }
    for (const owner of owners) {
      if (owner.matches("input, select, textarea") && owner.getAttribute("aria-invalid") !== "true") {
        problems.push(`${describe(owner)} shows an error but is not aria-invalid`);
      }
    }
  }
  // Each link in an error summary leads to a field that takes the focus.
  for (const link of document.querySelectorAll(".utrecht-alert--error a[href^='#']")) {
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target || !target.matches("input, select, textarea, button")) {
      problems.push(`the error summary link ${describe(link)} leads to no field (${link.hash})`);
    }
  }

  // Every element the Tab key reaches shows where the focus is: an outline
  // or a shadow it does not have without the focus, on screen.
  const tabbable = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility());
  const look = (el) => {
    const style = getComputedStyle(el);
    return {outline: style.outlineStyle === "none" ? "none" : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
            outlineWidth: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
            shadow: style.boxShadow};
  };
  for (const el of tabbable) {
    if (el === document.activeElement) { el.blur(); }
    const unfocused = look(el);
    el.focus({preventScroll: true});
    if (document.activeElement !== el) { problems.push(`${describe(el)} cannot take the focus`); continue; }
    const focused = look(el);
    const rect = el.getBoundingClientRect();
    const onScreen = rect.width > 0 && rect.height > 0 && rect.right + window.scrollX > 0 && rect.bottom + window.scrollY > 0;
    // The browser's own focus ring (outline-style auto) or an outline of 2px or more.
    const outline = (focused.outline.startsWith("auto") || focused.outlineWidth >= 2) && focused.outline !== unfocused.outline;
    const shadow = focused.shadow !== "none" && focused.shadow !== unfocused.shadow;
    if (!el.matches(":focus-visible") || !(outline || shadow) || !onScreen) {
      problems.push(`${describe(el)} shows no visible focus (outline ${focused.outline}, shadow ${focused.shadow})`);
    }
  }
  // Back to the start of the page, as after loading: the next Tab goes to
  // the first element again.
  document.body.tabIndex = -1;
  document.body.focus({preventScroll: true});
  document.body.removeAttribute("tabindex");
  window.scrollTo(0, 0);
  return problems;
}"""


# The page as axe sees it, less what changes on every load (CSRF tokens, the
# random ids of the filter boxes that static/js/app.js adds) and the texts
# `same_despite` names.
PAGE_STATE = """(sameDespite) => {
  let html = document.documentElement.outerHTML
    .replace(/(name="csrf_token"[^>]*value=")[^"]*/g, "$1")
    .replace(/"filter-[0-9a-z]+"/g, '"filter-"');
  for (const text of sameDespite) { html = html.split(text).join("…"); }
  return html;
}"""

# What axe found ("" for nothing) per page state in this test run. The same
# DOM gives the same result, so a page seen before is not run through axe
# again: the keyboard run of a journey repeats the mouse run, every "Geen
# toegang" page of a role is alike, and many pages differ between roles only
# in the header's "name · role". The checks above always run.
_axe_reports: dict[str, str] = {}
_axe_running: dict[str, "Audit"] = {}


class Audit:
    """The checks on a page as it is now. Ours run at once; axe starts in the
    page and runs on while the test carries on in other tabs (the sweep
    opens a page for every role before collecting the results, so the
    browser works on them side by side)."""

    def __init__(self, page, same_despite: tuple[str, ...] = ()):
        """`same_despite`: texts (plain text, such as the logged-in user's
        name and role in the header) that do not make a page new for axe."""
        self.page = page
        # An axe run this tab started on the page it showed before (left
        # uncollected when a test failed) ended with that page.
        for state, running in list(_axe_running.items()):
            if running.page is page:
                del _axe_running[state]
        self.state = hashlib.sha256(page.evaluate(PAGE_STATE, list(same_despite)).encode()).hexdigest()
        # One key press first, as a keyboard user would: the browser shows
        # focus rings (:focus-visible) only once the keyboard is in use.
        page.keyboard.press("Tab")
        self.problems = page.evaluate(OWN_CHECKS)
        self.runs_axe = self.state not in _axe_reports and self.state not in _axe_running
        if self.runs_axe:
            _axe_running[self.state] = self
            page.evaluate(AXE_SCRIPT)
            page.evaluate("""options => {
              window.ltAxeResults = new Promise(resolve => setTimeout(resolve, 0)).then(() => axe.run(options));
            }""", AXE_OPTIONS)

    def _axe_report(self) -> str:
        if self.state in _axe_running:
            running = _axe_running.pop(self.state)
            results = AxeResults(running.page.evaluate("() => window.ltAxeResults"))
            _axe_reports[self.state] = results.generate_report() if results.violations_count else ""
        return _axe_reports[self.state]

    def finish(self) -> None:
        """Fails with a readable report when the page has any accessibility problem."""
        report = [self._axe_report(), *self.problems]
        report = [line for line in report if line]
        assert not report, f"accessibility problems on {self.page.url}:\n" + "\n".join(report)


def audit(page, same_despite: tuple[str, ...] = ()) -> None:
    Audit(page, same_despite).finish()
