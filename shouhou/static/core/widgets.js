/* Behaviours of the form engine's inputs (architecture §7), on every page and on content htmx loads:
 *   select[data-search-url]       reference fields: type to search, pick from the results
 *   select[data-cascade-options]  cascade fields: one select per level, writing the path back
 *   [data-address-part]           address parts laid out together, with a "locate" button
 *   [data-location-part]          a point: "use my position" fills latitude and longitude
 *   input[data-scan-code], input[data-kit-scanner]
 *                                 the kit's scanner: a scan button opens the camera and reads a bar code or
 *                                 QR code — the browser's BarcodeDetector where it has one, else the vendored
 *                                 @zxing/browser (loaded on the first scan); typing always works.
 *                                 data-kit-scanner="append" adds each code to the value (several serials)
 *   input[data-kit-stepper]       a quantity stepper: − and + buttons (44 px) around the input; data-min,
 *                                 data-max, data-step (1 by default); typing always works
 *   [data-signature-pad]          draw a signature; the PNG data URL goes into the hidden input
 *   Django's CheckboxSelectMultiple (multiple-choice fields) gets Bootstrap's check styling.
 *   input[data-picker=date|time|datetime]  the kit's pickers (core/widgets.py): flatpickr in the page's
 *                                 language, 24-hour, posting yyyy-mm-dd / HH:MM / yyyy-mm-ddTHH:MM; typed
 *                                 2026/1/5, 2026.1.5, 20260105 are read, anything else stays, marked invalid
 *   input[type=file]              a translated "choose files" button and the chosen names, whatever the
 *                                 browser's language (inputs already inside a styled label are left alone);
 *                                 on a phone page a full-width 44 px button, a camera one for image fields
 * The texts come from data-t-* attributes of this script's tag (translated by its template). */
