// sanshi phone pages as a progressive web app: registers the service worker, keeps visits
// made without a network in an IndexedDB queue and sends them when the network returns,
// each with its own Idempotency-Key so that a visit arrives exactly once; signing out
// empties the caches and the queue (the server also sends Clear-Site-Data).
(function () {
  "use strict";
  var DB = "sanshi-network";
  var STORE = "outbox";
  var root = document.documentElement;
  var syncUrl = root.getAttribute("data-sync-url");
  var swUrl = root.getAttribute("data-sw-url");
  var status = document.getElementById("outbox-status");
  var sending = false;

  if ("serviceWorker" in navigator && swUrl) {
    navigator.serviceWorker.register(swUrl, { scope: root.getAttribute("data-scope") })
      .catch(function () { /* the pages still work online */ });
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(entry) { return tx("readwrite", function (s) { s.put(entry); }); }
  function drop(key) { return tx("readwrite", function (s) { s["delete"](key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function token() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(text) {
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

  function show() {
    if (!status) return Promise.resolve([]);
    return all().then(function (entries) {
      var waiting = entries.filter(function (e) { return !e.error; }).length;
      var failed = entries.filter(function (e) { return e.error; });
      var parts = [];
      if (waiting) parts.push((status.getAttribute("data-waiting") || "").replace("%s", waiting));
      failed.forEach(function (e) { parts.push((status.getAttribute("data-failed") || "") + " " + e.error); });
      say(parts.join(" "));
      return entries;
    }).catch(function () { say(""); });
  }

  function send(entry) {
    return fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": token(),
        "Idempotency-Key": entry.key
      },
      body: entry.body
    }).then(function (response) {
      if (response.status === 201) {
        return drop(entry.key).then(function () { return response.json(); });
      }
      if (response.type === "opaqueredirect" || response.status === 403 && !token()) {
        throw new Error("signed-out"); // keep it; sent after signing in again
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 403) {
        return response.json().then(function (body) {
          entry.error = body.error || String(response.status);
          return put(entry).then(function () { return null; });
        });
      }
      throw new Error("later"); // 5xx, 403 (CSRF after a new sign-in): try again later
    });
  }

  function flush() {
    if (sending || !syncUrl || !navigator.onLine) return Promise.resolve([]);
    sending = true;
    return all().then(function (entries) {
      var queue = entries.filter(function (e) { return !e.error; });
      var sent = [];
      return queue.reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (body) { if (body) sent.push(body); });
        });
      }, Promise.resolve()).catch(function () { /* the network went again: next time */ })
        .then(function () { return sent; });
    }).then(function (sent) {
      sending = false;
      return show().then(function () { return sent; });
    }, function () { sending = false; return []; });
  }

  // The visit form: every entry goes through the queue, sent at once when there is a network.
  var form = document.getElementById("visit-form");
  if (form && syncUrl && window.indexedDB) {
    form.addEventListener("submit", function (e) {
      if (!form.checkValidity()) return; // the browser shows what is missing
      e.preventDefault();
      var data = new FormData(form);
      data["delete"]("csrfmiddlewaretoken");
      var entry = { key: newKey(), body: new URLSearchParams(data).toString(), at: Date.now() };
      put(entry).then(function () {
        form.reset();
        if (!navigator.onLine) {
          say((status && status.getAttribute("data-queued")) || "");
          return show();
        }
        return flush().then(function (sent) {
          var mine = sent.length ? sent[sent.length - 1] : null;
          if (mine && mine.url) window.location.assign(mine.url);
        });
      });
    });
  }

  // Signing out: empty the kept pages and the queue before the request goes.
  document.addEventListener("submit", function (e) {
    var out = e.target.closest && e.target.closest("form[data-sign-out]");
    if (!out || out.getAttribute("data-cleared")) return;
    e.preventDefault();
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (k) { return caches["delete"](k); }));
      }));
    }
    if (window.indexedDB) {
      jobs.push(new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase(DB);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      }));
    }
    Promise.all(jobs).then(function () {
      out.setAttribute("data-cleared", "1");
      out.submit();
    });
  });

  window.addEventListener("online", flush);
  if (window.indexedDB) {
    show();
    flush();
  }
})();
