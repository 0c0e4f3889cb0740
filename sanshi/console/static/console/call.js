// The call screen's draft: what is typed during a call is kept in this tab (sessionStorage)
// so that a dropped call or a reloaded page loses nothing; the page after a saved concern
// forgets it. Ctrl+Enter (or Cmd+Enter) in any field saves, for keyboard-only use.
(function () {
  "use strict";
  var KEY = "sanshi-call-draft";
  var FIELDS = ["phone", "channel", "text", "address", "name", "consent"];
  var MAX_AGE = 12 * 3600 * 1000;
  var script = document.currentScript;
  var form = document.getElementById("call-form");
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    store = null;
  }
  if (store && script && script.hasAttribute("data-draft-done")) store.removeItem(KEY);
  if (!form) return;
  var note = document.getElementById("draft-note");

  function save() {
    if (!store) return;
    var values = {};
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) return;
      if (field.type === "checkbox") {
        if (field.checked) values[name] = "on";
      } else if (field.value) {
        values[name] = field.value;
      }
    });
    store.setItem(KEY, JSON.stringify({ at: Date.now(), values: values }));
  }

  function restore() {
    if (!store) return false;
    var saved;
    try {
      saved = JSON.parse(store.getItem(KEY) || "null");
    } catch (e) {
      saved = null;
    }
    if (!saved || !saved.values || Date.now() - saved.at > MAX_AGE) return false;
    var restored = false;
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      var value = saved.values[name];
      if (!field || !value) return;
      if (field.type === "checkbox") {
        field.checked = true;
        return;
      }
      if (name === "channel") {
        field.value = value; // a RadioNodeList: checks the matching radio
        return;
      }
      if (!field.value) {
        field.value = value;
        restored = true;
      }
    });
    return restored;
  }

  function refresh() {
    // Ask again for the caller's history and triage of the restored text (htmx).
    if (!window.htmx) return;
    var phone = form.elements.namedItem("phone");
    var text = form.elements.namedItem("text");
    if (phone && phone.value) window.htmx.trigger(phone, "change");
    if (text && text.value) window.htmx.trigger(text, "input");
  }

  var refreshed = false;
  function refreshOnce() {
    if (refreshed) return;
    refreshed = true;
    refresh();
  }
  if (restore()) {
    if (note) note.textContent = note.getAttribute("data-restored") || "";
    document.addEventListener("htmx:load", refreshOnce, { once: true });
    window.addEventListener("load", refreshOnce, { once: true });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      save();
      form.requestSubmit();
    }
  });
})();
