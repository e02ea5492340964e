/* Lytics JavaScript tag v3 — https://docs.lytics.com/docs/lytics-javascript-tag */
adapter({
  name: "Lytics",
  version: "1.0.0",
  sdk: function (s) { return "https://c.lytics.io/api/tag/" + encodeURIComponent(s.cid) + "/latest.min.js"; },
  init: function (s, w) {
    if (!w.jstag) {
      var t = w.jstag = { _q: [], _c: { cid: s.cid, stream: s.stream || "default" } };
      var methods = ["send", "mock", "identify", "pageView", "unblock", "getid", "setid", "loadEntity", "getEntity", "on", "once", "call"];
      for (var i = 0; i < methods.length; i++) (function (m) { t[m] = function () { t._q.push([m, [].slice.call(arguments)]); return t; }; })(methods[i]);
    }
  },
  loaded: function (s, w) { return !!(w.jstag && w.jstag.isLoaded); },
  identify: function (e, s, w) {
    var data = { user_id: e.userId }, t = e.traits || {};
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) data[k] = t[k];
    w.jstag.send(s.stream || "default", data);
  },
  track: function (e, s, w) {
    var data = { _e: e.event }, p = e.properties || {};
    for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    w.jstag.send(s.stream || "default", data);
  },
  page: function (e, s, w) { w.jstag.pageView(s.stream || "default", e.properties || {}); }
});
