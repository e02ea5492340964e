/* Keen — https://keen.io/docs/streams/javascript-event-streaming/ (keen-tracking.js) */
adapter({
  name: "Keen",
  version: "1.0.0",
  sdk: function (s) { return "https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js"; },
  init: function (s, w) {},
  loaded: function (s, w) {
    if (w.KeenTracking && !w.__bundlesmithKeen) w.__bundlesmithKeen = new w.KeenTracking({ projectId: s.projectId, writeKey: s.writeKey });
    return !!w.__bundlesmithKeen;
  },
  identify: function (e, s, w) { w.__bundlesmithKeenUser = { userId: e.userId, traits: e.traits || {} }; },
  track: function (e, s, w) {
    var data = {}, p = e.properties || {};
    for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    data.user = w.__bundlesmithKeenUser || { userId: e.userId || null, anonymousId: e.anonymousId };
    w.__bundlesmithKeen.recordEvent(e.event, data);
  },
  page: function (e, s, w) {
    if (!s.trackAllPages && !(s.trackNamedPages && e.name)) return;
    w.__bundlesmithKeen.recordEvent(e.name ? "Viewed " + e.name + " Page" : "Loaded a Page", e.properties || {});
  }
});
