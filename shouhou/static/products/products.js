/* Product pages: the search pickers (customer, and reference fields of the form engine), the template
   picker and the product-type order. No inline scripts: the CSP forbids them. */
(function () {
  "use strict";

  var DELAY = 250;

  // --- search pickers: a search box above a select[data-search-url] fills its options ---------------
  function optionText(item) {
    return item.text || item.name || item.label || String(item.id);
  }

  function fillOptions(select, items, hint) {
    var selected = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    var keep = {};
    var empty = select.querySelector("option[value='']");
    select.innerHTML = "";
    if (empty) select.appendChild(empty);
    selected.forEach(function (option) { keep[option.value] = true; select.appendChild(option); });
    items.forEach(function (item) {
      var value = String(item.id);
      if (keep[value]) return;
      var option = document.createElement("option");
      option.value = value;
      option.textContent = optionText(item);
      select.appendChild(option);
    });
    if (items.length === 1 && !select.multiple && !selected.length) {
      select.value = String(items[0].id);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    hint.textContent = items.length ? (select.dataset.foundMessage || "").replace("%s", items.length)
      : (select.dataset.noneMessage || "");
  }

  function initPicker(select) {
    if (select.dataset.pickerReady || !select.dataset.searchUrl) return;
    select.dataset.pickerReady = "1";
    var wrapper = document.createElement("div");
    wrapper.className = "picker";
    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm";
    search.placeholder = select.dataset.searchPlaceholder || document.body.dataset.pickerPlaceholder || "";
    search.setAttribute("aria-label", search.placeholder);
    var hint = document.createElement("div");
    hint.className = "picker-hint";
    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(search);
    wrapper.appendChild(select);
    wrapper.appendChild(hint);
    var timer = null;
    var latest = 0;
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        var url = select.dataset.searchUrl + (select.dataset.searchUrl.indexOf("?") < 0 ? "?" : "&") +
          "q=" + encodeURIComponent(search.value.trim());
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { if (ticket === latest) fillOptions(select, data.results || [], hint); })
          .catch(function () { hint.textContent = ""; });
      }, DELAY);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // searching must not submit the form
    });
  }

  function initPickers(root) {
    (root || document).querySelectorAll("select[data-search-url]").forEach(initPicker);
  }

  // --- batch edit dialogs: a part's inputs are active only while its box is ticked ------------------
  function syncParts(root) {
    (root || document).querySelectorAll("[data-batch-part]").forEach(function (part) {
      var toggle = part.querySelector("[data-part-toggle]");
      if (!toggle) return;
      part.querySelectorAll("select, input:not([data-part-toggle])").forEach(function (input) {
        input.disabled = !toggle.checked;
      });
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

  function init() {
    initPickers(document);
    syncParts(document);
    initTypeOrder();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    initPickers(event.target);
    syncParts(event.target);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
