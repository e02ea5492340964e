/* Braze Web SDK — vendor docs: https://www.braze.com/docs/developer_guide/sdk_integration/?sdktab=web
 * API reference: https://js.appboycdn.com/web-sdk/latest/doc/modules/braze.html
 * Follows Segment's "Braze Web Mode (Actions)" (segmentio/action-destinations,
 * packages/browser-destinations/destinations/braze): its settings keys and defaults, its default mappings
 * (identify and group -> Update User Profile, Order Completed -> Track Purchase, other tracks -> Track Event);
 * see docs/DESTINATIONS.md, "Braze".
 *
 * The CDN build (braze.no-module.min.js) defines window.braze. ready() initialises the SDK the first time an
 * event may reach it (at load, or with deferUntilIdentified at the first event of an identified user), guarded
 * by braze.isInitialized(): the SDK holds the state, the adapter none.
 */
adapter({
  name: "Braze",
  version: "2.0.0",

  sdk: function (s) {
    /* Braze Web SDK 4 and later (window.braze); the 3.x builds define window.appboy, another API */
    var version = /^[0-9]+\.[0-9]+$/.test(String(s.sdkVersion)) && parseInt(s.sdkVersion, 10) >= 4 ? s.sdkVersion : "6.10";
    return "https://js.appboycdn.com/web-sdk/" + version + "/braze.no-module.min.js";
  },

  loaded: function (s, w) {
    var b = w.braze;
    if (!b || typeof b.initialize !== "function" || typeof b.isInitialized !== "function") return false;
    if (s.deferUntilIdentified !== true) this.ready(null, s, w);
    return true;
  },

  /* Initialise Braze once, as Segment's Actions destination does; false while events must be dropped. */
  ready: function (e, s, w) {
    var b = w.braze, config = {}, keys, i, list = s.devicePropertyAllowlist, baseUrl;
    if (b.isInitialized()) return true;
    if (s.deferUntilIdentified === true && !(e && e.userId)) return false;
    keys = ["allowCrawlerActivity", "allowUserSuppliedJavascript", "appVersion", "contentSecurityNonce",
      "disablePushTokenMaintenance", "doNotLoadFontAwesome", "enableLogging", "enableSdkAuthentication",
      "inAppMessageZIndex", "localization", "manageServiceWorkerExternally",
      "minimumIntervalBetweenTriggerActionsInSeconds", "noCookies", "openCardsInNewTab", "openInAppMessagesInNewTab",
      "requireExplicitInAppMessageDismissal", "safariWebsitePushId", "serviceWorkerLocation", "sessionTimeoutInSeconds"];
    for (i = 0; i < keys.length; i++) if (s[keys[i]] !== undefined && s[keys[i]] !== null) config[keys[i]] = s[keys[i]];
    if (list instanceof Array) {
      for (i = 0; i < list.length; i++) if (String(list[i]).replace(/\s+/g, "") !== "") { config.devicePropertyAllowlist = list; break; }
    }
    baseUrl = String(w.BRAZE_BASE_URL || s.endpoint || "sdk.iad-01.braze.com");
    config.baseUrl = baseUrl;
    if (!b.initialize(String(s.api_key), config)) return false;
    if (s.automaticallyDisplayMessages !== false) b.automaticallyShowInAppMessages();
    b.openSession();
    return true;
  },

  identify: function (e, s, w) { this.updateUserProfile(e, s, w); },

  group: function (e, s, w) { this.updateUserProfile(e, s, w); },

  /* Segment's Update User Profile action with its default field mappings. */
  updateUserProfile: function (e, s, w) {
    var b = w.braze, t = e.traits || {}, user, k, groups, i, g, address = t.address || {};
    var location = (e.context || {}).location || {};
    var reserved = {external_id: 1, country: 1, current_location: 1, custom_attributes: 1, dob: 1, email: 1,
      email_subscribe: 1, first_name: 1, last_name: 1, gender: 1, home_city: 1, image_url: 1, language: 1, phone: 1,
      push_subscribe: 1, subscription_groups: 1, firstName: 1, lastName: 1, braze_subscription_groups: 1};
    if (!this.ready(e, s, w)) return;
    if (e.userId) b.changeUser(String(e.userId));
    user = b.getUser();
    if (!user) return;
    if (location.country !== undefined) user.setCountry(location.country);
    for (k in t) {
      if (Object.prototype.hasOwnProperty.call(t, k) && !Object.prototype.hasOwnProperty.call(reserved, k)) {
        user.setCustomUserAttribute(k, t[k]);
      }
    }
    if (t.email !== undefined) user.setEmail(t.email);
    if (t.firstName !== undefined) user.setFirstName(t.firstName);
    if (t.gender !== undefined) user.setGender(this.gender(t.gender));
    if (address.city !== undefined) user.setHomeCity(address.city);
    if (t.lastName !== undefined) user.setLastName(t.lastName);
    if (t.phone !== undefined) user.setPhoneNumber(t.phone);
    groups = t.braze_subscription_groups;
    if (groups instanceof Array) {
      for (i = 0; i < groups.length; i++) {
        g = groups[i] || {};
        if (!g.subscription_group_id) continue;
        if (g.subscription_group_state === "subscribed") user.addToSubscriptionGroup(g.subscription_group_id);
        if (g.subscription_group_state === "unsubscribed") user.removeFromSubscriptionGroup(g.subscription_group_id);
      }
    }
  },

  /* Segment's gender spellings to Braze's codes; anything else is passed on for the SDK to judge. */
  gender: function (value) {
    var codes = {m: "M", male: "M", man: "M", f: "F", female: "F", woman: "F", w: "F", o: "O", other: "O",
      u: "U", unknown: "U", n: "N", "not applicable": "N", p: "P", "prefer not to say": "P"};
    if (!value) return value;
    return Object.prototype.hasOwnProperty.call(codes, String(value).toLowerCase()) ? codes[String(value).toLowerCase()] : value;
  },

  track: function (e, s, w) {
    var b = w.braze, p = e.properties || {}, products = p.products, props = {}, i, k, item;
    if (!this.ready(e, s, w)) return;
    if (e.event !== "Order Completed") {
      b.logCustomEvent(e.event, p);
      return;
    }
    /* Track Purchase: one logPurchase per product, with the order's other properties */
    for (k in p) {
      if (Object.prototype.hasOwnProperty.call(p, k) && k !== "product_id" && k !== "price" && k !== "currency" &&
          k !== "quantity") props[k] = p[k];
    }
    if (!(products instanceof Array)) return;
    for (i = 0; i < products.length; i++) {
      item = products[i] || {};
      if (item.product_id === undefined || item.product_id === null || item.price === undefined) continue;
      b.logPurchase(String(item.product_id), Number(item.price),
        item.currency === undefined || item.currency === null ? "USD" : item.currency,
        item.quantity === undefined || item.quantity === null ? 1 : Number(item.quantity), props);
    }
  }
});
