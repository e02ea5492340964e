/* FullStory, Browser API v2 — vendor docs:
 *   https://developer.fullstory.com/browser/getting-started/ (snippet: _fs_* globals, FS() queue, fs.js)
 *   https://developer.fullstory.com/browser/identification/identify-users/ (FS('setIdentity', {uid, properties}))
 *   https://developer.fullstory.com/browser/capture-events/analytics-events/ (FS('trackEvent', {name, properties}))
 *   https://developer.fullstory.com/browser/set-page-properties/ (FS('setProperties', {type: 'page', ...}))
 *
 * init() sets the snippet's configuration globals and creates the FS() command queue the snippet defines; fs.js
 * attaches FS._api when it runs, and the queue is then replayed by FullStory.
 */
adapter({
  name: "FullStory",
  version: "1.0.0",

  sdk: function (s) {
    var host = String(s.host || "fullstory.com").toLowerCase().replace(/^https?:\/\//, "").replace(/\/+$/, "");
    /* regional hosts (eu1.fullstory.com) serve the script from edge.<host>; everything else from edge.fullstory.com */
    return "https://" + (/^(?!edge\.)[a-z0-9-]+\.fullstory\.com$/.test(host) ? "edge." + host : "edge.fullstory.com") + "/s/fs.js";
  },

  init: function (s, w) {
    var host = String(s.host || "fullstory.com").toLowerCase().replace(/^https?:\/\//, "").replace(/\/+$/, "");
    var fs;
    w._fs_host = host;
    w._fs_script = (/^(?!edge\.)[a-z0-9-]+\.fullstory\.com$/.test(host) ? "edge." + host : "edge.fullstory.com") + "/s/fs.js";
    w._fs_org = String(s.orgId);
    w._fs_namespace = "FS";
    if (s.debug === true) w._fs_debug = true;
    if (typeof w.FS !== "function") {
      /* each queued entry is [operation, options, source, resolve, reject, apiVersion], as the snippet queues it */
      fs = w.FS = function (operation, options, source) {
        if (fs._api) return fs._api(operation, options, source, undefined, undefined, 2);
        fs.q.push([operation, options, source, undefined, undefined, 2]);
        return null;
      };
      fs.q = [];
      fs._v = "2.0.0";
    }
  },

  loaded: function (s, w) {
    return typeof w.FS === "function" && typeof w.FS._api === "function";
  },

  identify: function (e, s, w) {
    var t = e.traits || {}, props = {}, k;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k) && t[k] !== undefined) props[k] = t[k];
    if (t.name && props.displayName === undefined) props.displayName = String(t.name);
    if (e.userId) w.FS("setIdentity", {uid: String(e.userId), properties: props});
    else w.FS("setProperties", {type: "user", properties: props});
  },

  track: function (e, s, w) {
    w.FS("trackEvent", {name: String(e.event), properties: e.properties || {}});
  },

  page: function (e, s, w) {
    var full = e.name ? (e.category ? e.category + " " + e.name : e.name) : "";
    if (full) w.FS("setProperties", {type: "page", properties: {pageName: full}});
    if (s.trackAllPages === true) w.FS("trackEvent", {name: "Loaded a Page", properties: e.properties || {}});
  },

  reset: function (s, w) {
    w.FS("setIdentity", {anonymous: true});
  }
});
