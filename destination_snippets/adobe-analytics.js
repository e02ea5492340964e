/* Adobe Analytics (AppMeasurement for JavaScript) — vendor docs:
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/js/overview
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/functions/t-method (s.t, page views)
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/functions/tl-method (s.tl, link tracking)
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/page-vars/products
 *   https://experienceleague.adobe.com/en/docs/id-service/using/id-service-api/methods/getinstance (Visitor API)
 * Segment reference: analytics.js-integrations, integrations/adobe-analytics/lib/index.js (classic device mode;
 * action-destinations has no browser Adobe Analytics destination). Mapping as Segment's, see docs/DESTINATIONS.md:
 *   - track sends s.tl() only for events mapped in `events`/`merchEvents` and the ecommerce events Segment maps
 *     (Product Viewed/Product List Viewed → prodView, Product Added → scAdd, Product Removed → scRemove, Cart Viewed →
 *     scView, Checkout Started → scCheckout, Order Completed → purchase; a mapped "Cart Opened" → scOpen);
 *   - every property goes to s.contextData, flattened with "." and prefixed with `customDataPrefix` + ".";
 *   - eVars/props/hVars/lVars map properties (or messageId/anonymousId/event) to s variables, contextValues map
 *     context fields to context data; s.products is "category;<productIdentifier>;quantity;total[;events;eVars]";
 *   - s.linkTrackVars lists exactly the variables set for the call; timestamps and visitorID per timestampOption;
 *   - page sends s.t() with pageName "<category> <name>".
 * AppMeasurement needs no queue: loaded() configures the tracker (window.s = s_gi(s_account)) the first time it
 * finds the library, and with marketingCloudOrgId waits for the Visitor API (VisitorAPI.js from `visitorApiUrl`, or
 * the page's own) to set s.visitor = Visitor.getInstance(orgId, {trackingServer, trackingServerSecure}).
 * Helpers are the _-prefixed methods; the adapter keeps no state: what a call set is known from the settings.
 */
