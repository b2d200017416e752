// Small enhancements on top of server-rendered pages. Everything works without this file.
(function () {
  "use strict";

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
})();
