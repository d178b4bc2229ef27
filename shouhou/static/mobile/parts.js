/* The 申领 picker on the phone (mobile/parts/requisition.html):
 *   [data-pick-add]     moves its row from the search results into 已选备件 (#m-picked) and enables its inputs
 *   [data-pick-remove]  takes a row out of 已选备件 (the next search shows the part again)
 * Results htmx brings in hide the parts already chosen; [data-pick-count] counts the chosen rows. */
(function () {
  "use strict";

  function picked() { return document.querySelector("[data-pick-list]"); }

  function refresh() {
    var list = picked();
    if (!list) return;
    var rows = list.querySelectorAll("[data-pick-row]");
    var count = document.querySelector("[data-pick-count]");
    var none = document.querySelector("[data-pick-none]");
    if (count) count.textContent = String(rows.length);
    if (none) none.hidden = rows.length > 0;
    var chosen = {};
    rows.forEach(function (row) { chosen[row.dataset.pickRow] = true; });
    var results = document.querySelectorAll("#m-pick-results [data-pick-row]");
    var shown = 0;
    results.forEach(function (row) {
      row.hidden = !!chosen[row.dataset.pickRow];
      if (!row.hidden) shown += 1;
    });
    var allChosen = document.querySelector("[data-pick-results-none]");
    if (allChosen) allChosen.hidden = !(results.length && !shown);
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-pick-add]");
    var remove = event.target.closest("[data-pick-remove]");
    if (add) {
      var row = add.closest("[data-pick-row]");
      var list = picked();
      if (!row || !list) return;
      row.querySelectorAll("input, button").forEach(function (el) { el.disabled = false; });
      list.appendChild(row);
      refresh();
      var quantity = row.querySelector("input[data-kit-stepper]");
      if (quantity) quantity.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    } else if (remove) {
      var gone = remove.closest("[data-pick-row]");
      if (gone) gone.remove();
      refresh();
    }
  });

  if (window.htmx) document.body.addEventListener("htmx:afterSwap", refresh);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
