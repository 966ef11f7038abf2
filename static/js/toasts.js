// When an htmx request fails, say so in place (a toast in #toasts, base.html).
// The server's own answers carry their toast out of band (hub/web/toasts.py);
// this file shows the failures it never answered (no connection, no answer, a
// proxy's error page) from the translated <template>s in base.html, closes
// toasts, and puts the button back when a confirmation is answered "keep it"
// (components/confirm.html).
(function () {
  "use strict";
  var region = document.getElementById("toasts");
  if (!region) return;
  var fromServer = 0; // toasts the server sent; tells which errors came without one
  var before = new WeakMap(); // a form's content before it asked to confirm

  function current() {
    return region.querySelector("[data-toast]");
  }

  function show(kind) {
    var source = document.getElementById("toast-" + kind);
    var now = current();
    if (!source || (now && now.dataset.toast === kind)) return;
    var copy = source.content.cloneNode(true);
    copy.querySelectorAll(".toast-action").forEach(function (link) {
      link.href = window.location.href; // "reload": the page as it is now
    });
    region.replaceChildren(copy);
  }

  region.addEventListener("htmx:oobBeforeSwap", function (event) {
    fromServer += 1;
    var incoming = event.detail.fragment.querySelector("[data-toast]");
    var now = current();
    // The same message again (a list that reloads itself): not announced twice.
    if (incoming && now && incoming.textContent === now.textContent) {
      event.detail.shouldSwap = false;
    }
  });

  region.addEventListener("click", function (event) {
    var close = event.target.closest("[data-toast-close]");
    if (close) close.closest("[data-toast]").remove();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail;
    detail.xhr.toastsBefore = fromServer;
    var form = detail.elt;
    if (form.tagName === "FORM" && !form.querySelector("[data-confirm]")) {
      before.set(form, Array.prototype.slice.call(form.childNodes));
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.toastsBefore === fromServer) show("failed");
  });
  document.addEventListener("htmx:sendError", function () {
    show("offline");
  });
  document.addEventListener("htmx:timeout", function () {
    show("failed");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var offline = region.querySelector('[data-toast="offline"]');
    if (event.detail.successful && offline) offline.remove(); // connected again
  });

  // A confirmation replaced the form's button: read the question out first.
  document.addEventListener("htmx:afterSwap", function (event) {
    var question = event.detail.target.querySelector("[data-confirm]");
    if (question) question.focus();
  });

  document.addEventListener("click", function (event) {
    var keep = event.target.closest("[data-confirm-keep]");
    var form = keep && keep.closest("form");
    if (!form || !before.has(form)) return; // without htmx the link goes back
    event.preventDefault();
    form.replaceChildren.apply(form, before.get(form));
    var button = form.querySelector("button");
    if (button) button.focus();
  });
})();
