/* Google Tag Manager — follows Segment's classic integration (analytics.js-integrations,
 * integrations/google-tag-manager/lib/index.js); see docs/DESTINATIONS.md. Vendor docs:
 *   https://developers.google.com/tag-platform/tag-manager/web (container snippet: gtm.start/gtm.js, gtm.js?id=&l=)
 *   https://developers.google.com/tag-platform/tag-manager/datalayer (dataLayer.push with an event key)
 *   https://support.google.com/tagmanager/answer/6311518 (environments: gtm_preview / gtm_auth query string)
 *
 * track pushes {...properties, userId, segmentAnonymousId, event}; page pushes "Loaded a Page" (trackAllPages),
 * "Viewed <category> Page" (trackCategorizedPages) and "Viewed <category> <name> Page" (trackNamedPages).
 * The environment setting is appended after "&gtm_preview=" as Segment does (e.g. "env-2&gtm_auth=...").
 */
adapter({
  name: "Google Tag Manager",
  version: "2.0.0",

  sdk: function (s) {
    var name = this.layer(s), path = String(s.fullURLpath || "").replace(/^(https?:)?\/\//, "");
    var env = String(s.environment || "").replace(/[\s#"'<>]/g, "");
    if (!/^[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~\/-]*)?$/.test(path)) path = "www.googletagmanager.com/gtm.js";
    return "https://" + path + "?id=" + encodeURIComponent(s.containerId) + "&l=" + name +
      (env ? "&gtm_preview=" + env : "");
  },

  /* the data layer's name: "dataLayer" unless dataLayerName (a bundlesmith extension) names another global */
  layer: function (s) {
    var name = String(s.dataLayerName || "dataLayer");
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : "dataLayer";
  },

  init: function (s, w) {
    var name = this.layer(s);
    w[name] = w[name] || [];
    w[name].push({"gtm.start": new Date().getTime(), event: "gtm.js"});
  },

  /* gtm.js takes over the data layer's push when it runs */
  loaded: function (s, w) {
    var dl = w[this.layer(s)];
    return !!(dl && typeof dl.push === "function" && dl.push !== Array.prototype.push);
  },

  track: function (e, s, w) {
    var p = e.properties || {}, data = {}, k;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    if (e.userId) data.userId = e.userId;
    if (e.anonymousId) data.segmentAnonymousId = e.anonymousId;
    data.event = e.event;
    w[this.layer(s)].push(data);
  },

  page: function (e, s, w) {
    var full = e.category && e.name ? e.category + " " + e.name : (e.name || ""), names = [], i;
    if (s.trackAllPages === true) names.push("Loaded a Page");
    if (e.category && s.trackCategorizedPages !== false) names.push("Viewed " + e.category + " Page");
    if (full && s.trackNamedPages !== false) names.push("Viewed " + full + " Page");
    for (i = 0; i < names.length; i++) {
      this.track({event: names[i], properties: e.properties, userId: e.userId, anonymousId: e.anonymousId}, s, w);
    }
  }
});
