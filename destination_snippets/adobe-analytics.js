/* Adobe Analytics (AppMeasurement for JavaScript) — vendor docs:
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/js/overview
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/functions/t-method (s.t, page views)
 *   https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/functions/tl-method (s.tl, link tracking)
 *
 * Adobe publishes no stand-alone CDN URL for AppMeasurement (Code Manager download or the Tags extension); sdk()
 * uses the copy that Adobe hosts on assets.adobedtm.com for its Analytics extension (see README.md). The library
 * defines s_gi(reportSuiteId), which returns the same tracker object for the same report suite(s) on every call.
 */
adapter({
  name: "Adobe Analytics",
  version: "1.0.0",

  sdk: function (s) {
    return "https://assets.adobedtm.com/extensions/EPbde2f7ca14e540399dcc1f8208860b7b/AppMeasurement.min.js";
  },

  /* AppMeasurement needs no queue: configuring the tracker once the library is there is enough. */
  loaded: function (s, w) {
    var a, host, secure;
    if (typeof w.s_gi !== "function") return false;
    host = String(s.trackingServerUrl || "").replace(/^https?:\/\//, "").replace(/\/+$/, "");
    secure = String(s.trackingServerSecureUrl || "").replace(/^https?:\/\//, "").replace(/\/+$/, "");
    a = w.s_gi(String(s.reportSuiteId));
    a.trackingServer = host;
    a.trackingServerSecure = secure || host;
    if (s.marketingCloudOrgId && w.Visitor && typeof w.Visitor.getInstance === "function") {
      a.visitor = w.Visitor.getInstance(String(s.marketingCloudOrgId));
    }
    return true;
  },

  identify: function (e, s, w) {
    /* a custom visitor ID only without the Experience Cloud ID service, which Adobe says must not be mixed */
    if (e.userId && !s.marketingCloudOrgId) w.s_gi(String(s.reportSuiteId)).visitorID = String(e.userId);
  },

  track: function (e, s, w) {
    var commerce = {
      "Product Viewed": "prodView", "Product Added": "scAdd", "Product Removed": "scRemove",
      "Cart Viewed": "scView", "Checkout Started": "scCheckout", "Order Completed": "purchase"
    };
    var a = w.s_gi(String(s.reportSuiteId)), p = e.properties || {}, vars = [], prefix = String(s.customDataPrefix || "");
    var name = Object.prototype.hasOwnProperty.call(commerce, e.event) ? commerce[e.event] : null;
    var list = p.products && p.products.length ? p.products : [p], items = [], i, k, key, item, qty, price;
    if (typeof a.clearVars === "function") a.clearVars();
    a.contextData = {};
    for (k in p) {
      if (Object.prototype.hasOwnProperty.call(p, k) && p[k] !== null && typeof p[k] !== "object" && p[k] !== undefined) {
        key = prefix + String(k).replace(/[^A-Za-z0-9_.]/g, "_");
        a.contextData[key] = p[k];
        vars.push("contextData." + key);
      }
    }
    if (name) {
      /* s.products: "category;product;quantity;price" entries, comma-separated; price is the row total */
      for (i = 0; i < list.length; i++) {
        item = list[i] || {};
        qty = Number(item.quantity || 1);
        price = Number(item.price || 0) * qty;
        items.push(String(item.category || "").replace(/[;,]/g, " ") + ";" +
          String(item.sku || item.product_id || item.id || item.name || "").replace(/[;,]/g, " ") + ";" + qty + ";" + price);
      }
      a.products = items.join(",");
      a.events = name;
      a.linkTrackEvents = name;
      vars.push("products", "events");
      if (name === "purchase" && p.order_id) { a.purchaseID = String(p.order_id); vars.push("purchaseID"); }
      if (p.currency) { a.currencyCode = String(p.currency); vars.push("currencyCode"); }
    } else {
      a.linkTrackEvents = "None";
    }
    a.linkTrackVars = vars.length ? vars.join(",") : "None";
    a.tl(true, "o", e.event);
  },

  page: function (e, s, w) {
    var a = w.s_gi(String(s.reportSuiteId)), p = e.properties || {}, prefix = String(s.customDataPrefix || ""), k;
    if (typeof a.clearVars === "function") a.clearVars();
    a.contextData = {};
    for (k in p) {
      if (Object.prototype.hasOwnProperty.call(p, k) && p[k] !== null && typeof p[k] !== "object" && p[k] !== undefined) {
        a.contextData[prefix + String(k).replace(/[^A-Za-z0-9_.]/g, "_")] = p[k];
      }
    }
    a.pageName = e.name ? (e.category ? e.category + " " + e.name : e.name) : (p.title || p.path || "");
    if (p.url) a.pageURL = String(p.url);
    if (p.referrer) a.referrer = String(p.referrer);
    a.t();
  }
});
