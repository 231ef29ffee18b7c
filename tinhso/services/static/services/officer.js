/* Keyboard help for the officer's inbox (progressive enhancement: every page works without it).
 *
 * j / k   move to the next / previous dossier (focus on its code link)
 * Enter   open the focused dossier (the link's own behaviour)
 * x       tick or untick the focused dossier for bulk reception
 * /       jump to the search box
 *
 * On the dossier page, htmx answers a stale page (409) or a refused action (403) with the panel
 * that explains it: swap it in instead of treating it as an error.
 */
(function () {
  "use strict";

  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }

  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-rows a.dossier-link"));
  }

  function move(step) {
    var all = links();
    if (!all.length) { return; }
    var index = all.indexOf(document.activeElement);
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    all[next].focus();
    all[next].closest("tr").scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    if (!document.getElementById("inbox-rows") && event.key !== "/") { return; }
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "x") {
      var row = document.activeElement && document.activeElement.closest("#inbox-rows tr");
      var box = row && row.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; event.preventDefault(); }
    } else if (event.key === "/") {
      var search = document.querySelector("input[type=search]");
      if (search) { search.focus(); event.preventDefault(); }
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 409 || status === 403) && event.detail.target && event.detail.target.id === "dossier-panel") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
