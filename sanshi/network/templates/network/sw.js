// sanshi phone pages: the service worker (rendered by sanshi.network.pwa). It keeps the
// shell (styles, scripts, icons) and each phone page last seen, so a committee member can
// open them with no network; entries made offline wait in the page's IndexedDB queue.
// It never touches a POST, and signing out clears everything (Clear-Site-Data).
"use strict";
var VERSION = "sanshi-network-{{ version }}";
var SHELL = {{ assets|safe }}.concat(["{{ offline }}"]);
var SCOPE = "{{ scope }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(VERSION).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== VERSION; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(request, response) {
  if (response && response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    caches.open(VERSION).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.indexOf(url.pathname) >= 0) {
    // The shell: from the cache, else the network.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (r) { return keep(request, r); });
    }));
    return;
  }
  if (request.mode === "navigate" && url.pathname.indexOf(SCOPE) === 0) {
    // A phone page: the network first (always fresh), the kept copy when offline.
    event.respondWith(fetch(request).then(function (r) { return keep(request, r); })
      .catch(function () {
        return caches.match(request).then(function (hit) {
          return hit || caches.match("{{ offline }}");
        });
      }));
  }
});
