/* Facebook (Meta) Pixel — vendor docs:
 *   https://developers.facebook.com/docs/meta-pixel/get-started (base code: fbq stub, fbevents.js, init, PageView)
 *   https://developers.facebook.com/docs/meta-pixel/reference (standard events and their parameters)
 *   https://developers.facebook.com/docs/meta-pixel/implementation/conversion-tracking (track vs trackCustom)
 *   https://developers.facebook.com/docs/marketing-api/conversions-api/deduplicate-pixel-and-server-events (eventID)
 *
 * Segment spec e-commerce events map to Meta standard events; the instance's standardEvents setting (a map of
 * Segment event name -> standard event name) adds or overrides mappings; every other event is a trackCustom.
 * The Segment messageId is passed as eventID so a Conversions API copy of the event is deduplicated.
 */
adapter({
  name: "Facebook Pixel",
  version: "1.0.0",

  sdk: function (s) {
    return "https://connect.facebook.net/en_US/fbevents.js";
  },

  init: function (s, w) {
    var f;
    if (typeof w.fbq !== "function") {
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
    if (s.automaticConfiguration === false) w.fbq("set", "autoConfig", false, String(s.pixelId));
    w.fbq("init", String(s.pixelId));
  },

  /* fbevents.js installs fbq.callMethod when it runs (the base code's stub only queues) */
  loaded: function (s, w) {
    return typeof w.fbq === "function" && typeof w.fbq.callMethod === "function";
  },

  track: function (e, s, w) {
    var spec = {
      "Product List Viewed": "ViewContent", "Product Viewed": "ViewContent", "Product Added": "AddToCart",
      "Product Added to Wishlist": "AddToWishlist", "Products Searched": "Search", "Checkout Started": "InitiateCheckout",
      "Payment Info Entered": "AddPaymentInfo", "Order Completed": "Purchase", "Signed Up": "CompleteRegistration"
    };
    var custom = s.standardEvents || {}, p = e.properties || {}, options = e.messageId ? {eventID: String(e.messageId)} : {};
    var standard = null, params = {}, list, ids = [], contents = [], i, item, value, count = 0, k;
    if (custom instanceof Array) {
      /* Segment's settings UI stores mappings as [{key, value}] */
      for (i = 0; i < custom.length; i++) if (custom[i] && custom[i].key === e.event) standard = custom[i].value;
    } else if (Object.prototype.hasOwnProperty.call(custom, e.event)) {
      standard = custom[e.event];
    }
    if (!standard && Object.prototype.hasOwnProperty.call(spec, e.event)) standard = spec[e.event];
    if (!standard) {
      w.fbq("trackCustom", String(e.event), p, options);
      return;
    }
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k) && k !== "products") params[k] = p[k];
    list = p.products && p.products.length ? p.products : (p.product_id || p.sku ? [p] : []);
    for (i = 0; i < list.length; i++) {
      item = list[i] || {};
      if (item.product_id || item.sku) {
        ids.push(String(item.product_id || item.sku));
        contents.push({id: String(item.product_id || item.sku), quantity: Number(item.quantity || 1), item_price: Number(item.price || 0)});
        count += Number(item.quantity || 1);
      }
    }
    if (ids.length) {
      params.content_ids = ids;
      params.contents = contents;
      params.content_type = e.event === "Product List Viewed" ? "product_group" : "product";
      params.num_items = count;
    }
    if (p.name && list.length === 1) params.content_name = String(p.name);
    if (p.category) params.content_category = String(p.category);
    if (p.query) params.search_string = String(p.query);
    value = p.value !== undefined ? p.value : (p.revenue !== undefined ? p.revenue : p.total);
    if (value === undefined && p.price !== undefined) value = Number(p.price) * Number(p.quantity || 1);
    if (value !== undefined) params.value = Number(value);
    params.currency = String(p.currency || "USD");
    w.fbq("track", String(standard), params, options);
  },

  page: function (e, s, w) {
    w.fbq("track", "PageView");
  }
});
