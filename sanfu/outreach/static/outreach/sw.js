/* Keeps the visit form and its assets for when a grid worker opens it without a connection.
 * Network first: a fresh page whenever the network answers, the kept copy only when it does
 * not. Only the outreach pages' GET requests and static files are kept; posts pass through. */
var CACHE = "sanfu-outreach-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keep(url) {
  if (url.origin !== self.location.origin) { return false; }
  return url.pathname.indexOf("/static/") === 0 || /\/outreach\/(links\/\d+\/visit\/)?$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !keep(new URL(request.url))) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    })
  );
});
