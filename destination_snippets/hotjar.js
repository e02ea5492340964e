/* Hotjar — vendor docs:
 *   https://help.hotjar.com/hc/en-us/articles/115009336727 (tracking code: hj() queue, _hjSettings, hotjar-<id>.js)
 *   https://help.hotjar.com/hc/en-us/articles/360033640653-Identify-API-Reference (hj('identify', userId, attributes))
 *   https://help.hotjar.com/hc/en-us/articles/4405109971095-Events-API-Reference (hj('event', name))
 *
 * Hotjar records page views (and single-page-app URL changes) itself, so there is no page handler.
 */
adapter({
  name: "Hotjar",
  version: "1.0.0",

  sdk: function (s) {
    return "https://static.hotjar.com/c/hotjar-" + encodeURIComponent(s.siteId) + ".js?sv=" +
      encodeURIComponent(s.hotjarVersion || 6);
  },

  init: function (s, w) {
    var hj;
    if (typeof w.hj !== "function") {
      hj = w.hj = function () { (hj.q = hj.q || []).push(arguments); };
    }
    w._hjSettings = {hjid: Number(s.siteId), hjsv: Number(s.hotjarVersion || 6)};
  },

  /* hotjar-<siteId>.js defines the site's settings and its bootstrap function when it runs */
  loaded: function (s, w) {
    return typeof w.hj === "function" && !!(w.hjSiteSettings || w.hjBootstrap);
  },

  identify: function (e, s, w) {
    /* user attributes are flat: strings, numbers, booleans and dates (sent as ISO-8601 strings) */
    var t = e.traits || {}, attrs = {}, k, v;
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k)) continue;
      v = t[k];
      if (v instanceof Date) attrs[k] = v.toISOString();
      else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") attrs[k] = v;
    }
    w.hj("identify", e.userId ? String(e.userId) : null, attrs);
  },

  track: function (e, s, w) {
    w.hj("event", String(e.event));
  }
});
