/* Vero (m.js, the _veroq command queue) — vendor docs:
 *   https://help.getvero.com/cloud/articles/how-vero-cookies-customers-on-your-website-using-javascript/
 *   https://segment.com/docs/connections/destinations/catalog/vero/ (user, track, trackPageview, reidentify)
 *
 * init() creates the documented _veroq array with the init command; m.js processes it and sets _veroq.ready.
 */
adapter({
  name: "Vero",
  version: "1.0.0",

  sdk: function (s) {
    return "https://d3qxef4rp70elm.cloudfront.net/m.js";
  },

  init: function (s, w) {
    w._veroq = w._veroq || [];
    w._veroq.push(["init", {api_key: String(s.apiKey)}]);
  },

  loaded: function (s, w) {
    return !!(w._veroq && w._veroq.ready);
  },

  identify: function (e, s, w) {
    /* Vero needs an id or an email; the Segment userId is the id */
    var t = e.traits || {}, user = {}, k;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k) && t[k] !== undefined) user[k] = t[k];
    if (e.userId) user.id = String(e.userId);
    if (!user.id && !user.email) return;
    w._veroq.push(["user", user]);
  },

  track: function (e, s, w) {
    w._veroq.push(["track", String(e.event), e.properties || {}]);
  },

  page: function (e, s, w) {
    w._veroq.push(["trackPageview"]);
  },

  alias: function (e, s, w) {
    if (e.userId && e.previousId) w._veroq.push(["reidentify", String(e.userId), String(e.previousId)]);
  }
});
