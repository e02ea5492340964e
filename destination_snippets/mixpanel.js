/* Mixpanel — vendor docs: https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript
 *
 * Loader contract (the documented snippet's): before the library loads, window.mixpanel is an array that carries
 * __SV (the snippet version the library checks) and _i (the init calls it replays). mixpanel-2-latest.min.js turns
 * that array into the library, runs the queued init and sets mixpanel.__loaded.
 */
adapter({
  name: "Mixpanel",
  version: "1.0.0",

  sdk: function (s) {
    return "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js";
  },

  init: function (s, w) {
    var host = String(s.apiHost || "api-js.mixpanel.com").replace(/^https?:\/\//, "").replace(/\/+$/, "");
    var mp = w.mixpanel;
    if (mp && mp.__SV) return; /* a Mixpanel snippet is already on the page: it owns the global */
    mp = w.mixpanel = [];
    mp.__SV = 1.2;
    mp.people = [];
    mp._i = [[s.token, {
      api_host: "https://" + host,
      persistence: s.persistence === "localStorage" ? "localStorage" : "cookie",
      cross_subdomain_cookie: s.crossSubdomainCookie !== false,
      secure_cookie: s.secureCookie === true,
      track_pageview: false
    }, "mixpanel"]];
  },

  loaded: function (s, w) {
    return !!(w.mixpanel && w.mixpanel.__loaded);
  },

  identify: function (e, s, w) {
    /* Segment trait names -> Mixpanel's reserved profile properties */
    var reserved = {
      email: "$email", name: "$name", firstName: "$first_name", first_name: "$first_name",
      lastName: "$last_name", last_name: "$last_name", phone: "$phone", avatar: "$avatar",
      createdAt: "$created", created_at: "$created", username: "$username"
    };
    var traits = e.traits || {}, props = {}, k, count = 0;
    for (k in traits) {
      if (Object.prototype.hasOwnProperty.call(traits, k) && traits[k] !== undefined) {
        props[Object.prototype.hasOwnProperty.call(reserved, k) ? reserved[k] : k] = traits[k];
        count++;
      }
    }
    if (e.userId) w.mixpanel.identify(String(e.userId));
    if (!count) return;
    w.mixpanel.register(props); /* super properties: sent with every later event */
    if (s.people === true) w.mixpanel.people.set(props);
  },

  track: function (e, s, w) {
    w.mixpanel.track(e.event, e.properties || {});
  },

  page: function (e, s, w) {
    if (s.trackAllPages === true) w.mixpanel.track("Loaded a Page", e.properties || {});
  },

  group: function (e, s, w) {
    /* Mixpanel group analytics: "company" is the group key (it must exist in the project's Group Keys) */
    var traits = e.traits || {}, k, has = false;
    if (!e.groupId) return;
    w.mixpanel.set_group("company", String(e.groupId));
    for (k in traits) if (Object.prototype.hasOwnProperty.call(traits, k)) { has = true; break; }
    if (has) w.mixpanel.get_group("company", String(e.groupId)).set(traits);
  },

  alias: function (e, s, w) {
    if (e.userId) w.mixpanel.alias(String(e.userId), e.previousId ? String(e.previousId) : undefined);
  },

  reset: function (s, w) {
    w.mixpanel.reset();
  }
});
