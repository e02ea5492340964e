/* FullStory, Browser API v2, following Segment's "Fullstory (Actions)" browser destination — vendor docs:
 *   https://developer.fullstory.com/browser/getting-started/ (snippet: _fs_* globals, FS() queue, fs.js)
 *   https://developer.fullstory.com/browser/identification/identify-users/ (FS('setIdentity', {uid, properties}))
 *   https://developer.fullstory.com/browser/capture-events/analytics-events/ (FS('trackEvent', {name, properties}))
 *   https://developer.fullstory.com/browser/set-page-properties/ (FS('setProperties', {type: 'page', ...}))
 *   https://github.com/fullstorydev/fullstory-browser-sdk (what Segment's destination calls: init options, regions)
 *
 * init() sets the snippet's configuration globals and creates the FS() command queue the snippet defines; fs.js
 * attaches FS._api when it runs, and the queue is then replayed by FullStory. Like @fullstory/browser (which
 * Segment's destination uses), debug loads fs-debug.js, and an org id with a region suffix (o-XXXX-eu1) moves
 * FullStory-owned hosts to that region. Every call carries Segment's source tag "segment-browser-actions".
 */
adapter({
  name: "FullStory",
  version: "2.0.0",

  sdk: function (s) {
    return "https://" + this._where(s).script;
  },

  init: function (s, w) {
    var where = this._where(s), fs;
    w._fs_host = where.host;
    w._fs_script = where.script;
    w._fs_org = String(s.orgId);
    w._fs_namespace = "FS";
    if (where.appHost) w._fs_app_host = where.appHost;
    if (s.recordOnlyThisIFrame === true) w._fs_is_outer_script = true;
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
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k)) props[k] = t[k];
    if (e.anonymousId) props.segmentAnonymousId = e.anonymousId;
    if (t.email !== undefined) props.email = t.email;
    if (t.name !== undefined) props.displayName = t.name;
    if (e.userId) w.FS("setIdentity", {uid: String(e.userId), properties: props}, "segment-browser-actions");
    else w.FS("setProperties", {type: "user", properties: props}, "segment-browser-actions");
  },

  track: function (e, s, w) {
    w.FS("trackEvent", {name: e.event, properties: e.properties || {}}, "segment-browser-actions");
  },

  page: function (e, s, w) {
    /* pageName is the category when there is one, else the name; the page's properties follow */
    var p = e.properties || {}, props = {}, k, pageName = e.category || e.name;
    if (pageName) props.pageName = pageName;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) props[k] = p[k];
    w.FS("setProperties", {type: "page", properties: props}, "segment-browser-actions");
  },

  _where: function (s) {
    /* not a handler: host, script and appHost as @fullstory/browser resolves them */
    var parts = String(s.orgId || "").split("-"), region = parts[parts.length - 1], script = s.script;
    if (parts.length < 3 || parts[0].length > 1 || region === "na1") region = "";
    if (!script) script = s.debug === true ? "edge.fullstory.com/s/fs-debug.js" : "edge.fullstory.com/s/fs.js";
    function regional(v) {
      var at, host, path, labels;
      v = String(v).replace(/^https?:\/\//, "");
      if (!region || !/^([^.\/]+\.)*fullstory\.com(\/|$)/.test(v)) return v;
      at = v.indexOf("/"); host = at < 0 ? v : v.slice(0, at); path = at < 0 ? "" : v.slice(at);
      labels = host.split(".");
      if (labels.length > 2 && labels[labels.length - 3] === region) return v;
      if (labels.length > 2 && /^[a-z]{2,3}[0-9]+$/.test(labels[labels.length - 3])) labels[labels.length - 3] = region;
      else labels.splice(labels.length - 2, 0, region);
      return labels.join(".") + path;
    }
    return {host: regional(s.host || "fullstory.com"), script: regional(script),
            appHost: s.appHost ? regional(s.appHost) : ""};
  }
});
