/* Facebook (Meta) Pixel — follows Segment's classic integration (analytics.js-integrations,
 * integrations/facebook-pixel/lib/index.js); see docs/DESTINATIONS.md. Vendor docs:
 *   https://developers.facebook.com/docs/meta-pixel/get-started (base code: fbq stub, fbevents.js, init, PageView)
 *   https://developers.facebook.com/docs/meta-pixel/reference (standard events and their parameters)
 *   https://developers.facebook.com/docs/meta-pixel/advanced/advanced-matching (init user data: em, fn, ln, ...)
 *   https://developers.facebook.com/docs/meta-pixel/guides/track-multiple-events (trackSingle, trackSingleCustom)
 *   https://developers.facebook.com/docs/marketing-apis/data-processing-options (dataProcessingOptions, LDU)
 *
 * Events go to the configured pixel only (trackSingle/trackSingleCustom), with the Segment messageId as eventID.
 * Product List Viewed, Product Viewed, Product Added, Checkout Started, Order Completed and Products Searched map
 * to ViewContent, AddToCart, InitiateCheckout, Purchase and Search; other events go through the standardEvents and
 * legacyEvents mappings, or else as custom events. Meta's PII keys (email, names, phone, city, zip, ...) are never
 * sent in event data unless whitelistPiiProperties names them.
 */
