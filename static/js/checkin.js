// Registers the check-in service worker (/sw.js) and asks it to send any check-in
// this phone kept while offline: on every page that loads this, and when the
// connection comes back. No inline script; nothing here runs without support.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) {
    return;
  }
  function flush() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage("flush");
      }
    });
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(flush, function () {});
  window.addEventListener("online", flush);
})();
