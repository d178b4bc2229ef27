/* The receipt's 备件 / 服务项目 / 旧件返还 rows (workorders/_receipt_lines.html), console dialog and phone page:
   "Add" copies the section's <template> row, the × button removes a row. Delegated, so rows loaded later by
   htmx work too; without JavaScript the page still shows one empty row per section and posts what is filled.

   Live repricing: when a row changes (item, quantity, discount, price) the section's rows are posted to
   `data-rl-quote` (views/receipt_lines.quote_response, the same pricing as the completion) and each row's
   price block and the 总计 are replaced by the answer; an older answer arriving late is ignored. */
(function () {
  "use strict";
  var PRICED = ["part", "service"];
  var timers = new WeakMap();
  var sequence = new WeakMap();

  function formBody(box) {
    var form = box.closest("form");
    var body = new URLSearchParams();
    if (!form) return body;
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && (name.indexOf("line-") === 0 || name === "lines-present" ||
                                        name === "csrfmiddlewaretoken")) {
        body.append(name, value);
      }
    });
    return body;
  }

  function show(box, answer) {
    PRICED.forEach(function (key) {
      var section = box.querySelector('[data-rl-section="' + key + '"]');
      if (!section) return;
      var lines = section.querySelectorAll("[data-rl-rows] > [data-rl-line]");
      lines.forEach(function (line, index) {
        var slot = line.querySelector("[data-rl-priced]");
        if (slot) slot.innerHTML = (answer[key] && answer[key][index]) || "";
      });
    });
    var total = box.querySelector("[data-rl-total]");
    if (total && answer.total) total.textContent = answer.total;
  }

  function requote(box) {
    var url = box.getAttribute("data-rl-quote");
    if (!url) return;
    var mine = (sequence.get(box) || 0) + 1;
    sequence.set(box, mine);
    box.setAttribute("aria-busy", "true");
    fetch(url, {method: "POST", body: formBody(box), credentials: "same-origin",
                headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && sequence.get(box) === mine) show(box, answer);
      })
      .catch(function () { /* offline: the prices are worked out when the form is saved */ })
      .finally(function () { if (sequence.get(box) === mine) box.removeAttribute("aria-busy"); });
  }

  function later(box) {
    if (!box || !box.hasAttribute("data-rl-quote")) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(function () { requote(box); }, 300));
  }

  function changed(event) {
    var field = event.target;
    if (!field.name || field.name.indexOf("line-") !== 0 || field.name.indexOf("line-old") === 0) return;
    if (/-(serials|reason)$/.test(field.name)) return;
    later(field.closest("[data-rl]"));
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-rl-add]");
    if (add) {
      var section = add.closest("[data-rl-section]");
      var template = section && section.querySelector("template[data-rl-template]");
      var rows = section && section.querySelector("[data-rl-rows]");
      if (!template || !rows) return;
      rows.appendChild(template.content.cloneNode(true));
      var added = rows.lastElementChild;
      var select = added && added.querySelector("select");
      if (select) select.focus();
      return;
    }
    var remove = event.target.closest("[data-rl-remove]");
    if (remove) {
      var line = remove.closest("[data-rl-line]");
      var box = remove.closest("[data-rl]");
      if (line) line.remove();
      later(box);
    }
  });
})();
