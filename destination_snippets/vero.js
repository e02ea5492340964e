/* Vero — https://www.getvero.com/api/javascript/ (the _veroq command queue) */
adapter({
  name: "Vero",
  version: "1.0.0",
  sdk: function (s) { return "https://d3qxef4rp70elm.cloudfront.net/m.js"; },
  init: function (s, w) {
    w._veroq = w._veroq || [];
    w._veroq.push(["init", { api_key: s.apiKey }]);
  },
  loaded: function (s, w) { return !!(w._veroq && !(w._veroq instanceof Array)) || !!w.__veroLoaded; },
  identify: function (e, s, w) {
    var data = { id: e.userId }, t = e.traits || {};
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) data[k] = t[k];
    w._veroq.push(["user", data]);
  },
  track: function (e, s, w) { w._veroq.push(["track", e.event, e.properties || {}]); },
  alias: function (e, s, w) { w._veroq.push(["reidentify", e.userId, e.previousId]); },
  reset: function (s, w) { w._veroq.push(["unidentify"]); }
});
