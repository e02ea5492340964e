/* bundlesmith browser runtime: the Analytics.js API over one source's settings and device-mode adapters.
 *
 * Embedded by bundle.js.j2 as `start(window, document, settings, adapters)`. ES5 only (it runs wherever the
 * standard snippet runs). What it does, in order:
 *   1. takes over the snippet's stub (window.analytics, or the key the snippet names) and keeps its buffered calls;
 *   2. loads each device-mode adapter (unless the load-time `integrations` or consent exclude it): init, then the
 *      vendor SDK script, then waits (bounded) until the adapter says the SDK is loaded;
 *   3. replays the buffered calls in order, then replaces the stub with the real API;
 *   4. sends every event to the collector through a bounded, persistent retry queue (the outbox), with
 *      `_metadata` saying which destinations the browser delivered (bundled) and which it did not (unbundled).
 * A vendor SDK that fails, hangs or throws is marked failed; nothing it does reaches the page or the others.
 */
function start(window, document, settings, adapters) {
  var VERSION = "bundlesmith-0.1.0", WAIT_MS = 10000, OUTBOX_MAX = 200, BACKOFF_MAX = 60000, SEND_TIMEOUT_MS = 10000,
    HEARTBEAT_MS = 5000, STALE_MS = 15000;
  var ints = settings.integrations || {}, io = ints["Segment.io"] || {}, own = settings.bundlesmith || {};
  var writeKey = io.apiKey, base = (io.protocol || "https") + "://" + io.apiHost + "/";
  var script = document.currentScript;
  var globalKey = (script && script.getAttribute("data-global-segment-analytics-key")) || "analytics";
  var stub = window[globalKey] || [];
  if (stub.initialized) return;
  var loadOptions = stub._loadOptions || {};
  if (loadOptions.destinationTimeout > 0) WAIT_MS = loadOptions.destinationTimeout;
  var buffered = Object.prototype.toString.call(stub) === "[object Array]" ? stub.slice() : [];
  var listeners = {}, readyCallbacks = [], isReady = false, debugOn = false, middlewares = [];
  var consent = (loadOptions.consent && loadOptions.consent.categoryPreferences) || null;
  var loadIntegrations = assign(assign({}, own.defaultIntegrations || {}), loadOptions.integrations || {});

  function assign(target, src) { for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) target[k] = src[k]; return target; }
  function isFn(f) { return typeof f === "function"; }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function log() { if (debugOn && window.console) console.log.apply(console, ["[analytics]"].concat([].slice.call(arguments))); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16), h = [], i;
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(b); else for (i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    h = h.join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- storage: cookies + localStorage, named like Analytics.js so identities carry over ---------------- */
  function lsGet(k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } }
  function lsSet(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) {} }
  function cookieGet(k) {
    var parts = document.cookie ? document.cookie.split("; ") : [], i, p;
    for (i = 0; i < parts.length; i++) { p = parts[i].indexOf("="); if (parts[i].slice(0, p) === k) return decodeURIComponent(parts[i].slice(p + 1)); }
    return null;
  }
  var domain = null;
  function topDomain() {
    /* Like Analytics.js: the widest domain that accepts a cookie (acme.com for shop.acme.com), so identities are
       shared across the site's subdomains. */
    var host = location.hostname, parts = host.split("."), i, d;
    if (/^[0-9.]+$/.test(host) || host.indexOf(":") > -1 || parts.length < 2) return "";
    for (i = parts.length - 2; i >= 0; i--) {
      d = parts.slice(i).join(".");
      document.cookie = "ajs_domain_probe=1; domain=" + d + "; path=/";
      if (document.cookie.indexOf("ajs_domain_probe=1") > -1) { document.cookie = "ajs_domain_probe=; domain=" + d + "; path=/; max-age=0"; return d; }
    }
    return "";
  }
  function cookieSet(k, v) {
    if (domain === null) domain = topDomain();
    var attrs = "; path=/; samesite=lax" + (domain ? "; domain=" + domain : "") + (location.protocol === "https:" ? "; secure" : "");
    document.cookie = k + "=" + (v === null ? "; max-age=0" : encodeURIComponent(v) + "; max-age=31536000") + attrs;
  }
  function parse(raw) { if (raw === null || raw === undefined) return null; try { return JSON.parse(raw); } catch (e) { return raw; } }
  function readId(k) { var v = parse(cookieGet(k)); if (v === null) v = parse(lsGet(k)); return v === null ? null : String(v); }
  function writeId(k, v) { cookieSet(k, v); lsSet(k, v === null ? null : JSON.stringify(v)); }
  function readObj(k) { var v = parse(lsGet(k)); return isObj(v) ? v : {}; }
  function writeObj(k, v) { lsSet(k, v ? JSON.stringify(v) : null); }

  var user = {
    id: function (v) { if (arguments.length) writeId("ajs_user_id", v === undefined ? null : v); return readId("ajs_user_id"); },
    anonymousId: function (v) {
      if (arguments.length) writeId("ajs_anonymous_id", v === undefined ? null : v);
      var id = readId("ajs_anonymous_id"); if (!id) { id = uuid(); writeId("ajs_anonymous_id", id); } return id;
    },
    traits: function (v) { if (arguments.length) writeObj("ajs_user_traits", v); return readObj("ajs_user_traits"); }
  };
  var group = {
    id: function (v) { if (arguments.length) writeId("ajs_group_id", v === undefined ? null : v); return readId("ajs_group_id"); },
    traits: function (v) { if (arguments.length) writeObj("ajs_group_properties", v); return readObj("ajs_group_properties"); }
  };

  /* --- event building, per the Segment spec ------------------------------------------------------------- */
  function currentPage() {
    var c = document.querySelector("link[rel='canonical']");
    return { c: c && c.getAttribute("href") || undefined, p: location.pathname, u: location.href, s: location.search, t: document.title, r: document.referrer };
  }
  function pageContext(b) {
    var url = b.c ? (b.c.indexOf("?") > -1 ? b.c : b.c + b.s) : b.u.split("#")[0], path = b.p;
    if (b.c) { try { path = new URL(b.c, b.u).pathname; } catch (e) {} }
    return { path: path, referrer: b.r, search: b.s, title: b.t, url: url };
  }
  function campaign(search) {
    var out = {}, found = false, pairs = (search || "").replace(/^\?/, "").split("&"), i, kv, k;
    for (i = 0; i < pairs.length; i++) {
      kv = pairs[i].split("="); k = decodeURIComponent(kv[0] || "");
      if (k.indexOf("utm_") === 0 && k.length > 4) {
        k = k.slice(4); if (k === "campaign") k = "name";
        out[k] = decodeURIComponent((kv[1] || "").replace(/\+/g, " ")); found = true;
      }
    }
    return found ? out : null;
  }
  function makeEvent(type, fields, options, bpc) {
    options = options || {};
    var page = pageContext(bpc || currentPage()), ctx = {
      library: { name: "analytics.js", version: VERSION }, page: page, userAgent: navigator.userAgent,
      locale: navigator.language || navigator.userLanguage
    };
    try { ctx.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) {}
    var utm = campaign(bpc ? bpc.s : location.search); if (utm) ctx.campaign = utm;
    if (consent) ctx.consent = { categoryPreferences: consent };
    assign(ctx, options.context || {});
    var e = assign({
      type: type, messageId: "ajs-" + uuid(), timestamp: new Date().toISOString(),
      anonymousId: options.anonymousId || user.anonymousId(), userId: user.id(), context: ctx,
      integrations: assign(assign({}, loadIntegrations), options.integrations || {})
    }, fields);
    if (e.userId === null) delete e.userId;
    if (options.timestamp) e.timestamp = new Date(options.timestamp).toISOString();
    return e;
  }
  function allows(integrations, name) {
    var v = integrations[name];
    if (typeof v === "boolean") return v;
    if (isObj(v)) return true;
    return typeof integrations.All === "boolean" ? integrations.All : true;
  }
  function consented(categories) {
    if (!consent || !categories || !categories.length) return true;
    for (var i = 0; i < categories.length; i++) if (consent[categories[i]] !== true) return false;
    return true;
  }

  /* --- device-mode destinations ----------------------------------------------------------------------------- */
  var dests = [];
  function Dest(def) {
    this.def = def; this.name = def.name; this.settings = ints[def.name] || {}; this.state = "pending"; this.queue = []; this.error = null;
  }
  Dest.prototype.fail = function (why) {
    if (this.state === "pending") { this.state = "failed"; this.error = String(why); this.queue = []; log(this.name, "failed:", why); emit("destination:failed", this.name, this.error); settle(); }
  };
  Dest.prototype.load = function () {
    var d = this, def = d.def, started = new Date().getTime(), tag;
    if (!allows(loadIntegrations, d.name)) { d.state = "skipped"; d.error = "excluded by the integrations option"; return; }
    if (!consented(d.categories())) { d.state = "skipped"; d.error = "no consent"; return; }
    d.state = "pending"; d.error = null;
    /* known as soon as its SDK has run (onload), else checked every 10 ms: events wait for it (see dispatch) */
    function check() {
      if (d.state !== "pending") return true;
      var ok = false; try { ok = !!def.loaded(d.settings, window); } catch (e) {}
      if (ok) { d.state = "ready"; log(d.name, "ready"); emit("destination:ready", d.name); d.flush(); settle(); }
      return ok;
    }
    try {
      if (isFn(def.init)) def.init(d.settings, window);
      tag = document.createElement("script"); tag.async = true; tag.src = def.sdk(d.settings);
      tag.onerror = function () { d.fail("vendor SDK failed to load"); };
      tag.onload = check;
      (document.head || document.documentElement).appendChild(tag);
    } catch (e) { return d.fail(e && e.message || e); }
    (function poll() {
      if (check()) return;
      if (new Date().getTime() - started > WAIT_MS) d.fail("vendor SDK not ready after " + WAIT_MS + " ms");
      else setTimeout(poll, 10);
    })();
  };
  Dest.prototype.categories = function () { return (this.settings.consentSettings || {}).categories; };
  Dest.prototype.wants = function (e) {
    return this.state !== "skipped" && this.state !== "failed" && allows(e.integrations || {}, this.name) &&
      consented(this.categories()) && isFn(this.def[e.type]);
  };
  Dest.prototype.deliver = function (e) { if (this.state === "ready") this.call(e); else if (this.state === "pending") this.queue.push(e); };
  Dest.prototype.call = function (e) {
    var error = null;
    try { this.def[e.type](e, this.settings, window); } catch (err) { error = String(err && err.message || err); log(this.name, e.type, "threw", err); }
    emit("destination:call", this.name, e.type, e, error);
  };
  Dest.prototype.flush = function () { var q = this.queue; this.queue = []; for (var i = 0; i < q.length; i++) this.call(q[i]); };
  function pending() { for (var i = 0; i < dests.length; i++) if (dests[i].state === "pending") return true; return false; }

  /* --- the outbox: persistent, bounded, retried with exponential backoff -------------------------------------- *
   * Each page keeps its unconfirmed events under its own key (bsq:<writeKey>:<page id>), refreshed every few
   * seconds. A page that is gone (reloaded, closed, crashed) leaves its key behind: the next page of the site adopts
   * it and sends what it holds, so an event is retried until the collector confirms it, and two tabs never send
   * each other's events. Bound: OUTBOX_MAX events per page; the oldest are dropped beyond that and counted in
   * localStorage "bundlesmith_dropped". */
  var prefix = "bsq:" + writeKey + ":", pageKey = prefix + uuid(), outbox = [], held = [], timer = null, sending = {}, aborts = {}, left = false;
  function now() { return new Date().getTime(); }
  function saveOutbox(released) { lsSet(pageKey, outbox.length ? JSON.stringify({ t: released ? 0 : now(), items: outbox }) : null); }
  function push(item) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].event.messageId === item.event.messageId) return;
    outbox.push(item);
    while (outbox.length > OUTBOX_MAX) {
      outbox.shift(); lsSet("bundlesmith_dropped", String((parseInt(lsGet("bundlesmith_dropped"), 10) || 0) + 1)); emit("outbox:overflow");
    }
  }
  function adopt() {
    var keys = [], i, j, box;
    try { for (i = 0; i < localStorage.length; i++) { var k = localStorage.key(i); if (k && k.indexOf(prefix) === 0 && k !== pageKey) keys.push(k); } } catch (e) {}
    for (i = 0; i < keys.length; i++) {
      box = parse(lsGet(keys[i]));
      if (isObj(box) && box.t && now() - box.t < STALE_MS) continue;
      lsSet(keys[i], null);
      if (isObj(box) && box.items instanceof Array) for (j = 0; j < box.items.length; j++) { box.items[j].next = 0; push(box.items[j]); }
    }
  }
  function enqueue(path, e) { push({ path: path, event: e, attempts: 0, next: 0 }); saveOutbox(); flush(); }
  function metadata(e) {
    var bundled = ["Segment.io"], unbundled = (io.unbundledIntegrations || []).slice(), ids = [], i, d, cfg = io.maybeBundledConfigIds || {};
    for (i = 0; i < dests.length; i++) {
      d = dests[i];
      if (d.state === "ready" && d.wants(e)) { bundled.push(d.name); ids = ids.concat(cfg[d.name] || []); }
      else if (d.state === "failed" && unbundled.indexOf(d.name) < 0) unbundled.push(d.name);
    }
    return { bundled: bundled.sort(), unbundled: unbundled.sort(), bundledIds: ids };
  }
  function flush() {
    if (timer) { clearTimeout(timer); timer = null; }
    var t = now(), soonest = Infinity, i, item;
    for (i = 0; i < outbox.length; i++) {
      item = outbox[i];
      if (sending[item.event.messageId]) continue;
      if (item.next > t) { soonest = Math.min(soonest, item.next); continue; }
      post(item);
    }
    if (soonest < Infinity) timer = setTimeout(flush, soonest - t);
  }
  function post(item) {
    var id = item.event.messageId, body = JSON.stringify(assign(assign({}, item.event), { writeKey: writeKey, sentAt: new Date().toISOString() }));
    sending[id] = now();
    function done(ok, retry) {
      if (left) return;  /* handed over to the next page (hide) */
      delete sending[id]; delete aborts[id];
      var i; for (i = 0; i < outbox.length; i++) if (outbox[i].event.messageId === id) break;
      if (i === outbox.length) return;
      if (ok || !retry) outbox.splice(i, 1);
      else { item.attempts++; item.next = now() + Math.min(BACKOFF_MAX, 1000 * Math.pow(2, item.attempts)) * (0.5 + Math.random() / 2); }
      saveOutbox(); if (!ok && retry) flush();
    }
    try {
      var ctl = window.AbortController ? new AbortController() : null;
      if (ctl) { aborts[id] = ctl; setTimeout(function () { ctl.abort(); }, SEND_TIMEOUT_MS); }
      window.fetch(base + item.path, { method: "POST", body: body, keepalive: body.length < 60000, credentials: "omit", headers: { "Content-Type": "text/plain" }, signal: ctl ? ctl.signal : undefined })
        .then(function (r) { done(r.ok, r.status >= 500 || r.status === 429 || r.status === 408); }, function () { done(false, true); });
    } catch (e) { done(false, true); }
  }
  function hide() {
    /* Leaving the page: events that never failed go out now (keepalive requests outlive the page) and are
       forgotten; events the collector already refused, or whose request hangs, stay for the next page, and their
       requests are cancelled: one the browser still queues (6 connections per host) must not go out after the
       next page has sent the event again. */
    release();
    var keep = [], t = now(), i, item, since;
    left = true;
    for (i = 0; i < outbox.length; i++) {
      item = outbox[i]; since = sending[item.event.messageId];
      if (item.attempts > 0 || (since && t - since > 1000)) { keep.push(item); if (aborts[item.event.messageId]) aborts[item.event.messageId].abort(); }
      else if (!since) post(item);
    }
    outbox = keep; saveOutbox(true);
  }
  var PATHS = { identify: "i", track: "t", page: "p", group: "g", alias: "a", screen: "s" };
  function release() {
    var list = held; held = [];
    for (var i = 0; i < list.length; i++) { list[i]._metadata = metadata(list[i]); enqueue(PATHS[list[i].type], list[i]); }
  }

  /* --- dispatch ---------------------------------------------------------------------------------------------- */
  function dispatch(e, callback) {
    var i = 0;
    function next(ev) {
      if (!ev) return;
      if (i < middlewares.length) { var mw = middlewares[i++]; try { mw({ payload: { obj: ev }, integrations: ev.integrations, next: function (p) { next(p && p.obj || p); } }); } catch (err) { next(ev); } return; }
      for (var j = 0; j < dests.length; j++) if (dests[j].wants(ev)) dests[j].deliver(ev);
      held.push(ev); if (!pending()) release();
      emit(ev.type, ev.event || ev.name, ev.properties || ev.traits, ev);
      if (isFn(callback)) setTimeout(function () { callback(ev); }, 0);
    }
    next(e);
    return Promise.resolve({ event: e });
  }

  /* --- the public API ---------------------------------------------------------------------------------------- */
  function args(list) { var a = [].slice.call(list), cb = null, bpc = null; if (a.length && isObj(a[a.length - 1]) && a[a.length - 1].__t === "bpc") bpc = a.pop(); if (a.length && isFn(a[a.length - 1])) cb = a.pop(); return { a: a, cb: cb, bpc: bpc }; }
  function emit(name) { var l = (listeners[name] || []).slice(), rest = [].slice.call(arguments, 1); for (var i = 0; i < l.length; i++) { try { l[i].apply(null, rest); } catch (e) {} } }
  var analytics = {
    initialized: true, invoked: true, VERSION: VERSION, _writeKey: writeKey,
    initialize: function () { return Promise.resolve(analytics); },
    user: function () { return user; },
    group: function () {
      var x = args(arguments), a = x.a;
      if (!a.length) return group;
      var id = a[0], traits = a[1], options = a[2];
      if (isObj(id)) { options = traits; traits = id; id = group.id(); }
      if (id !== null && id !== undefined) group.id(String(id));
      traits = assign(group.traits(), traits || {}); group.traits(traits);
      return dispatch(makeEvent("group", { groupId: group.id(), traits: traits }, options, x.bpc), x.cb);
    },
    identify: function () {
      var x = args(arguments), a = x.a, id = a[0], traits = a[1], options = a[2];
      if (isObj(id)) { options = traits; traits = id; id = user.id(); }
      if (id !== null && id !== undefined) {
        if (user.id() !== null && String(id) !== user.id()) user.traits({});
        user.id(String(id));
      }
      traits = assign(user.traits(), traits || {}); user.traits(traits);
      return dispatch(makeEvent("identify", { traits: traits }, options, x.bpc), x.cb);
    },
    track: function () {
      var x = args(arguments), a = x.a;
      return dispatch(makeEvent("track", { event: a[0], properties: a[1] || {} }, a[2], x.bpc), x.cb);
    },
    page: function () {
      var x = args(arguments), a = x.a, category = null, name = null, props, options;
      if (typeof a[0] === "string" && typeof a[1] === "string") { category = a.shift(); name = a.shift(); }
      else if (typeof a[0] === "string") name = a.shift();
      else if (a[0] === null || a[0] === undefined) { a.shift(); if (typeof a[0] === "string" || a[0] === null) name = a.shift(); }
      props = assign(pageContext(x.bpc || currentPage()), a[0] || {}); options = a[1];
      if (name) props.name = name; if (category) props.category = category;
      var f = { properties: props }; if (name) f.name = name; if (category) f.category = category;
      return dispatch(makeEvent("page", f, options, x.bpc), x.cb);
    },
    alias: function () {
      var x = args(arguments), a = x.a, to = String(a[0]), from = a[1];
      if (isObj(from)) { a.splice(1, 0, null); from = null; }
      from = from === null || from === undefined ? (user.id() || user.anonymousId()) : String(from);
      return dispatch(makeEvent("alias", { userId: to, previousId: from }, a[2], x.bpc), x.cb);
    },
    screen: function () { return Promise.resolve(); },
    ready: function (cb) { if (isFn(cb)) { if (isReady) setTimeout(cb, 0); else readyCallbacks.push(cb); } return Promise.resolve(); },
    reset: function () {
      user.id(null); user.traits(null); group.id(null); group.traits(null); writeId("ajs_anonymous_id", null);
      for (var i = 0; i < dests.length; i++) if (dests[i].state === "ready" && isFn(dests[i].def.reset)) { try { dests[i].def.reset(dests[i].settings, window); } catch (e) {} }
    },
    setAnonymousId: function (id) { return user.anonymousId(id); },
    /* The visitor's consent changed: destinations it now allows load, those it no longer allows stop receiving. */
    setConsent: function (categoryPreferences) {
      consent = assign({}, categoryPreferences || {});
      for (var i = 0; i < dests.length; i++) if (dests[i].state === "skipped" && dests[i].error === "no consent") dests[i].load();
      return analytics.track("Segment Consent Preference Updated", {});
    },
    debug: function (on) { debugOn = on !== false; },
    on: function (n, f) { (listeners[n] = listeners[n] || []).push(f); return analytics; },
    off: function (n, f) { var l = listeners[n] || [], i = l.indexOf(f); if (i > -1) l.splice(i, 1); return analytics; },
    once: function (n, f) { function g() { analytics.off(n, g); f.apply(null, arguments); } return analytics.on(n, g); },
    addSourceMiddleware: function (fn) { if (isFn(fn)) middlewares.push(fn); return analytics; },
    addDestinationMiddleware: function () { return analytics; },
    addIntegrationMiddleware: function () { return analytics; },
    register: function () { return Promise.resolve(); },
    load: function () {},
    trackSubmit: function () {}, trackClick: function () {}, trackLink: function () {}, trackForm: function () {},
    pageview: function (url) { return analytics.page({ path: url }); },
    destinations: function () { var out = {}; for (var i = 0; i < dests.length; i++) out[dests[i].name] = { state: dests[i].state, error: dests[i].error }; return out; }
  };

  function settle() {
    if (pending()) return;
    release();
    if (!isReady) { isReady = true; emit("ready"); var cbs = readyCallbacks; readyCallbacks = []; for (var i = 0; i < cbs.length; i++) { try { cbs[i](); } catch (e) {} } }
  }

  /* --- take over from the snippet ------------------------------------------------------------------------------ */
  window[globalKey] = analytics;
  for (var i = 0; i < adapters.length; i++) if (ints[adapters[i].name]) dests.push(new Dest(adapters[i]));
  for (i = 0; i < dests.length; i++) dests[i].load();
  for (i = 0; i < buffered.length; i++) {
    var call = buffered[i], method = call && call[0];
    if (isFn(analytics[method]) && method !== "load") { try { analytics[method].apply(analytics, call.slice(1)); } catch (e) { log("replay", method, e); } }
  }
  window.addEventListener("pagehide", hide);
  window.addEventListener("pageshow", function (e) { if (e.persisted) { left = false; sending = {}; aborts = {}; saveOutbox(); flush(); } });
  window.addEventListener("online", flush);
  setInterval(function () { saveOutbox(); adopt(); flush(); }, HEARTBEAT_MS);
  adopt();
  settle();
  flush();
}