adapter({
  name: "Adobe Analytics",
  version: "2.0.0",

  sdk: function (s) {
    return "https://assets.adobedtm.com/extensions/EPbde2f7ca14e540399dcc1f8208860b7b/AppMeasurement.min.js";
  },

  init: function (s, w) {
    var tag, url = String(s.visitorApiUrl || "");
    if (!w.s_account) w.s_account = String(s.reportSuiteId);
    if (s.marketingCloudOrgId && /^https:\/\//.test(url) && !this._hasVisitor(w)) {
      tag = w.document.createElement("script");
      tag.async = false;
      tag.src = url;
      (w.document.head || w.document.documentElement).appendChild(tag);
    }
  },

  loaded: function (s, w) {
    var a, opts;
    if (typeof w.s_gi !== "function") return false;
    if (s.marketingCloudOrgId && !this._hasVisitor(w)) return false;
    a = this._tracker(s, w);
    a.trackingServer = a.trackingServer || this._host(s.trackingServerUrl);
    if (a.trackingServerSecure || s.trackingServerSecureUrl) {
      a.trackingServerSecure = a.trackingServerSecure || this._host(s.trackingServerSecureUrl);
    }
    if (s.marketingCloudOrgId && !a.visitor) {
      opts = {trackingServer: a.trackingServer};
      if (a.trackingServerSecure) opts.trackingServerSecure = a.trackingServerSecure;
      a.visitor = w.Visitor.getInstance(String(s.marketingCloudOrgId), opts);
    }
    if (s.collectHighEntropyUserAgentHints) a.collectHighEntropyUserAgentHints = true;
    return true;
  },

  track: function (e, s, w) {
    var name = String(e.event || ""), lower = name.toLowerCase(), standard = this._standard(name);
    if (standard) return this._send(e, s, w, standard);
    if (!this._mapped(lower, s.events) && !this._mapped(lower, s.merchEvents)) return;
    this._send(e, s, w, lower === "cart opened" || lower === "opened cart" ? "scOpen" : null);
  },

  page: function (e, s, w) {
    var a = this._tracker(s, w), p = e.properties || {}, keys = [], c = e.context || {}, k, mapped;
    var name = e.name ? (e.category ? e.category + " " + e.name : String(e.name)) : null;
    this._clear(a, s);
    if (name) a.pageName = name; else delete a.pageName;
    a.referrer = (c.referrer && c.referrer.url) || (c.page && c.page.referrer) || p.referrer;
    if (!a.referrer) delete a.referrer;
    if (e.userId && !s.disableVisitorId &&
        (s.timestampOption === "disabled" || (s.timestampOption === "hybrid" && s.preferVisitorId))) {
      a.visitorID = String(e.userId);
    }
    this._common(a, keys, e, s);
    this._timestamp(a, keys, e, s);
    mapped = this._extract(e, p, s, false);
    for (k in mapped) this._set(a, keys, k, mapped[k]);
    this._contextData(a, keys, e, s);
    a.t();
  },

  /* --- helpers ------------------------------------------------------------------------------------------------ */

  _hasVisitor: function (w) { return !!(w.Visitor && typeof w.Visitor.getInstance === "function"); },

  _host: function (url) { return String(url || "").replace(/^https?:\/\//, "").replace(/\/+$/, ""); },

  /* The page's AppMeasurement tracker if it has one (window.s), else s_gi(s_account) kept as window.s. */
  _tracker: function (s, w) {
    if (w.s && typeof w.s.t === "function" && typeof w.s.tl === "function") return w.s;
    w.s = w.s_gi(String(w.s_account || s.reportSuiteId));
    return w.s;
  },

  /* Segment's ecommerce events (v2 names, spaces or underscores, any case) and the Adobe event each sends. */
  _standard: function (name) {
    var table = [
      [/^[ _]?product[ _]?viewed[ _]?$/i, "prodView"], [/^[ _]?product[ _]?list[ _]?viewed[ _]?$/i, "prodView"],
      [/^[ _]?product[ _]?added[ _]?$/i, "scAdd"], [/^[ _]?product[ _]?removed[ _]?$/i, "scRemove"],
      [/^[ _]?order[ _]?completed[ _]?$/i, "purchase"], [/^[ _]?cart[ _]?viewed[ _]?$/i, "scView"],
      [/^[ _]?checkout[ _]?started[ _]?$/i, "scCheckout"]
    ], i;
    for (i = 0; i < table.length; i++) if (table[i][0].test(name)) return table[i][1];
    return null;
  },

  _mapped: function (lower, list) {
    var i;
    if (!(list instanceof Array)) return null;
    for (i = 0; i < list.length; i++) {
      if (list[i] && String(list[i].segmentEvent || "").toLowerCase() === lower) return list[i];
    }
    return null;
  },

  /* processEvent: set the variables Segment sets, list them in linkTrackVars and send one s.tl(). */
  _send: function (e, s, w, adobeEvent) {
    var a = this._tracker(s, w), p = e.properties || {}, keys = [];
    var merch = this._mapped(String(e.event).toLowerCase(), s.merchEvents) || {};
    var orderId = p.id || p.order_id || p.orderId, k, mapped, eventVar, currency = p.currency || "USD";
    this._clear(a, s);
    if (adobeEvent === "purchase" || adobeEvent === "scCheckout") {
      this._set(a, keys, "purchaseID", p.purchaseId || orderId);
      this._set(a, keys, "transactionID", p.transactionId || orderId);
    }
    this._products(a, keys, e, s, adobeEvent, merch.merchEvents || [], merch.productEVars || []);
    this._contextData(a, keys, e, s);
    eventVar = this._dot(s.eVars || {}, e.event);
    if (/^eVar[0-9]+$/.test(eventVar)) this._set(a, keys, eventVar, e.event);
    this._events(a, keys, e, s, adobeEvent, this._dedupe(merch.merchEvents || []));
    this._common(a, keys, e, s);
    this._timestamp(a, keys, e, s);
    mapped = this._extract(e, p, s, false);
    for (k in mapped) this._set(a, keys, k, mapped[k]);
    if (currency !== "USD") this._set(a, keys, "currencyCode", currency);
    a.linkTrackVars = keys.join(",");
    a.tl(true, "o", e.event);
  },

  /* Forget what an earlier call set: the variables Segment's integration sets (clearKeys) and the mapped ones. */
  _clear: function (a, s) {
    var fixed = ["events", "products", "purchaseID", "transactionID", "channel", "campaign", "state", "zip",
      "pageName", "timestamp", "currencyCode"], maps = [s.eVars, s.props, s.hVars, s.lVars], i, k;
    for (i = 0; i < fixed.length; i++) delete a[fixed[i]];
    for (i = 0; i < maps.length; i++) {
      for (k in maps[i] || {}) if (/^(eVar|prop|hier|list)[0-9]+$/.test(maps[i][k])) delete a[maps[i][k]];
    }
    a.contextData = {};
  },

  _set: function (a, keys, key, value) {
    if (!key || value === undefined || value === null || value === "") return;
    keys.push(key);
    a[key] = String(value);
  },

  _common: function (a, keys, e, s) {
    var p = e.properties || {}, c = e.context || {};
    this._set(a, keys, "channel", p.channel);
    this._set(a, keys, "campaign", (c.campaign && c.campaign.name) || p.campaign);
    this._set(a, keys, "state", p.state);
    this._set(a, keys, "zip", p.zip);
    if (s.enableTrackPageName !== false && e.type === "track") {
      this._set(a, keys, "pageName", p.pageName || (c.page && c.page.title));
    }
  },

  _timestamp: function (a, keys, e, s) {
    var option = s.timestampOption || "enabled", t = (e.properties || {}).timestamp || e.timestamp;
    if (typeof t !== "string") t = isNaN(new Date(t).getTime()) ? null : new Date(t).toISOString();
    if (option === "enabled" || (option === "hybrid" && !s.preferVisitorId)) this._set(a, keys, "timestamp", t);
  },

  /* s.events: the standard event, the events mapped to this Segment event, then its merchandising events. */
  _events: function (a, keys, e, s, adobeEvent, merchEvents) {
    var out = adobeEvent ? [adobeEvent] : [], lower = String(e.event).toLowerCase(), p = e.properties || {};
    var list = s.events instanceof Array ? s.events : [], i, j, m, has = Object.prototype.hasOwnProperty;
    var add = function (x) { if (x && out.indexOf(x) < 0) out.push(x); };
    for (i = 0; i < list.length; i++) {
      if (list[i] && String(list[i].segmentEvent || "").toLowerCase() === lower) {
        for (j = 0; j < (list[i].adobeEvents || []).length; j++) add(list[i].adobeEvents[j]);
      }
    }
    for (i = 0; i < merchEvents.length; i++) {
      m = merchEvents[i];
      if (m.valueScope === "event") {
        if (m.segmentProperty && has.call(p, m.segmentProperty)) add(m.adobeEvent + "=" + String(p[m.segmentProperty]));
        else if (!m.segmentProperty) add(m.adobeEvent);
      } else {
        add(m.adobeEvent);
      }
    }
    this._set(a, keys, "events", out.join(","));
    /* names only: AppMeasurement matches linkTrackEvents by name (Segment copies "event3=20", which drops it) */
    a.linkTrackEvents = out.join(",").replace(/=[^,]*/g, "");
  },

  /* One merchandising event per Adobe event; an event-scoped one wins over a product-scoped one. */
  _dedupe: function (merchEvents) {
    var seen = {}, order = [], out = [], i, m;
    for (i = 0; i < merchEvents.length; i++) {
      m = merchEvents[i] || {};
      if (!seen[m.adobeEvent]) order.push(m.adobeEvent);
      if (!seen[m.adobeEvent] || (seen[m.adobeEvent].valueScope === "product" && m.valueScope === "event")) {
        seen[m.adobeEvent] = m;
      }
    }
    for (i = 0; i < order.length; i++) out.push(seen[order[i]]);
    return out;
  },

  /* s.products as Segment's setProductsString/mapProducts build it. */
  _products: function (a, keys, e, s, adobeEvent, merchEvents, productEVars) {
    var p = e.properties || {}, id = s.productIdentifier || "name", rows = [], list, i, item, qty, price, ident, extra;
    var single = adobeEvent === "scAdd" || adobeEvent === "scRemove" ||
      (adobeEvent === "prodView" && !/^[ _]?product[ _]?list[ _]?viewed[ _]?$/i.test(e.event));
    list = single || ((merchEvents.length || productEVars.length) && !(p.products instanceof Array)) ? [p] : p.products;
    if (!(list instanceof Array)) return;
    for (i = 0; i < list.length; i++) {
      item = list[i] || {};
      qty = item.quantity || 1;
      price = Number(item.price);
      ident = id === "id" ? (item.product_id || item.productId || item.id) : item[id];
      if (ident === undefined || ident === null || ident === "") continue; /* Segment sends "undefined" */
      extra = [this._productEvents(merchEvents, p, item), this._productEVars(productEVars, p, item)];
      rows.push([this._field(item.category), this._field(ident), qty,
        item.price === undefined || item.price === null || isNaN(price) ? "" : (price * qty).toFixed(2)]
        .concat(extra[0] || extra[1] ? extra : []).join(";"));
    }
    if (rows.length) this._set(a, keys, "products", rows.join(","));
  },

  _field: function (v) { return v === undefined || v === null ? "" : String(v).replace(/[;,|]/g, " "); },

  _productValue: function (key, p, item) {
    var v = key.indexOf("products.") === 0 ? item[key.split(".").pop()] :
      (Object.prototype.hasOwnProperty.call(p, key) ? p[key] : undefined);
    return v === undefined || v === null || v === "" ? null : this._field(v);
  },

  _productEvents: function (merchEvents, p, item) {
    var out = [], i, v;
    for (i = 0; i < merchEvents.length; i++) {
      if (merchEvents[i].valueScope !== "product" || !merchEvents[i].segmentProperty) continue;
      v = this._productValue(merchEvents[i].segmentProperty, p, item);
      if (v !== null) out.push(merchEvents[i].adobeEvent + "=" + v);
    }
    return out.join("|");
  },

  _productEVars: function (productEVars, p, item) {
    var out = [], i, v;
    for (i = 0; i < productEVars.length; i++) {
      v = this._productValue(String(productEVars[i].key || ""), p, item);
      if (v !== null) out.push(productEVars[i].value + "=" + v);
    }
    return out.join("|");
  },

  /* Every property (flattened with ".", prefixed), then the context fields named in the mappings. */
  _contextData: function (a, keys, e, s) {
    var flat = this._flatten(e.properties || {}, "", {}), prefix = s.customDataPrefix ? s.customDataPrefix + "." : "";
    var mapped = this._extract(e, this._flatten(e.context || {}, "", {}), s, true), k, v;
    a.contextData = {};
    for (k in flat) { a.contextData[prefix + k] = flat[k]; keys.push("contextData." + prefix + k); }
    for (k in mapped) {
      v = mapped[k];
      if (!k || v === undefined || v === null || v === "") continue;
      a.contextData[k] = typeof v === "boolean" ? String(v) : v;
      keys.push("contextData." + k);
    }
  },

  /* Segment's trample(): objects flattened with "."; arrays of scalars kept; arrays holding objects by index. */
  _flatten: function (o, path, out) {
    var k, v, key, i, scalars;
    for (k in o) {
      if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
      v = o[k]; key = path ? path + "." + k : k;
      if (v instanceof Array) {
        scalars = true;
        for (i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === "object") scalars = false;
        if (scalars) { out[key] = v; continue; }
        for (i = 0; i < v.length; i++) {
          if (v[i] !== null && typeof v[i] === "object" && !(v[i] instanceof Array)) {
            this._flatten(v[i], key + "." + i, out);
          }
          else if (v[i] !== null && v[i] !== undefined) out[key + "." + i] = v[i];
        }
      } else if (v !== null && typeof v === "object") {
        this._flatten(v, key, out);
      } else if (v !== null && v !== undefined) {
        out[key] = v;
      }
    }
    return out;
  },

  /* extractProperties: the eVars/props/hVars/lVars/contextValues mappings looked up in `source`. For s variables
   * (inContext false) only the eVar/prop/hier/list targets; messageId, anonymousId and event come from the call. */
  _extract: function (e, source, s, inContext) {
    var maps = [s.eVars, s.props, s.hVars, s.lVars, s.contextValues], top = {messageId: 1, anonymousId: 1, event: 1};
    var out = {}, i, key, target, v, fromCall;
    for (i = 0; i < maps.length; i++) {
      for (key in maps[i] || {}) {
        target = maps[i][key];
        if (!inContext && !/^(eVar|prop|hier|list)[0-9]+$/.test(target)) continue;
        fromCall = top[key] && (!inContext || Object.prototype.hasOwnProperty.call(s.contextValues || {}, key));
        v = fromCall ? e[key] : this._dot(source, key);
        if (v === null || v === undefined || typeof v === "function") continue;
        if (typeof v === "object" && !(v instanceof Array)) continue;
        if (/^list[0-9]+$/.test(target) && v instanceof Array) v = v.join();
        out[target] = v;
      }
    }
    return out;
  },

  /* obj-case lookup: a dotted path, keys compared without case and punctuation. */
  _dot: function (o, path) {
    var want = String(path).replace(/[^a-zA-Z0-9.]+/g, "").toLowerCase(), k, nk;
    if (o === null || typeof o !== "object") return undefined;
    for (k in o) {
      nk = String(k).replace(/[^a-zA-Z0-9.]+/g, "").toLowerCase();
      if (nk === want) return o[k];
      if (want.indexOf(nk + ".") === 0) return this._dot(o[k], want.slice(nk.length + 1));
    }
    return undefined;
  }
});
