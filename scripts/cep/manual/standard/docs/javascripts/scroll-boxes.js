// A table wider than the column scrolls in its own box. Such a box takes keyboard focus and is named, so that
// it can be scrolled without a mouse (WCAG 2.1.1); a box that fits is left alone.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  // The theme wraps tables in their boxes once its own script has mounted the page: document$ (mkdocs-material's
  // documented hook for extra JavaScript) tells when.
  if (window.document$) window.document$.subscribe(mark); else mark();
  window.addEventListener("resize", mark);
})();
