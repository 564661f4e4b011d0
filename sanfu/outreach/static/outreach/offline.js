/* The visit form without a connection.
 *
 * Online, the form posts as any form does. Offline (navigator.onLine is false), the visit is
 * kept in IndexedDB, photos included, under its client key; when the connection returns the
 * queue is sent, each visit with its own key, so a visit sent twice is stored once. A visit the
 * server refuses (400/403/404/409 with a JSON reason) leaves the queue with the reason shown;
 * anything else (no network, a login page, a server error) stays queued for the next try.
 * A service worker keeps the form and its script for when the page is opened offline.
 */
(function () {
  "use strict";
  var DB = "sanfu-outreach";
  var STORE = "visits";
  var form = document.querySelector("form[data-offline-queue]");

  function text(name) {
    var element = document.querySelector('[data-text="' + name + '"]');
    return element ? element.textContent : name;
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = action(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function show(message, kind) {
    var list = document.querySelector('[data-testid="queue-status"]');
    if (!list) { return; }
    var item = document.createElement("li");
    item.className = kind;
    item.textContent = message;
    list.appendChild(item);
    list.hidden = false;
  }

  function showOffline() {
    var notice = document.querySelector('[data-testid="offline-status"]');
    if (!notice) { return; }
    notice.textContent = text("offline");
    notice.hidden = navigator.onLine;
  }

  function entryOf(element) {
    var fields = [];
    new FormData(element).forEach(function (value, name) {
      if (value instanceof File && !value.size) { return; }
      fields.push([name, value]);
    });
    return {
      key: element.elements.client_key.value,
      url: element.getAttribute("data-offline-queue"),
      fields: fields,
      savedAt: Date.now()
    };
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok) {
          show(text("sent"), "success");
          return withStore("readwrite", function (store) { return store.delete(entry.key); });
        }
        if (answer && answer.error) {
          show(text("refused") + " " + answer.error.message, "error");
          return withStore("readwrite", function (store) { return store.delete(entry.key); });
        }
        return null;
      }, function () { return null; });  // not JSON: a login page or an error page; retry later
    }, function () { return null; });  // no network; retry later
  }

  var flushing = false;

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    return withStore("readonly", function (store) { return store.getAll(); })
      .then(function (entries) {
        return entries.reduce(function (chain, entry) {
          return chain.then(function () { return send(entry); });
        }, Promise.resolve());
      })
      .catch(function () { return null; })
      .then(function () {
        flushing = false;
        document.documentElement.setAttribute("data-queue-flushed", String(Date.now()));
      });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      withStore("readwrite", function (store) { return store.put(entryOf(form)); }).then(function () {
        show(text("queued"), "info");
        form.reset();
        form.elements.client_key.value = newKey();
      });
    });
    var locate = form.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          form.elements.latitude.value = position.coords.latitude.toFixed(6);
          form.elements.longitude.value = position.coords.longitude.toFixed(6);
          locate.disabled = true;
        });
      });
    }
    if ("serviceWorker" in navigator && form.dataset.serviceWorker) {
      navigator.serviceWorker.register(form.dataset.serviceWorker).catch(function () { return null; });
    }
  }
  window.addEventListener("online", function () { showOffline(); flush(); });
  window.addEventListener("offline", showOffline);
  showOffline();
  flush();
}());
