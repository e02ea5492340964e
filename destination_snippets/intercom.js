/* Intercom Messenger — https://developers.intercom.com/installing-intercom/web/methods */
adapter({
  name: "Intercom",
  version: "1.0.0",
  sdk: function (s) { return "https://widget.intercom.io/widget/" + encodeURIComponent(s.appId); },
  init: function (s, w) {
    w.intercomSettings = { app_id: s.appId };
    if (s.apiBase) w.intercomSettings.api_base = s.apiBase;
    if (!w.Intercom) {
      var i = function () { i.c(arguments); };
      i.q = []; i.c = function (args) { i.q.push(args); };
      w.Intercom = i;
    }
    w.Intercom("boot", w.intercomSettings);
  },
  loaded: function (s, w) { return !!(w.Intercom && w.Intercom.booted); },
  identify: function (e, s, w) {
    var data = { app_id: s.appId }, t = e.traits || {};
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) data[k] = t[k];
    if (e.userId) data.user_id = e.userId;
    w.Intercom("update", data);
  },
  track: function (e, s, w) { w.Intercom("trackEvent", e.event, e.properties || {}); },
  page: function (e, s, w) { w.Intercom("update", {}); },
  group: function (e, s, w) {
    var company = { company_id: e.groupId }, t = e.traits || {};
    for (var k in t) if (Object.prototype.hasOwnProperty.call(t, k)) company[k] = t[k];
    w.Intercom("update", { company: company });
  },
  reset: function (s, w) { w.Intercom("shutdown"); }
});
