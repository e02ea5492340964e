/* Braze Web SDK — https://www.braze.com/docs/developer_guide/sdk_integration/?sdktab=web */
adapter({
  name: "Braze",
  version: "1.0.0",
  sdk: function (s) { return "https://js.appboycdn.com/web-sdk/5.6/braze.min.js"; },
  init: function (s, w) {},
  loaded: function (s, w) {
    if (w.braze && w.braze.initialize && !w.__bundlesmithBraze) {
      w.__bundlesmithBraze = true;
      w.braze.initialize(s.apiKey, { baseUrl: s.sdkEndpoint, enableLogging: !!s.enableLogging });
      if (s.automaticallyDisplayMessages !== false && w.braze.automaticallyShowInAppMessages) w.braze.automaticallyShowInAppMessages();
      w.braze.openSession();
    }
    return !!w.__bundlesmithBraze;
  },
  identify: function (e, s, w) {
    var b = w.braze, t = e.traits || {}, user;
    if (e.userId) b.changeUser(String(e.userId));
    user = b.getUser();
    if (t.email) user.setEmail(t.email);
    if (t.firstName) user.setFirstName(t.firstName);
    if (t.lastName) user.setLastName(t.lastName);
    if (t.phone) user.setPhoneNumber(t.phone);
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k) && ["email", "firstName", "lastName", "phone"].indexOf(k) < 0) user.setCustomUserAttribute(k, t[k]);
  },
  track: function (e, s, w) {
    var p = e.properties || {};
    if (e.event === "Order Completed" && p.products && p.products.length) {
      for (var i = 0; i < p.products.length; i++) w.braze.logPurchase(String(p.products[i].product_id || p.products[i].sku || "product"), Number(p.products[i].price || 0), p.currency || "USD", Number(p.products[i].quantity || 1));
    } else {
      w.braze.logCustomEvent(e.event, p);
    }
  },
  page: function (e, s, w) {},
  reset: function (s, w) { if (w.braze.wipeData) w.braze.wipeData(); }
});
