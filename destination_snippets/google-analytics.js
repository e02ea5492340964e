/* Google Analytics 4 through gtag.js — vendor docs:
 *   https://developers.google.com/tag-platform/gtagjs/install (dataLayer + gtag() stub, js, config)
 *   https://developers.google.com/analytics/devguides/collection/ga4/user-id (user_id on the config command)
 *   https://developers.google.com/analytics/devguides/collection/ga4/ecommerce (recommended e-commerce events)
 *
 * config always sets send_page_view: false: page views are sent by page() (when sendPageView is on), so the page
 * view that analytics.page() reports is counted once.
 */
adapter({
  name: "Google Analytics",
  version: "1.0.0",

  sdk: function (s) {
    return "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(s.measurementId);
  },

  init: function (s, w) {
    var config = {send_page_view: false};
    w.dataLayer = w.dataLayer || [];
    if (typeof w.gtag !== "function") w.gtag = function () { w.dataLayer.push(arguments); };
    if (s.cookieDomain && s.cookieDomain !== "auto") config.cookie_domain = String(s.cookieDomain);
    if (s.anonymizeIp === true) config.anonymize_ip = true; /* GA4 does not store IP addresses; kept for parity */
    w.gtag("js", new Date());
    w.gtag("config", String(s.measurementId), config);
  },

  /* gtag.js registers itself in google_tag_manager and takes over dataLayer.push when it runs */
  loaded: function (s, w) {
    var dl = w.dataLayer;
    return !!(w.google_tag_manager && w.google_tag_manager[s.measurementId]) ||
      !!(dl && typeof dl.push === "function" && dl.push !== Array.prototype.push);
  },

  identify: function (e, s, w) {
    /* user properties: scalar traits only, and never contact details (Google's policy forbids PII) */
    var pii = {
      email: 1, phone: 1, name: 1, firstName: 1, first_name: 1, lastName: 1, last_name: 1, username: 1,
      address: 1, birthday: 1, avatar: 1, id: 1, userId: 1, user_id: 1
    };
    var t = e.traits || {}, props = {}, k, v, count = 0;
    if (e.userId) w.gtag("config", String(s.measurementId), {user_id: String(e.userId), send_page_view: false});
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k) || Object.prototype.hasOwnProperty.call(pii, k)) continue;
      v = t[k];
      if ((typeof v === "string" && v.indexOf("@") < 0) || typeof v === "number" || typeof v === "boolean") {
        props[String(k).replace(/[^A-Za-z0-9_]/g, "_").slice(0, 24)] = v;
        count++;
      }
    }
    if (count) w.gtag("set", "user_properties", props);
  },

  track: function (e, s, w) {
    var recommended = {
      "Products Searched": "search", "Product List Viewed": "view_item_list", "Product Clicked": "select_item",
      "Product Viewed": "view_item", "Product Added": "add_to_cart", "Product Removed": "remove_from_cart",
      "Cart Viewed": "view_cart", "Product Added to Wishlist": "add_to_wishlist", "Checkout Started": "begin_checkout",
      "Payment Info Entered": "add_payment_info", "Order Completed": "purchase", "Order Refunded": "refund",
      "Promotion Viewed": "view_promotion", "Promotion Clicked": "select_promotion", "Product Shared": "share",
      "Signed Up": "sign_up", "Signed In": "login"
    };
    var p = e.properties || {}, name, params = {}, k, v, list, items = [], i, item, one;
    if (Object.prototype.hasOwnProperty.call(recommended, e.event)) {
      name = recommended[e.event];
      list = p.products && p.products.length ? p.products : (p.product_id || p.sku || p.name ? [p] : []);
      for (i = 0; i < list.length; i++) {
        item = list[i] || {};
        one = {};
        if (item.product_id || item.sku) one.item_id = String(item.product_id || item.sku);
        if (item.name) one.item_name = String(item.name);
        if (item.category) one.item_category = String(item.category);
        if (item.brand) one.item_brand = String(item.brand);
        if (item.variant) one.item_variant = String(item.variant);
        if (item.coupon) one.coupon = String(item.coupon);
        if (item.price !== undefined) one.price = Number(item.price);
        if (item.quantity !== undefined) one.quantity = Number(item.quantity);
        if (item.position !== undefined) one.index = Number(item.position);
        items.push(one);
      }
      if (items.length) params.items = items;
      if (p.currency) params.currency = String(p.currency);
      v = p.value !== undefined ? p.value : (p.revenue !== undefined ? p.revenue : p.total);
      if (v === undefined && list.length === 1 && list[0].price !== undefined) v = Number(list[0].price) * Number(list[0].quantity || 1);
      if (v !== undefined) params.value = Number(v);
      if (p.order_id) params.transaction_id = String(p.order_id);
      if (p.tax !== undefined) params.tax = Number(p.tax);
      if (p.shipping !== undefined) params.shipping = Number(p.shipping);
      if (p.coupon) params.coupon = String(p.coupon);
      if (p.query) params.search_term = String(p.query);
      if (p.list_id) params.item_list_id = String(p.list_id);
      if (p.list_name || p.category) params.item_list_name = String(p.list_name || p.category);
      if (p.method) params.method = String(p.method);
      if (p.promotion_id) params.promotion_id = String(p.promotion_id);
      if (p.creative) params.creative_name = String(p.creative);
    } else {
      /* custom event: GA4 names are letters, digits and underscores, 40 characters at most */
      name = String(e.event).replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "event";
      for (k in p) {
        if (!Object.prototype.hasOwnProperty.call(p, k)) continue;
        v = p[k];
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
          params[String(k).replace(/[^A-Za-z0-9_]/g, "_").slice(0, 40)] = v;
        }
      }
    }
    w.gtag("event", name, params);
  },

  page: function (e, s, w) {
    var p = e.properties || {}, params = {};
    if (s.sendPageView === false) return;
    if (p.title !== undefined) params.page_title = p.title;
    if (p.url !== undefined) params.page_location = p.url;
    if (p.referrer) params.page_referrer = p.referrer;
    w.gtag("event", "page_view", params);
  },

  group: function (e, s, w) {
    if (e.groupId) w.gtag("event", "join_group", {group_id: String(e.groupId)});
  },

  reset: function (s, w) {
    /* signed out: the user-ID guide says to send user_id null */
    w.gtag("config", String(s.measurementId), {user_id: null, send_page_view: false});
  }
});
