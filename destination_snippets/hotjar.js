/* Hotjar — https://help.hotjar.com/hc/en-us/articles/115009336727 (tracking code), Identify and Events APIs */
adapter({
  name: "Hotjar",
  version: "1.0.0",
  sdk: function (s) { return "https://static.hotjar.com/c/hotjar-" + encodeURIComponent(s.siteId) + ".js?sv=" + (s.hotjarVersion || 6); },
  init: function (s, w) {
    w.hj = w.hj || function () { (w.hj.q = w.hj.q || []).push(arguments); };
    w._hjSettings = { hjid: Number(s.siteId), hjsv: Number(s.hotjarVersion || 6) };
  },
  loaded: function (s, w) { return !!(w.hj && w.hjSiteSettings); },
  identify: function (e, s, w) { w.hj("identify", e.userId || null, e.traits || {}); },
  track: function (e, s, w) { w.hj("event", e.event); }
});
