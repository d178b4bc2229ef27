/* Work statuses (SYS-11): drag rows by their handle to reorder; the new order is posted at once. */
(function () {
  "use strict";

  function csrfToken(list) {
    var input = list.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function saveOrder(list) {
    var body = new URLSearchParams();
    list.querySelectorAll(".status-row").forEach(function (row) { body.append("ids", row.dataset.id); });
    return fetch(list.dataset.reorderUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(list), "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      list.classList.add("order-saved");
      window.setTimeout(function () { list.classList.remove("order-saved"); }, 1200);
    }).catch(function () {
      window.alert(list.dataset.errorMessage);
      window.location.reload();
    });
  }

  function init() {
    var list = document.querySelector(".status-list[data-reorder-url]");
    if (!list || !window.Sortable) return;
    window.Sortable.create(list, {
      handle: ".drag-handle",
      draggable: ".status-row",
      animation: 150,
      ghostClass: "status-row-ghost",
      onEnd: function (event) {
        if (event.oldIndex !== event.newIndex) saveOrder(list);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
