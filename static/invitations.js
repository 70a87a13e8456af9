/* Invitations: keep each sending's progress bar live while its mails are still queued.
 * The numbers come from the outbox rows (…/campaigns/<id>/progress); every text people read
 * is already in the page, in the page language: this file only updates numbers and shows or
 * hides the "finished" line. Without JavaScript the page shows the numbers of its loading. */
(function () {
  "use strict";

  var POLL_MS = 1500;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(box, data) {
    ["queued", "sent", "failed"].forEach(function (key) {
      var element = box.querySelector('[data-count="' + key + '"]');
      if (element && typeof data[key] === "number") element.textContent = numbers.format(data[key]);
    });
    var bar = box.querySelector("[data-bar]");
    if (bar) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.sent + data.failed;
      bar.textContent = data.percent + "%";
    }
    var running = box.querySelector("[data-running]");
    var finished = box.querySelector("[data-finished]");
    if (running) running.hidden = data.done;
    if (finished) finished.hidden = !data.done;
  }

  function watch(box) {
    var url = box.getAttribute("data-url");
    var failedAtLoad = Number(box.getAttribute("data-failed") || 0);

    function poll() {
      if (document.hidden) {
        window.setTimeout(poll, POLL_MS);
        return;
      }
      fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) {
            window.setTimeout(poll, POLL_MS * 4);
            return;
          }
          show(box, data);
          if (!data.done) {
            window.setTimeout(poll, POLL_MS);
            return;
          }
          box.setAttribute("data-done", "");
          // The list of failed sends (with their reasons) is rendered by the server.
          if (box.hasAttribute("data-reload-when-done") && data.failed !== failedAtLoad) {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 4); });
    }

    poll();
  }

  document.querySelectorAll("[data-invitation-progress]").forEach(function (box) {
    if (!box.hasAttribute("data-done")) watch(box);
  });
})();
