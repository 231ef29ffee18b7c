// The operations centre's screen: polling pauses while the tab is hidden, resumes with an
// immediate refresh, and never replaces a panel while someone is typing in it (an
// acknowledgement comment). A static file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  function busy(panel) {
    var active = document.activeElement;
    if (active && panel.contains(active) && active.matches("input, textarea, select")) {
      return true;
    }
    return Array.prototype.some.call(
      panel.querySelectorAll("input[type='text'], textarea"),
      function (field) { return field.value.trim() !== ""; }
    );
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = event.detail.elt;
    if (!panel.hasAttribute || !panel.hasAttribute("data-ioc-poll")) {
      return;
    }
    if (document.hidden || busy(panel)) {
      event.preventDefault();
    }
  });

  document.addEventListener("visibilitychange", function () {
    var note = document.getElementById("ioc-paused");
    if (note) {
      note.hidden = !document.hidden;
    }
    if (!document.hidden && window.htmx) {
      document.querySelectorAll("[data-ioc-poll]").forEach(function (panel) {
        window.htmx.trigger(panel, "ioc:refresh");
      });
    }
  });
})();
