/* Check-in at the door: scan QR codes with the phone's camera (jsQR), submit each code
 * without leaving the page, and keep the arrival counts fresh. Every text people read is in
 * the page (server-rendered, in the page language); this file only shows and hides it.
 * Without JavaScript the plain form below the scanner does the same job. */
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin]");
  if (!root) return;

  var POLL_MS = 10000;
  // The same code seen again within this gap is the same badge still in front of the camera.
  var SAME_CODE_GAP_MS = 3000;
  var SCAN_EVERY_MS = 150;
  var MAX_SCAN_WIDTH = 640;

  var form = root.querySelector("[data-checkin-form]");
  var codeInput = form.querySelector("input[name=code]");
  var resultBox = root.querySelector("#checkin-result");
  var offline = root.querySelector("[data-offline]");
  var scanner = root.querySelector("[data-scanner]");
  var viewfinder = root.querySelector("[data-viewfinder]");
  var video = root.querySelector("[data-video]");
  var hint = root.querySelector("[data-scanning]");
  var startButton = root.querySelector("[data-camera-start]");
  var stopButton = root.querySelector("[data-camera-stop]");
  var cameraError = root.querySelector("[data-camera-error]");
  var noCamera = root.querySelector("[data-no-camera]");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  var busy = false;
  var stream = null;
  var lastCode = "";
  var lastSeen = 0;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });

  function showStats(data) {
    if (!data || typeof data.checked_in !== "number") return;
    root.querySelectorAll("[data-stat]").forEach(function (element) {
      var value = data[element.getAttribute("data-stat")];
      if (typeof value === "number") element.textContent = numbers.format(value);
    });
    var progress = root.querySelector("[data-stat-progress]");
    if (progress) {
      progress.max = Math.max(data.confirmed, 1);
      progress.value = data.checked_in;
      progress.textContent = data.checked_in + " / " + data.confirmed;
    }
  }

  function poll() {
    if (document.hidden) return;
    fetch(root.getAttribute("data-stats-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(showStats)
      .catch(function () { /* the next poll tries again */ });
  }

  function submit(code) {
    if (busy) return;
    busy = true;
    var body = new FormData(form);
    body.set("code", code);
    fetch(root.getAttribute("data-scan-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        offline.hidden = true;
        resultBox.innerHTML = data.html;
        showStats(data);
        codeInput.value = "";
        if (navigator.vibrate) navigator.vibrate(data.outcome === "checked_in" ? 120 : [80, 60, 80, 60, 80]);
        if (!stream) resultBox.focus();
      })
      .catch(function () {
        offline.hidden = false;
        lastCode = "";  // let the same badge be scanned again
      })
      .then(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    var code = codeInput.value.trim();
    if (!code) return;  // the browser's own "required" message, or the server's
    event.preventDefault();
    submit(code);
  });

  // --- The camera ---------------------------------------------------------------------

  function scan() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      var scale = Math.min(1, MAX_SCAN_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var code = found && found.data ? found.data.trim() : "";
      if (code && !busy) {
        var now = Date.now();
        var repeat = code === lastCode && now - lastSeen < SAME_CODE_GAP_MS;
        lastCode = code;
        lastSeen = now;
        if (!repeat) submit(code);
      }
    }
    window.setTimeout(scan, SCAN_EVERY_MS);
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    viewfinder.hidden = true;
    hint.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function start() {
    cameraError.hidden = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        viewfinder.hidden = false;
        hint.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        scanner.scrollIntoView({ block: "start", behavior: "smooth" });
        return video.play();
      })
      .then(scan)
      .catch(function () {
        stop();
        cameraError.hidden = false;
      });
  }

  var cameraUsable = window.isSecureContext && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia && typeof window.jsQR === "function";
  if (cameraUsable) {
    scanner.hidden = false;
    startButton.addEventListener("click", start);
    stopButton.addEventListener("click", stop);
    // Give the camera back when the phone is locked or the tab is left.
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) stop();
      else poll();
    });
  } else {
    noCamera.hidden = false;
  }

  window.setInterval(poll, POLL_MS);
})();
