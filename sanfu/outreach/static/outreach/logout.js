/* Log-out on a shared phone: warn when visits recorded offline are still waiting to be sent
 * (logging out deletes them), then forget what the outreach pages kept on this device — the
 * queue (IndexedDB), the kept pages (Cache Storage) and the service worker — before the form
 * posts. The server's answer says the same with Clear-Site-Data, for a browser where this
 * script did not run. */
(function () {
  "use strict";
  var DB = "sanfu-outreach";
  var STORE = "visits";
  var form = document.querySelector("form[data-unsent-warning]");
  if (!form) { return; }

  function exists() {
    if (!window.indexedDB) { return Promise.resolve(false); }
    if (!indexedDB.databases) { return Promise.resolve(true); }
    return indexedDB.databases().then(function (list) {
      return list.some(function (db) { return db.name === DB; });
    });
  }

  function unsent() {
    return exists().then(function (found) {
      if (!found) { return 0; }
      return new Promise(function (resolve) {
        var request = indexedDB.open(DB);
        request.onerror = function () { resolve(0); };
        request.onsuccess = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains(STORE)) { db.close(); resolve(0); return; }
          var count = db.transaction(STORE, "readonly").objectStore(STORE).count();
          count.onsuccess = function () { db.close(); resolve(count.result); };
          count.onerror = function () { db.close(); resolve(0); };
        };
      });
    });
  }

  function forget() {
    var steps = [];
    if (window.indexedDB) {
      steps.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(null); };
      }));
    }
    if (window.caches) {
      steps.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      steps.push(navigator.serviceWorker.getRegistrations().then(function (found) {
        return Promise.all(found.map(function (registration) { return registration.unregister(); }));
      }));
    }
    return Promise.all(steps.map(function (step) {
      return step.catch(function () { return null; });
    }));
  }

  var leaving = false;
  form.addEventListener("submit", function (event) {
    if (leaving) { return; }
    event.preventDefault();
    unsent().catch(function () { return 0; }).then(function (count) {
      if (count && !window.confirm(form.getAttribute("data-unsent-warning"))) { return; }
      leaving = true;
      forget().then(function () { form.submit(); });
    });
  });
}());
