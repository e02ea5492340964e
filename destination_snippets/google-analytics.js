/* Google Analytics 4 through gtag.js — https://developers.google.com/tag-platform/gtagjs/reference */
adapter({
  name: "Google Analytics",
  version: "1.0.0",
  sdk: function (s) { return "https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(s.measurementId); },
  init: function (s, w) {
    w.dataLayer = w.dataLayer || [];
    if (!w.gtag) w.gtag = function () { w.dataLayer.push(arguments); };
    w.gtag("js", new Date());
    var config = { send_page_view: false };
    if (s.cookieDomain) config.cookie_domain = s.cookieDomain;
    w.gtag("config", s.measurementId, config);
  },
  loaded: function (s, w) { return !!(w.google_tag_manager && w.google_tag_manager[s.measurementId]); },
  identify: function (e, s, w) {
    if (e.userId) w.gtag("config", s.measurementId, { user_id: e.userId, send_page_view: false });
    w.gtag("set", "user_properties", e.traits || {});
  },
  track: function (e, s, w) {
    w.gtag("event", String(e.event).toLowerCase().replace(/[^a-z0-9_]+/g, "_"), e.properties || {});
  },
  page: function (e, s, w) {
    if (s.sendPageView === false) return;
    var p = e.properties || {};
    w.gtag("event", "page_view", { page_title: p.title, page_location: p.url, page_path: p.path, page_referrer: p.referrer, send_to: s.measurementId });
  },
  group: function (e, s, w) { w.gtag("event", "join_group", { group_id: e.groupId }); }
});
