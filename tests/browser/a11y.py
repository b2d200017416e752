"""Accessibility checks for the browser tests: axe-core plus the checks axe cannot make.

axe-core comes bundled with the PyPI package axe-playwright-python and is injected into the
page by the test (nothing is fetched at run time). Each audited page is gathered for the end of
the run (tests/summaries.py, under the name "a11y-audit"); tests/conftest.py then prints the list
and writes it to test-artifacts/a11y-audit.txt (`write_audit_report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from tests.browser.pages import ANONYMOUS, PAGE_KEYS, ROLES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe files these under "best-practice", not under a WCAG tag; they check what the issue asks
# for too (headings in order, one h1, landmarks, the skip link), so they run as well.
# Landmarks: one main, one banner, one contentinfo, each at the top level and each unique.
LANDMARK_RULES = [
    "landmark-one-main",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
]
EXTRA_RULES = [
    "heading-order",
    "page-has-heading-one",
    "empty-heading",
    *LANDMARK_RULES,
    "skip-link",
    "empty-table-header",
    "aria-allowed-role",
]
# "All content inside landmarks" (best practice too) is slow on long pages (seconds on the
# dashboard) and depends on the layout in base.html, not on the role: it runs once per page.
ONCE_PER_PAGE_RULES = ["region"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
    "resultTypes": ["violations"],
}

_axe = Axe()


@dataclass
class AuditEntry:
    role: str
    page: str
    path: str
    status: int | None
    violations: int
    rules: list[str] = field(default_factory=list)
    other_problems: int = 0


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _report_order(entry: dict) -> tuple:
    """Role by role (as pages.py lists them), each page in the order of PAGES, then the states
    and pages audited beside them (htmx swaps, forms with errors, error pages) by name."""
    roles = [ANONYMOUS, *ROLES]
    role = roles.index(entry["role"]) if entry["role"] in roles else len(roles)
    page = PAGE_KEYS.index(entry["page"]) if entry["page"] in PAGE_KEYS else len(PAGE_KEYS)
    return (role, entry["role"], page, entry["page"], entry["path"])


def write_audit_report(entries: list[dict]) -> list[str]:
    """The audit's list of pages and their violation counts, whichever order (and whichever
    xdist worker) they were audited in; written to test-artifacts/a11y-audit.txt."""
    lines = [f"{'role':<14} {'page':<40} {'HTTP':>4} {'axe':>4} {'other':>5}  path"]
    entries = sorted(entries, key=_report_order)
    for entry in entries:
        lines.append(
            f"{entry['role']:<14} {entry['page']:<40} {entry['status'] or '':>4} "
            f"{entry['violations']:>4} {entry['other_problems']:>5}  {entry['path']}"
            + (f"  [{', '.join(entry['rules'])}]" if entry["rules"] else "")
        )
    total = sum(entry["violations"] + entry["other_problems"] for entry in entries)
    lines.append(f"{len(entries)} pages and states audited, {total} violations in all.")
    lines.append(
        "axe: axe-core violations (tags wcag2a, wcag2aa, wcag21a, wcag21aa and the best-practice"
        " rules in tests/browser/a11y.py); other: our own checks (lang, one h1, heading order,"
        " ids, skip link, errors tied to fields, statement link, no page scroll at 640/320 px)."
        " HTTP 403: the role may not open the page; its 403 page is what was audited."
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "a11y-audit.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def _run_axe(page, context, options) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)  # once per document
    return page.evaluate("([c, o]) => axe.run(c, o)", [context, options])["violations"]


# Most roles see the same <main> on a page, under their own header and menu. Element-level
# results inside <main> depend only on its markup and the (shared) style sheets, so <main>
# markup that was fully audited already (csrf tokens aside, at the same width) is not audited
# again element by element: axe then checks everything outside <main>, plus the rules that
# judge the document as a whole, on the whole page. (color-contrast alone takes seconds on
# the dashboard.) `_main_audited` only saves time: markup found clean at a width is clean again,
# so no outcome depends on which test audited it first.
_MAIN_MARKUP_JS = """
() => {
  const main = document.querySelector("main");
  if (!main) return null;
  const copy = main.cloneNode(true);
  copy.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((i) => i.remove());
  return `${window.innerWidth}|${copy.outerHTML}`;
}
"""
DOCUMENT_RULES = [
    "document-title",
    "html-has-lang",
    "html-lang-valid",
    "html-xml-lang-mismatch",
    "bypass",
    "skip-link",
    "duplicate-id-aria",
    "heading-order",
    "page-has-heading-one",
    *LANDMARK_RULES,
]
_main_audited: set[int] = set()


def axe_once_per_page_violations(page) -> list[dict]:
    options = {"runOnly": {"type": "rule", "values": ONCE_PER_PAGE_RULES}}
    return _run_axe(page, {"include": [["html"]]}, options)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; the list of violations (empty when clean)."""
    markup = page.evaluate(_MAIN_MARKUP_JS)
    key = hash(markup) if markup else None
    if key is None or key not in _main_audited:
        violations = _run_axe(page, {"include": [["html"]]}, AXE_OPTIONS)
        if key is not None and not violations:
            _main_audited.add(key)
        return violations
    rules = {**AXE_OPTIONS["rules"], **{rule: {"enabled": False} for rule in DOCUMENT_RULES}}
    outside_main = {"include": [["html"]], "exclude": [["main"]]}
    document = {"runOnly": {"type": "rule", "values": DOCUMENT_RULES}}
    return _run_axe(page, outside_main, {**AXE_OPTIONS, "rules": rules}) + _run_axe(
        page, {"include": [["html"]]}, document
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


# The checks axe does not make (or makes only as best practice), in one round trip:
# lang="da", exactly one h1, no skipped heading level, no duplicate id, the skip link as the
# first focusable element and pointing at <main>, every error message tied to its field with
# aria-describedby, and the footer's link to the accessibility statement.
_PAGE_CHECKS_JS = """
() => {
  const problems = [];
  const text = (el) => (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  const lang = document.documentElement.getAttribute("lang");
  if (lang !== "da") problems.push(`<html lang> is "${lang}", not "da"`);

  const rendered = (el) => el.getClientRects().length > 0;
  const headings = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6,[role=heading]")]
    .filter(rendered);
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) problems.push(`${h1s.length} <h1> elements (want exactly one)`);
  let previous = 0;
  for (const h of headings) {
    const level = h.hasAttribute("aria-level")
      ? Number(h.getAttribute("aria-level"))
      : Number(h.tagName.slice(1));
    if (previous === 0 && level !== 1) {
      problems.push(`the first heading is h${level}: "${text(h)}"`);
    }
    if (previous && level > previous + 1) {
      problems.push(`h${level} "${text(h)}" follows h${previous} (a level is skipped)`);
    }
    previous = level;
  }

  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push(`duplicate id "${el.id}"`);
    seen.add(el.id);
  }

  const focusable = document.querySelector(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[tabindex]:not([tabindex='-1'])"
  );
  const main = document.getElementById("main-content");
  if (!focusable || !focusable.matches("a.skipnav[href='#main-content']")) {
    problems.push("the first focusable element is not the skip link to #main-content");
  }
  if (!main || main.tagName !== "MAIN") problems.push("#main-content is not the <main> element");

  for (const error of document.querySelectorAll(".form-error-message")) {
    const tied = error.id && document.querySelector(`[aria-describedby~="${error.id}"]`);
    if (!tied) problems.push(`error message "${text(error)}" is not tied to a field`);
  }
  const statement = [...document.querySelectorAll("footer a")].find(
    (a) => text(a) === "Tilgængelighedserklæring"
  );
  if (!statement) problems.push("no footer link \\"Tilgængelighedserklæring\\"");
  return { problems, statementUrl: statement ? statement.getAttribute("href") : null };
}
"""


def page_checks(page) -> dict:
    return page.evaluate(_PAGE_CHECKS_JS)


_OVERFLOW_JS = """
(width) => {
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return { scrollWidth, culprits: [] };
  // What sticks out, ignoring what sits inside a box that scrolls by itself.
  const culprits = [];
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (rect.right <= width + 0.5 || rect.width === 0) continue;
    // An absolutely positioned element is clipped by a scroller only if the scroller is (or
    // contains) its containing block.
    const absolute = ["absolute", "fixed"].includes(getComputedStyle(el).position);
    let box = absolute ? el.offsetParent : el.parentElement, inScroller = false;
    while (box && box !== document.body) {
      const overflowX = getComputedStyle(box).overflowX;
      if (overflowX === "auto" || overflowX === "scroll" || overflowX === "hidden") {
        inScroller = true;
        break;
      }
      box = box.parentElement;
    }
    if (inScroller) continue;
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (classes ? "." + classes.split(/\\s+/).join(".") : "");
    culprits.push(`${name} (right edge ${Math.round(rect.right)} px)`);
    if (culprits.length >= 6) break;
  }
  return { scrollWidth, culprits };
}
"""

_NEXT_FRAME_JS = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def focus_document_start(page) -> None:
    """Put the keyboard's starting point at the top of the document (as when a page has just
    loaded, whatever field has autofocus): the next Tab goes to the first focusable element."""
    page.evaluate(
        """() => {
          document.body.setAttribute("tabindex", "-1");
          document.body.focus();
          document.body.removeAttribute("tabindex");
        }"""
    )


def set_width(page, width: int, height: int = 800) -> None:
    """Resize the viewport and let the page settle (layout, ResizeObserver callbacks)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(_NEXT_FRAME_JS)


def horizontal_overflow(page, width: int, height: int = 800) -> dict:
    """Lay the page out `width` CSS pixels wide; how wide the document is and what sticks out.

    640 px is a 1280-px window at 200 % zoom; 320 px is WCAG 1.4.10's reflow width (1280 px
    at 400 %).
    """
    set_width(page, width, height)
    return page.evaluate(_OVERFLOW_JS, width)


def open_all_details(page) -> None:
    """Open every <details> (e.g. "Vis som tabel") so that axe also checks what they hide."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.evaluate(_NEXT_FRAME_JS)


