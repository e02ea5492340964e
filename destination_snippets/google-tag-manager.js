/* Google Tag Manager — vendor docs:
 *   https://developers.google.com/tag-platform/tag-manager/web (container snippet: gtm.start/gtm.js, gtm.js?id=&l=)
 *   https://developers.google.com/tag-platform/tag-manager/datalayer (dataLayer.push with an event key)
 *   https://support.google.com/tagmanager/answer/6311518 (environments: gtm_auth/gtm_preview query string)
 *
 * Mapping follows Segment's GTM destination: track pushes {event, userId, anonymousId, ...properties}; page pushes
 * "Loaded a Page" (trackAllPages) and "Viewed <name> Page" (trackNamedPages).
 */
adapter({
  name: "Google Tag Manager",
  version: "1.0.0",

  sdk: function (s) {
    var name = String(s.dataLayerName || "dataLayer"), env = String(s.environment || "").replace(/^[\s?&]+|\s+$/g, "");
    var url = "https://www.googletagmanager.com/gtm.js?id=" + encodeURIComponent(s.containerId);
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) name = "dataLayer";
    if (name !== "dataLayer") url += "&l=" + encodeURIComponent(name);
    if (env) url += "&" + env.replace(/[\s#"'<>]/g, "");
    return url;
  },

  init: function (s, w) {
    var name = String(s.dataLayerName || "dataLayer");
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) name = "dataLayer";
    w[name] = w[name] || [];
    w[name].push({"gtm.start": new Date().getTime(), event: "gtm.js"});
  },

  /* gtm.js registers the container in google_tag_manager when it runs */
  loaded: function (s, w) {
    return !!(w.google_tag_manager && w.google_tag_manager[s.containerId]);
  },

  track: function (e, s, w) {
    var name = String(s.dataLayerName || "dataLayer"), p = e.properties || {}, data = {}, k;
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) name = "dataLayer";
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    data.event = e.event;
    if (e.userId) data.userId = e.userId;
    if (e.anonymousId) data.anonymousId = e.anonymousId;
    w[name].push(data);
  },

  page: function (e, s, w) {
    var name = String(s.dataLayerName || "dataLayer"), p = e.properties || {}, events = [], i, k, data;
    var full = e.name ? (e.category ? e.category + " " + e.name : e.name) : "";
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) name = "dataLayer";
    if (s.trackAllPages === true) events.push("Loaded a Page");
    if (full && s.trackNamedPages !== false) events.push("Viewed " + full + " Page");
    for (i = 0; i < events.length; i++) {
      data = {};
      for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
      data.event = events[i];
      if (e.userId) data.userId = e.userId;
      if (e.anonymousId) data.anonymousId = e.anonymousId;
      w[name].push(data);
    }
  }
});
