/* Customer pages. No inline scripts (CSP): behaviour hangs off data attributes, delegated so it also
   works inside dialogs loaded with htmx. */
(function () {
  "use strict";

  // Notes: Alt+Enter sends the note (CUS-04).
  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (event.key !== "Enter" || !event.altKey || !area.matches("[data-submit-on-alt-enter]")) return;
    event.preventDefault();
    if (area.form) area.form.requestSubmit ? area.form.requestSubmit() : area.form.submit();
  });

  // Chosen attachments are listed by name next to the button.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("[data-file-names]")) return;
    var target = input.form && input.form.querySelector("[data-file-names-target]");
    if (!target) return;
    target.textContent = Array.prototype.map.call(input.files, function (file) { return file.name; }).join("、");
  });

  // 解析坐标: ask the server's maps adapter for the coordinates of the typed address.
  function part(block, names) {
    for (var i = 0; i < names.length; i++) {
      var input = block.querySelector("[name='" + names[i] + "']");
      if (input) return input;
    }
    return null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-geocode]");
    if (!button) return;
    var block = button.closest("[data-address-block]");
    var message = block.querySelector("[data-geocode-message]");
    var fields = {
      province: part(block, ["province"]), city: part(block, ["city"]), district: part(block, ["district"]),
      detail: part(block, ["detail", "address_detail"])
    };
    var lat = part(block, ["latitude"]), lng = part(block, ["longitude"]);
    var query = Object.keys(fields).map(function (key) {
      return key + "=" + encodeURIComponent(fields[key] ? fields[key].value : "");
    }).join("&");
    button.disabled = true;
    fetch(block.dataset.geocodeUrl + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (result) {
        if (result.ok) {
          lat.value = result.body.latitude; lng.value = result.body.longitude;
          message.textContent = "✓ " + result.body.latitude + ", " + result.body.longitude;
          message.classList.remove("text-danger");
        } else {
          message.textContent = result.body.message || "";
          message.classList.add("text-danger");
        }
      })
      .catch(function () { message.textContent = ""; })
      .then(function () { button.disabled = false; });
  });

  // Check lists (owners): typing in the filter hides the options that do not match.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches(".check-list-filter")) return;
    var needle = input.value.trim().toLowerCase();
    input.closest("[data-check-list]").querySelectorAll(".form-check").forEach(function (option) {
      option.classList.toggle("d-none", needle !== "" && option.textContent.toLowerCase().indexOf(needle) === -1);
    });
  });

  // Reference fields (e.g. a "customer" custom field): a search box above the select fetches choices.
  function enhancePickers(root) {
    (root || document).querySelectorAll("select[data-search-url]:not([data-picker-ready])").forEach(function (select) {
      select.setAttribute("data-picker-ready", "1");
      var search = document.createElement("input");
      search.type = "search";
      search.className = "form-control form-control-sm mb-1";
      search.placeholder = select.dataset.searchPlaceholder || "…";
      search.setAttribute("aria-label", search.placeholder);
      select.parentNode.insertBefore(search, select);
      var timer = null;
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { fillChoices(select, search.value.trim()); }, 250);
      });
    });
  }

  function fillChoices(select, text) {
    var url = select.dataset.searchUrl + (select.dataset.searchUrl.indexOf("?") === -1 ? "?" : "&") +
      "q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (!option.selected && option.value !== "") option.remove();
      });
      var present = {};
      Array.prototype.forEach.call(select.options, function (option) { present[option.value] = true; });
      (body.results || []).forEach(function (item) {
        if (present[String(item.id)]) return;
        var option = document.createElement("option");
        option.value = item.id;
        option.textContent = item.number ? item.label + " (" + item.number + ")" : item.label;
        select.appendChild(option);
      });
    });
  }

  // Detail tabs follow the address bar (#tab-contacts), so redirects and links open the right tab.
  function showHashTab() {
    if (!window.bootstrap || !location.hash || location.hash.indexOf("#tab-") !== 0) return;
    var button = document.querySelector("[data-hash-tabs] [data-bs-target='" + location.hash + "']");
    if (button) bootstrap.Tab.getOrCreateInstance(button).show();
  }

  document.addEventListener("shown.bs.tab", function (event) {
    if (event.target.closest("[data-hash-tabs]") && history.replaceState) {
      history.replaceState(null, "", event.target.dataset.bsTarget);
    }
  });

  // The nearby tab's count follows the distance chosen.
  document.addEventListener("htmx:afterSwap", function (event) {
    enhancePickers(event.target);
    var panel = document.getElementById("nearby-panel");
    var count = document.querySelector("[data-nearby-count]");
    if (panel && count) count.textContent = panel.dataset.nearbyTotal;
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhancePickers(document);
    showHashTab();
  });
})();
