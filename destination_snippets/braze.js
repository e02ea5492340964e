/* Braze Web SDK — vendor docs: https://www.braze.com/docs/developer_guide/sdk_integration/?sdktab=web
 * API reference: https://js.appboycdn.com/web-sdk/latest/doc/modules/braze.html
 *
 * The CDN build defines window.braze. Braze's own loading snippet stubs every method with an SDK-internal queue;
 * instead, loaded() initialises the SDK (initialize, automaticallyShowInAppMessages, openSession) the first time it
 * finds it, guarded by braze.isInitialized(), and the runtime buffers calls until then.
 */
adapter({
  name: "Braze",
  version: "1.0.0",

  sdk: function (s) {
    return "https://js.appboycdn.com/web-sdk/6.1/braze.min.js";
  },

  loaded: function (s, w) {
    var b = w.braze;
    if (!b || typeof b.initialize !== "function" || typeof b.isInitialized !== "function") return false;
    if (!b.isInitialized()) {
      b.initialize(String(s.apiKey), {
        baseUrl: String(s.sdkEndpoint || "sdk.iad-01.braze.com").replace(/^https?:\/\//, "").replace(/\/+$/, ""),
        enableLogging: s.enableLogging === true
      });
      if (s.automaticallyDisplayMessages !== false) b.automaticallyShowInAppMessages();
      b.openSession();
    }
    return b.isInitialized() === true;
  },

  identify: function (e, s, w) {
    var b = w.braze, t = e.traits || {}, user, k, v, birthday, address = t.address || {};
    var genders = (b.User && b.User.Genders) || {};
    var genderCodes = {
      m: genders.MALE || "m", male: genders.MALE || "m", man: genders.MALE || "m",
      f: genders.FEMALE || "f", female: genders.FEMALE || "f", woman: genders.FEMALE || "f",
      o: genders.OTHER || "o", other: genders.OTHER || "o",
      u: genders.UNKNOWN || "u", unknown: genders.UNKNOWN || "u",
      n: genders.NOT_APPLICABLE || "n", not_applicable: genders.NOT_APPLICABLE || "n",
      p: genders.PREFER_NOT_TO_SAY || "p", prefer_not_to_say: genders.PREFER_NOT_TO_SAY || "p"
    };
    /* traits Braze has a dedicated setter for; everything else becomes a custom attribute */
    var standard = {
      email: 1, firstName: 1, first_name: 1, lastName: 1, last_name: 1, phone: 1, gender: 1, birthday: 1, address: 1
    };
    if (e.userId) b.changeUser(String(e.userId));
    user = b.getUser();
    if (t.email) user.setEmail(String(t.email));
    if (t.firstName || t.first_name) user.setFirstName(String(t.firstName || t.first_name));
    if (t.lastName || t.last_name) user.setLastName(String(t.lastName || t.last_name));
    if (t.phone) user.setPhoneNumber(String(t.phone));
    if (t.gender && Object.prototype.hasOwnProperty.call(genderCodes, String(t.gender).toLowerCase())) {
      user.setGender(genderCodes[String(t.gender).toLowerCase()]);
    }
    if (t.birthday) {
      birthday = new Date(t.birthday);
      if (!isNaN(birthday.getTime())) {
        user.setDateOfBirth(birthday.getUTCFullYear(), birthday.getUTCMonth() + 1, birthday.getUTCDate());
      }
    }
    if (address.city) user.setHomeCity(String(address.city));
    if (address.country) user.setCountry(String(address.country));
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k) || Object.prototype.hasOwnProperty.call(standard, k)) continue;
      v = t[k];
      /* custom attributes are scalars, dates or arrays; nested objects are left out */
      if (v !== null && v !== undefined && (typeof v !== "object" || v instanceof Date || v instanceof Array)) {
        user.setCustomUserAttribute(k, v);
      }
    }
  },

  track: function (e, s, w) {
    var b = w.braze, p = e.properties || {}, products = p.products, props = {}, i, k, item;
    if (e.event === "Order Completed" && products && products.length) {
      for (k in p) if (Object.prototype.hasOwnProperty.call(p, k) && k !== "products") props[k] = p[k];
      for (i = 0; i < products.length; i++) {
        item = products[i] || {};
        b.logPurchase(String(item.product_id || item.sku || item.id || item.name || "unknown"), Number(item.price || 0),
          String(item.currency || p.currency || "USD"), Number(item.quantity || 1), props);
      }
      return;
    }
    b.logCustomEvent(e.event, p);
  },

  group: function (e, s, w) {
    /* Braze has no group API; Segment's documented mapping is a boolean custom attribute per group */
    if (e.groupId) w.braze.getUser().setCustomUserAttribute("ab_segment_group_" + e.groupId, true);
  }
});
