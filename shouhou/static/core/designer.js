/* The form designer (WOSET-T3): palette → field list → properties, with a live server preview.
 *
 * State lives here; the server is the judge. Every change re-renders the field list and asks the
 * server (htmx POST to the preview URL) to check and render the unsaved definitions; saving posts
 * {fields, expected_version} and answers 400 with errors keyed "fields.<index>.<property>" or 409
 * when someone else saved first. Configuration and translated texts come from the JSON block
 * #designer-config (the CSP forbids inline scripts). */
(function () {
  "use strict";

  var root = document.getElementById("designer");
  var configEl = document.getElementById("designer-config");
  if (!root || !configEl) return;

  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var PROPS = cfg.props;
  var canvas = root.querySelector("[data-canvas]");
  var propsPane = root.querySelector("[data-props]");
  var previewEl = document.getElementById("designer-preview");
  var statusEl = document.querySelector("[data-designer-status]");
  var saveButton = document.querySelector("[data-designer-save]");
  var conflictEl = document.querySelector("[data-designer-conflict]");
  var errorsEl = document.querySelector("[data-designer-errors]");
  var nextId = 1;

  var state = {
    version: cfg.version,
    fields: cfg.fields.map(withId),
    retired: cfg.retired.slice(),
    savedKeys: keysOf(cfg.fields),
    selected: null,
    errors: {},        // field id -> {property: [messages]}
    general: [],       // errors about the whole form
    dirty: false,
    saving: false
  };

  // --- small helpers -------------------------------------------------------------------------------
  function withId(field) {
    var copy = JSON.parse(JSON.stringify(field));
    copy._id = "f" + (nextId++);
    return copy;
  }

  function keysOf(fields) {
    var keys = {};
    fields.forEach(function (f) { if (f.key) keys[f.key] = true; });
    return keys;
  }

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else if (name.indexOf("on") === 0) el.addEventListener(name.slice(2), value);
      else if (name === "value") el.value = value;
      else if (name === "checked") el.checked = !!value;
      else el.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function icon(name) { return h("i", { "class": "bi " + name, "aria-hidden": "true" }); }
  function kindOf(field) { return cfg.kinds[field.kind] || { label: field.kind, icon: "bi-square", rules: {} }; }
  function hasValue(field) { return kindOf(field).has_value !== false; }
  function byId(id) { return state.fields.filter(function (f) { return f._id === id; })[0] || null; }
  function indexOf(id) { return state.fields.findIndex(function (f) { return f._id === id; }); }
  function narrow() { return window.matchMedia("(max-width: 991.98px)").matches; }

  function payload() {
    return state.fields.map(function (field) {
      var clean = {};
      PROPS.forEach(function (name) { if (name in field) clean[name] = field[name]; });
      return clean;
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // --- new fields ------------------------------------------------------------------------------------
  function uniqueLabel(base) {
    var taken = {};
    state.fields.forEach(function (f) { taken[f.label] = true; });
    if (!taken[base]) return base;
    for (var n = 2; ; n++) { if (!taken[base + n]) return base + n; }
  }

  function defaultOptions(kind) {
    if (kind.options === "flat") {
      return [1, 2, 3].map(function (n) { return { label: fmt(T.option, { n: n }) }; });
    }
    if (kind.options === "tree") {
      return [
        { label: fmt(T.option, { n: 1 }), children: [{ label: fmt(T.subOption, { n: 1 }) }, { label: fmt(T.subOption, { n: 2 }) }] },
        { label: fmt(T.option, { n: 2 }) }
      ];
    }
    return [];
  }

  function newField(kindName) {
    var kind = cfg.kinds[kindName];
    var field = {
      key: "", kind: kindName, label: kind.has_value ? uniqueLabel(kind.label) : "", required: false,
      help: kindName === "description" ? T.helpLayout : "", placeholder: "", options: defaultOptions(kind),
      multiple: false, searchable: false, show_in_list: false, system: false, rules: {}
    };
    return withId(field);
  }

  // --- changes -----------------------------------------------------------------------------------------
  function changed(options) {
    state.dirty = true;
    renderCanvas();
    if (options && options.props) renderProps();
    updateStatus();
    schedulePreview();
  }

  function addField(kindName, index) {
    if (!cfg.kinds[kindName]) return;
    var field = newField(kindName);
    var at = index === undefined || index < 0 || index > state.fields.length ? state.fields.length : index;
    state.fields.splice(at, 0, field);
    state.selected = field._id;
    changed({ props: true });
    revealSelected(true);
  }

  function moveField(from, to) {
    if (from === to || to < 0 || to >= state.fields.length) return;
    var moved = state.fields.splice(from, 1)[0];
    state.fields.splice(to, 0, moved);
    changed();
  }

  function removeField(id) {
    var field = byId(id);
    if (!field || field.system) return;
    var label = field.label || kindOf(field).label;
    if (state.savedKeys[field.key] && !window.confirm(fmt(T.confirmDelete, { label: label }))) return;
    var index = indexOf(id);
    state.fields.splice(index, 1);
    if (state.savedKeys[field.key] && hasValue(field)) {
      var retired = {};
      PROPS.forEach(function (name) { if (name in field) retired[name] = field[name]; });
      state.retired.push(retired);
    }
    delete state.errors[id];
    if (state.selected === id) state.selected = null;
    changed({ props: true });
  }

  function copyField(id) {
    var field = byId(id);
    if (!field || field.system) return;
    var copy = withId(field);
    copy.key = "";
    if (hasValue(copy)) copy.label = uniqueLabel(field.label || kindOf(field).label);
    (copy.options || []).forEach(stripValues);
    state.fields.splice(indexOf(id) + 1, 0, copy);
    state.selected = copy._id;
    changed({ props: true });
  }

  function stripValues(option) {
    delete option.value;
    (option.children || []).forEach(stripValues);
  }

  function restoreField(index) {
    var field = state.retired.splice(index, 1)[0];
    delete field.retired_at;
    var restored = withId(field);
    state.fields.push(restored);
    state.selected = restored._id;
    changed({ props: true });
    revealSelected(true);
  }

  function select(id) {
    if (state.selected === id) return;
    state.selected = id;
    renderCanvas();
    renderProps();
    revealSelected(false);
  }

  function revealSelected(inCanvas) {
    var item = canvas.querySelector('[data-id="' + state.selected + '"]');
    if (narrow()) {  // one column: go to the properties (the list item is where the user just tapped)
      if (state.selected) propsPane.closest(".designer-props").scrollIntoView({ behavior: "smooth" });
      return;
    }
    if (item && inCanvas) scrollWithin(canvas.closest(".pane-body"), item);
  }

  // Scroll only the pane, so the page (and its Save button) stays where it is.
  function scrollWithin(box, item) {
    if (box.scrollHeight <= box.clientHeight) { item.scrollIntoView({ block: "nearest", behavior: "smooth" }); return; }
    var top = item.offsetTop - box.offsetTop;
    var bottom = top + item.offsetHeight;
    if (top < box.scrollTop) box.scrollTo({ top: top - 8, behavior: "smooth" });
    else if (bottom > box.scrollTop + box.clientHeight) box.scrollTo({ top: bottom - box.clientHeight + 8, behavior: "smooth" });
  }

  // --- the field list ------------------------------------------------------------------------------
  function flagIcons(field) {
    var flags = [];
    if (field.searchable) flags.push(h("span", { "class": "item-flag", title: T.searchableShort }, [icon("bi-search")]));
    if (field.show_in_list) flags.push(h("span", { "class": "item-flag", title: T.listShort }, [icon("bi-list-ul")]));
    return flags;
  }

  function actionButton(name, iconName, title, id) {
    return h("button", { type: "button", "class": "item-action", "data-action": name, "data-id": id,
      title: title, "aria-label": title }, [icon(iconName)]);
  }

  function canvasItem(field, index) {
    var kind = kindOf(field);
    var errors = state.errors[field._id];
    var classes = ["canvas-item"];
    if (field.system) classes.push("is-system");
    if (!hasValue(field)) classes.push("is-layout");
    if (field._id === state.selected) classes.push("is-selected");
    if (errors) classes.push("has-error");
    var title = field.label || (field.kind === "description" ? field.help : "") || kind.label;
    var meta = [kind.label];
    if (field.key && !field.system) meta.push(field.key);
    var actions = field.system
      ? [h("span", { "class": "item-lock", title: T.system }, [icon("bi-lock-fill")])]
      : [actionButton("copy", "bi-copy", T.copy, field._id), actionButton("delete", "bi-trash", T.delete, field._id)];
    var moves = [
      index > 0 ? actionButton("up", "bi-arrow-up", T.moveUp, field._id) : null,
      index < state.fields.length - 1 ? actionButton("down", "bi-arrow-down", T.moveDown, field._id) : null
    ];
    return h("li", { "class": classes.join(" "), "data-id": field._id, tabindex: "0", role: "button",
      "aria-pressed": field._id === state.selected ? "true" : "false" }, [
      h("span", { "class": "drag-handle", "aria-hidden": "true" }, [icon("bi-grip-vertical")]),
      h("span", { "class": "kind-icon" }, [icon(kind.icon)]),
      h("span", { "class": "item-main" }, [
        h("span", { "class": "item-label" }, [
          title, field.required ? h("span", { "class": "item-required", title: T.required, text: "*" }) : null
        ]),
        h("span", { "class": "item-meta" }, [meta.join(" · ")].concat(flagIcons(field)))
      ]),
      h("span", { "class": "item-actions" }, [h("span", { "class": "item-moves" }, moves)].concat(actions))
    ]);
  }

  function renderCanvas() {
    canvas.replaceChildren.apply(canvas, state.fields.map(canvasItem));
    var count = state.fields.filter(hasValue).length;
    root.querySelector("[data-field-count]").textContent = fmt(T.fieldCount, { n: count });
    renderRetired();
  }

  function renderRetired() {
    var box = root.querySelector("[data-retired]");
    var present = keysOf(state.fields);
    var items = [];
    state.retired.forEach(function (field, index) {
      if (present[field.key]) return;
      items.push(h("li", { "class": "retired-item" }, [
        h("span", { "class": "kind-icon small" }, [icon(kindOf(field).icon)]),
        h("span", { "class": "flex-grow-1 text-truncate", text: (field.label || kindOf(field).label) + " · " + kindOf(field).label }),
        h("button", { type: "button", "class": "btn btn-sm btn-link p-0", "data-restore": String(index), text: T.restore })
      ]));
    });
    box.classList.toggle("d-none", items.length === 0);
    box.querySelector("[data-retired-count]").textContent = items.length;
    var list = box.querySelector("[data-retired-list]");
    list.replaceChildren.apply(list, items);
  }

  canvas.addEventListener("click", function (event) {
    var action = event.target.closest("[data-action]");
    if (action) {
      event.stopPropagation();
      var id = action.dataset.id;
      if (action.dataset.action === "delete") removeField(id);
      else if (action.dataset.action === "copy") copyField(id);
      else if (action.dataset.action === "up") moveField(indexOf(id), indexOf(id) - 1);
      else if (action.dataset.action === "down") moveField(indexOf(id), indexOf(id) + 1);
      return;
    }
    var item = event.target.closest(".canvas-item");
    if (item) select(item.dataset.id);
  });

  canvas.addEventListener("keydown", function (event) {
    var item = event.target.closest(".canvas-item");
    if (!item || event.target !== item) return;
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(item.dataset.id); }
  });

  root.querySelector("[data-retired-list]").addEventListener("click", function (event) {
    var button = event.target.closest("[data-restore]");
    if (button) restoreField(Number(button.dataset.restore));
  });

  // --- the palette ---------------------------------------------------------------------------------
  root.querySelector(".designer-palette").addEventListener("click", function (event) {
    var item = event.target.closest(".palette-item");
    if (!item) return;
    if (item.dataset.kind) addField(item.dataset.kind);
    else if (item.dataset.systemKey) {
      var field = state.fields.filter(function (f) { return f.key === item.dataset.systemKey; })[0];
      if (field) { select(field._id); revealSelected(true); }
    }
  });

  root.querySelector(".designer-palette").addEventListener("keydown", function (event) {
    var item = event.target.closest(".palette-item");
    if (item && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); item.click(); }
  });

  if (window.Sortable) {
    root.querySelectorAll("[data-palette]").forEach(function (grid) {
      Sortable.create(grid, {
        group: { name: "palette", pull: "clone", put: false }, sort: false, forceFallback: true,
        fallbackTolerance: 4, delay: 150, delayOnTouchOnly: true, animation: 120
      });
    });
    Sortable.create(canvas, {
      group: { name: "fields", pull: false, put: ["palette"] }, forceFallback: true, fallbackTolerance: 4,
      delay: 150, delayOnTouchOnly: true, animation: 150, filter: ".item-action", preventOnFilter: false,
      ghostClass: "is-ghost", chosenClass: "is-chosen", dragClass: "is-dragging",
      onAdd: function (event) {
        var kind = event.item.dataset.kind;
        event.item.remove();
        addField(kind, event.newIndex);
      },
      onUpdate: function (event) { moveField(event.oldIndex, event.newIndex); }
    });
  }

  // --- the properties pane -------------------------------------------------------------------------
  function errorBox(prop) {
    return h("div", { "class": "invalid-feedback d-block", "data-error-for": prop });
  }

  function group(title, children) {
    return h("section", { "class": "props-group" }, [h("h3", { "class": "props-title", text: title })].concat(children));
  }

  function textProp(field, prop, label, options) {
    options = options || {};
    var id = "prop-" + prop;
    var attrs = { id: id, "class": "form-control form-control-sm", value: field[prop] || "",
      maxlength: cfg.limits[prop] || null, placeholder: options.placeholder || null, disabled: options.disabled,
      oninput: function (event) { field[prop] = event.target.value; changed(); } };
    var input = options.multiline ? h("textarea", Object.assign(attrs, { rows: "3" })) : h("input", Object.assign(attrs, { type: "text" }));
    return h("div", { "class": "mb-2" }, [
      h("label", { "class": "form-label", "for": id, text: label }), input,
      options.help ? h("div", { "class": "form-text", text: options.help }) : null, errorBox(prop)
    ]);
  }

  function switchProp(field, prop, label, disabled) {
    var id = "prop-" + prop;
    return h("div", { "class": "form-check form-switch mb-1" }, [
      h("input", { "class": "form-check-input", type: "checkbox", role: "switch", id: id, checked: !!field[prop],
        disabled: disabled, onchange: function (event) { field[prop] = event.target.checked; changed(); } }),
      h("label", { "class": "form-check-label", "for": id, text: label }), errorBox(prop)
    ]);
  }

  function keyProp(field) {
    var locked = !!state.savedKeys[field.key] && field.key !== "";
    return textProp(field, "key", T.key, { disabled: locked, placeholder: T.keyAuto,
      help: locked ? T.keyLocked : T.keyHelp });
  }

  function systemSummary(field) {
    var kind = kindOf(field);
    return [
      h("div", { "class": "alert alert-secondary py-2 small d-flex gap-2" }, [icon("bi-lock-fill"), h("span", { text: T.system })]),
      h("dl", { "class": "kv mb-0" }, [
        h("dt", { text: T.label }), h("dd", { text: field.label }),
        h("dt", { text: T.kind }), h("dd", { text: kind.label }),
        h("dt", { text: T.required }), h("dd", { text: field.required ? T.yes : "—" })
      ])
    ];
  }

  function renderProps() {
    var field = byId(state.selected);
    if (!field) {
      propsPane.replaceChildren(h("p", { "class": "props-empty" }, [icon("bi-hand-index"), " ", T.noSelection]));
      return;
    }
    var kind = kindOf(field);
    var head = h("div", { "class": "props-head" }, [
      h("span", { "class": "kind-icon" }, [icon(kind.icon)]),
      h("span", { "class": "fw-semibold", text: kind.label }),
      errorBox("_")
    ]);
    if (field.system) {
      propsPane.replaceChildren.apply(propsPane, [head].concat(systemSummary(field)));
      return;
    }
    var sections = [head];
    sections.push(group(T.basics, basicProps(field, kind)));
    if (hasValue(field)) sections.push(group(T.flags, flagProps(field, kind)));
    if (kind.options) sections.push(group(T.options, [optionsEditor(field, kind), errorBox("options")]));
    var rules = rulesEditor(field, kind);
    if (rules.length) sections.push(group(T.rules, rules.concat([errorBox("rules")])));
    sections.push(h("div", { "class": "props-footer" }, [
      h("button", { type: "button", "class": "btn btn-sm btn-outline-secondary", onclick: function () { copyField(field._id); } }, [icon("bi-copy"), " ", T.copy]),
      h("button", { type: "button", "class": "btn btn-sm btn-outline-danger", onclick: function () { removeField(field._id); } }, [icon("bi-trash"), " ", T.delete])
    ]));
    propsPane.replaceChildren.apply(propsPane, sections);
    renderPropErrors();
  }

  function basicProps(field, kind) {
    var items = [];
    items.push(textProp(field, "label", hasValue(field) ? T.label : T.titleOptional));
    items.push(textProp(field, "help", field.kind === "description" ? T.helpLayout : T.help, { multiline: true }));
    if (kind.placeholder) items.push(textProp(field, "placeholder", T.placeholder));
    if (hasValue(field)) items.push(keyProp(field));
    return items;
  }

  function flagProps(field, kind) {
    var items = [switchProp(field, "required", T.required)];
    if (kind.filterable) items.push(switchProp(field, "searchable", T.searchable));
    items.push(switchProp(field, "show_in_list", T.show_in_list));
    if (kind.multiple) items.push(switchProp(field, "multiple", T.multiple));
    return items;
  }

  // Flat options: one row per option (its stored value kept when renamed), plus a bulk editor.
  function optionsEditor(field, kind) {
    if (kind.options === "tree") return treeEditor(field);
    var list = h("div", { "class": "option-list" });
    var bulk = h("textarea", { "class": "form-control form-control-sm d-none", rows: "6", "aria-label": T.bulkEdit,
      "data-bulk-options": true });
    var bulkBar = h("div", { "class": "d-none mt-1 d-flex gap-1 align-items-center" }, [
      h("span", { "class": "form-text flex-grow-1 mt-0", text: T.bulkHelp }),
      h("button", { type: "button", "class": "btn btn-sm btn-primary", text: T.apply, onclick: function () {
        field.options = optionsFromLines(bulk.value, field.options);
        toggleBulk(false); drawRows(); changed();
      } }),
      h("button", { type: "button", "class": "btn btn-sm btn-outline-secondary", text: T.cancel, onclick: function () { toggleBulk(false); } })
    ]);
    var tools = h("div", { "class": "d-flex gap-2 mt-1" }, [
      h("button", { type: "button", "class": "btn btn-sm btn-link px-0", onclick: function () {
        field.options.push({ label: nextOptionLabel(field.options) }); drawRows(); changed();
        var inputs = list.querySelectorAll("input"); if (inputs.length) inputs[inputs.length - 1].select();
      } }, [icon("bi-plus-lg"), " ", T.addOption]),
      h("button", { type: "button", "class": "btn btn-sm btn-link px-0", onclick: function () { toggleBulk(true); } }, [icon("bi-card-text"), " ", T.bulkEdit])
    ]);

    function toggleBulk(on) {
      bulk.value = field.options.map(function (o) { return o.label; }).join("\n");
      bulk.classList.toggle("d-none", !on); bulkBar.classList.toggle("d-none", !on);
      list.classList.toggle("d-none", on); tools.classList.toggle("d-none", on);
      if (on) bulk.focus();
    }

    function drawRows() {
      list.replaceChildren.apply(list, field.options.map(function (option, index) {
        return h("div", { "class": "option-row" }, [
          h("span", { "class": "option-handle", "aria-hidden": "true" }, [icon("bi-grip-vertical")]),
          h("input", { type: "text", "class": "form-control form-control-sm", value: option.label, maxlength: "100",
            "aria-label": fmt(T.option, { n: index + 1 }),
            oninput: function (event) { option.label = event.target.value; changed(); } }),
          h("button", { type: "button", "class": "btn btn-sm btn-link text-danger px-1", title: T.delete, "aria-label": T.delete,
            onclick: function () { field.options.splice(index, 1); drawRows(); changed(); } }, [icon("bi-x-lg")])
        ]);
      }));
    }

    drawRows();
    if (window.Sortable) {
      Sortable.create(list, { handle: ".option-handle", animation: 120, forceFallback: true,
        onUpdate: function (event) {
          var moved = field.options.splice(event.oldIndex, 1)[0];
          field.options.splice(event.newIndex, 0, moved);
          drawRows(); changed();
        } });
    }
    return h("div", {}, [list, tools, bulk, bulkBar]);
  }

  function nextOptionLabel(options) {
    var taken = {};
    options.forEach(function (o) { taken[o.label] = true; });
    for (var n = options.length + 1; ; n++) {
      var label = fmt(T.option, { n: n });
      if (!taken[label]) return label;
    }
  }

  // Option lists typed as text (one per line; cascades as an outline): designer_options.js.
  var optionsFromLines = window.ShouhouDesignerOptions.optionsFromLines;
  var treeToText = window.ShouhouDesignerOptions.treeToText;
  var treeFromText = window.ShouhouDesignerOptions.treeFromText;

  function treeEditor(field) {
    var area = h("textarea", { "class": "form-control form-control-sm option-tree", rows: "8", spellcheck: "false",
      "aria-label": T.options, value: treeToText(field.options, 0),
      oninput: function (event) { field.options = treeFromText(event.target.value, field.options); changed(); },
      onkeydown: function (event) {
        if (event.key !== "Tab") return;  // Tab indents one level instead of leaving the box
        event.preventDefault();
        var start = area.selectionStart;
        area.setRangeText("  ", start, area.selectionEnd, "end");
        area.dispatchEvent(new Event("input"));
      } });
    return h("div", {}, [area, h("div", { "class": "form-text", text: T.treeHelp })]);
  }

  // Kind-specific rules, drawn from the kind catalogue (type, label, default, min, max, choices).
  function rulesEditor(field, kind) {
    return Object.keys(kind.rules || {}).map(function (name) {
      return ruleInput(field, name, kind.rules[name]);
    });
  }

  function setRule(field, name, value) {
    field.rules = field.rules || {};
    if (value === "" || value === null || value === undefined) delete field.rules[name];
    else field.rules[name] = value;
    changed();
  }

  function ruleInput(field, name, rule) {
    var id = "rule-" + name;
    var current = field.rules && name in field.rules ? field.rules[name] : null;
    if (rule.type === "bool") {
      var checked = current === null ? !!rule["default"] : !!current;
      return h("div", { "class": "form-check form-switch mb-1" }, [
        h("input", { "class": "form-check-input", type: "checkbox", role: "switch", id: id, checked: checked,
          onchange: function (event) { setRule(field, name, event.target.checked); } }),
        h("label", { "class": "form-check-label", "for": id, text: rule.label })
      ]);
    }
    var input;
    if (rule.type === "str" && rule.choices.length) {
      input = h("select", { "class": "form-select form-select-sm", id: id,
        onchange: function (event) { setRule(field, name, event.target.value); } },
        rule.choices.map(function (choice) {
          var chosen = (current === null ? rule["default"] : current) === choice;
          return h("option", { value: choice, selected: chosen, text: cfg.ruleChoices[choice] || choice });
        }));
    } else if (rule.type === "int" || rule.type === "float") {
      input = h("input", { type: "number", "class": "form-control form-control-sm", id: id,
        step: rule.type === "int" ? "1" : "any", min: rule.min, max: rule.max,
        value: current === null ? "" : String(current),
        placeholder: rule["default"] === null ? T.none : String(rule["default"]),
        oninput: function (event) {
          var text = event.target.value.trim();
          setRule(field, name, text === "" ? "" : (isFinite(Number(text)) ? Number(text) : text));
        } });
    } else if (rule.type === "list") {
      input = h("input", { type: "text", "class": "form-control form-control-sm", id: id,
        value: (current || []).join(", "), placeholder: T.none,
        oninput: function (event) {
          var items = event.target.value.split(/[,，;；\s]+/).map(function (s) { return s.trim(); }).filter(Boolean);
          setRule(field, name, items.length ? items : "");
        } });
    } else {
      input = h("input", { type: "text", "class": "form-control form-control-sm", id: id, maxlength: rule.max,
        value: current === null ? "" : String(current), placeholder: rule["default"] || T.none,
        oninput: function (event) { setRule(field, name, event.target.value); } });
    }
    return h("div", { "class": "mb-2" }, [h("label", { "class": "form-label", "for": id, text: rule.label }), input]);
  }

  // --- errors ----------------------------------------------------------------------------------------
  function applyErrors(details, sentIds) {
    state.errors = {};
    state.general = [];
    Object.keys(details || {}).forEach(function (key) {
      var messages = [].concat(details[key]);
      var parts = key.split(".");
      var id = parts[0] === "fields" && /^\d+$/.test(parts[1] || "") ? sentIds[Number(parts[1])] : null;
      if (!id) { state.general = state.general.concat(messages); return; }
      var prop = parts[2] || "_";
      state.errors[id] = state.errors[id] || {};
      state.errors[id][prop] = (state.errors[id][prop] || []).concat(messages);
    });
    renderCanvas();
    renderPropErrors();
    showGeneralErrors();
  }

  function renderPropErrors() {
    var errors = state.errors[state.selected] || {};
    var shown = {};
    propsPane.querySelectorAll("[data-error-for]").forEach(function (box) { shown[box.dataset.errorFor] = box; });
    var byBox = { _: [] };
    Object.keys(errors).forEach(function (prop) {
      var target = shown[prop] ? prop : "_";  // properties without an input here go under the heading
      byBox[target] = (byBox[target] || []).concat(errors[prop]);
    });
    Object.keys(shown).forEach(function (prop) {
      var box = shown[prop];
      var messages = byBox[prop] || [];
      box.textContent = messages.join(" ");
      var input = box.parentNode.querySelector("input:not([type=checkbox]), textarea, select");
      if (input && prop !== "_" && prop !== "options" && prop !== "rules") input.classList.toggle("is-invalid", messages.length > 0);
    });
  }

  function revealFirstError() {
    var box = Array.prototype.filter.call(propsPane.querySelectorAll("[data-error-for]"), function (el) {
      return el.textContent;
    })[0];
    if (box && !narrow()) scrollWithin(propsPane, box.parentNode);
  }

  function showGeneralErrors(extra) {
    var messages = state.general.concat(extra || []);
    errorsEl.replaceChildren.apply(errorsEl, messages.map(function (m) { return h("div", { text: m }); }));
    errorsEl.classList.toggle("d-none", messages.length === 0);
  }

  // --- live preview (htmx) ---------------------------------------------------------------------------
  var previewTimer = null;
  var previewBusy = false;
  var previewAgain = false;

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(requestPreview, 350);
  }

  function requestPreview() {
    if (!window.htmx) return;
    if (previewBusy) { previewAgain = true; return; }
    previewBusy = true;
    var sentIds = state.fields.map(function (f) { return f._id; });
    htmx.ajax("POST", cfg.urls.preview, {
      source: previewEl, target: previewEl, swap: "innerHTML",
      values: { fields: JSON.stringify(payload()) }, headers: { "X-CSRFToken": csrfToken() }
    }).then(function () {
      readPreviewErrors(sentIds);
    }, function () {
      showGeneralErrors([T.previewFailed]);
    }).then(function () {
      previewBusy = false;
      if (previewAgain) { previewAgain = false; requestPreview(); }
    });
  }

  function readPreviewErrors(sentIds) {
    var block = document.getElementById("designer-preview-errors");
    var details = block ? JSON.parse(block.textContent || '""') : "";
    applyErrors(details || {}, sentIds);
  }

  previewEl.addEventListener("submit", function (event) { event.preventDefault(); });

  document.querySelectorAll("[data-preview-width]").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll("[data-preview-width]").forEach(function (other) {
        other.classList.toggle("active", other === button);
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      previewEl.classList.toggle("is-phone", button.dataset.previewWidth === "phone");
    });
  });

  // --- saving ----------------------------------------------------------------------------------------
  function updateStatus(text, tone) {
    if (text === undefined) {
      text = state.dirty ? T.unsaved : "";
      tone = state.dirty ? "warning" : "";
    }
    statusEl.textContent = text;
    statusEl.className = "designer-status small" + (tone ? " text-" + tone : " text-muted");
    saveButton.disabled = state.saving;
  }

  function save() {
    if (state.saving) return;
    state.saving = true;
    updateStatus(T.saving, "muted");
    var sentIds = state.fields.map(function (f) { return f._id; });
    fetch(cfg.urls.save, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ fields: payload(), expected_version: state.version })
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      state.saving = false;
      if (result.status === 200) return saved(result.data, sentIds);
      if (result.status === 409) {
        conflictEl.classList.remove("d-none");
        updateStatus(T.conflict, "danger");
        return;
      }
      applyErrors(result.data.details || {}, sentIds);
      if (!Object.keys(result.data.details || {}).length) showGeneralErrors([result.data.message]);
      var firstBad = sentIds.filter(function (id) { return state.errors[id]; })[0];
      if (firstBad) { state.selected = null; select(firstBad); revealSelected(true); revealFirstError(); }
      updateStatus(T.failed, "danger");
    }).catch(function () {
      state.saving = false;
      updateStatus(T.network, "danger");
    });
  }

  function saved(data, sentIds) {
    var unchanged = data.version === state.version;
    state.version = data.version;
    state.fields = data.fields.map(function (field, index) {
      var copy = withId(field);
      if (sentIds[index]) copy._id = sentIds[index];  // the server keeps the order: selection stays put
      return copy;
    });
    state.retired = data.retired_fields || [];
    state.savedKeys = keysOf(data.fields);
    state.dirty = false;
    applyErrors({}, []);
    renderProps();
    updateStatus(unchanged ? T.unchanged : fmt(T.saved, { version: data.version }), unchanged ? "muted" : "success");
    var versionEl = document.querySelector("[data-designer-version]");
    if (versionEl) versionEl.textContent = data.version;
    schedulePreview();
  }

  saveButton.addEventListener("click", save);

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!state.dirty) return;
    event.preventDefault();
    event.returnValue = T.leave;
  });

  // --- start -----------------------------------------------------------------------------------------
  canvas.setAttribute("data-empty-text", T.empty);  // shown by CSS while the list (the drop zone) is empty
  renderCanvas();
  renderProps();
  updateStatus();
})();
