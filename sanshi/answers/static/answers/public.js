// The report page: show the public ready answers of the category the resident chose.
(function () {
  "use strict";
  var select = document.querySelector("select[name=subcategory]");
  var boxes = document.querySelectorAll("[data-answers-for]");
  if (!select || !boxes.length) return;
  function show() {
    var category = (select.value || "").split(".")[0];
    boxes.forEach(function (box) {
      box.hidden = !category || box.getAttribute("data-answers-for") !== category;
    });
  }
  select.addEventListener("change", show);
  show();
})();
