/* Amplitude Browser SDK 2 — https://amplitude.com/docs/sdks/analytics/browser/browser-sdk-2 */
adapter({
  name: "Amplitude",
  version: "1.0.0",
  sdk: function (s) { return "https://cdn.amplitude.com/libs/analytics-browser-2.11.1-min.js.gz"; },
  init: function (s, w) {},
  loaded: function (s, w) {
    var a = w.amplitude;
    if (a && a.init && !w.__bundlesmithAmplitudeInit) {
      w.__bundlesmithAmplitudeInit = true;
      a.init(s.apiKey, { serverZone: s.serverZone || "US", autocapture: false });
    }
    return !!(a && a.track && w.__bundlesmithAmplitudeInit);
  },
  identify: function (e, s, w) {
    var a = w.amplitude, id = new a.Identify(), t = e.traits || {};
    if (e.userId) a.setUserId(e.userId);
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) id.set(k, t[k]);
    a.identify(id);
  },
  track: function (e, s, w) { w.amplitude.track(e.event, e.properties || {}); },
  page: function (e, s, w) {
    if (!s.trackAllPages) return;
    w.amplitude.track(e.name ? "Viewed " + e.name + " Page" : "Loaded a Page", e.properties || {});
  },
  group: function (e, s, w) { if (e.groupId) w.amplitude.setGroup("group", String(e.groupId)); },
  reset: function (s, w) { w.amplitude.reset(); }
});
