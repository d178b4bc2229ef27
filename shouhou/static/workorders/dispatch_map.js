/* 地图派单 (workorders/dispatch_map.html): the orders and people on the map (static/core/maps.js); choosing an
 * order lists the people with a position nearest first (workorders:map_distances) and draws the distances;
 * 指派 posts the page's form to workorders:map_assign (the flow's assign action) after the kit's confirmation.
 * Texts come from data-t-* attributes of this script's tag. */
(function () {
  "use strict";
  var script = document.currentScript;
  var T = {};
  Object.keys(script.dataset).forEach(function (key) {
    if (key.indexOf("t") === 0 && key.length > 1 && key[1] === key[1].toUpperCase()) {
      T[key[1].toLowerCase() + key.slice(2)] = script.dataset[key];
    }
  });
  var page = document.querySelector("[data-dispatch-map]");
  if (!page || !window.shouhouMaps) return;
  var maps = window.shouhouMaps;
  var fill = maps.fill;
  var canvas = page.querySelector("[data-map]");
  var orderList = page.querySelector("[data-orders]");
  var candidateList = page.querySelector("[data-candidates]");
  var orderPane = page.querySelector("[data-order-pane]");
  var chosenPane = page.querySelector("[data-chosen-pane]");
  var chosenBox = page.querySelector("[data-chosen-order]");
  var summary = page.querySelector("[data-summary]");
  var filter = page.querySelector("[data-order-filter]");
  var form = document.querySelector("[data-assign-form]");
  var data = { orders: [], engineers: [] };
  var view = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function url(template, id) {
    return template.replace(/\/0\//, "/" + id + "/");
  }

  function statusBadge(order) {
    return el("span", "badge dispatch-status dispatch-status-" + order.status, order.status_label);
  }

  // --- the overview: every order and person ---------------------------------------------------------------
  function drawAll() {
    if (!view) return;
    view.clear();
    var points = [];
    data.orders.forEach(function (order) {
      var marker = view.orderMarker(order);
      if (!marker) return;
      points.push(order.point);
      marker.on("click", function () { choose(order.id); });
    });
    data.engineers.forEach(function (person) { if (view.personMarker(person)) points.push(person.point); });
    view.fit(points);
  }

  function orderRow(order) {
    var row = el("button", "dispatch-row");
    row.type = "button";
    row.setAttribute("role", "listitem");
    row.dataset.orderId = order.id;
    row.dataset.search = [order.number, order.customer, order.address].join(" ").toLowerCase();
    var head = el("div", "dispatch-row-head");
    head.appendChild(el("span", "dispatch-number", order.number));
    head.appendChild(statusBadge(order));
    row.appendChild(head);
    row.appendChild(el("div", "dispatch-row-main", order.customer));
    if (order.address) row.appendChild(el("div", "dispatch-row-sub", order.address));
    var meta = [order.planned_at, order.assignee].filter(Boolean).join(" · ");
    if (meta) row.appendChild(el("div", "dispatch-row-sub", meta));
    row.addEventListener("click", function () { choose(order.id); });
    return row;
  }

  function listOrders() {
    orderList.textContent = "";
    if (!data.orders.length) {
      orderList.appendChild(el("div", "text-muted small p-3", T.noOrders));
    }
    data.orders.forEach(function (order) { orderList.appendChild(orderRow(order)); });
    applyFilter();
    var text = fill(T.summary, { orders: data.orders.length, engineers: data.engineers.length });
    if (data.unlocated_orders) text += " " + fill(T.unlocatedOrders, { n: data.unlocated_orders });
    if (data.unlocated_engineers) text += " " + fill(T.unlocatedPeople, { n: data.unlocated_engineers });
    summary.textContent = text;
  }

  function applyFilter() {
    var words = (filter.value || "").trim().toLowerCase();
    orderList.querySelectorAll("[data-order-id]").forEach(function (row) {
      row.hidden = words && row.dataset.search.indexOf(words) < 0;
    });
  }

  // --- one order chosen: its candidates nearest first --------------------------------------------------------
  function candidateRow(order, person, index) {
    var row = el("div", "dispatch-row dispatch-candidate" + (index === 0 ? " nearest" : ""));
    row.setAttribute("role", "listitem");
    row.dataset.userId = person.user_id;
    var head = el("div", "dispatch-row-head");
    var name = el("span", "dispatch-number", person.name);
    head.appendChild(name);
    if (person.work_status) {
      var status = el("span", "badge");
      status.textContent = person.work_status;
      status.style.background = person.status_color || "#8c8c8c";
      head.appendChild(status);
    }
    var distance = el("span", "dispatch-distance", person.distance_km === null ? "—" : maps.km(person.distance_km));
    if (person.distance_kind === "road") distance.title = T.road;
    head.appendChild(distance);
    row.appendChild(head);
    var meta = [fill(T.load, { today: person.open_orders_today, week: person.open_orders_week }),
      fill(T.score, { score: person.score })];
    if (person.source === "team") meta.push(T.team);
    row.appendChild(el("div", "dispatch-row-sub", meta.join(" · ")));
    if (person.clashes) row.appendChild(el("div", "dispatch-row-sub text-danger", T.clash));
    var actions = el("div", "dispatch-row-actions");
    var locate = el("button", "btn btn-sm btn-outline-secondary");
    locate.type = "button";
    locate.innerHTML = '<i class="bi bi-crosshair"></i>';
    locate.setAttribute("aria-label", person.name);
    locate.addEventListener("click", function () { view.open("person-" + person.user_id); });
    actions.appendChild(locate);
    if (order.assignable) {
      var assign = el("button", "btn btn-sm btn-primary", T.assign);
      assign.type = "button";
      assign.dataset.assign = person.user_id;
      assign.addEventListener("click", function () { confirmAssign(order, person); });
      actions.appendChild(assign);
    }
    row.appendChild(actions);
    row.addEventListener("mouseenter", function () { view.open("person-" + person.user_id); });
    return row;
  }

  function confirmAssign(order, person) {
    var go = function () {
      form.action = url(page.dataset.assignUrl, order.id);
      form.elements.assignee.value = person.user_id;
      form.elements.expected_version.value = order.version;
      form.submit();
    };
    var question = fill(T.confirm, { number: order.number, name: person.name });
    if (window.shouhouConfirm) window.shouhouConfirm(question, go);
    else if (window.confirm(question)) go();
  }

  function showChosen(payload) {
    var order = payload.order;
    chosenBox.textContent = "";
    var head = el("div", "dispatch-row-head");
    var link = el("a", "dispatch-number", order.number);
    link.href = order.url;
    link.title = T.openOrder;
    head.appendChild(link);
    head.appendChild(statusBadge(order));
    chosenBox.appendChild(head);
    chosenBox.appendChild(el("div", "dispatch-row-main", order.customer));
    if (order.address) chosenBox.appendChild(el("div", "dispatch-row-sub", order.address));
    if (!order.assignable) chosenBox.appendChild(el("div", "alert alert-warning py-1 px-2 small mt-2 mb-0", T.notAssignable));
    candidateList.textContent = "";
    if (!payload.candidates.length) candidateList.appendChild(el("div", "text-muted small p-3", T.noCandidates));
    payload.candidates.forEach(function (person, index) { candidateList.appendChild(candidateRow(order, person, index)); });
    orderPane.hidden = true;
    chosenPane.hidden = false;
    // the map: this order, the other orders faded out, its candidates with the nearest five's distances
    view.clear();
    var points = [];
    if (view.orderMarker(order, { selected: true })) points.push(order.point);
    payload.candidates.forEach(function (person, index) {
      if (!view.personMarker(person, { highlight: index < 3 })) return;
      if (index < 5) {
        points.push(person.point);
        view.line(order.point, person.point, maps.km(person.distance_km));
      }
    });
    view.fit(points);
  }

  function choose(id) {
    fetch(url(page.dataset.distancesUrl, id), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (payload) { if (payload) showChosen(payload); });
  }

  page.querySelector("[data-back]").addEventListener("click", function () {
    chosenPane.hidden = true;
    orderPane.hidden = false;
    drawAll();
  });
  filter.addEventListener("input", applyFilter);

  maps.create(canvas, function (created) {
    view = created;
    fetch(page.dataset.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (payload) {
        data = payload;
        listOrders();
        drawAll();
        var wanted = new URLSearchParams(location.search).get("order");
        if (wanted && /^\d{1,18}$/.test(wanted)) choose(wanted);
      });
  });
})();
