/* FullStory browser API v2 — https://developer.fullstory.com/browser/getting-started/ */
adapter({
  name: "FullStory",
  version: "1.0.0",
  sdk: function (s) { return "https://" + (s.host || "edge.fullstory.com") + "/s/fs.js"; },
  init: function (s, w) {
    w._fs_debug = !!s.debug; w._fs_host = s.host || "fullstory.com"; w._fs_script = (s.host || "edge.fullstory.com") + "/s/fs.js";
    w._fs_org = s.orgId; w._fs_namespace = "FS";
    if (!w.FS) {
      var fs = w.FS = function (op, args) { (fs.q = fs.q || []).push([op, args]); };
      fs.q = [];
    }
  },
  loaded: function (s, w) { return !!(w.FS && w.FS._api); },
  identify: function (e, s, w) {
    if (e.userId) w.FS("setIdentity", { uid: String(e.userId), properties: e.traits || {} });
    else w.FS("setProperties", { type: "user", properties: e.traits || {} });
  },
  track: function (e, s, w) { w.FS("trackEvent", { name: e.event, properties: e.properties || {} }); },
  page: function (e, s, w) {
    if (s.trackAllPages) w.FS("setProperties", { type: "page", properties: { pageName: e.name || (e.properties || {}).title } });
  },
  reset: function (s, w) { w.FS("setIdentity", { anonymous: true }); }
});
