/* The receipt's 备件 / 服务项目 / 旧件返还 rows (workorders/_receipt_lines.html), console dialog and phone page:
   "Add" copies the section's <template> row, the × button removes a row. Delegated, so rows loaded later by
   htmx work too; without JavaScript the page still shows one empty row per section and posts what is filled. */
(function () {
  "use strict";
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
      if (line) line.remove();
    }
  });
})();
