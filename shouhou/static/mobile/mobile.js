/* Shouhou on the phone (/m/). No inline script anywhere (CSP): pages mark what they need with data-*.
 *   [data-m-signature]        a signature pad on a canvas (touch, pen and mouse); the PNG data URL goes
 *                             into [data-m-signature-data]; [data-m-signature-clear] empties it
 *   [data-m-photos]           photo/file pickers with previews; several camera shots add up; with
 *                             data-m-camera-only, pictures older than data-m-max-age minutes are refused
 *                             (they came from the album), and [data-m-no-images] inputs refuse pictures
 *   form[data-m-geo]          asks for the position before submitting (data-m-geo="complete": only when
 *                             that submit button was used), fills [data-m-lat]/[data-m-lng] and reports it
 *   [data-m-deadline]         a countdown to the ISO time: "距超时还有36分钟", ticking
 *   [data-m-sheet="id"]       opens the <dialog id> bottom sheet; [data-m-sheet-close] closes it
 *   [data-m-tabs]             tab links [data-m-tab="panel id"] showing one [data-m-panel] at a time
 *   select[data-m-autosubmit] submits its form on change
 *   [data-m-steps]            a progress bar wider than the screen scrolls (inside itself) to its current step
 *   [data-m-choice]           a radio group of labels (.m-seg-item): the checked one is .active and shows
 *                             its [data-m-choice-panel="value"] (a sibling), the others are hidden
 *   [data-m-choices]          labels (.m-choice) holding a radio or check box: the checked ones are .checked
 *   #m-create-form            a new customer (the htmx-swapped block), address or planned time fires
 *                             "m-dispatch-refresh" on the body: the 负责人 ranking reloads itself
 * Texts come from data-t-* attributes of this script's tag (translated by base.html). */
