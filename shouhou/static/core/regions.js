/* The cascading region picker (省 / 市 / 区县) of the console kit (core.forms.bind_regions) and 识别地址.
   No inline scripts (CSP): selects carry data-region-level and data-region-url; the listeners are delegated
   so pickers inside dialogs loaded with htmx work too. */
(function () {
  "use strict";
  var LEVELS = ["province", "city", "district"];

  function block(element) {
    return element.closest("[data-address-block]") || element.form || document;
  }

  function levelSelect(scope, level) {
    return scope.querySelector("select[data-region-level='" + level + "']");
  }

  function fill(select, options, value) {
    var first = select.options.length ? select.options[0].cloneNode(true) : new Option("", "");
    first.value = "";
    select.innerHTML = "";
    select.appendChild(first);
    options.forEach(function (option) { select.appendChild(new Option(option.name, option.code)); });
    select.value = value || "";
  }

  function children(url, parent) {
    return fetch(url + "?parent=" + encodeURIComponent(parent || ""), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (body) { return body.results || []; });
  }

  // choosing a level loads the next one and empties the ones below it
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-region-level]")) return;
    var scope = block(select);
    var index = LEVELS.indexOf(select.dataset.regionLevel);
    var next = index >= 0 && index < 2 ? levelSelect(scope, LEVELS[index + 1]) : null;
    for (var i = index + 2; i < LEVELS.length; i++) {
      var below = levelSelect(scope, LEVELS[i]);
      if (below) fill(below, [], "");
    }
    if (!next) return;
    if (!select.value) { fill(next, [], ""); return; }
    children(select.dataset.regionUrl, select.value).then(function (options) {
      // a municipality has one city, itself: choose it and load its districts at once
      fill(next, options, options.length === 1 && index === 0 ? options[0].code : "");
      if (next.value) next.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  // 识别地址: split the typed address into its region and the rest
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-region-split]");
    if (!button) return;
    var scope = block(button);
    var detail = scope.querySelector("[name=detail], [name=address_detail]");
    var message = scope.querySelector("[data-geocode-message]");
    if (!detail || !detail.value.trim()) return;
    button.disabled = true;
    fetch(button.dataset.regionSplit + "?text=" + encodeURIComponent(detail.value.trim()), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (found) {
      if (!found.province_code) {
        if (message) { message.textContent = button.dataset.notFound || ""; message.classList.add("text-danger"); }
        return;
      }
      var province = levelSelect(scope, "province"), city = levelSelect(scope, "city"),
          district = levelSelect(scope, "district");
      if (province) province.value = found.province_code;
      if (city) fill(city, found.options.city, found.city_code);
      if (district) fill(district, found.options.district, found.district_code);
      detail.value = found.detail;
      detail.dispatchEvent(new Event("input", { bubbles: true }));
      if (message) {
        message.textContent = "✓ " + [found.province, found.city, found.district].filter(Boolean).join(" ");
        message.classList.remove("text-danger");
      }
    }).catch(function () {}).then(function () { button.disabled = false; });
  });

  // the region list (core.forms.RegionListField): 添加地区 copies the empty row, × removes one (the last
  // row is emptied instead, so the list always has a row to pick in)
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-region-add]");
    var remove = event.target.closest && event.target.closest("[data-region-remove]");
    if (!add && !remove) return;
    var list = (add || remove).closest("[data-region-list]");
    if (!list) return;
    var rows = list.querySelector("[data-region-rows]");
    if (add) {
      var template = list.querySelector("template[data-region-template]");
      rows.appendChild(template.content.cloneNode(true));
      var added = rows.lastElementChild && rows.lastElementChild.querySelector("select");
      if (added) added.focus();
      return;
    }
    var row = remove.closest("[data-region-row]");
    if (rows.querySelectorAll("[data-region-row]").length > 1) {
      row.remove();
      return;
    }
    var province = levelSelect(row, "province");
    if (province) { province.value = ""; province.dispatchEvent(new Event("change", { bubbles: true })); }
  });
})();
