// The classifier page: while a retraining runs, poll its status and move the progress bar; when it
// ends, reload the page so the versions table shows the outcome.
(function () {
  "use strict";
  var section = document.getElementById("retrain");
  if (!section) { return; }
  var bar = section.querySelector("progress");
  var said = section.querySelector(".retrain-state");
  var wasRunning = false;

  function show(status) {
    bar.value = status.percent;
    said.textContent = status.label + (status.message ? " · " + status.message : "");
    if (status.state === "running") {
      wasRunning = true;
      window.setTimeout(poll, 1500);
    } else if (wasRunning) {
      window.location.reload();
    }
  }

  function poll() {
    fetch(section.dataset.status, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) { if (status) { show(status); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  poll();
})();
