// 善治 Hub service worker: keeps a check-in scanned while offline and sends it later.
// It caches only the offline notice and the stylesheet, never a logged-in page.
"use strict";

var CACHE = "hub-checkin-v1";
var OFFLINE_PAGE = "/checkin/offline";
var DB_NAME = "hub-checkin";
var STORE = "pending";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll([OFFLINE_PAGE, "/static/css/hub.css"]);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(STORE, { keyPath: "token" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function withStore(mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode);
      var result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && result.result); };
      tx.onerror = function () { reject(tx.error); };
    });
  });
}

function keep(token) {
  // The signed token says when it was shown; scanned_at is this phone's clock.
  return withStore("readwrite", function (store) {
    return store.put({ token: token, scanned_at: Date.now() });
  });
}

function send(item) {
  return fetch("/checkin/csrf", { credentials: "same-origin", redirect: "manual" })
    .then(function (response) {
      if (!response.ok) { throw new Error("not logged in"); }
      return response.json();
    })
    .then(function (data) {
      return fetch("/checkin/late", {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
        body: JSON.stringify(item)
      });
    })
    .then(function (response) {
      // Accepted (200) or refused for good (4xx JSON): forget it; else keep it.
      if (response.status === 200 || response.status === 409 || response.status === 400) {
        return withStore("readwrite", function (store) { return store.delete(item.token); });
      }
      throw new Error("try again later");
    });
}

function flush() {
  return withStore("readonly", function (store) { return store.getAll(); })
    .then(function (items) { return Promise.all((items || []).map(send)); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.mode !== "navigate" || url.origin !== self.location.origin ||
      url.pathname.indexOf("/c/") !== 0 || request.method !== "GET") {
    return; // everything else goes to the network untouched
  }
  event.respondWith(
    fetch(request).catch(function () {
      var token = decodeURIComponent(url.pathname.slice(3));
      return keep(token).then(function () {
        if (self.registration.sync) {
          self.registration.sync.register("hub-checkin").catch(function () {});
        }
        return caches.match(OFFLINE_PAGE);
      }).then(function (page) {
        return page || new Response("Saved; it will be sent when you are online.",
          { headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    })
  );
});

self.addEventListener("sync", function (event) {
  if (event.tag === "hub-checkin") {
    event.waitUntil(flush());
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "flush") {
    event.waitUntil(flush().catch(function () {}));
  }
});
