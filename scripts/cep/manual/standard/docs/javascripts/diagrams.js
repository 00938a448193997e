// Diagrams: zoom in and out, fit to the column, and full screen. The diagram's box scrolls, so a diagram larger
// than the box is panned by scrolling, by touch, or by dragging it with the mouse. Without JavaScript the
// diagram still shows at its legible size in a box that scrolls.
(function () {
  "use strict";
  var STEP = 1.25;

  function setUp(wrap) {
    var svg = wrap.querySelector("svg.cep-diagram");
    if (!svg || wrap.querySelector(".cep-diagram-tools")) return;
    var natural = svg.viewBox.baseVal.width * 4 / 3; // graphviz draws in points; CSS pixels are 3/4 of a point
    var scale = null; // null: the stylesheet's size, which fits the column while the text stays legible

    function show() {
      svg.style.width = scale === null ? "" : Math.round(natural * scale) + "px";
      svg.style.maxWidth = scale === null ? "" : "none";
    }
    function current() {
      return svg.getBoundingClientRect().width / natural;
    }
    function button(text, name, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "md-button cep-diagram-button";
      b.textContent = text;
      b.setAttribute("aria-label", name);
      b.title = name;
      b.addEventListener("click", action);
      return b;
    }
    var tools = document.createElement("div");
    tools.className = "cep-diagram-tools";
    tools.appendChild(button("+", "Zoom in", function () { scale = current() * STEP; show(); }));
    tools.appendChild(button("−", "Zoom out", function () { scale = current() / STEP; show(); }));
    tools.appendChild(button("Fit", "Fit to the page", function () { scale = null; show(); }));
    if (wrap.requestFullscreen) {
      tools.appendChild(button("Full screen", "Show the diagram full screen", function () {
        if (document.fullscreenElement) document.exitFullscreen(); else wrap.requestFullscreen();
      }));
    }
    wrap.parentNode.insertBefore(tools, wrap);

    var drag = null;
    wrap.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0 || event.target.closest("a")) return;
      drag = { x: event.clientX, y: event.clientY, left: wrap.scrollLeft, top: wrap.scrollTop };
      wrap.setPointerCapture(event.pointerId);
      wrap.classList.add("cep-dragging");
    });
    wrap.addEventListener("pointermove", function (event) {
      if (!drag) return;
      wrap.scrollLeft = drag.left - (event.clientX - drag.x);
      wrap.scrollTop = drag.top - (event.clientY - drag.y);
    });
    function stop() { drag = null; wrap.classList.remove("cep-dragging"); }
    wrap.addEventListener("pointerup", stop);
    wrap.addEventListener("pointercancel", stop);
  }

  document.querySelectorAll(".cep-diagram-wrap").forEach(setUp);
})();