(function () {
  "use strict";
  var script = document.currentScript;
  var T = {};
  Object.keys(script.dataset).forEach(function (key) {
    if (key.indexOf("t") === 0 && key.length > 1 && key[1] === key[1].toUpperCase()) {
      T[key[1].toLowerCase() + key.slice(2)] = script.dataset[key];
    }
  });
  var locationUrl = script.dataset.locationUrl || "";

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function once(el, name) {
    var key = "mBound" + name;
    if (el.dataset[key]) return false;
    el.dataset[key] = "1";
    return true;
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  // --- countdown to a node deadline ------------------------------------------------------------------
  function durationText(seconds) {
    seconds = Math.max(Math.floor(seconds), 0);
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    if (days) return fill(T.days, { d: days, h: hours });
    if (hours) return fill(T.hours, { h: hours, m: minutes });
    return fill(T.minutes, { m: minutes });
  }

  function tickCountdowns() {
    document.querySelectorAll("[data-m-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.dataset.mDeadline);
      if (isNaN(deadline)) return;
      var seconds = (deadline - Date.now()) / 1000;
      el.textContent = seconds >= 0 ? fill(T.left, { time: durationText(seconds + 59) })
        : fill(T.over, { time: durationText(-seconds) });
      var box = el.closest(".m-countdown");
      if (box) box.classList.toggle("m-countdown-over", seconds < 0);
    });
  }

  // --- signature pad -------------------------------------------------------------------------------------
  function signaturePad(box) {
    if (!once(box, "Signature")) return;
    var canvas = box.querySelector("canvas");
    var hidden = box.querySelector("[data-m-signature-data]");
    var clear = box.querySelector("[data-m-signature-clear]");
    if (!canvas || !hidden) return;
    var context = canvas.getContext("2d");
    var drawing = false;
    var empty = true;

    function fit() {  // the bitmap follows the displayed size, so strokes are not stretched
      var ratio = window.devicePixelRatio || 1;
      var width = Math.round(canvas.clientWidth * ratio);
      var height = Math.round(canvas.clientHeight * ratio);
      if (!width || (canvas.width === width && canvas.height === height)) return;
      canvas.width = width;
      canvas.height = height;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.4;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      var source = event.touches && event.touches.length ? event.touches[0] : event;
      return { x: source.clientX - rect.left, y: source.clientY - rect.top };
    }

    function begin(event) {
      if (empty) fit();
      drawing = true;
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      context.lineTo(p.x + 0.1, p.y + 0.1);
      context.stroke();
      event.preventDefault();
    }

    function move(event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      event.preventDefault();
    }

    function end() {
      if (!drawing) return;
      drawing = false;
      empty = false;
      box.classList.add("signed");
      hidden.value = canvas.toDataURL("image/png");
    }

    function reset() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      empty = true;
      box.classList.remove("signed");
      hidden.value = "";
    }

    if (window.PointerEvent) {  // one set of handlers for finger, pen and mouse
      canvas.addEventListener("pointerdown", function (event) {
        canvas.setPointerCapture(event.pointerId);
        begin(event);
      });
      canvas.addEventListener("pointermove", move);
      canvas.addEventListener("pointerup", end);
      canvas.addEventListener("pointercancel", end);
    } else {
      canvas.addEventListener("touchstart", begin, { passive: false });
      canvas.addEventListener("touchmove", move, { passive: false });
      canvas.addEventListener("touchend", end);
      canvas.addEventListener("mousedown", begin);
      canvas.addEventListener("mousemove", move);
      window.addEventListener("mouseup", end);
    }
    if (clear) clear.addEventListener("click", reset);
    window.addEventListener("resize", function () { if (empty) fit(); });
    fit();
  }

  // --- photo and file pickers ------------------------------------------------------------------------
  function isImage(file) {
    return /^image\//.test(file.type || "") || /\.(jpe?g|png|gif|webp|heic|heif|bmp|tiff?)$/i.test(file.name || "");
  }

  function photoPicker(box) {
    if (!once(box, "Photos")) return;
    var cameraOnly = box.hasAttribute("data-m-camera-only");
    var maxAge = parseFloat(box.dataset.mMaxAge || "5") * 60 * 1000;
    var error = box.querySelector("[data-m-file-error]");
    var previews = box.querySelector("[data-m-photo-previews]");
    var names = box.querySelector("[data-m-file-names]");
    var canMerge = typeof DataTransfer === "function";

    function showError(message) {
      if (!error) return;
      error.textContent = message || "";
      error.hidden = !message;
    }

    box.querySelectorAll("input[type=file]").forEach(function (input) {
      var kept = [];  // files chosen so far: each camera shot replaces the input's list, so they are added up
      var isPhotos = input.hasAttribute("data-m-photo-input");
      var noImages = input.hasAttribute("data-m-no-images");

      function write() {
        if (canMerge) {
          var transfer = new DataTransfer();
          kept.forEach(function (file) { transfer.items.add(file); });
          input.files = transfer.files;
        }
        draw();
      }

      function draw() {
        var list = canMerge ? kept : Array.prototype.slice.call(input.files || []);
        if (isPhotos && previews) {
          Array.prototype.slice.call(previews.querySelectorAll("[data-m-for='" + input.name + "']")).forEach(function (el) { el.remove(); });
        }
        if (names) {
          Array.prototype.slice.call(names.querySelectorAll("[data-m-for='" + input.name + "']")).forEach(function (el) { el.remove(); });
        }
        list.forEach(function (file, index) {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "m-thumb-remove";
          remove.setAttribute("aria-label", T.remove || "Remove");
          remove.textContent = "×";
          remove.hidden = !canMerge;
          remove.addEventListener("click", function () { kept.splice(index, 1); write(); });
          if (isPhotos && previews && isImage(file)) {
            var thumb = document.createElement("span");
            thumb.className = "m-thumb";
            thumb.dataset.mFor = input.name;
            var img = document.createElement("img");
            img.alt = file.name;
            img.src = URL.createObjectURL(file);
            img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
            thumb.appendChild(img);
            thumb.appendChild(remove);
            previews.appendChild(thumb);
          } else if (names) {
            var row = document.createElement("li");
            row.dataset.mFor = input.name;
            row.className = "m-file";
            row.textContent = file.name + " ";
            row.appendChild(remove);
            remove.classList.add("m-thumb-remove-inline");
            names.appendChild(row);
          }
        });
      }

      input.addEventListener("change", function () {
        var now = Date.now();
        var chosen = Array.prototype.slice.call(input.files || []);
        var refused = "";
        var accepted = chosen.filter(function (file) {
          if (noImages && isImage(file)) { refused = T.noImages; return false; }
          // a picture from the album carries its old date; a camera shot was made just now
          if (cameraOnly && isPhotos && (!file.lastModified || now - file.lastModified > maxAge)) {
            refused = T.oldPhoto;
            return false;
          }
          return true;
        });
        showError(refused);
        if (canMerge) {
          kept = kept.concat(accepted);
          write();
        } else if (refused) {
          input.value = "";  // without DataTransfer the whole choice is dropped
          draw();
        } else {
          draw();
        }
      });
    });
  }

  // --- position at 开始 / 完成 ----------------------------------------------------------------------------
  function reportLocation(latitude, longitude) {
    if (!locationUrl || !window.fetch) return;
    var body = new URLSearchParams();
    body.set("latitude", latitude);
    body.set("longitude", longitude);
    fetch(locationUrl, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() } }).catch(function () { /* the action still carries it */ });
  }

  function geoForm(form) {
    if (!once(form, "Geo")) return;
    var onlyFor = form.dataset.mGeo || "";
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || null;
      if (form.dataset.mLocated || !navigator.geolocation) return;
      if (onlyFor && (!submitter || submitter.name !== onlyFor)) return;
      event.preventDefault();
      var buttons = submitter ? [submitter] : Array.prototype.slice.call(form.querySelectorAll("[type=submit]"));
      var labels = buttons.map(function (button) { return button.innerHTML; });
      buttons.forEach(function (button) { button.classList.add("m-locating"); button.textContent = T.locating || "…"; });
      var done = false;

      function go() {
        if (done) return;
        done = true;
        form.dataset.mLocated = "1";
        buttons.forEach(function (button, index) { button.classList.remove("m-locating"); button.innerHTML = labels[index]; });
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      }

      navigator.geolocation.getCurrentPosition(function (position) {
        var latitude = position.coords.latitude.toFixed(6);
        var longitude = position.coords.longitude.toFixed(6);
        var lat = form.querySelector("[data-m-lat]");
        var lng = form.querySelector("[data-m-lng]");
        if (lat) lat.value = latitude;
        if (lng) lng.value = longitude;
        reportLocation(latitude, longitude);
        go();
      }, go, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      setTimeout(go, 12000);  // never keep the engineer waiting on a phone that does not answer
    });
  }

  // --- sheets, tabs, auto-submit ---------------------------------------------------------------------
  function sheetButton(button) {
    if (!once(button, "Sheet")) return;
    button.addEventListener("click", function () {
      var dialog = document.getElementById(button.dataset.mSheet);
      if (!dialog) return;
      if (dialog.showModal) dialog.showModal();
      else dialog.setAttribute("open", "");
      var field = dialog.querySelector("textarea, input:not([type=hidden])");
      if (field) field.focus();
    });
  }

  function sheetClose(button) {
    if (!once(button, "SheetClose")) return;
    button.addEventListener("click", function () {
      var dialog = button.closest("dialog");
      if (dialog && dialog.close) dialog.close();
      else if (dialog) dialog.removeAttribute("open");
    });
  }

  function tabs(nav) {
    if (!once(nav, "Tabs")) return;
    var links = Array.prototype.slice.call(nav.querySelectorAll("[data-m-tab]"));
    function show(id, scroll) {
      var found = links.some(function (link) { return link.dataset.mTab === id; });
      if (!found) return false;
      links.forEach(function (link) {
        var active = link.dataset.mTab === id;
        link.classList.toggle("active", active);
        if (active) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
        var panel = document.getElementById(link.dataset.mTab);
        if (panel) panel.hidden = !active;
      });
      if (scroll) nav.scrollIntoView({ block: "start" });
      return true;
    }
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(link.dataset.mTab, false);
        if (history.replaceState) history.replaceState(null, "", "#" + link.dataset.mTab);
      });
    });
    var wanted = (location.hash || "").slice(1);
    if (!show(wanted, !!wanted) && links.length) show(links[0].dataset.mTab, false);
    window.addEventListener("hashchange", function () { show((location.hash || "").slice(1), true); });
  }

  function autosubmit(select) {
    if (!once(select, "Auto")) return;
    select.addEventListener("change", function () {
      if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
    });
  }

  function stepsToCurrent(bar) {
    var done = bar.querySelectorAll(".done");
    var current = bar.querySelector(".current") || done[done.length - 1];
    if (!current || bar.scrollWidth <= bar.clientWidth) return;
    var left = current.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
    bar.scrollLeft = Math.max(0, left - (bar.clientWidth - current.offsetWidth) / 2);
  }

  // --- a radio group that shows one panel (派单 on the new-order page) --------------------------------------
  function choiceGroup(group) {
    if (!once(group, "Choice")) return;
    var holder = group.parentElement;
    function show() {
      var checked = group.querySelector("input[type=radio]:checked");
      group.querySelectorAll("label").forEach(function (label) {
        label.classList.toggle("active", label.contains(checked));
      });
      holder.querySelectorAll("[data-m-choice-panel]").forEach(function (panel) {
        panel.hidden = !checked || panel.dataset.mChoicePanel !== checked.value;
      });
    }
    group.addEventListener("change", show);
    show();
  }

  // --- pills that are their radio's or check box's label (收款, 回访): the checked ones are .checked ---------
  function choicePills(group) {
    if (!once(group, "Choices")) return;
    function show() {
      group.querySelectorAll("label.m-choice").forEach(function (label) {
        var input = label.querySelector("input");
        label.classList.toggle("checked", !!input && input.checked);
      });
    }
    group.addEventListener("change", show);
    show();
  }

  function refreshDispatch(event) {
    var form = document.getElementById("m-create-form");
    if (!form) return;
    var target = event.target;
    if (!target || !form.contains(target)) return;
    var swapped = event.type === "htmx:load" && target.id === "m-customer-block";
    var changed = event.type === "change" && (target.name === "address" || target.name === "planned_at");
    if (swapped || changed) {
      document.body.dispatchEvent(new CustomEvent("m-dispatch-refresh"));
    }
  }
  document.addEventListener("change", refreshDispatch);
  document.addEventListener("htmx:load", refreshDispatch);

  // --- wiring -----------------------------------------------------------------------------------------
  function init(scope) {
    var root = scope && scope.querySelectorAll ? scope : document;
    function each(selector, fn) {
      if (root.matches && root.matches(selector)) fn(root);
      root.querySelectorAll(selector).forEach(fn);
    }
    each("[data-m-signature]", signaturePad);
    each("[data-m-photos]", photoPicker);
    each("form[data-m-geo]", geoForm);
    each("[data-m-sheet]", sheetButton);
    each("[data-m-sheet-close]", sheetClose);
    each("[data-m-tabs]", tabs);
    each("select[data-m-autosubmit]", autosubmit);
    each("[data-m-steps]", stepsToCurrent);
    each("[data-m-choice]", choiceGroup);
    each("[data-m-choices]", choicePills);
  }

  window.shouhouMobile = { init: init, durationText: durationText };
  if (window.htmx && htmx.onLoad) htmx.onLoad(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
  tickCountdowns();
  setInterval(tickCountdowns, 30000);
})();
