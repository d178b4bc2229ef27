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

  // Typing a new address drops the old coordinates, so a moved address is located again on saving.
  document.addEventListener("input", function (event) {
    var input = event.target;
    var block = input.closest && input.closest("[data-address-block]");
    if (!block || !input.matches("[name=province], [name=city], [name=district], [name=detail], [name=address_detail]")) return;
    var lat = part(block, ["latitude"]), lng = part(block, ["longitude"]);
    if (lat) lat.value = "";
    if (lng) lng.value = "";
  });

  // Detail tabs follow the address bar (#contacts opens the tab #tab-contacts), so redirects and links open
  // the right tab; the hash names no element, so the browser does not jump down the page.
  function showHashTab() {
    if (!window.bootstrap || !location.hash || location.hash.length < 2) return;
    var button = document.querySelector("[data-hash-tabs] [data-bs-target='#tab-" + location.hash.slice(1) + "']");
    if (!button) return;
    bootstrap.Tab.getOrCreateInstance(button).show();
    var strip = button.closest("[data-hash-tabs]");
    strip.scrollLeft = button.offsetLeft - (strip.clientWidth - button.offsetWidth) / 2;
  }

  document.addEventListener("shown.bs.tab", function (event) {
    if (event.target.closest("[data-hash-tabs]") && history.replaceState) {
      history.replaceState(null, "", "#" + event.target.dataset.bsTarget.replace("#tab-", ""));
    }
  });

  // The nearby tab's count follows the distance chosen.
  document.addEventListener("htmx:afterSwap", function () {
    var panel = document.getElementById("nearby-panel");
    var count = document.querySelector("[data-nearby-count]");
    if (panel && count) count.textContent = panel.dataset.nearbyTotal;
  });

  document.addEventListener("DOMContentLoaded", showHashTab);
})();