(function () {
  "use strict";

  var script = document.currentScript;
  var T = {
    search: "Search…", noResults: "Nothing found", remove: "Remove", choose: "Choose…", locate: "Locate",
    locating: "Locating…", located: "Located", notLocated: "No coordinates yet", myPosition: "Use my position",
    scan: "Scan", scanHint: "Point the camera at the code", close: "Close", clear: "Clear", noCamera: "The camera could not be opened.",
    chooseFile: "Choose file", chooseFiles: "Choose files", noFile: "No file chosen", less: "Decrease", more: "Increase",
    takePhoto: "Take or choose a photo", takePhotos: "Take or choose photos",
    badDate: "Not a date this field can read; type it like 2026-01-05 or pick it from the calendar.",
    badTime: "Not a time this field can read; type it like 09:30."
  };
  Object.keys(T).forEach(function (key) {  // data-t-no-results="…" → T.noResults
    var text = script && script.dataset["t" + key.charAt(0).toUpperCase() + key.slice(1)];
    if (text) T[key] = text;
  });
  var geocodeUrl = script ? script.dataset.geocodeUrl || "" : "";
  var zxingUrl = script ? script.dataset.zxingUrl || "" : "";

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "class") el.className = value;
      else if (name === "text") el.textContent = value;
      else el.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function once(el, name) {
    var flag = "widget" + name;
    if (el.dataset[flag]) return false;
    el.dataset[flag] = "1";
    return true;
  }

  function fire(el, type) { el.dispatchEvent(new Event(type, { bubbles: true })); }

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  // --- reference search selects -------------------------------------------------------------------
  function referencePicker(select) {
    if (select.disabled || !once(select, "Ref")) return;
    var multiple = select.multiple;
    var box = h("div", { "class": "cf-ref" });
    var chips = h("div", { "class": "cf-ref-chips" });
    var input = h("input", { type: "search", "class": "form-control", autocomplete: "off", placeholder: T.search,
      "aria-label": T.search, role: "combobox", "aria-expanded": "false", "aria-autocomplete": "list" });
    var menu = h("div", { "class": "cf-ref-menu list-group shadow-sm d-none", role: "listbox" });
    select.parentNode.insertBefore(box, select);
    box.appendChild(chips); box.appendChild(input); box.appendChild(menu); box.appendChild(select);
    select.classList.add("d-none");
    if (select.classList.contains("is-invalid")) input.classList.add("is-invalid");

    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
    }

    function drawChips() {
      chips.replaceChildren.apply(chips, chosen().map(function (option) {
        var remove = h("button", { type: "button", "class": "btn-close", "aria-label": T.remove + " " + option.text });
        remove.addEventListener("click", function () {
          option.selected = false;
          if (!multiple) select.value = "";
          drawChips(); fire(select, "change");
        });
        return h("span", { "class": "cf-ref-chip" }, [h("span", { text: option.text }), remove]);
      }));
      input.placeholder = !multiple && chosen().length ? T.choose : T.search;
    }

    function pick(id, label) {
      var option = Array.prototype.filter.call(select.options, function (o) { return o.value === String(id); })[0];
      if (!option) { option = h("option", { value: String(id), text: label }); select.appendChild(option); }
      if (!multiple) Array.prototype.forEach.call(select.options, function (o) { o.selected = false; });
      option.selected = true;
      input.value = "";
      closeMenu(); drawChips(); fire(select, "change");
    }

    function closeMenu() { menu.classList.add("d-none"); input.setAttribute("aria-expanded", "false"); }

    function showResults(results) {
      menu.replaceChildren.apply(menu, results.length ? results.map(function (item) {
        var label = item.label || item.name || item.text || String(item.id);
        var extra = item.number || item.phone || "";
        var button = h("button", { type: "button", "class": "list-group-item list-group-item-action", role: "option" },
          [h("span", { text: label }), extra ? h("small", { "class": "text-muted ms-2", text: extra }) : null]);
        button.addEventListener("click", function () { pick(item.id, label); });
        return button;
      }) : [h("div", { "class": "list-group-item text-muted small", text: T.noResults })]);
      menu.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
    }

    var search = debounce(function () {
      var text = input.value.trim();
      var url = select.dataset.searchUrl + (select.dataset.searchUrl.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === text) showResults(data.results || []); })
        .catch(function () { showResults([]); });
    }, 250);

    input.addEventListener("input", search);
    input.addEventListener("focus", function () { if (!input.value) search(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeMenu();
      if (event.key === "Enter") {  // Enter picks the first result instead of submitting the form
        var first = menu.querySelector("button");
        if (first && !menu.classList.contains("d-none")) { event.preventDefault(); first.click(); }
      }
      if (event.key === "ArrowDown") {
        var button = menu.querySelector("button");
        if (button) { event.preventDefault(); button.focus(); }
      }
    });
    menu.addEventListener("keydown", function (event) {
      var current = document.activeElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) { event.preventDefault(); current.nextElementSibling.focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (current.previousElementSibling || input).focus(); }
      if (event.key === "Escape") { closeMenu(); input.focus(); }
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) closeMenu(); });
    drawChips();
  }

  // --- cascade selects --------------------------------------------------------------------------------
  function cascadeSelect(select) {
    if (!once(select, "Cascade")) return;
    var tree;
    try { tree = JSON.parse(select.dataset.cascadeOptions); } catch (e) { return; }
    var chain = h("div", { "class": "cf-cascade" });
    select.parentNode.insertBefore(chain, select);
    select.classList.add("d-none");
    var path = [];
    try { path = select.value ? JSON.parse(select.value) : []; } catch (e) { path = []; }

    function levelSelect(options, depth) {
      var level = h("select", { "class": "form-select", "aria-label": (select.getAttribute("aria-label") || "") + " " + (depth + 1) });
      if (select.disabled) level.disabled = true;
      if (select.classList.contains("is-invalid")) level.classList.add("is-invalid");
      level.appendChild(h("option", { value: "", text: T.choose }));
      options.forEach(function (option) {
        var item = h("option", { value: option.value, text: option.label });
        if (path[depth] === option.value) item.selected = true;
        level.appendChild(item);
      });
      level.addEventListener("change", function () {
        path = path.slice(0, depth);
        if (level.value) path.push(level.value);
        draw(); write();
      });
      return level;
    }

    function draw() {
      var levels = [];
      var options = tree;
      for (var depth = 0; options && options.length; depth++) {
        levels.push(levelSelect(options, depth));
        var node = options.filter(function (o) { return o.value === path[depth]; })[0];
        options = node ? node.children : null;
      }
      chain.replaceChildren.apply(chain, levels);
    }

    function write() {
      var encoded = path.length ? JSON.stringify(path) : "";
      var match = Array.prototype.some.call(select.options, function (o) { return o.value === encoded; });
      select.value = match ? encoded : "";
      fire(select, "change");
    }

    draw();
  }

  // --- address and location parts -----------------------------------------------------------------
  function partsOf(input, attribute) {
    var base = input.name.replace(/_\d+$/, "");
    return Array.prototype.filter.call(input.form ? input.form.elements : document.querySelectorAll("[" + attribute + "]"),
      function (el) { return el.hasAttribute(attribute) && el.name.replace(/_\d+$/, "") === base; });
  }

  function addressParts(first) {
    var inputs = partsOf(first, "data-address-part");
    if (!inputs.length || !once(inputs[0], "Address")) return;
    var part = {};
    inputs.forEach(function (input) { part[input.dataset.addressPart] = input; });
    var grid = h("div", { "class": "cf-address" });
    inputs[0].parentNode.insertBefore(grid, inputs[0]);
    inputs.forEach(function (input) {
      if (input.type !== "hidden") input.classList.add("cf-part-" + input.dataset.addressPart);
      grid.appendChild(input);
    });
    if (!part.lat || !part.lng) return;
    var status = h("span", { "class": "cf-coordinates small text-muted" });
    var bar = h("div", { "class": "cf-parts-bar" }, [status]);
    grid.parentNode.insertBefore(bar, grid.nextSibling);

    function showPoint() {
      var has = part.lat.value && part.lng.value;
      status.textContent = has ? T.located + " " + Number(part.lat.value).toFixed(5) + ", " + Number(part.lng.value).toFixed(5) : T.notLocated;
    }
    inputs.forEach(function (input) {
      if (input.type === "hidden") return;
      input.addEventListener("change", function () { part.lat.value = ""; part.lng.value = ""; showPoint(); });
    });
    if (geocodeUrl && !first.disabled) {
      var button = h("button", { type: "button", "class": "btn btn-sm btn-outline-secondary" }, [h("i", { "class": "bi bi-geo-alt" }), " " + T.locate]);
      bar.insertBefore(button, status);
      button.addEventListener("click", function () {
        var query = ["province", "city", "district", "detail"].map(function (name) {
          var input = part[name];
          // the region picker's selects hold codes: the geocoder reads the names they show
          var value = !input ? "" : input.tagName === "SELECT" ? (input.value && input.selectedOptions[0] ? input.selectedOptions[0].text : "") : input.value;
          return name + "=" + encodeURIComponent(value);
        }).join("&");
        button.disabled = true;
        status.textContent = T.locating;
        fetch(geocodeUrl + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
          .then(function (result) {
            if (result.ok) { part.lat.value = result.data.lat; part.lng.value = result.data.lng; showPoint(); }
            else status.textContent = result.data.message || T.notLocated;
          })
          .catch(function () { status.textContent = T.notLocated; })
          .then(function () { button.disabled = false; });
      });
    }
    showPoint();
  }

  function locationParts(first) {
    var inputs = partsOf(first, "data-location-part");
    if (!inputs.length || !once(inputs[0], "Location")) return;
    var part = {};
    inputs.forEach(function (input) { part[input.dataset.locationPart] = input; });
    var grid = h("div", { "class": "cf-location" });
    inputs[0].parentNode.insertBefore(grid, inputs[0]);
    inputs.forEach(function (input) { input.classList.add("cf-part-" + input.dataset.locationPart); grid.appendChild(input); });
    if (!navigator.geolocation || !window.isSecureContext || first.disabled) return;
    var status = h("span", { "class": "small text-muted" });
    var button = h("button", { type: "button", "class": "btn btn-sm btn-outline-secondary" }, [h("i", { "class": "bi bi-crosshair" }), " " + T.myPosition]);
    grid.parentNode.insertBefore(h("div", { "class": "cf-parts-bar" }, [button, status]), grid.nextSibling);
    button.addEventListener("click", function () {
      status.textContent = T.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        part.lat.value = position.coords.latitude.toFixed(6);
        part.lng.value = position.coords.longitude.toFixed(6);
        status.textContent = T.located;
        fire(part.lat, "change");
      }, function () { status.textContent = T.notLocated; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  // --- scan codes (the kit's scanner) ------------------------------------------------------------------
  function scanCode(input) {
    if (input.disabled && !input.hasAttribute("data-kit-scanner")) return;
    if (!once(input, "Scan")) return;
    var group = h("div", { "class": "input-group kit-scanner" });
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    var camera = navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
    if (!camera || !("BarcodeDetector" in window || zxingUrl)) return;  // manual entry: the input stays as it is
    var button = h("button", { type: "button", "class": "btn btn-outline-secondary kit-scan-btn", title: T.scan, "aria-label": T.scan },
      [h("i", { "class": "bi bi-upc-scan" })]);
    group.appendChild(button);
    button.addEventListener("click", function () { if (!input.disabled) openScanner(input); });
  }

  function putCode(input, code) {
    code = String(code || "").trim();
    if (!code) return;
    if (input.getAttribute("data-kit-scanner") === "append") {
      var codes = input.value.split(/[\s,，;；、]+/).filter(Boolean);
      if (codes.indexOf(code) < 0) codes.push(code);
      input.value = codes.join(" ");
    } else {
      input.value = code;
    }
    fire(input, "input"); fire(input, "change");
  }

  var zxingLoading = null;
  function loadZxing() {  // the vendored @zxing/browser, only when a scan needs it
    if (window.ZXingBrowser) return Promise.resolve(window.ZXingBrowser);
    if (!zxingLoading) {
      zxingLoading = new Promise(function (resolve, reject) {
        var tag = h("script", { src: zxingUrl });
        tag.addEventListener("load", function () { resolve(window.ZXingBrowser); });
        tag.addEventListener("error", function () { zxingLoading = null; reject(new Error("zxing")); });
        document.head.appendChild(tag);
      });
    }
    return zxingLoading;
  }

  function openScanner(input) {
    var video = h("video", { playsinline: true, muted: true, "class": "cf-scanner-video" });
    var message = h("div", { "class": "cf-scanner-hint", text: T.scanHint });
    var close = h("button", { type: "button", "class": "btn btn-light kit-scan-close" }, [T.close]);
    var overlay = h("div", { "class": "cf-scanner", role: "dialog", "aria-modal": "true", "aria-label": T.scan },
      [video, h("div", { "class": "cf-scanner-frame" }), message, close]);
    document.body.appendChild(overlay);
    var stream = null;
    var timer = null;
    var controls = null;
    var closed = false;

    function stop() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (controls) controls.stop();
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      overlay.remove();
      document.removeEventListener("keydown", onKey);
      input.focus();
    }
    function found(code) { putCode(input, code); stop(); }
    function failed() { if (!closed) message.textContent = T.noCamera; }
    function onKey(event) { if (event.key === "Escape") stop(); }
    close.addEventListener("click", stop);
    document.addEventListener("keydown", onKey);

    if (!("BarcodeDetector" in window)) {  // the library reads the camera itself
      loadZxing().then(function (ZXingBrowser) {
        if (closed) return null;
        var reader = new ZXingBrowser.BrowserMultiFormatReader();
        return reader.decodeFromConstraints({ video: { facingMode: "environment" }, audio: false }, video,
          function (result) { if (result && !closed) found(result.getText()); });
      }).then(function (started) {
        controls = started;
        if (closed && controls) controls.stop();
      }).catch(failed);
      return;
    }
    var detector;
    Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : undefined)
      .then(function (formats) {
        detector = formats && formats.length ? new window.BarcodeDetector({ formats: formats }) : new window.BarcodeDetector();
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      })
      .then(function (media) {
        stream = media;
        if (closed) { media.getTracks().forEach(function (track) { track.stop(); }); return null; }
        video.srcObject = media;
        return video.play();
      })
      .then(function () {
        if (closed) return;
        timer = setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && !closed) found(codes[0].rawValue);
          }).catch(function () { /* a frame that could not be read: try the next */ });
        }, 250);
      })
      .catch(failed);
  }

  // --- quantity steppers ----------------------------------------------------------------------------------
  function stepper(input) {
    if (!once(input, "Stepper")) return;
    var box = h("div", { "class": "kit-stepper" });
    var minus = h("button", { type: "button", "class": "btn kit-stepper-btn", "aria-label": T.less, tabindex: "-1" },
      [h("i", { "class": "bi bi-dash-lg" })]);
    var plus = h("button", { type: "button", "class": "btn kit-stepper-btn", "aria-label": T.more, tabindex: "-1" },
      [h("i", { "class": "bi bi-plus-lg" })]);
    input.parentNode.insertBefore(box, input);
    box.appendChild(minus); box.appendChild(input); box.appendChild(plus);
    input.classList.add("kit-stepper-input");

    function bound(name) {
      var value = parseFloat(input.dataset[name]);
      return isNaN(value) ? null : value;
    }
    function step(direction) {
      if (input.disabled || input.readOnly) return;
      var size = bound("step") || 1;
      var current = parseFloat(input.value);
      var next = (isNaN(current) ? 0 : current) + direction * size;
      var low = bound("min"), high = bound("max");
      if (low !== null && next < low) next = low;
      if (high !== null && next > high) next = high;
      input.value = String(Math.round(next * 1000) / 1000);
      fire(input, "input"); fire(input, "change");
    }
    minus.addEventListener("click", function () { step(-1); });
    plus.addEventListener("click", function () { step(1); });
  }

  // --- signature pads ---------------------------------------------------------------------------------
  function signaturePad(box) {
    if (!once(box, "Signature")) return;
    var canvas = box.querySelector("canvas");
    var hidden = box.querySelector("[data-signature-data]");
    if (!canvas || !hidden) return;
    var clear = h("button", { type: "button", "class": "btn btn-sm btn-link px-0 cf-signature-clear" }, [h("i", { "class": "bi bi-eraser" }), " " + T.clear]);
    canvas.parentNode.insertBefore(clear, canvas.nextSibling);
    var context = canvas.getContext("2d");
    var drawing = false;
    var empty = true;

    function fit() {  // the bitmap matches the displayed size, so strokes are not stretched
      var ratio = window.devicePixelRatio || 1;
      var width = Math.round(canvas.clientWidth * ratio);
      var height = Math.round(canvas.clientHeight * ratio);
      if (!width || (canvas.width === width && canvas.height === height)) return;
      canvas.width = width; canvas.height = height;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.2; context.lineCap = "round"; context.lineJoin = "round"; context.strokeStyle = "#111";
      empty = true; hidden.value = "";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (empty) fit();
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath(); context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1); context.stroke();
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y); context.stroke();
    });
    function finish() {
      if (!drawing) return;
      drawing = false; empty = false;
      hidden.value = canvas.toDataURL("image/png");
      fire(hidden, "change");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      empty = true; hidden.value = "";
      fire(hidden, "change");
    });
  }

  // --- multiple-choice check lists (Django's CheckboxSelectMultiple markup) -----------------------
  function checkList(input) {
    var label = input.parentNode;
    var row = label && label.parentNode;
    var list = row && row.parentNode;
    if (!label || label.tagName !== "LABEL" || !row || row.tagName !== "DIV" || !list || !list.id) return;
    if (input.className || !once(input, "Check")) return;
    list.classList.add("cf-checks");
    row.classList.add("form-check", "form-check-inline");
    input.classList.add("form-check-input");
    label.classList.add("form-check-label");
  }

  // --- date, time and date-time pickers (core/widgets.py) ---------------------------------------------
  var zh = /^zh/i.test(document.documentElement.lang || "");
  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  var PICKERS = {
    date: { dateFormat: "Y-m-d" },
    time: { dateFormat: "H:i", enableTime: true, noCalendar: true },
    datetime: { dateFormat: "Y-m-d\\TH:i", enableTime: true, altInput: true, altFormat: "Y-m-d H:i" }
  };

  // What people type: 2026-01-05, 2026/1/5, 2026.1.5, 20260105 (with " 9:05" / "T09:05" after a date),
  // and 9:05, 9：05 or 0905 for a time. A day that does not exist (2026-02-30, 25:00) is not a date.
  var DATE_RE = /^(\d{4})(?:[-\/.\u5e74](\d{1,2})[-\/.\u6708](\d{1,2})\u65e5?|(\d{2})(\d{2}))$/;  // 年 月 日
  var TIME_RE = /^(\d{1,2})(?:[:\uff1a.](\d{2})|(\d{2}))?$/;  // ：
  function parseTyped(text, kind) {
    var value = String(text || "").trim(), time = "", date = null;
    if (kind === "time") time = value;
    else {
      var parts = value.split(/\s+|T/);
      if (parts.length > 2 || (parts.length === 2 && kind !== "datetime")) return undefined;
      var d = DATE_RE.exec(parts[0]);
      if (!d) return undefined;
      date = [+d[1], +(d[2] || d[4]), +(d[3] || d[5])];
      time = parts[1] || "";
    }
    var hour = 0, minute = 0;
    if (time) {
      var t = TIME_RE.exec(time);
      if (!t) return undefined;
      hour = +t[1]; minute = +(t[2] || t[3] || 0);
      if (hour > 23 || minute > 59) return undefined;
    } else if (kind === "time") return undefined;
    var result = date ? new Date(date[0], date[1] - 1, date[2], hour, minute) : new Date(new Date().setHours(hour, minute, 0, 0));
    if (date && (result.getFullYear() !== date[0] || result.getMonth() !== date[1] - 1 || result.getDate() !== date[2])) return undefined;
    return result;
  }

  // A typed text the picker cannot read stays in the field, marked invalid with a message (flatpickr would
  // empty it and post nothing); the server refuses it with the field's own error, nothing is lost.
  function keepUnreadable(input, instance) {
    var field = instance.altInput || input, typed = null, kept = null;
    var message = h("div", { "class": "invalid-feedback kit-picker-error", text: input.dataset.picker === "time" ? T.badTime : T.badDate });
    function mark(text) {
      kept = text;
      field.value = text; input.value = text;
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      if (!message.parentNode) (field.closest(".kit-picker-box") || field).insertAdjacentElement("afterend", message);
    }
    function unmark() {
      kept = null;
      field.classList.remove("is-invalid");
      field.removeAttribute("aria-invalid");
      if (message.parentNode) message.remove();
    }
    field.addEventListener("input", function (event) { if (event.isTrusted) typed = field.value; });  // not flatpickr's own
    field.addEventListener("blur", function () {
      var text = typed !== null ? typed : kept;
      typed = null;
      // after flatpickr has read the text on blur and, as focus lands elsewhere, once more on closing
      setTimeout(function () {
        if (text && text.trim() && !input.value) mark(text);
        else unmark();
      }, 0);
    });
    instance.config.onChange.push(function (dates) { if (dates.length) { typed = null; unmark(); } });
    return mark;
  }

  function picker(input) {
    if (!window.flatpickr || !once(input, "Picker")) return;
    var kind = PICKERS[input.dataset.picker];
    if (!kind) return;
    var initial = input.value;
    var locale = "default";
    if (zh && flatpickr.l10ns.zh) locale = Object.assign({}, flatpickr.l10ns.zh, { firstDayOfWeek: 1 });
    var options = Object.assign({
      locale: locale,
      time_24hr: true,
      minuteIncrement: 1,
      disableMobile: true,  // phones' native pickers follow the phone's language and clock: not used
      allowInput: !coarse,  // typing on a computer; on a phone the calendar without the keyboard over it
      parseDate: function (text) { return parseTyped(text, input.dataset.picker); },
      errorHandler: function () {},  // an unreadable text is answered by keepUnreadable, not the console
      altInputClass: input.className,
      static: !!input.closest(".modal, dialog"),  // inside a modal its focus trap would keep the calendar out
      onReady: function (dates, text, instance) {
        var shown = instance.altInput;
        if (shown) {  // the visible twin of a date-time input takes its label, placeholder and state
          if (input.id) { shown.id = input.id + "_shown"; document.querySelectorAll("label[for='" + input.id + "']").forEach(function (label) { label.htmlFor = shown.id; }); }
          if (input.getAttribute("aria-label")) shown.setAttribute("aria-label", input.getAttribute("aria-label"));
          shown.setAttribute("autocomplete", "off");
          shown.setAttribute("data-picker-shown", input.dataset.picker);
        }
        var field = shown || input;
        field.setAttribute("inputmode", coarse ? "none" : "numeric");
        if (coarse && !input.required && !input.disabled) {  // on a phone the field is not typed in: a way to empty it
          var clear = h("button", { type: "button", "class": "btn btn-link kit-picker-clear", "aria-label": T.clear, title: T.clear },
            [h("i", { "class": "bi bi-x-circle", "aria-hidden": "true" })]);
          var box = h("div", { "class": "kit-picker-box" });
          field.parentNode.insertBefore(box, field);
          box.appendChild(field); box.appendChild(clear);
          var sync = function () { clear.hidden = !input.value; };
          clear.addEventListener("click", function () { instance.clear(); sync(); });
          instance.config.onChange.push(sync);
          sync();
        }
      }
    }, kind);
    var instance = flatpickr(input, options);
    var mark = keepUnreadable(input, instance);
    if (initial && !instance.selectedDates.length) mark(initial);  // a refused form came back with the text as typed
  }

  // --- file inputs --------------------------------------------------------------------------------------
  // On a phone page (.m-app) the button is the phone's: full width, 44 px high, and for an image field a
  // camera button whose chooser offers the camera and the gallery (accept="image/…", no `capture`, which
  // would forbid the gallery), with thumbnails of the chosen pictures under it.
  function filePicker(input) {
    if (input.classList.contains("visually-hidden") || input.closest("label") || !once(input, "File")) return;
    var multiple = input.multiple;
    var phone = !!input.closest(".m-app");
    var accept = (input.getAttribute("accept") || "").split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    var images = accept.length > 0 && accept.every(function (t) { return /^image\//.test(t); });
    var small = !phone && input.classList.contains("form-control-sm");
    var box = h("div", { "class": "kit-file" + (small ? " kit-file-sm" : "") + (phone ? " kit-file-phone" : "") });
    var text = phone && images ? (multiple ? T.takePhotos : T.takePhoto) : (multiple ? T.chooseFiles : T.chooseFile);
    var button = h("button", { type: "button", "class": (phone ? "btn m-btn m-btn-soft" : "btn btn-outline-secondary" + (small ? " btn-sm" : "")) + " kit-file-button" },
      [h("i", { "class": "bi " + (phone && images ? "bi-camera" : "bi-paperclip"), "aria-hidden": "true" }), " " + text]);
    var names = h("span", { "class": "kit-file-names", "aria-live": "polite", text: T.noFile });
    var thumbs = phone && images ? h("div", { "class": "kit-file-thumbs" }) : null;
    if (input.classList.contains("is-invalid")) box.classList.add("is-invalid");
    input.parentNode.insertBefore(box, input);
    box.appendChild(button); box.appendChild(names); if (thumbs) box.appendChild(thumbs); box.appendChild(input);
    input.classList.add("kit-file-input");
    input.tabIndex = -1;
    input.setAttribute("aria-hidden", "true");  // the button stands for it
    var label = input.id && document.querySelector("label[for='" + input.id + "']");
    button.setAttribute("aria-label", (label ? label.textContent.trim() + " " : (input.getAttribute("aria-label") ? input.getAttribute("aria-label") + " " : "")) + button.textContent.trim());
    if (label) label.addEventListener("click", function (event) { event.preventDefault(); button.focus(); });
    button.addEventListener("click", function () { input.click(); });

    function draw() {
      var files = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      names.textContent = files.length ? files.join(zh ? "、" : ", ") : T.noFile;
      names.title = files.length ? files.join("\n") : "";
      names.classList.toggle("kit-file-chosen", files.length > 0);
      if (thumbs) {
        thumbs.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
        thumbs.textContent = "";
        Array.prototype.forEach.call(input.files || [], function (file) {
          if (/^image\//.test(file.type)) thumbs.appendChild(h("img", { src: URL.createObjectURL(file), alt: file.name }));
        });
      }
    }
    input.addEventListener("change", draw);
    if (input.form) input.form.addEventListener("reset", function () { setTimeout(draw, 0); });
    draw();
  }

  // --- wiring -------------------------------------------------------------------------------------------
  function init(scope) {
    var rootEl = scope && scope.querySelectorAll ? scope : document;
    function each(selector, fn) {
      if (rootEl.matches && rootEl.matches(selector)) fn(rootEl);
      rootEl.querySelectorAll(selector).forEach(fn);
    }
    each("select[data-search-url]", referencePicker);
    each("select[data-cascade-options]", cascadeSelect);
    each("[data-address-part]", addressParts);
    each("[data-location-part]", locationParts);
    each("input[data-scan-code], input[data-kit-scanner]", scanCode);
    each("input[data-kit-stepper]", stepper);
    each("[data-signature-pad]", signaturePad);
    each("div[id] > div > label > input[type=checkbox]", checkList);
    each("input[data-picker]", picker);
    each("input[type=file]", filePicker);
  }

  window.shouhouWidgets = { init: init };
  if (window.htmx && htmx.onLoad) htmx.onLoad(init);  // the page, then every piece htmx swaps in
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
