/* Keen — vendor docs: https://github.com/keen/keen-tracking.js (public CDN, new KeenTracking({...}), recordEvent)
 * Data enrichment add-ons: https://keen.io/docs/streams/data-enrichment-overview/
 *
 * keen-tracking.js defines the KeenTracking client class. A client is a small configuration holder (no timers
 * unless events are deferred), so each call builds one from the settings: the adapter keeps no state. Keen has
 * no identify call; every recorded event carries a user object with the Segment userId and anonymousId instead.
 */
adapter({
  name: "Keen",
  version: "1.0.0",

  sdk: function (s) {
    return "https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js";
  },

  loaded: function (s, w) {
    return typeof w.KeenTracking === "function";
  },

  track: function (e, s, w) {
    var p = e.properties || {}, data = {}, k;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    data.user = {userId: e.userId || null, anonymousId: e.anonymousId || null};
    if (s.ipAddon === true) {
      data.ip_address = "${keen.ip}";
      data.keen = {addons: [{name: "keen:ip_to_geo", input: {ip: "ip_address"}, output: "ip_geo_info"}]};
    }
    new w.KeenTracking({projectId: String(s.projectId), writeKey: String(s.writeKey)}).recordEvent(String(e.event), data);
  },

  page: function (e, s, w) {
    var p = e.properties || {}, names = [], i, k, data;
    var full = e.name ? (e.category ? e.category + " " + e.name : e.name) : "";
    if (s.trackAllPages === true) names.push("Loaded a Page");
    if (full && s.trackNamedPages !== false) names.push("Viewed " + full + " Page");
    for (i = 0; i < names.length; i++) {
      data = {};
      for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
      data.user = {userId: e.userId || null, anonymousId: e.anonymousId || null};
      if (s.ipAddon === true) {
        data.ip_address = "${keen.ip}";
        data.keen = {addons: [{name: "keen:ip_to_geo", input: {ip: "ip_address"}, output: "ip_geo_info"}]};
      }
      new w.KeenTracking({projectId: String(s.projectId), writeKey: String(s.writeKey)}).recordEvent(names[i], data);
    }
  }
});
