// Polls a running patrol round's counters and updates the progress card;
// stops once the round is done or failed, then reloads to show failures.
(function () {
  "use strict";
  var card = document.getElementById("progress");
  if (!card) { return; }
  var running = function (state) { return state === "queued" || state === "running"; };
  if (!running(card.dataset.state)) { return; }

  function show(data) {
    document.getElementById("sites-done").textContent = data.sites_done;
    document.getElementById("sites-total").textContent = data.sites_total;
    document.getElementById("pages-stored").textContent = data.pages_stored;
    document.getElementById("pages-failed").textContent = data.pages_failed;
    document.getElementById("findings-new").textContent = data.findings_new;
    document.getElementById("round-state").textContent = data.state_label;
    var total = Math.max(data.sites_total, 1);
    document.getElementById("progress-bar").style.width =
      Math.round(100 * data.sites_done / total) + "%";
  }

  function poll() {
    fetch(card.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        show(data);
        if (running(data.state)) {
          window.setTimeout(poll, 1500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
