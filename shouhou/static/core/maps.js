/* Maps of the console and the phone (architecture §18): Leaflet (npm, vendored, loaded on first use).
 * Points arrive already in the system the configured map draws in (core.geo.map_point); tiles come from
 * MAPS_TILE_URL, and without a tile server the map draws its points, lines and scale on a plain background.
 *
 *   [data-map]                      a map; data-map-tiles, -subdomains, -attribution, -max-zoom (core/kit/_map.html)
 *     data-map-url="…"              JSON to draw: {orders: [...], engineers: [...], candidates: [...], order: {...}}
 *     data-map-data="id"            the same from a <script type="application/json" id>
 *     data-map-select="assignee"    clicking a candidate checks input[name=assignee][value=id] (the assign dialog)
 *   [data-view-toggle="id"]         list | map buttons: data-view="list|map" shows [data-view-panel] of that name
 * window.shouhouMaps.create(element, onReady) gives the dispatch map page (workorders/dispatch_map.js) the same
 * drawing helpers. Texts come from data-t-* attributes of this script's tag. No inline script (CSP). */
(function () {
  "use strict";
  var script = document.currentScript;
  var T = {};
  Object.keys(script.dataset).forEach(function (key) {
    if (key.indexOf("t") === 0 && key.length > 1 && key[1] === key[1].toUpperCase()) {
      T[key[1].toLowerCase() + key.slice(2)] = script.dataset[key];
    }
  });
  var CHINA = [35.0, 105.0];
  var waiting = null;

  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function loadLeaflet(callback) {
    if (window.L) { callback(window.L); return; }
    if (waiting) { waiting.push(callback); return; }
    waiting = [callback];
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.dataset.leafletCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = script.dataset.leafletJs;
    js.onload = function () {
      var callbacks = waiting;
      waiting = null;
      callbacks.forEach(function (cb) { cb(window.L); });
    };
    document.head.appendChild(js);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function km(value) {
    return value === null || value === undefined ? "" : fill(T.km, { km: Number(value).toFixed(1) });
  }

  // --- popups (DOM, never HTML strings: names and addresses are user text) ------------------------------
  function orderPopup(order, extra) {
    var box = el("div", "map-popup");
    var head = el("div", "map-popup-title");
    if (order.url) {
      var link = el("a", "", order.number);
      link.href = order.url;
      head.appendChild(link);
    } else {
      head.textContent = order.number;
    }
    head.appendChild(el("span", "badge text-bg-light border ms-1", order.status_label));
    box.appendChild(head);
    box.appendChild(el("div", "fw-semibold", order.customer));
    if (order.address) box.appendChild(el("div", "text-muted small", order.address));
    if (order.planned_at) box.appendChild(el("div", "small", fill(T.planned, { time: order.planned_at })));
    if (order.assignee) box.appendChild(el("div", "small", fill(T.assignee, { name: order.assignee })));
    if (order.distance_km !== undefined && order.distance_km !== null) box.appendChild(el("div", "small fw-semibold", km(order.distance_km)));
    if (extra) box.appendChild(extra);
    return box;
  }

  function personPopup(person) {
    var box = el("div", "map-popup");
    var head = el("div", "map-popup-title", person.name);
    if (person.work_status) {
      var status = el("span", "badge ms-1", person.work_status);
      status.style.background = person.status_color || "#8c8c8c";
      head.appendChild(status);
    }
    box.appendChild(head);
    if (person.open !== undefined) {
      box.appendChild(el("div", "small", fill(T.load, { open: person.open, done: person.done_today })));
    }
    if (person.distance_km !== undefined && person.distance_km !== null) box.appendChild(el("div", "small fw-semibold", km(person.distance_km)));
    box.appendChild(el("div", "small text-muted", person.source === "team"
      ? fill(T.teamPlace, { team: person.team || "" })
      : (person.last_seen ? fill(T.lastSeen, { time: person.last_seen }) : "")));
    return box;
  }

  // --- one map -----------------------------------------------------------------------------------------
  function MapView(L, element) {
    var data = element.dataset;
    var map = L.map(element, { zoomControl: true, attributionControl: !!data.mapAttribution, worldCopyJump: false });
    var maxZoom = parseInt(data.mapMaxZoom || "18", 10) || 18;
    if (data.mapTiles) {
      L.tileLayer(data.mapTiles, { subdomains: data.mapSubdomains || "abc", maxZoom: maxZoom,
        attribution: data.mapAttribution || "" }).addTo(map);
    } else {
      element.classList.add("map-plain");
      map.setMaxZoom(maxZoom);
    }
    L.control.scale({ imperial: false }).addTo(map);
    map.setView(CHINA, 4);
    this.L = L;
    this.map = map;
    this.element = element;
    this.layers = L.layerGroup().addTo(map);
    this.lines = L.layerGroup().addTo(map);
    this.markers = {};
    var self = this;
    // a map whose box changes (a modal still opening, a window resized) measures itself again and shows
    // what it was last asked to fit
    var size = [element.clientWidth, element.clientHeight];
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        var now = [element.clientWidth, element.clientHeight];
        if (Math.abs(now[0] - size[0]) < 2 && Math.abs(now[1] - size[1]) < 2) return;  // no loop on scrollbars
        size = now;
        self.map.invalidateSize({ animate: false });
        if (self.fitted) self.fit(self.fitted);
      }).observe(element);
    }
  }

  MapView.prototype.clear = function () {
    this.layers.clearLayers();
    this.lines.clearLayers();
    this.markers = {};
  };

  MapView.prototype.orderMarker = function (order, options) {
    if (!order.point) return null;
    options = options || {};
    var L = this.L;
    var icon = L.divIcon({
      className: "map-pin map-pin-" + (order.status || "order") + (options.selected ? " map-pin-selected" : ""),
      html: '<i class="bi bi-geo-alt-fill" aria-hidden="true"></i>',
      iconSize: options.selected ? [36, 36] : [28, 28], iconAnchor: options.selected ? [18, 34] : [14, 26],
      popupAnchor: [0, -24],
    });
    var marker = L.marker(order.point, { icon: icon, title: order.number + " " + order.customer, riseOnHover: true,
      zIndexOffset: options.selected ? 1000 : 0, keyboard: true });
    marker.bindPopup(orderPopup(order, options.extra));
    marker.addTo(this.layers);
    this.markers["order-" + order.id] = marker;
    return marker;
  };

  MapView.prototype.personMarker = function (person, options) {
    if (!person.point) return null;
    options = options || {};
    var L = this.L;
    var face = el("span", "map-person-face", (person.name || "?").slice(0, 1));
    face.style.borderColor = person.status_color || "#8c8c8c";
    var icon = L.divIcon({
      className: "map-person" + (person.source === "team" ? " map-person-team" : "") + (options.highlight ? " map-person-near" : ""),
      html: face, iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14],
    });
    var id = person.user_id || person.id;
    var marker = L.marker(person.point, { icon: icon, title: person.name, riseOnHover: true, keyboard: true });
    marker.bindPopup(personPopup(person));
    if (options.onClick) marker.on("click", function () { options.onClick(person); });
    marker.addTo(this.layers);
    this.markers["person-" + id] = marker;
    return marker;
  };

  MapView.prototype.line = function (from, to, label) {
    if (!from || !to) return;
    var line = this.L.polyline([from, to], { color: "#1677ff", weight: 2, opacity: 0.7, dashArray: "5 6" });
    if (label) line.bindTooltip(label, { permanent: true, direction: "center", className: "map-distance" });
    line.addTo(this.lines);
  };

  MapView.prototype.me = function (point) {
    this.L.circleMarker(point, { radius: 8, color: "#fff", weight: 3, fillColor: "#1677ff", fillOpacity: 1 })
      .bindTooltip(T.you || "").addTo(this.layers);
  };

  MapView.prototype.fit = function (points) {
    points = (points || []).filter(Boolean);
    this.fitted = points;
    if (!points.length) { this.map.setView(CHINA, 4); return; }
    if (points.length === 1) { this.map.setView(points[0], 13, { animate: false }); return; }
    this.map.fitBounds(this.L.latLngBounds(points), { padding: [36, 36], maxZoom: 15, animate: false });
  };

  MapView.prototype.open = function (key) {
    var marker = this.markers[key];
    if (marker) marker.openPopup();
  };

  function create(element, onReady) {
    loadLeaflet(function (L) {
      if (element._shouhouMap) { onReady(element._shouhouMap); return; }
      element._shouhouMap = new MapView(L, element);
      onReady(element._shouhouMap);
    });
  }

  // --- declarative maps: the pool's map view and the assign dialog's map ----------------------------
  function chooseRadio(name, id) {
    var radio = document.querySelector("input[type=radio][name='" + name + "'][value='" + id + "']");
    if (!radio) return;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var row = radio.closest("label") || radio;
    if (row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
  }

  function draw(view, element, payload) {
    view.clear();
    var points = [];
    var select = element.dataset.mapSelect;
    var order = payload.order;
    if (order && order.point) {
      view.orderMarker(order, { selected: true });
      points.push(order.point);
    }
    (payload.orders || []).forEach(function (o) { if (view.orderMarker(o)) points.push(o.point); });
    (payload.engineers || []).forEach(function (p) { if (view.personMarker(p)) points.push(p.point); });
    (payload.candidates || []).forEach(function (c, index) {
      var marker = view.personMarker(c, { highlight: index < 3, onClick: select ? function (person) {
        chooseRadio(select, person.user_id);
      } : null });
      if (!marker) return;
      points.push(c.point);
      if (order && order.point && index < 5) view.line(order.point, c.point, km(c.distance_km));
    });
    if (payload.me) { view.me(payload.me); points.push(payload.me); }
    view.fit(points);
    var note = element.parentElement && element.parentElement.querySelector("[data-map-note]");
    if (note) {
      var missing = payload.unlocated_orders || 0;
      note.textContent = missing ? fill(T.unlocated, { n: missing }) : "";
      note.hidden = !missing;
    }
  }

  function declared(element) {
    if (element.dataset.mapBound || element.dataset.map === "page") return;
    if (!element.offsetParent) return;  // drawn once shown (a modal opening, the list | map toggle)
    element.dataset.mapBound = "1";
    create(element, function (view) {
      var source = element.dataset.mapData ? document.getElementById(element.dataset.mapData) : null;
      if (source) { draw(view, element, JSON.parse(source.textContent)); return; }
      if (!element.dataset.mapUrl) return;
      fetch(element.dataset.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (payload) {
          element._payload = payload;
          draw(view, element, payload);
          element.dispatchEvent(new CustomEvent("map:drawn", { bubbles: true, detail: payload }));
        });
    });
  }

  // --- list | map --------------------------------------------------------------------------------------
  function showView(group, name) {
    document.querySelectorAll("[data-view-toggle='" + group + "'] [data-view]").forEach(function (button) {
      var on = button.dataset.view === name;
      button.classList.toggle("active", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    document.querySelectorAll("[data-view-group='" + group + "'] [data-view-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.viewPanel !== name;
      if (!panel.hidden) panel.querySelectorAll("[data-map]").forEach(declared);
    });
    try { sessionStorage.setItem("shouhou.view." + group, name); } catch (e) { /* private mode */ }
  }

  function toggles(scope) {
    scope.querySelectorAll("[data-view-toggle]").forEach(function (box) {
      if (box.dataset.viewBound) return;
      box.dataset.viewBound = "1";
      var group = box.dataset.viewToggle;
      box.addEventListener("click", function (event) {
        var button = event.target.closest("[data-view]");
        if (button) showView(group, button.dataset.view);
      });
      var remembered = null;
      try { remembered = sessionStorage.getItem("shouhou.view." + group); } catch (e) { /* private mode */ }
      if (location.hash === "#map") remembered = "map";
      if (remembered) showView(group, remembered);
    });
  }

  function init(scope) {
    toggles(scope);
    scope.querySelectorAll("[data-map]").forEach(declared);
  }

  // a popup's link to "#id" of an element in a hidden list panel: show that panel, then go there
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".map-popup a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    var panel = target && target.closest("[data-view-panel]");
    var group = panel && panel.closest("[data-view-group]");
    if (!panel || !group) return;
    event.preventDefault();
    showView(group.dataset.viewGroup, panel.dataset.viewPanel);
    target.scrollIntoView({ block: "center" });
    target.classList.add("map-target");
    setTimeout(function () { target.classList.remove("map-target"); }, 1600);
  });

  window.shouhouMaps = { create: create, km: km, fill: fill, T: T, orderPopup: orderPopup };
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
  document.addEventListener("shown.bs.modal", function (event) { init(event.target); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
