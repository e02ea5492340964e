/* Amplitude — vendor docs: https://amplitude.com/docs/sdks/analytics/browser/browser-sdk-2
 * Segment reference: analytics.js-integrations, integrations/amplitude/lib/index.js (classic device-mode Amplitude;
 * Segment's "Amplitude (Actions)" is cloud-mode, its browser part only adds a session id).
 *
 * Browser SDK 2 from Amplitude's CDN (the build npm's @amplitude/analytics-browser ships as
 * lib/scripts/amplitude-min.js) defines window.amplitude (init, track, identify, setUserId, setDeviceId, setGroup,
 * revenue, reset and the Identify/Revenue classes). Its snippet queue is an SDK-internal format, so no stub is
 * created here: loaded() calls init when it finds the SDK and is true once init has set a device id (the SDK
 * ignores another init while one is under way); the runtime buffers calls until then.
 * The mapping is Segment's: named and categorized pages as "Viewed ... Page" events, Order Completed split into the
 * order, its revenue and one "Product Purchased" per product, groups as "[Segment] Group" (or the
 * groupTypeTrait/groupValueTrait traits), traitsToIncrement/traitsToSetOnce, attribution as user properties only.
 * Helpers are the _-prefixed methods (the runtime and the remote plugin call handlers as methods of this object).
 */
