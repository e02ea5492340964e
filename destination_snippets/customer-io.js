/* Customer.io JavaScript snippet — https://customer.io/docs/sdk/web/ (classic track.js API) */
adapter({
  name: "Customer.io",
  version: "1.0.0",
  sdk: function (s) { return "https://assets.customer.io/assets/track" + (s.region === "EU" ? "-eu" : "") + ".js"; },
  init: function (s, w) {
    w._cio = w._cio || [];
    var methods = ["load", "identify", "sidentify", "track", "page", "on", "off"];
    for (var i = 0; i < methods.length; i++) (function (m) { if (!w._cio[m]) w._cio[m] = function () { w._cio.push([m].concat([].slice.call(arguments))); }; })(methods[i]);
    w.__bundlesmithCioSiteId = s.siteId;
  },
  loaded: function (s, w) { return !!(w._cio && w._cio.pageHasLoaded !== undefined || (w._cio && w._cio.__loaded)); },
  identify: function (e, s, w) {
    if (!e.userId) return;
    var data = { id: e.userId }, t = e.traits || {};
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) data[k] = t[k];
    w._cio.identify(data);
  },
  track: function (e, s, w) { w._cio.track(e.event, e.properties || {}); },
  page: function (e, s, w) { w._cio.page((e.properties || {}).url, e.properties || {}); }
});
