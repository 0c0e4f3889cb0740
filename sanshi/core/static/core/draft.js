// The report form's draft, kept in this browser tab (sessionStorage) while it is being written,
// so that a resident who meets the "back in a moment" page (the database away, 503) loses
// nothing: going back to the form puts the text back. The confirmation page, once the report
// is taken in, forgets the draft. sessionStorage lives only as long as the tab.
(function () {
  "use strict";
  var KEY = "sanshi-report-draft";
  var FIELDS = ["text", "address", "name", "phone"];
  var MAX_AGE = 6 * 3600 * 1000;
  var script = document.currentScript;
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return; // storage refused (private mode, policy): the form works as before
  }
  if (script && script.hasAttribute("data-draft-done")) {
    store.removeItem(KEY);
    return;
  }
  var area = document.querySelector('form[method="post"] textarea[name="text"]');
  var form = area && area.form;
  if (!form) return;

  function save() {
    var values = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.value) values[name] = field.value;
    });
    if (Object.keys(values).length) {
      store.setItem(KEY, JSON.stringify({ at: Date.now(), values: values }));
    }
  }

  function restore() {
    var saved;
    try {
      saved = JSON.parse(store.getItem(KEY) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved || !saved.values || Date.now() - saved.at > MAX_AGE) return;
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && !field.value && saved.values[name]) field.value = saved.values[name];
    });
  }

  restore();
  form.addEventListener("input", save);
  form.addEventListener("submit", save);
})();