adapter({
  name: "Amplitude",
  version: "2.0.0",

  sdk: function (s) {
    return "https://cdn.amplitude.com/libs/analytics-browser-2.48.1-min.js.gz";
  },

  loaded: function (s, w) {
    var a = w.amplitude, o;
    if (!a || !a.init || !a.Identify || !a.getDeviceId) return false;
    if (a.getDeviceId()) return true;
    o = {
      serverZone: s.endpoint === "europe" ? "EU" : "US",
      useBatch: !!s.batchEvents,
      fetchRemoteConfig: false, /* the settings decide what is captured, as with Segment */
      /* Segment's SDK: no session or page events, UTM/referrer/gclid as user properties only */
      autocapture: {
        attribution: s.trackUtmProperties !== false || s.useAmplitudeReferral || s.trackGclid ?
          {trackingMethod: "userProperty"} : false,
        pageViews: false, sessions: false, formInteractions: false, fileDownloads: false, pageUrlEnrichment: false
      }
    };
    if (o.useBatch) {
      o.flushQueueSize = s.eventUploadThreshold || 30;
      o.flushIntervalMillis = s.eventUploadPeriodMillis || 30000;
    }
    if (s.versionName) o.appVersion = s.versionName;
    a.init(String(s.apiKey), undefined, o); /* the SDK ignores another init while one is under way */
    return false;
  },

  identify: function (e, s, w) {
    var a = w.amplitude, t = {}, src = e.traits || {}, g = this._opt(e).groups, id = new a.Identify(), k, inc, once;
    this._device(e, s, w);
    if (e.userId) a.setUserId(String(e.userId));
    for (k in src) if (src[k] !== undefined) t[k] = src[k];
    if (e.userId) t.id = e.userId;
    for (k in s.mapQueryParams) t[k] = this._search(e);
    for (k in t) {
      inc = (s.traitsToIncrement || []).indexOf(k) > -1;
      once = (s.traitsToSetOnce || []).indexOf(k) > -1;
      if (inc) id.add(k, t[k]);
      if (once) id.setOnce(k, t[k]);
      if (!inc && !once) id.set(k, t[k]);
    }
    a.identify(id);
    for (k in g) a.setGroup(k, g[k]);
  },

  track: function (e, s, w) {
    var p = e.properties || {}, list = p.products instanceof Array ? p.products : [], order = {}, per, i, k, x;
    if (!/^(order completed|completed order)$/i.test(e.event)) return this._log(e.event, p, e, s, w);
    /* Segment's orderCompleted: the order without its products, then one Product Purchased per product */
    per = !!s.trackRevenuePerProduct;
    for (k in p) if (k !== "products") order[k] = p[k];
    if (s.trackProductsOnce) {
      order.products = [];
      for (i = 0; i < list.length; i++) {
        x = list[i] || {};
        order.products.push({productId: x.product_id || x.productId || x.id, sku: x.sku, name: x.name,
          price: this._num(x.price), quantity: this._num(x.quantity) || 1, category: x.category});
      }
      return this._log(e.event, order, e, s, w, per);
    }
    this._log(e.event, order, e, s, w, per);
    for (i = 0; i < list.length; i++) {
      x = {};
      for (k in list[i]) x[k] = list[i][k];
      if (per && x.price != null && x.quantity) {
        if (p.revenueType) x.revenueType = p.revenueType;
        if (this._revenueOf(e.event, p)) x.revenue = this._revenueOf(e.event, p);
        this._revenue("Product Purchased", x, s, w);
      }
      this._log("Product Purchased", x, e, s, w, per);
    }
  },

  page: function (e, s, w) {
    var p = e.properties || {}, c = e.category, n = e.name;
    this._device(e, s, w);
    if (s.trackReferrer && !s.useAmplitudeReferral) this._referrer(w);
    if (s.trackAllPages) this._log("Loaded a Page", p, e, s, w);
    if (c && s.trackCategorizedPages !== false) this._log("Viewed " + c + " Page", p, e, s, w);
    if (n && s.trackNamedPages !== false) this._log("Viewed " + (c ? c + " " : "") + n + " Page", p, e, s, w);
  },

  group: function (e, s, w) {
    var t = e.traits || {}, type = t[s.groupTypeTrait], value = t[s.groupValueTrait];
    this._device(e, s, w);
    if (type && value) w.amplitude.setGroup(String(type), value);
    else if (e.groupId) w.amplitude.setGroup("[Segment] Group", String(e.groupId));
  },

  reset: function (s, w) {
    w.amplitude.reset();
  },

  /* --- helpers ------------------------------------------------------------------------------------------------ */

  /* Segment's logEvent: query params, appended fields, groups, then revenue unless told not to */
  _log: function (event, src, e, s, w, noRevenue) {
    var a = w.amplitude, p = {}, user = {}, g = this._opt(e).groups, k, type, map = s.mapQueryParams;
    this._device(e, s, w);
    for (k in src) p[k] = src[k];
    for (k in map) {
      type = map[k];
      if (type === "user_properties") user[k] = this._search(e);
      else p[k] = this._search(e);
    }
    if (type === "user_properties") {
      type = new a.Identify();
      for (k in user) type.set(k, user[k]);
      a.identify(type);
    }
    for (k in s.appendFieldsToEventProps) p[s.appendFieldsToEventProps[k]] = this._path(e, k);
    if (g && typeof g === "object") a.track(String(event), p, {groups: g});
    else a.track(String(event), p);
    if (!noRevenue && this._revenueOf(event, src)) this._revenue(event, src, s, w, p);
  },

  /* Segment's setRevenue: Revenue V2 with useLogRevenueV2, otherwise the V1 shape (amount, quantity, product) */
  _revenue: function (event, p, s, w, props) {
    var price = this._num(p.price), q = this._num(p.quantity) || 1, revenue = this._revenueOf(event, p);
    var r = new w.amplitude.Revenue(), id = p.product_id || p.productId || p.id;
    var type = p.revenueType || (/^(order completed|completed order|product purchased)$/i.test(event) ? "Purchase" : 0);
    if (s.useLogRevenueV2) {
      if (!price) { price = revenue; q = 1; }
      r.setPrice(price).setQuantity(q).setEventProperties(props || p);
      if (type) r.setRevenueType(String(type));
    } else {
      r.setPrice(revenue || price * q).setQuantity(q);
    }
    if (id) r.setProductId(String(id));
    w.amplitude.revenue(r);
  },

  /* Segment's revenue: properties.revenue, or total on Order Completed; "$9.99" strings read as numbers */
  _revenueOf: function (event, p) {
    return this._num(p.revenue) || (/^[ _]?(completed[ _]?order|order[ _]?completed)[ _]?$/i.test(event) ?
      this._num(p.total) : undefined);
  },

  _num: function (v) {
    if (typeof v === "string") v = parseFloat(v.replace(/[^0-9.\-]/g, ""));
    return typeof v === "number" && !isNaN(v) ? v : undefined;
  },

  /* trackReferrer: the referrer as user properties, as Amplitude's includeReferrer did */
  _referrer: function (w) {
    var r = w.document.referrer, d = r.split("/")[2], id = new w.amplitude.Identify();
    if (!r) return;
    id.setOnce("initial_referrer", r).set("referrer", r);
    if (d) id.setOnce("initial_referring_domain", d).set("referring_domain", d);
    w.amplitude.identify(id);
  },

  _device: function (e, s, w) {
    if (s.preferAnonymousIdForDeviceId && e.anonymousId) w.amplitude.setDeviceId(String(e.anonymousId));
  },

  /* per-call options: analytics.track(..., {integrations: {Amplitude: {groups: {...}}}}) */
  _opt: function (e) {
    var o = (e.integrations || {}).Amplitude;
    return o && typeof o === "object" ? o : {};
  },

  _search: function (e) {
    return ((e.context || {}).page || {}).search;
  },

  _path: function (e, path) {
    var parts = path.split("."), v = e, i;
    for (i = 0; i < parts.length && v != null; i++) v = v[parts[i]];
    return v;
  }
});
