// Print buttons on the delegation boards: shown only where this script runs, as printing
// from a button needs it (the browser's own print command works everywhere).
document.querySelectorAll(".print-button").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
