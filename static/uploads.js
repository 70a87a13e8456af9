/* File inputs with limits (data-max-bytes for each file, data-max-total-bytes for all the
 * files of the form): a choice the server would refuse is refused here, before anything is
 * sent, so the rest of the form stays as it is. The messages are already in the page, in
 * the page language (data-too-large, data-too-large-total). Without JavaScript the server
 * still refuses, and says what the limit is. */
(function () {
  "use strict";

  function problem(input) {
    var each = Number(input.getAttribute("data-max-bytes") || 0);
    var total = Number(input.getAttribute("data-max-total-bytes") || 0);
    var sum = 0;
    for (var i = 0; i < (input.files || []).length; i++) {
      var size = input.files[i].size;
      if (each && size > each) return input.getAttribute("data-too-large");
      sum += size;
    }
    if (total && sum > total) return input.getAttribute("data-too-large-total");
    return "";
  }

  function show(input, message) {
    var id = input.id + "-size-error";
    var note = document.getElementById(id);
    if (!message) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "field-error";
      note.setAttribute("role", "alert");
      input.parentNode.appendChild(note);
    }
    note.textContent = message;
    input.setAttribute("aria-invalid", "true");
  }

  function check(input) {
    var message = problem(input);
    show(input, message);
    return !message;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) check(input);
  });

  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file][data-max-bytes]");
    var ok = true;
    for (var i = 0; i < inputs.length; i++) ok = check(inputs[i]) && ok;
    if (!ok) {
      event.preventDefault();
      var first = event.target.querySelector("[aria-invalid=true]");
      if (first) first.focus();
    }
  });
})();

/* "Back to the form" on the page that refused a too-large form: going back in the history
 * returns to the form with what was entered; following the link would load it empty. */
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