adapter({
  name: "Facebook Pixel",
  version: "2.0.0",

  sdk: function (s) {
    return "https://connect.facebook.net/en_US/fbevents.js";
  },

  init: function (s, w) {
    var f = w.fbq, dpo = s.dataProcessingOptions, ids, traits, user, name, first, last, a, b, out, k;
    if (typeof f !== "function") {
      f = w.fbq = function () {
        if (f.callMethod) f.callMethod.apply(f, arguments);
        else f.queue.push(arguments);
      };
      if (!w._fbq) w._fbq = f;
      f.push = f;
      f.loaded = true;
      f.version = "2.0";
      f.queue = [];
    }
    f.disablePushState = true;        /* the runtime's page() sends PageView: no automatic SPA PageViews */
    f.allowDuplicatePageViews = true;
    if (s.automaticConfiguration === false) f("set", "autoConfig", false, String(s.pixelId));
    if (s.limitedDataUse === false) f("dataProcessingOptions", []);
    else if (dpo instanceof Array && dpo.length === 3 && dpo[0] instanceof Array && typeof dpo[1] === "number" &&
             typeof dpo[2] === "number") f("dataProcessingOptions", dpo[0], dpo[1], dpo[2]);
    else f("dataProcessingOptions", ["LDU"], 0, 0);
    if (s.initWithExistingTraits !== true) return f("init", String(s.pixelId));
    /* advanced matching from the traits the visitor already has (analytics.user(), as Segment reads them) */
    user = w.analytics && typeof w.analytics.user === "function" ? w.analytics.user() : null;
    if (!user || typeof user.traits !== "function") user = null;  /* e.g. a client still loading */
    traits = (user && user.traits()) || {};
    if (traits.firstName || traits.first_name) {
      first = traits.firstName || traits.first_name;
      last = traits.lastName || traits.last_name;
    } else if (typeof traits.name === "string") {
      name = traits.name.toLowerCase().split(" ");
      first = name.shift();
      last = name.pop();
    }
    a = traits.address || {};
    b = traits.birthday ? String(traits.birthday instanceof Date ? traits.birthday.toISOString() : traits.birthday) : "";
    b = /^(\d{4})-(\d{2})-(\d{2})/.exec(b);
    ids = {
      em: traits.email, fn: first, ln: last, ph: traits.phone,
      ge: typeof traits.gender === "string" ? traits.gender.slice(0, 1).toLowerCase() : undefined,
      db: b ? b[1] + b[2] + b[3] : undefined,
      ct: typeof a.city === "string" ? a.city.split(" ").join("").toLowerCase() : undefined,
      st: typeof a.state === "string" ? a.state.toLowerCase() : undefined,
      zp: a.postalCode || a.postal_code,
      external_id: s.keyForExternalId ? traits[s.keyForExternalId] : undefined
    };
    if (!ids.external_id && s.userIdAsExternalId === true && user) ids.external_id = user.id() || user.anonymousId();
    out = {};
    for (k in ids) if (ids[k] !== undefined && ids[k] !== null) out[k] = ids[k];
    f("init", String(s.pixelId), out);
  },

  /* fbevents.js installs fbq.callMethod when it runs (the base code's stub only queues) */
  loaded: function (s, w) {
    return typeof w.fbq === "function" && typeof w.fbq.callMethod === "function";
  },

  page: function (e, s, w) {
    w.fbq("track", "PageView", {}, {eventID: e.messageId});
  },

  track: function (e, s, w) {
    var own = Object.prototype.hasOwnProperty, p = e.properties || {}, pixel = String(s.pixelId), ev = String(e.event);
    var opts = {eventID: e.messageId}, useValue = (s.valueIdentifier || "value") === "value";
    var currency = p.currency || "USD", list = p.products instanceof Array ? p.products : [];
    /* Segment's revenue: properties.revenue, or the total of an Order Completed without one */
    var revenue = money(p.revenue || (/^[ _]?(completed[ _]?order|order[ _]?completed)[ _]?$/i.test(ev) ? p.total : 0));
    var legacy = mapped(s.legacyEvents, ev), standard, payload, ids = [], contents = [], i, item, id, price;

    function money(v) { return Number(v || 0).toFixed(2); }
    function mapped(map, key) {
      var found = [], j;
      if (map instanceof Array) {
        for (j = 0; j < map.length; j++) if (map[j] && map[j].key === key) found = found.concat(map[j].value);
      } else if (map && own.call(map, key)) found = found.concat(map[key]);
      return found;
    }
    function contentType(fallback) {
      var o = (e.integrations || {})["Facebook Pixel"], cat = p.category || (list[0] && list[0].category), m;
      if (o && typeof o === "object" && o.contentType) return [o.contentType];
      m = cat ? mapped(s.contentTypes, cat) : [];
      return m.length ? m : fallback;
    }
    function content(cid, quantity, itemPrice) {
      var c = {id: cid, quantity: quantity || 1};
      if (itemPrice) c.item_price = itemPrice;
      return c;
    }
    function merge(base, extra) { for (var k in extra) if (own.call(extra, k) && !own.call(base, k)) base[k] = extra[k]; return base; }
    function send(name, data) { w.fbq("trackSingle", pixel, name, data, opts); }
    function sendLegacy(value) { for (var j = 0; j < legacy.length; j++) send(legacy[j], {currency: currency, value: value}); }

    if (ev === "Product Viewed" || ev === "Product Added") {
      id = p.product_id || p.productId || p.id || p.sku || "";
      price = money(useValue ? p.value : p.price);
      send(ev === "Product Viewed" ? "ViewContent" : "AddToCart", merge({
        content_ids: [id], content_type: contentType(["product"]), content_name: p.name || "",
        content_category: p.category || "", currency: currency, value: price, contents: [content(id, p.quantity, p.price)]
      }, this.payload(p, s, true)));
      return sendLegacy(price);
    }
    if (ev === "Product List Viewed") {
      for (i = 0; i < list.length; i++) {
        item = list[i] || {};
        id = item.product_id || item.productId || item.id;
        if (id) { ids.push(id); contents.push(content(id, item.quantity)); }
      }
      /* products with ids -> "product"; otherwise the list's category stands for a "product_group" */
      send("ViewContent", merge({
        content_ids: ids.length ? ids : [p.category || ""],
        content_type: contentType([ids.length ? "product" : "product_group"]),
        contents: ids.length ? contents : [content(p.category || "", 1)]
      }, this.payload(p, s, true)));
      return sendLegacy(revenue);
    }
    if (ev === "Order Completed" || ev === "Checkout Started") {
      for (i = 0; i < list.length; i++) {
        item = list[i] || {};
        ids.push(item.product_id || item.productId || item.id || item.sku);
        contents.push(content(ids[i], item.quantity, item.price || (ev === "Checkout Started" ? p.price : 0)));
      }
      send(ev === "Order Completed" ? "Purchase" : "InitiateCheckout", merge(ev === "Order Completed" ? {
        content_ids: ids, content_type: contentType(["product"]), currency: currency, value: revenue,
        contents: contents, num_items: ids.length
      } : {
        content_category: p.category || (list[0] && list[0].category), content_ids: ids,
        content_type: contentType(["product"]), contents: contents, currency: currency, num_items: ids.length,
        value: revenue
      }, this.payload(p, s, true)));
      return sendLegacy(revenue);
    }
    if (ev === "Products Searched") {
      send("Search", merge({search_string: p.query}, this.payload(p, s, true)));
      return sendLegacy(revenue);
    }
    payload = this.payload(p, s, false);
    if (own.call(p, "revenue")) {
      payload.value = revenue;
      delete payload.revenue;
    }
    standard = mapped(s.standardEvents, ev);
    if (!standard.length && !legacy.length) return w.fbq("trackSingleCustom", pixel, ev, payload, opts);
    for (i = 0; i < standard.length; i++) {
      if (standard[i] === "Purchase") payload.currency = currency;
      send(standard[i], payload);
    }
    sendLegacy(revenue);
  },

  /* Event data from properties: Meta's PII keys dropped (unless whitelisted), blacklistPiiProperties hashed or
     dropped, travel dates as YYYY-MM-DD; standard e-commerce events carry only standardEventsCustomProperties. */
  payload: function (p, s, standardOnly) {
    var pii = ["email", "firstName", "lastName", "gender", "city", "country", "phone", "state", "zip", "birthday"];
    var dates = /^(checkin|checkout|departingArrival|departingDeparture|returningArrival|returningDeparture)Date$|^travel(End|Start)$/;
    var allow = s.whitelistPiiProperties || [], custom = s.standardEventsCustomProperties || [], deny = {}, out = {};
    var list = s.blacklistPiiProperties || [], i, k, v;
    for (i = 0; i < list.length; i++) if (list[i] && list[i].propertyName) deny[list[i].propertyName] = !!list[i].hashProperty;
    for (k in p) {
      if (!Object.prototype.hasOwnProperty.call(p, k) || (standardOnly && custom.indexOf(k) < 0)) continue;
      v = p[k];
      if (v instanceof Date && dates.test(k.replace(/[_ -]+([a-z])/g, function (m, c) { return c.toUpperCase(); }))) {
        out[k] = v.toISOString().split("T")[0];
      } else if (Object.prototype.hasOwnProperty.call(deny, k)) {
        if (deny[k] && typeof v === "string") out[k] = this.sha256(v);
      } else if (pii.indexOf(k) < 0 || allow.indexOf(k) > -1) {
        out[k] = v;
      }
    }
    return out;
  },

  /* SHA-256 of a string's UTF-8 bytes, as lowercase hex (blacklistPiiProperties with hashProperty) */
  sha256: function (text) {
    var K = [], H = [], bytes = unescape(encodeURIComponent(text)), words = [], W = [], n = 2, c = 0, i, j, t, hex = "";
    var a, b, d, e, f, g, h, cc, s0, s1, len = bytes.length * 8;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    function rot(x, r) { return (x >>> r) | (x << (32 - r)); }
    while (c < 64) {
      for (j = 2; j * j <= n; j++) if (n % j === 0) break;
      if (j * j > n) { if (c < 8) H[c] = frac(Math.sqrt(n)); K[c++] = frac(Math.pow(n, 1 / 3)); }
      n++;
    }
    bytes += "\x80";
    while (bytes.length % 64 !== 56) bytes += "\x00";
    for (i = 0; i < bytes.length; i++) words[i >> 2] |= bytes.charCodeAt(i) << ((3 - i % 4) * 8);
    words.push(Math.floor(len / 4294967296), len | 0);
    for (i = 0; i < words.length; i += 16) {
      a = H[0]; b = H[1]; cc = H[2]; d = H[3]; e = H[4]; f = H[5]; g = H[6]; h = H[7];
      for (j = 0; j < 64; j++) {
        if (j < 16) W[j] = words[i + j] | 0;
        else {
          s0 = rot(W[j - 15], 7) ^ rot(W[j - 15], 18) ^ (W[j - 15] >>> 3);
          s1 = rot(W[j - 2], 17) ^ rot(W[j - 2], 19) ^ (W[j - 2] >>> 10);
          W[j] = (W[j - 16] + s0 + W[j - 7] + s1) | 0;
        }
        t = (h + (rot(e, 6) ^ rot(e, 11) ^ rot(e, 25)) + ((e & f) ^ (~e & g)) + K[j] + W[j]) | 0;
        s0 = ((rot(a, 2) ^ rot(a, 13) ^ rot(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc))) | 0;
        h = g; g = f; f = e; e = (d + t) | 0; d = cc; cc = b; b = a; a = (t + s0) | 0;
      }
      H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + cc) | 0; H[3] = (H[3] + d) | 0;
      H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
    }
    for (i = 0; i < 8; i++) hex += ("0000000" + (H[i] >>> 0).toString(16)).slice(-8);
    return hex;
  }
});
