/* Keen — vendor docs: https://github.com/keen/keen-tracking.js (public CDN, new KeenTracking({...}), recordEvent,
 * extendEvents). Data enrichment add-ons: https://keen.io/docs/streams/data-enrichment-overview/
 * Follows Segment's classic "Keen IO" integration (segmentio/analytics.js-integrations, integrations/keen-io):
 * identify sets global properties {user: {userId, traits}} that every later event carries, track records the
 * event with its properties, page records "Loaded a Page", "Viewed <category> <name> Page" and
 * "Viewed <category> Page" as configured; each event gets the enabled add-ons and keen.timestamp.
 * See docs/DESTINATIONS.md, "Keen".
 *
 * keen-tracking.js defines the KeenTracking client class. loaded() creates the one client of the page and keeps
 * it on the vendor's class (KeenTracking.segmentClient), with the latest identify's global properties beside it
 * (client.segmentGlobals): the vendor objects hold the state, the adapter none. The globals are merged into each
 * event here, one level deep, rather than with extendEvents(), whose deep merge would concatenate the add-on lists.
 */
adapter({
  name: "Keen",
  version: "2.0.0",

  sdk: function (s) {
    return "https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js";
  },

  loaded: function (s, w) {
    var K = w.KeenTracking, client;
    if (typeof K !== "function" || typeof K.prototype.recordEvent !== "function") return false;
    if (!K.segmentClient) {
      client = new K({projectId: String(s.projectId), writeKey: String(s.writeKey)});
      client.segmentGlobals = {};
      K.segmentClient = client;
    }
    return true;
  },

  identify: function (e, s, w) {
    var t = e.traits || {}, traits = {}, user = {}, k;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k)) traits[k] = t[k];
    if (e.userId) {
      user.userId = e.userId;
      traits.id = e.userId;   /* Segment's identify traits carry the user id as `id` */
    }
    user.traits = traits;
    w.KeenTracking.segmentClient.segmentGlobals = this.addons({user: user}, e, s, w);
  },

  track: function (e, s, w) {
    var client = w.KeenTracking.segmentClient, p = e.properties || {}, k;
    /* the global properties first, the event's own keys over them (one level, as Segment's Keen library merged) */
    var data = JSON.parse(JSON.stringify(client.segmentGlobals));
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    client.recordEvent(String(e.event), this.addons(data, e, s, w));
  },

  page: function (e, s, w) {
    var p = e.properties || {}, props = {}, names = [], i, k;
    var full = e.name ? (e.category ? e.category + " " + e.name : e.name) : "";
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) props[k] = p[k];
    if (e.category) props.category = e.category;
    if (e.name) props.name = e.name;
    if (s.trackAllPages === true) names.push("Loaded a Page");
    if (full && s.trackNamedPages !== false) names.push("Viewed " + full + " Page");
    if (e.category && s.trackCategorizedPages !== false) names.push("Viewed " + e.category + " Page");
    for (i = 0; i < names.length; i++) {
      this.track({event: names[i], properties: props, timestamp: e.timestamp}, s, w);
    }
  },

  /* Add the enabled Keen add-ons and keen.timestamp to `data`, as Segment's integration does; return it. */
  addons: function (data, e, s, w) {
    var addons = [], href = w.location.href;
    if (s.ipAddon === true) {
      addons.push({name: "keen:ip_to_geo", input: {ip: "ip_address"}, output: "ip_geo_info"});
      data.ip_address = "${keen.ip}";
    }
    if (s.uaAddon === true) {
      addons.push({name: "keen:ua_parser", input: {ua_string: "user_agent"}, output: "parsed_user_agent"});
      data.user_agent = "${keen.user_agent}";
    }
    if (s.urlAddon === true) {
      addons.push({name: "keen:url_parser", input: {url: "page_url"}, output: "parsed_page_url"});
      data.page_url = href;
    }
    if (s.referrerAddon === true) {
      addons.push({name: "keen:referrer_parser", input: {referrer_url: "referrer_url", page_url: "page_url"},
        output: "referrer_info"});
      data.referrer_url = w.document.referrer;
      data.page_url = href;
    }
    data.keen = {timestamp: e.timestamp, addons: addons};
    return data;
  }
});
