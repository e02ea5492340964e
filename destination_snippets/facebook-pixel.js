/* Meta (Facebook) Pixel — https://developers.facebook.com/docs/meta-pixel/reference */
adapter({
  name: "Facebook Pixel",
  version: "1.0.0",
  sdk: function (s) { return "https://connect.facebook.net/en_US/fbevents.js"; },
  init: function (s, w) {
    if (!w.fbq) {
      var n = w.fbq = function () { n.callMethod ? n.callMethod.apply(n, arguments) : n.queue.push(arguments); };
      if (!w._fbq) w._fbq = n;
      n.push = n; n.loaded = true; n.version = "2.0"; n.queue = [];
    }
    w.fbq("init", s.pixelId);
  },
  loaded: function (s, w) { return !!(w.fbq && w.fbq.callMethod); },
  track: function (e, s, w) {
    var standard = { "Order Completed": "Purchase", "Product Added": "AddToCart", "Products Searched": "Search",
      "Product Viewed": "ViewContent", "Checkout Started": "InitiateCheckout", "Payment Info Entered": "AddPaymentInfo",
      "Product Added to Wishlist": "AddToWishlist", "Signed Up": "CompleteRegistration", "Lead Generated": "Lead" };
    var custom = s.standardEvents || {}, p = e.properties || {}, name = custom[e.event] || standard[e.event];
    var data = {};
    for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    if (p.revenue !== undefined && data.value === undefined) data.value = p.revenue;
    if (p.total !== undefined && data.value === undefined) data.value = p.total;
    if (name && data.currency === undefined) data.currency = "USD";
    if (name) w.fbq("track", name, data); else w.fbq("trackCustom", e.event, data);
  },
  page: function (e, s, w) { w.fbq("track", "PageView"); }
});
