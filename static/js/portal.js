// Small enhancements on top of server-rendered pages. Everything works without this file.
(function () {
  "use strict";

  // DKFDS's header menu (dkfds.js): below DKFDS's lg breakpoint the "Menu" button opens the
  // mobile drawer (focus kept inside, Escape and "Luk" close it); on a desktop, entries that do
  // not fit move under a "more" button. Without this script static/css/phones.css shows the
  // menu's links in the header instead.
  if (window.DKFDS && document.querySelector(".js-menu-open")) {
    new window.DKFDS.Navigation().init();
    // DKFDS writes the "more" button's text in Danish; the page's own word for it.
    var more = document.querySelector(".navigation-menu .more-button > span");
    var moreLabel = document.querySelector(".navigation-menu [data-more-label]");
    if (more && moreLabel) more.textContent = moreLabel.getAttribute("data-more-label");
  }

  // After htmx swaps content in, move focus to it and announce it, so keyboard and
  // screen-reader users follow the change (WCAG 2.4.3, 4.1.3).
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    if (!target || !target.querySelector) return;
    var focusable = target.matches("[data-focus-after-swap]")
      ? target
      : target.querySelector("[data-focus-after-swap]");
    if (focusable) {
      focusable.focus();
      var live = document.getElementById("live-region");
      if (live) {
        live.textContent = "";
        window.setTimeout(function () {
          live.textContent = focusable.textContent.trim();
        }, 50);
      }
    }
  });

  // A wide table scrolls inside its own box (.table--responsive-scroll) rather than the page
  // (WCAG 1.4.10). While it does, the box is a focusable group named by the table's caption
  // (or a chart's SVG title), so it can be scrolled with the keyboard too (WCAG 2.1.1); when it
  // fits, it is no tab stop.
  var scrollerCount = 0;
  function markScroller(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("data-scroller")) {
      var caption = box.querySelector("caption") || box.querySelector("svg > title");
      if (caption) {
        if (!caption.id) caption.id = "table-caption-" + ++scrollerCount;
        box.setAttribute("aria-labelledby", caption.id);
      }
      box.setAttribute("role", "group"); // not a region: no landmark per table
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroller", "");
    } else if (!scrolls && box.hasAttribute("data-scroller")) {
      ["role", "tabindex", "aria-labelledby", "data-scroller"].forEach(function (name) {
        box.removeAttribute(name);
      });
    }
  }
  var resizes = window.ResizeObserver
    ? new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { markScroller(entry.target); });
      })
    : null;
  function watchScrollers(root) {
    root.querySelectorAll(".table--responsive-scroll").forEach(function (box) {
      markScroller(box);
      if (resizes) resizes.observe(box);
    });
  }
  watchScrollers(document);
  document.addEventListener("htmx:afterSettle", function () {
    watchScrollers(document);
  });

  // DKFDS character limit: a long text field shows how many characters are left as one types
  // (the server enforces the same limit; without this script the hint states the limit).
  function formatCount(n) {
    return String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function updateLimit(box, announce) {
    var input = box.querySelector("textarea, input");
    var label = box.querySelector(".character-limit");
    var live = box.querySelector(".character-limit-sr-only");
    if (!input || !label) return;
    var left = parseInt(box.getAttribute("data-maxlength"), 10) - input.value.length;
    var template = box.getAttribute(left < 0 ? "data-text-over" : "data-text-left") || "";
    var text = template.replace("{n}", formatCount(left));
    label.textContent = text;
    label.classList.toggle("limit-exceeded", left < 0);
    input.classList.toggle("form-limit-error", left < 0);
    if (live && announce) live.textContent = text;
  }
  var limitTimer = null;
  function watchLimits(root) {
    root.querySelectorAll(".form-limit[data-maxlength]").forEach(function (box) {
      if (box.hasAttribute("data-limit-watched")) return;
      box.setAttribute("data-limit-watched", "");
      updateLimit(box, false);
      box.addEventListener("input", function () {
        updateLimit(box, false);
        // Screen readers hear the count when typing pauses, not at every key.
        window.clearTimeout(limitTimer);
        limitTimer = window.setTimeout(function () { updateLimit(box, true); }, 1000);
      });
    });
  }
  watchLimits(document);
  document.addEventListener("htmx:afterSettle", function () {
    watchLimits(document);
  });
})();
