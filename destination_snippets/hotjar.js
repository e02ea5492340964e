/* Hotjar — follows Segment's classic integration (analytics.js-integrations, integrations/hotjar/lib/index.js);
 * see docs/DESTINATIONS.md. Vendor docs:
 *   https://help.hotjar.com/hc/en-us/articles/115009336727 (tracking code: hj() queue, _hjSettings, hotjar-<id>.js)
 *   https://help.hotjar.com/hc/en-us/articles/360033640653-Identify-API-Reference (hj('identify', userId, attributes))
 *   https://help.hotjar.com/hc/en-us/articles/4405109971095-Events-API-Reference (hj('event', name))
 *
 * Hotjar records page views (and single-page-app URL changes) itself, so there is no page handler.
 */
adapter({
  name: "Hotjar",
  version: "2.0.0",

  sdk: function (s) {
    return "https://static.hotjar.com/c/hotjar-" + encodeURIComponent(Number(s.hjid)) + ".js?sv=6";
  },

  init: function (s, w) {
    var hj, id = Number(s.hjid);
    if (!id || isNaN(id)) throw new Error("Hotjar: hjid must be a non-zero number");  /* Segment does not load then */
    if (typeof w.hj !== "function") {
      hj = w.hj = function () { (hj.q = hj.q || []).push(arguments); };
    }
    w._hjSettings = {hjid: id, hjsv: 6};
  },

  /* hotjar-<hjid>.js defines the site's settings and its bootstrap function when it runs */
  loaded: function (s, w) {
    return typeof w.hj === "function" && !!(w.hjSiteSettings || w.hjBootstrap);
  },

  identify: function (e, s, w) {
    /* Segment: userId required, traits without `id`. Hotjar's attributes are flat: strings, numbers, booleans and
       dates (ISO-8601 strings); nested objects and arrays, which its Identify API rejects, are left out. */
    var t = e.traits || {}, attrs = {}, k, v;
    if (!e.userId) return;
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k) || k === "id") continue;
      v = t[k];
      if (v instanceof Date) attrs[k] = v.toISOString();
      else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") attrs[k] = v;
    }
    w.hj("identify", String(e.userId), attrs);
  },

  track: function (e, s, w) {
    if (e.event) w.hj("event", String(e.event));
  }
});
