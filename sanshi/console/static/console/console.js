// sanshi console: tiny helpers on top of htmx (no framework).
document.addEventListener("change", function (e) {
  // Tick or untick every row of the dispatch board.
  if (e.target.matches("[data-check-all]")) {
    document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = e.target.checked; });
  }
});
document.body.addEventListener("htmx:configRequest", function (e) {
  var token = document.querySelector("meta[name=csrf-token]");
  if (token) { e.detail.headers["X-CSRFToken"] = token.content; }
});
document.addEventListener("change", function (e) {
  // Picking a suggested duplicate fills in the merge form's tracking code.
  if (e.target.matches("input[name=pick]")) {
    var into = e.target.form && e.target.form.querySelector("input[name=into]");
    if (into) { into.value = e.target.value; }
  }
});
