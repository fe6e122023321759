// The console's live pages (board, map): when /console/events says tickets in the account's scope
// changed, the page is fetched again and its #live part swapped in; the changed tickets are marked.
(function () {
  "use strict";
  if (!document.getElementById("live") || !window.EventSource || !window.fetch) {
    return;
  }
  var timer = null;
  var busy = false;
  var again = false;
  var opened = false;
  var changed = [];

  function mark() {
    changed.forEach(function (number) {
      document.querySelectorAll('[data-number="' + number + '"]').forEach(function (node) {
        node.classList.add("changed");
      });
    });
    changed = [];
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        var live = document.getElementById("live");
        if (fresh && live) {  // no #live: the session ended (the login page); the next reload shows it
          live.replaceWith(document.importNode(fresh, true));
          mark();
          document.body.dataset.refreshed = String(Date.now());
        }
      })
      .catch(function () {})
      .finally(function () {
        busy = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  var source = new EventSource("/console/events");
  source.addEventListener("change", function (event) {
    try {
      changed = changed.concat(JSON.parse(event.data).numbers || []);
    } catch (ignored) {
      // a change without numbers still refreshes
    }
    schedule();
  });
  source.addEventListener("open", function () {
    if (opened) {
      schedule();  // reconnected: changes may have been missed meanwhile
    }
    opened = true;
  });
})();
