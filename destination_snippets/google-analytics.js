/* Google Analytics 4 through gtag.js — follows Segment's "Google Analytics 4 Web" browser Actions destination
 * (action-destinations, packages/browser-destinations/destinations/google-analytics-4-web) with each action's
 * default subscription and field defaults; see docs/DESTINATIONS.md. Vendor docs:
 *   https://developers.google.com/tag-platform/gtagjs/install (dataLayer + gtag() stub, js, config)
 *   https://developers.google.com/tag-platform/security/guides/consent (consent default / update)
 *   https://developers.google.com/analytics/devguides/collection/ga4/reference/config (config parameters)
 *   https://developers.google.com/analytics/devguides/collection/ga4/ecommerce (recommended e-commerce events)
 *
 * page -> gtag('config') (Set Configuration Fields; gtag.js sends the page view unless pageView is false);
 * Segment e-commerce events -> GA4 recommended events with items[]; any other track -> a custom event.
 */
adapter({
  name: "Google Analytics",
  version: "2.0.0",

  sdk: function (s) {
    var host = String(s.domain || "www.googletagmanager.com");
    if (!/^[A-Za-z0-9.-]+(:[0-9]+)?$/.test(host)) host = "www.googletagmanager.com";
    return "https://" + host + "/gtag/js?id=" + encodeURIComponent(s.measurementID);
  },

  init: function (s, w) {
    var consent;
    w.dataLayer = w.dataLayer || [];
    w.gtag = function () { w.dataLayer.push(arguments); };
    w.gtag("js", new Date());
    if (s.enableConsentMode !== true) return;
    consent = {ad_storage: s.defaultAdsStorageConsentState || "granted",
               analytics_storage: s.defaultAnalyticsStorageConsentState || "granted"};
    if (typeof s.waitTimeToUpdateConsentStage === "number") consent.wait_for_update = s.waitTimeToUpdateConsentStage;
    if (s.adUserDataConsentState) consent.ad_user_data = s.adUserDataConsentState;
    if (s.adPersonalizationConsentState) consent.ad_personalization = s.adPersonalizationConsentState;
    w.gtag("consent", "default", consent);
  },

  /* gtag.js takes over dataLayer.push when it runs */
  loaded: function (s, w) {
    var dl = w.dataLayer;
    return !!(dl && typeof dl.push === "function" && dl.push !== Array.prototype.push);
  },

  page: function (e, s, w) {
    var c = {allow_ad_personalization_signals: s.allowAdPersonalizationSignals !== false,
             allow_google_signals: s.allowGoogleSignals !== false};
    /* setting -> config parameter, sent when set and not gtag's own default (Segment's rules) */
    var opt = {cookieDomain: ["cookie_domain", "auto"], cookieExpirationInSeconds: ["cookie_expires", 63072000],
               cookiePath: ["cookie_path", "/"], cookiePrefix: ["cookie_prefix"], cookieFlags: ["cookie_flags"]};
    var cats = (s.consentSettings || {}).categories || [], prefs = ((e.context || {}).consent || {}).categoryPreferences;
    var types = ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"], update = {}, k, v, i;
    if (s.enableConsentMode === true) {
      /* granted when the visitor granted every consent category of this instance (the source's consent) */
      for (i = 0; i < cats.length; i++) if (!prefs || prefs[cats[i]] !== true) cats = [];
      for (i = 0; cats.length && i < types.length; i++) update[types[i]] = "granted";
      w.gtag("consent", "update", update);
    }
    for (k in opt) {
      v = s[k];
      if (v !== undefined && v !== null && v !== "" && v !== opt[k][1] && !(v instanceof Array && !v.length)) c[opt[k][0]] = v;
    }
    if (s.cookieUpdate === false) c.cookie_update = false;
    if (s.pageView === false) c.send_page_view = false;
    w.gtag("config", String(s.measurementID), c);
  },

  track: function (e, s, w) {
    /* Segment event|GA4 event|parameters (items: multi-product items[], item: single-product items[]) */
    var table = ("Payment Info Entered|add_payment_info|currency value coupon payment_type items;" +
      "Product Added|add_to_cart|currency value item;Product Added to Wishlist|add_to_wishlist|currency value item;" +
      "Checkout Started|begin_checkout|currency value coupon items;Signed In|login|method;" +
      "Order Completed|purchase|currency transaction_id total coupon tax shipping items;" +
      "Order Refunded|refund|currency transaction_id total affiliation shipping tax items;" +
      "Product Removed|remove_from_cart|currency value item;Products Searched|search|search_term;" +
      "Product Clicked|select_item|item_list_id item_list_name item;" +
      "Promotion Clicked|select_promotion|creative_slot location_id promotion_id promotion_name item;" +
      "Signed Up|sign_up|method;Cart Viewed|view_cart|currency value items;" +
      "Product Viewed|view_item|currency value item;Product List Viewed|view_item_list|item_list_id item_list_name items;" +
      "Promotion Viewed|view_promotion|creative_slot location_id promotion_id promotion_name item").split(";");
    /* where a GA4 parameter comes from in Segment's spec (the actions' field defaults), when not the same name */
    var from = {payment_type: "payment_method", transaction_id: "order_id", search_term: "query",
                creative_slot: "creative", location_id: "position", promotion_name: "name"};
    var p = e.properties || {}, ev = String(e.event || ""), params = {send_to: String(s.measurementID)};
    var row, fields, i, k, v;
    for (i = 0; i < table.length; i++) if (table[i].split("|")[0] === ev) row = table[i].split("|");
    /* Custom Event: spaces become underscores; Segment's default mapping sends no event parameters */
    if (!row) return w.gtag("event", ev.replace(/^\s+|\s+$/g, "").replace(/\s/g, "_"), params);
    fields = row[2].split(" ");
    for (i = 0; i < fields.length; i++) {
      k = fields[i];
      if (k === "items" || k === "item") {
        v = this.items(p, k === "items");
        k = "items";
      } else {
        v = p[from[k] || k];
        if (k === "total") k = "value";
      }
      if (v !== undefined && v !== null) params[k] = v;
    }
    w.gtag("event", row[1], params);
  },

  /* items[] from properties.products (Segment's @arrayPath default); a single-product event without `products`
     describes its one product at the top level, so that product is the item (see docs/DESTINATIONS.md) */
  items: function (p, multi) {
    var list = p.products instanceof Array ? p.products : null, out = [], i, q, item, k;
    var fields = {item_id: "product_id", item_name: "name", affiliation: "affiliation", coupon: "coupon",
                  item_brand: "brand", item_category: "category", item_variant: "variant", price: "price",
                  quantity: "quantity"};
    if (multi) fields.index = "position";
    if (!list && !multi && (p.product_id || p.sku)) list = [p];
    if (!list) return null;
    for (i = 0; i < list.length; i++) {
      q = list[i] || {};
      item = {};
      for (k in fields) if (q[fields[k]] !== undefined && q[fields[k]] !== null) item[k] = q[fields[k]];
      out.push(item);
    }
    return out;
  }
});
