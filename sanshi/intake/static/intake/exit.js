/* Quick exit: leave for a neutral site at once, keeping this page out of the history.
   The link works without this script too (it goes to /exit/, which redirects); with it,
   location.replace drops the current page from the back history, the page is emptied
   first, and pressing Esc twice within a second does the same as the button. */
(function () {
  "use strict";
  var lastEscape = 0;

  function exitLink() {
    return document.getElementById("quick-exit");
  }

  function leave(event) {
    var link = exitLink();
    if (!link) {
      return;
    }
    if (event) {
      event.preventDefault();
    }
    try {
      window.sessionStorage.clear();
      window.localStorage.clear();
    } catch (ignored) {
      /* storage may be disabled: nothing to clear */
    }
    var target = link.href;
    /* Nothing of what was written stays on screen while the next site loads. */
    document.title = "";
    document.body.textContent = "";
    window.location.replace(target);
  }

  document.addEventListener("click", function (event) {
    var link = exitLink();
    if (link && (event.target === link || link.contains(event.target))) {
      leave(event);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") {
      return;
    }
    var now = Date.now();
    if (now - lastEscape < 1000) {
      leave(event);
    }
    lastEscape = now;
  });
})();
