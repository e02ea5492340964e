/* Google Tag Manager — https://developers.google.com/tag-platform/tag-manager/datalayer */
adapter({
  name: "Google Tag Manager",
  version: "1.0.0",
  sdk: function (s) {
    var layer = s.dataLayerName || "dataLayer", url = "https://www.googletagmanager.com/gtm.js?id=" + encodeURIComponent(s.containerId);
    if (layer !== "dataLayer") url += "&l=" + encodeURIComponent(layer);
    if (s.environment) url += "&gtm_auth=&gtm_preview=" + encodeURIComponent(s.environment) + "&gtm_cookies_win=x";
    return url;
  },
  init: function (s, w) {
    var layer = s.dataLayerName || "dataLayer";
    w[layer] = w[layer] || [];
    w[layer].push({ "gtm.start": new Date().getTime(), event: "gtm.js" });
  },
  loaded: function (s, w) { return !!(w.google_tag_manager && w.google_tag_manager[s.containerId]); },
  identify: function (e, s, w) {
    w[s.dataLayerName || "dataLayer"].push({ event: "identify", userId: e.userId, anonymousId: e.anonymousId, traits: e.traits || {} });
  },
  track: function (e, s, w) {
    var data = { event: e.event, userId: e.userId, anonymousId: e.anonymousId }, p = e.properties || {};
    for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    w[s.dataLayerName || "dataLayer"].push(data);
  },
  page: function (e, s, w) {
    if (s.trackAllPages === false && !(s.trackNamedPages && e.name)) return;
    w[s.dataLayerName || "dataLayer"].push({ event: e.name ? "Viewed " + e.name + " Page" : "Loaded a Page", page: e.properties || {} });
  }
});
