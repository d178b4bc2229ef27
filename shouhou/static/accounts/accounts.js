/* Accounts, teams and roles pages. No inline scripts (CSP): behaviour hangs off data attributes. */
(function () {
  "use strict";

  // Copy a value shown once (the new random password).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copyTarget);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.classList.replace("btn-outline-primary", "btn-success");
      button.querySelector("i").className = "bi bi-check2";
    });
  });

  // Permission matrix: the module checkbox selects all of its actions, and follows them.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var row = box.closest("[data-matrix-row]");
    if (!row) return;
    var actions = row.querySelectorAll("input[name=perm]");
    if (box.matches("[data-row-all]")) {
      actions.forEach(function (action) { action.checked = box.checked; });
      return;
    }
    var all = row.querySelector("[data-row-all]");
    if (all) all.checked = Array.prototype.every.call(actions, function (action) { return action.checked; });
  });

  // Password reset: the password field only matters when "Set a password" is chosen.
  function syncPasswordChoice(root) {
    (root || document).querySelectorAll(".password-choice").forEach(function (block) {
      var form = block.closest("form");
      var chosen = form && form.querySelector("input[name=how]:checked");
      block.classList.toggle("d-none", !chosen || chosen.value !== "set");
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name=how]")) syncPasswordChoice(event.target.closest("form"));
  });
  document.addEventListener("htmx:afterSwap", function () { syncPasswordChoice(); });
  document.addEventListener("DOMContentLoaded", function () { syncPasswordChoice(); });
})();
