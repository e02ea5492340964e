/* Inspector: shows what the test page beside it does — each device-mode destination's state (analytics.destinations()),
 * every call it received (the runtime's destination:call events, recorded by recorder.js, and with vendor stubs the
 * vendor API calls in __bundlesmithVendorCalls), every event the collector received — and follows new builds. */
(function (w, d) {
  var data = JSON.parse(d.getElementById("preview-data").textContent);
  var frame = d.getElementById("site"), dests = data.destinations, buildId = data.build_id, shown = {};

  function el(tag, cls, text) { var e = d.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function site() { try { return frame.contentWindow; } catch (e) { return null; } }
  function api() { var s = site(); return s && s.analytics && s.analytics.initialized ? s.analytics : null; }
  function short(v) { var t = JSON.stringify(v); return t && t.length > 600 ? t.slice(0, 600) + "…" : t; }
  function changed(key, value) { var t = JSON.stringify(value); if (shown[key] === t) return false; shown[key] = t; return true; }

  function integrations() {
    var out = {}, boxes = d.querySelectorAll("[data-integration]");
    for (var i = 0; i < boxes.length; i++) out[boxes[i].getAttribute("data-integration")] = boxes[i].checked;
    return out;
  }
  function consent() {
    var out = {}, boxes = d.querySelectorAll("[data-category]");
    for (var i = 0; i < boxes.length; i++) out[boxes[i].getAttribute("data-category")] = boxes[i].checked;
    return out;
  }
  function send(kind) {
    var a = api(), name = d.getElementById("event-name").value || "Preview Test Event", options = { integrations: integrations() };
    if (!a) return;
    if (kind === "track") a.track(name, { sent_from: "bundlesmith preview" }, options);
    else if (kind === "identify") a.identify("preview-user", { email: "qa@example.com", name: "Preview QA" }, options);
    else a.page(name, { sent_from: "bundlesmith preview" }, options);
  }
  ["track", "identify", "page"].forEach(function (kind) { d.getElementById("send-" + kind).onclick = function () { send(kind); }; });
  d.getElementById("apply").onclick = function () {
    var load = { integrations: integrations() };
    if (d.querySelectorAll("[data-category]").length) load.consent = { categoryPreferences: consent() };
    frame.src = data.page_url + "?load=" + encodeURIComponent(JSON.stringify(load));
  };

  function renderDestinations() {
    var a = api(), states = a ? a.destinations() : {}, body = d.querySelector("#destinations tbody"), rows = [], i, name;
    for (i = 0; i < dests.length; i++) rows.push({ name: dests[i].destination, instance: dests[i].name, categories: dests[i].categories, s: states[dests[i].destination] });
    for (name in states) if (!dests.some(function (x) { return x.destination === name; })) rows.push({ name: name, instance: name, categories: [], s: states[name] });
    if (!changed("destinations", rows)) return;
    clear(body);
    rows.forEach(function (r) {
      var tr = el("tr"), state = r.s ? r.s.state : (a ? "not in the bundle" : "loading"), label = r.instance !== r.name ? r.name + " (" + r.instance + ")" : r.name;
      tr.setAttribute("data-destination", r.name);
      tr.appendChild(el("td", "", label));
      tr.appendChild(el("td", "state state-" + state, state));
      tr.appendChild(el("td", "", r.s && r.s.error ? r.s.error : ""));
      tr.appendChild(el("td", "", (r.categories || []).join(", ")));
      body.appendChild(tr);
    });
  }

  function renderCalls() {
    var s = site(), calls = (s && s.__bundlesmithPreview && s.__bundlesmithPreview.calls) || [], vendor = (s && s.__bundlesmithVendorCalls) || [];
    if (!changed("calls", [calls.length, vendor.length, dests])) return;
    var box = d.getElementById("calls"), groups = {}, order = [];
    function group(name) { if (!groups[name]) { groups[name] = []; order.push(name); } return groups[name]; }
    dests.forEach(function (x) { group(x.destination); });
    calls.forEach(function (c) { group(c.destination).push({ cls: "call runtime" + (c.error ? " error" : ""), kind: c.type, text: (c.event && (c.event.event || c.event.name || c.event.userId) || "") + " " + short(c.event && (c.event.properties || c.event.traits) || {}) + (c.error ? "  threw: " + c.error : "") }); });
    vendor.forEach(function (c) { group(c.destination).push({ cls: "call vendor", kind: "vendor " + c.method, text: short(c.args) }); });
    clear(box);
    order.forEach(function (name) {
      var section = el("div", "dest-calls"); section.setAttribute("data-destination", name);
      section.appendChild(el("h3", "", name + " — " + groups[name].length + " call" + (groups[name].length === 1 ? "" : "s")));
      groups[name].forEach(function (c) { var line = el("div", c.cls); line.appendChild(el("span", "kind", c.kind + " ")); line.appendChild(d.createTextNode(c.text)); section.appendChild(line); });
      box.appendChild(section);
    });
  }

  function renderCollector(events) {
    if (!changed("collector", events.length)) return;
    var list = d.getElementById("collector");
    d.getElementById("collector-count").textContent = events.length + " event" + (events.length === 1 ? "" : "s");
    clear(list);
    events.slice().reverse().forEach(function (e) {
      var li = el("li", "", e.type + " " + (e.event || e.name || e.userId || "") + "  bundled: " + ((e._metadata || {}).bundled || []).join(", ") + "\n" + short({ properties: e.properties, traits: e.traits, integrations: e.integrations, consent: e.context && e.context.consent }));
      li.setAttribute("data-type", e.type || "");
      if (e.event) li.setAttribute("data-event", e.event);
      list.appendChild(li);
    });
  }

  function follow(status) {
    var mine = null;
    for (var i = 0; i < status.sources.length; i++) if (status.sources[i].id === data.source_id) mine = status.sources[i];
    if (status.build_id === buildId) return;
    buildId = status.build_id;
    d.getElementById("build-id").textContent = buildId;
    if (mine) dests = mine.destinations.map(function (x) { return { name: x.name, destination: x.destination, categories: x.consent_categories }; });
    /* The entry objects carry their published Cache-Control, so this browser may hold the old ones: fetch them
       again past the cache (which stores the new copies), then open the test page afresh on the new build. */
    var again = [data.settings_url, data.bundle_url].map(function (url) { return w.fetch(url, { cache: "reload" }).catch(function () {}); });
    Promise.all(again).then(function () { frame.src = frame.src; });
  }

  function json(url) { return w.fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }); }
  function tick() {
    renderDestinations(); renderCalls();
    Promise.all([json(data.events_url).then(renderCollector), json(data.status_url).then(follow)])
      .then(function () { w.setTimeout(tick, 400); }, function () { w.setTimeout(tick, 1500); });
  }
  tick();
})(window, document);
