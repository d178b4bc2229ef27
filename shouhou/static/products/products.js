/* Product pages: batch-edit dialogs and the product-type order. Reference pickers (the customer field,
   fields of kind customer/product) are the form engine's widgets.js. No inline scripts: the CSP forbids them. */
(function () {
  "use strict";

  // --- batch edit dialogs: a part's inputs are active only while its box is ticked ------------------
  // A disabled <fieldset> (not disabled selects) so widgets.js still builds the pickers inside it.
  function syncParts(root) {
    (root || document).querySelectorAll("[data-batch-part]").forEach(function (part) {
      var toggle = part.querySelector("[data-part-toggle]");
      var fields = part.querySelector("fieldset[data-part-fields]");
      if (toggle && fields) fields.disabled = !toggle.checked;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-part-toggle]")) syncParts(event.target.closest("form"));
  });

  // --- product types: drag rows by their handle; the new order is posted at once -------------------
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function saveOrder(list) {
    var body = new URLSearchParams();
    list.querySelectorAll(".type-row").forEach(function (row) { body.append("ids", row.dataset.id); });
    fetch(list.dataset.reorderUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      list.classList.add("order-saved");
      window.setTimeout(function () { list.classList.remove("order-saved"); }, 1200);
      window.setTimeout(function () { window.location.reload(); }, 600);  // the ↑/↓ buttons follow the order
    }).catch(function () {
      window.alert(list.dataset.errorMessage);
      window.location.reload();
    });
  }

  function initTypeOrder() {
    var list = document.querySelector(".type-list[data-reorder-url]");
    if (!list || !window.Sortable) return;
    window.Sortable.create(list, {
      handle: ".drag-handle", draggable: ".type-row", animation: 150, ghostClass: "type-row-ghost",
      onEnd: function (event) { if (event.oldIndex !== event.newIndex) saveOrder(list); }
    });
  }

  document.addEventListener("htmx:afterSwap", function (event) { syncParts(event.target); });
  function init() { syncParts(document); initTypeOrder(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
