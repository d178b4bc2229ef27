/* Location reporting from the phone (issue 10): the engineer's position goes to /m/location/ on opening the app
 * (any page load) and at each action (a POST form sent; 开始 / 完成 forms [data-m-geo] report their own), only
 * after he agreed once — the answer is remembered per user on this phone (localStorage) — and at most once per
 * data-interval seconds here (the server refuses sooner reports too: 429). The question is a card at the top of
 * the pages that carry data-ask (home, pool), never a modal in the way. Texts: data-t-* of this script's tag. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script.dataset.url;
  var user = script.dataset.account;
  var interval = (parseInt(script.dataset.interval, 10) || 120) * 1000;
  if (!url || !user || !navigator.geolocation) return;
  var key = "shouhou.location." + user + ".";
  var position = null;

  function read(name) {
    try { return window.localStorage.getItem(key + name); } catch (e) { return null; }
  }

  function write(name, value) {
    try {
      if (value === null) window.localStorage.removeItem(key + name);
      else window.localStorage.setItem(key + name, value);
    } catch (e) { /* private mode: asked again next time */ }
  }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  function due() {
    return Date.now() - (parseInt(read("last") || "0", 10) || 0) >= interval;
  }

  function send(beacon) {
    if (!position || !due()) return;
    write("last", String(Date.now()));
    var body = new FormData();
    body.append("latitude", position[0]);
    body.append("longitude", position[1]);
    body.append("csrfmiddlewaretoken", csrfToken());
    if (beacon && navigator.sendBeacon && navigator.sendBeacon(url, body)) return;  // survives the page leaving
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .catch(function () { /* offline: the next page tries again after the interval */ });
  }

  function start() {
    navigator.geolocation.getCurrentPosition(function (found) {
      position = [found.coords.latitude.toFixed(6), found.coords.longitude.toFixed(6)];
      send(false);  // opening the app
    }, function () { /* refused or unavailable: nothing is sent */ },
    { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    document.addEventListener("submit", function (event) {  // each action
      var form = event.target;
      if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post" || form.hasAttribute("data-m-geo")) return;
      send(true);
    }, true);
  }

  function button(text, className, onClick) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = className;
    node.textContent = text;
    node.addEventListener("click", onClick);
    return node;
  }

  function ask() {
    var main = document.querySelector(".m-main");
    if (!main || document.querySelector("[data-location-consent]")) return;
    var card = document.createElement("section");
    card.className = "m-card m-consent";
    card.setAttribute("data-location-consent", "");
    card.setAttribute("aria-live", "polite");
    var title = document.createElement("div");
    title.className = "m-consent-title";
    title.innerHTML = '<i class="bi bi-geo-alt" aria-hidden="true"></i> ';
    title.appendChild(document.createTextNode(script.dataset.tTitle || ""));
    var text = document.createElement("p");
    text.className = "m-consent-text";
    text.textContent = script.dataset.tText || "";
    var buttons = document.createElement("div");
    buttons.className = "m-consent-buttons";
    buttons.appendChild(button(script.dataset.tNo || "", "btn btn-outline-secondary", function () {
      write("consent", "no");
      card.remove();
    }));
    buttons.appendChild(button(script.dataset.tYes || "", "btn btn-primary", function () {
      write("consent", "yes");
      card.remove();
      start();
    }));
    card.appendChild(title);
    card.appendChild(text);
    card.appendChild(buttons);
    main.insertBefore(card, main.firstChild);
  }

  // 我的 › 位置上报 offers to change the answer: [data-location-consent-reset] forgets it and asks again
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-location-consent-reset]")) return;
    write("consent", null);
    ask();
    window.scrollTo(0, 0);
  });
  document.querySelectorAll("[data-location-consent-state]").forEach(function (node) {
    var answer = read("consent");
    node.textContent = answer === "yes" ? script.dataset.tOn : answer === "no" ? script.dataset.tOff : script.dataset.tUnset;
  });

  var answer = read("consent");
  if (answer === "yes") start();
  else if (answer === null && script.dataset.ask) ask();
})();
