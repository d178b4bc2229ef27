/* Work-order pages. No inline scripts (CSP): behaviour hangs off data attributes. */
(function () {
  "use strict";

  function on(type, selector, handler) {
    document.addEventListener(type, function (event) {
      var target = event.target.closest ? event.target.closest(selector) : null;
      if (target) handler(event, target);
    });
  }

  function openModal(url) {
    if (window.shouhouOpenModal) window.shouhouOpenModal(url);
    else window.location = url;
  }

  // --- customer picker: search as you type, pick, then load contact / address / product choices ------
  function pickCustomer(id, name) {
    var picker = document.querySelector("[data-customer-picker]");
    if (!picker) return;
    var hidden = picker.querySelector("input[name=customer]");
    var search = picker.querySelector("input[name=customer_q]");
    var options = document.getElementById("wo-customer-options");
    if (hidden) hidden.value = id;
    if (search) { search.value = name; search.classList.remove("is-invalid"); }
    if (options) options.innerHTML = "";
    if (window.htmx) {
      htmx.ajax("GET", picker.dataset.fieldsUrl + "?customer=" + encodeURIComponent(id),
        { target: "#wo-customer-fields", swap: "innerHTML" });
    }
  }

  on("click", "[data-pick-customer]", function (event, button) {
    event.preventDefault();
    pickCustomer(button.dataset.pickCustomer, button.dataset.name);
  });

  document.addEventListener("click", function (event) {
    var options = document.getElementById("wo-customer-options");
    if (options && !event.target.closest("[data-customer-picker]")) options.innerHTML = "";
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var options = document.getElementById("wo-customer-options");
    if (options) options.innerHTML = "";
  });

  // Typing a new name after picking: the pick no longer holds.
  on("input", "input[name=customer_q]", function (event, input) {
    var hidden = input.closest("[data-customer-picker]").querySelector("input[name=customer]");
    if (hidden) hidden.value = "";
  });

  // Inline creation dialogs answer with HX-Trigger events carrying what they created.
  document.body.addEventListener("customerCreated", function (event) {
    pickCustomer(event.detail.id, event.detail.name);
  });

  document.body.addEventListener("productCreated", function (event) {
    var select = document.getElementById("wo-product");
    if (!select) return;
    var option = document.createElement("option");
    option.value = event.detail.id;
    option.textContent = event.detail.name;
    select.appendChild(option);
    select.value = String(event.detail.id);
  });

  on("click", "[data-quick-create]", function (event, button) {
    event.preventDefault();
    var url = button.dataset.quickCreate;
    var source = button.dataset.nameFrom && document.querySelector(button.dataset.nameFrom);
    var picked = document.querySelector("[data-customer-picker] input[name=customer]");
    if (source && source.value.trim() && !(picked && picked.value)) {  // a typed name, not a picked one
      url += (url.indexOf("?") === -1 ? "?" : "&") + "name=" + encodeURIComponent(source.value.trim());
    }
    openModal(url);
  });

  // --- assignee candidates: filter by name, phone or team ---------------------------------------------
  on("input", ".candidate-filter", function (event, input) {
    var needle = input.value.trim().toLowerCase();
    input.closest("[data-candidates]").querySelectorAll(".candidate").forEach(function (row) {
      var text = (row.dataset.search || "").toLowerCase();
      row.classList.toggle("d-none", needle !== "" && text.indexOf(needle) === -1);
    });
  });

  // --- small behaviours -------------------------------------------------------------------------------
  on("change", "[data-submit-on-change]", function (event, input) {
    var form = input.closest("form");
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  on("click", "[data-print]", function (event) {
    event.preventDefault();
    window.print();
  });

  function showTab(selector) {
    var button = document.querySelector('[data-bs-target="' + selector + '"]');
    if (button && window.bootstrap) bootstrap.Tab.getOrCreateInstance(button).show();
    return button;
  }

  on("click", "[data-show-tab]", function (event, link) {
    event.preventDefault();
    if (showTab(link.dataset.showTab)) {
      var field = document.querySelector(link.dataset.showTab + " textarea");
      if (field) field.focus();
    }
  });

  // --- flow settings: approvers' inputs follow the chosen rule ----------------------------------------
  function syncApprovalRows(root) {
    (root || document).querySelectorAll("[data-flow-row]").forEach(function (row) {
      var rule = row.querySelector("select[name$=_rule]");
      if (!rule) return;
      row.querySelectorAll("[data-approval-for]").forEach(function (block) {
        block.classList.toggle("d-none", block.dataset.approvalFor !== rule.value);
      });
    });
  }
  on("change", "select[name$=_rule]", function () { syncApprovalRows(); });

  function init(root) {
    syncApprovalRows(root);  // the receipt's signature pad is core/widgets.js's [data-signature-pad]
  }

  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var auto = document.querySelector("[data-auto-modal]");
    if (auto) openModal(auto.dataset.autoModal);
    if (window.location.hash && window.location.hash.indexOf("#tab-") === 0) showTab(window.location.hash);
  });
})();
