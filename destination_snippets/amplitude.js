/* Amplitude — vendor docs: https://amplitude.com/docs/sdks/analytics/browser/browser-sdk-2
 *
 * Browser SDK 2 from Amplitude's CDN defines window.amplitude (init, track, identify, setUserId, setGroup, revenue,
 * reset and the Identify/Revenue classes). Its snippet queue is an SDK-internal format, so no stub is created here:
 * loaded() initialises the SDK the first time it finds it (getDeviceId() stays empty until init has been called;
 * the SDK ignores a second init while the first is running), and the runtime buffers calls until then.
 */
adapter({
  name: "Amplitude",
  version: "1.0.0",

  sdk: function (s) {
    return "https://cdn.amplitude.com/libs/analytics-browser-2.22.2-min.js.gz";
  },

  loaded: function (s, w) {
    var a = w.amplitude;
    if (!a || typeof a.init !== "function" || typeof a.Identify !== "function" || typeof a.getDeviceId !== "function") {
      return false;
    }
    if (!a.getDeviceId()) {
      a.init(String(s.apiKey), {
        serverZone: String(s.serverZone || "US").toUpperCase() === "EU" ? "EU" : "US",
        useBatch: s.batchEvents === true,
        autocapture: {
          attribution: s.trackReferrer === true || s.trackUtmProperties !== false,
          pageViews: false, /* page views come from analytics.page(), see page() */
          sessions: true,
          formInteractions: false,
          fileDownloads: false,
          elementInteractions: false
        }
      });
    }
    return true;
  },

  identify: function (e, s, w) {
    var a = w.amplitude, traits = e.traits || {}, id = new a.Identify(), k, count = 0;
    if (e.userId) a.setUserId(String(e.userId));
    for (k in traits) {
      if (Object.prototype.hasOwnProperty.call(traits, k) && traits[k] !== undefined && traits[k] !== null) {
        id.set(k, traits[k]);
        count++;
      }
    }
    if (count) a.identify(id);
  },

  track: function (e, s, w) {
    var a = w.amplitude, p = e.properties || {}, r, price;
    a.track(e.event, p);
    /* revenue goes through Amplitude's Revenue interface, as the SDK documents it */
    if (typeof p.revenue === "number") {
      price = typeof p.price === "number";
      r = new a.Revenue().setPrice(price ? p.price : p.revenue).setQuantity(price ? Number(p.quantity || 1) : 1);
      if (p.productId || p.product_id) r.setProductId(String(p.productId || p.product_id));
      if (p.revenueType || p.revenue_type) r.setRevenueType(String(p.revenueType || p.revenue_type));
      a.revenue(r);
    }
  },

  page: function (e, s, w) {
    if (s.trackAllPages === true) w.amplitude.track("Loaded a Page", e.properties || {});
  },

  group: function (e, s, w) {
    /* Amplitude Accounts: the Segment group is a "company"-type group */
    if (e.groupId) w.amplitude.setGroup("company", String(e.groupId));
  },

  reset: function (s, w) {
    w.amplitude.reset();
  }
});