# Focus visibility: Tab through the page; every element that receives focus must look
# different from its unfocused self (outline or box shadow, on the element or, for DKFDS's
# visually hidden radios and checkboxes, on its label's ::before box).
_FOCUS_SNAPSHOT_JS = """
() => {
  const style = (el) => {
    const s = getComputedStyle(el);
    let label = null;
    if (el.matches("input[type=radio], input[type=checkbox]") && el.id) {
      const l = document.querySelector(`label[for="${el.id}"]`);
      if (l) {
        const b = getComputedStyle(l, "::before");
        label = [b.outlineStyle, b.outlineWidth, b.outlineColor, b.boxShadow].join("|");
      }
    }
    return {
      outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
        ? [s.outlineStyle, s.outlineWidth, s.outlineColor].join(" ") : "none",
      shadow: s.boxShadow,
      label,
    };
  };
  window.__focusStyle = style;
  const all = [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
  )];
  window.__unfocused = new Map(all.map((el) => [el, style(el)]));
  return all.length;
}
"""

_FOCUS_NOW_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const before = window.__unfocused.get(el);
  const now = window.__focusStyle(el);
  const classes = typeof el.className === "string" ? el.className.trim() : "";
  const label = (el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  const describe = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (classes ? "." + classes.split(/\\s+/).join(".") : "") + ` "${label}"`;
  if (!before) return { describe, visible: now.outline !== "none", now, before: null };
  const visible = (now.outline !== "none" && now.outline !== before.outline)
    || (now.shadow !== before.shadow && now.shadow !== "none")
    || (now.label !== null && now.label !== before.label);
  return { describe, visible, now, before };
}
"""


def focus_problems(page, max_tabs: int = 150) -> tuple[int, list[str]]:
    """Tab through the page (keyboard focus, so :focus-visible applies); (count, problems)."""
    # Start at the top, whatever has autofocus: nothing focused for the snapshot, then the
    # first element, then Tab on.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate(_FOCUS_SNAPSHOT_JS)
    page.evaluate("() => document.querySelector('a[href], button, input, select').focus()")
    problems, visited = [], []
    for step in range(max_tabs):
        if step:
            page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_NOW_JS)
        if state is None:
            break  # past the last element
        key = state["describe"]
        if visited and key == visited[0]:
            break  # wrapped around to the first element
        if visited and key == visited[-1]:
            continue  # Tab within one control (a date input's day, month, year, picker)
        visited.append(key)
        if not state["visible"]:
            problems.append(f"{key}: no visible focus ({state['now']} vs {state['before']})")
    return len(visited), problems
