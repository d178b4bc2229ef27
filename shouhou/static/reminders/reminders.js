/* The reminder rule editor. No inline scripts (CSP): behaviour hangs off data attributes.
   Shows what applies to the chosen target and type: the target's date fields, the fixed date when
   "a fixed date" is chosen, the wording of the interval, and the SMS text when SMS is on. */
(function () {
  "use strict";

  function checkedValue(form, name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function showOnly(form, selector, attribute, value) {
    form.querySelectorAll(selector).forEach(function (el) {
      el.classList.toggle("d-none", el.getAttribute(attribute) !== value);
    });
  }

  function sync(form) {
    var target = checkedValue(form, "target");
    var kind = checkedValue(form, "kind");
    showOnly(form, "[data-for-target]", "data-for-target", target);
    showOnly(form, "[data-for-kind]", "data-for-kind", kind);
    var anchor = form.querySelector("select[name=anchor_" + target + "]");
    var fixed = form.querySelector("[data-fixed-date]");
    if (fixed) fixed.classList.toggle("d-none", !anchor || anchor.value !== "");
    var sms = form.querySelector("input[name=sms_contact]");
    var smsBlock = form.querySelector("[data-sms-block]");
    if (sms && smsBlock) smsBlock.classList.toggle("d-none", !sms.checked);
  }

  function insertAtCursor(field, text) {
    var start = field.selectionStart, end = field.selectionEnd;
    if (typeof start !== "number") {
      field.value += text;
    } else {
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
      field.selectionStart = field.selectionEnd = start + text.length;
    }
    field.focus();
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-reminder-form]");
    if (form) sync(form);
  });

  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-insert]");
    if (!chip) return;
    var form = chip.closest("[data-reminder-form]");
    var field = form && form.querySelector("textarea[name=sms_template]");
    if (field) insertAtCursor(field, chip.dataset.insert);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reminder-form]").forEach(sync);
  });
})();
