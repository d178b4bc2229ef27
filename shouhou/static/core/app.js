/* Console behaviour shared by every page. No inline scripts: the CSP forbids them. */
(function () {
  "use strict";

  // Check lists (core/kit/_field.html: roles, teams, people): typing in the filter hides the options that do not match.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches(".check-list-filter")) return;
    var needle = input.value.trim().toLowerCase();
    var list = input.closest("[data-check-list]");
    list.querySelectorAll(".form-check").forEach(function (option) {
      var text = option.textContent.toLowerCase();
      option.classList.toggle("d-none", needle !== "" && text.indexOf(needle) === -1);
    });
  });

  // Standard list: a cell cut off with an ellipsis shows its whole text on hover (text cells carry a title
  // from core/lists.py already; this covers badges, links and custom-field cells).
  document.addEventListener("mouseover", function (event) {
    var cell = event.target.closest && event.target.closest(".list-table td");
    if (!cell || cell.hasAttribute("title") || cell.scrollWidth <= cell.clientWidth) return;
    cell.setAttribute("title", cell.textContent.replace(/\s+/g, " ").trim());
  });

  // Selects and inputs marked data-autosubmit submit their form on change.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // --- standard list: row selection and batch actions -------------------------------------------
  function selectedIds() {
    return Array.prototype.map.call(document.querySelectorAll(".row-check:checked"), function (box) {
      return box.value;
    });
  }

  function refreshSelection() {
    var ids = selectedIds();
    var bar = document.querySelector(".selection-bar");
    if (bar) {
      bar.classList.toggle("d-none", ids.length === 0);
      var count = bar.querySelector(".selected-count");
      if (count) count.textContent = ids.length;
    }
    document.querySelectorAll(".batch-action").forEach(function (button) {
      button.disabled = ids.length === 0;
    });
    var all = document.querySelector(".check-all");
    var boxes = document.querySelectorAll(".row-check");
    if (all) all.checked = boxes.length > 0 && ids.length === boxes.length;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches(".check-all")) {
      document.querySelectorAll(".row-check").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    if (event.target.matches(".check-all, .row-check")) refreshSelection();
  });

  document.addEventListener("click", function (event) {
    var clear = event.target.closest(".clear-selection");
    if (clear) {
      event.preventDefault();
      document.querySelectorAll(".row-check, .check-all").forEach(function (box) { box.checked = false; });
      refreshSelection();
      return;
    }
    var action = event.target.closest(".batch-action");
    if (!action) return;
    var ids = selectedIds();
    if (!ids.length) return;
    if (action.dataset.confirm) {
      confirmThen(action.dataset.confirm, function () { runBatchAction(action, ids); });
      return;
    }
    runBatchAction(action, ids);
  });

  function runBatchAction(action, ids) {
    if (action.dataset.modal) {
      var url = action.dataset.url + "?" + ids.map(function (id) { return "ids=" + encodeURIComponent(id); }).join("&");
      openModal(url);
      return;
    }
    var form = document.getElementById("batch-form");
    form.action = action.dataset.url;
    form.querySelectorAll("input[name=ids]").forEach(function (input) { input.remove(); });
    ids.forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = "ids"; input.value = id;
      form.appendChild(input);
    });
    form.submit();
  }

  // --- the one confirmation dialog (core/kit/_confirm.html): the question, 取消 and 确定 in the product's
  // language whatever the browser's (window.confirm spoke the browser's). Falls back to window.confirm.
  function confirmThen(message, proceed) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || !window.bootstrap) {
      if (window.confirm(message)) proceed();
      return;
    }
    dialog.querySelector(".confirm-message").textContent = message;
    var modal = bootstrap.Modal.getOrCreateInstance(dialog);
    var ok = dialog.querySelector(".confirm-ok");
    var fresh = ok.cloneNode(true);  // drop the previous question's handler
    ok.parentNode.replaceChild(fresh, ok);
    fresh.addEventListener("click", function () {
      modal.hide();
      proceed();
    });
    modal.show();
  }
  window.shouhouConfirm = confirmThen;

  // --- modal dialogs loaded with htmx: any [data-modal-url] opens its URL in #modal ---------------
  function openModal(url) {
    var modalEl = document.getElementById("modal");
    if (!modalEl || !window.htmx) { window.location = url; return; }
    htmx.ajax("GET", url, { target: "#modal-content", swap: "innerHTML" }).then(function () {
      bootstrap.Modal.getOrCreateInstance(modalEl).show();
    });
  }
  window.shouhouOpenModal = openModal;

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-modal-url]");
    if (!trigger) return;
    event.preventDefault();
    openModal(trigger.dataset.modalUrl);
  });

  // Servers answer a successful modal form with HX-Trigger: closeModal (and list-refresh).
  document.body && document.body.addEventListener("closeModal", function () {
    var modalEl = document.getElementById("modal");
    if (modalEl) bootstrap.Modal.getOrCreateInstance(modalEl).hide();
  });

  // Confirm buttons/links outside lists: data-confirm="..." on the form asks first, in the one dialog.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset.confirm;
    if (!message) return;
    if (form.dataset.confirmed) { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var submitter = event.submitter;
    confirmThen(message, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      else form.submit();
    });
  });

  // On a narrow screen the tab row scrolls sideways: bring the active tab into view (e.g. 异常工单).
  function showActiveTab() {
    document.querySelectorAll(".list-tabs").forEach(function (tabs) {
      var active = tabs.querySelector(".nav-link.active");
      if (!active || tabs.scrollWidth <= tabs.clientWidth) return;
      var left = active.offsetLeft - (tabs.clientWidth - active.offsetWidth) / 2;
      tabs.scrollLeft = Math.max(0, left - tabs.offsetLeft);
    });
  }

  document.addEventListener("htmx:afterSwap", refreshSelection);
  document.addEventListener("DOMContentLoaded", refreshSelection);
  document.addEventListener("DOMContentLoaded", showActiveTab);
})();
