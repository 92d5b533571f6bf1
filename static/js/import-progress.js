// Import progress: polls the batch's status while the worker checks a big file; shows the result when done.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var label = document.getElementById("import-progress-label");
  var percent = document.getElementById("import-progress-percent");
  var bar = document.getElementById("import-progress-bar");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.done) { window.location.reload(); return; }
        label.textContent = state.label;
        percent.textContent = String(state.percent);
        bar.value = state.percent;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
