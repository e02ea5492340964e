/* Checking stub for FullStory fs.js (answers https://edge[.<region>].fullstory.com/s/fs[-debug].js and a custom
 * script URL ending in /fs.js or /fs-debug.js).
 * Like fs.js it reads the _fs_* globals (recorded as "snippet"), attaches FS._api to the namespace function and
 * replays its queue. Each FS(operation, options[, source]) is checked against FullStory's Browser API v2
 * (setIdentity {uid, properties?} | {anonymous: true} | {consent}; setProperties {type: "user" | "page", properties};
 * trackEvent {name, properties?}; init, setConfig, observe, getSession, log, shutdown, start, restart; a source is a
 * string) and recorded with method = operation, args = [options] (plus the source when one is given); a call that
 * breaks it is recorded as "invalid:<operation>" and its reason pushed to window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "FullStory", ns = w._fs_namespace || "FS", fs = w[ns], queued, i, why;
  var LAX = {init: 1, setConfig: 1, observe: 1, getSession: 1, log: 1, shutdown: 1, start: 1, restart: 1};
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function complain(message) { w.__bundlesmithComplain(NAME, message); }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function check(op, o, source) {
    if (source !== undefined && source !== null && typeof source !== "string") return "the source must be a string";
    switch (op) {
      case "setIdentity":
        if (!isObj(o)) return "setIdentity takes an object";
        if (o.anonymous === true || typeof o.consent === "boolean") return null;
        if (typeof o.uid !== "string" || !o.uid) return "setIdentity needs uid as a non-empty string";
        return o.properties === undefined || isObj(o.properties) ? null : "setIdentity properties must be an object";
      case "setProperties":
        if (!isObj(o) || (o.type !== "user" && o.type !== "page")) return "setProperties needs type user or page";
        return isObj(o.properties) ? null : "setProperties needs a properties object";
      case "trackEvent":
        if (!isObj(o) || typeof o.name !== "string" || !o.name) return "trackEvent needs a non-empty name";
        return o.properties === undefined || isObj(o.properties) ? null : "trackEvent properties must be an object";
      default:
        return LAX[op] === 1 ? null : "unknown FS operation " + op;
    }
  }
  why = typeof w._fs_org === "string" && w._fs_org ? null : "_fs_org must be the org id";
  if (!why && (typeof w._fs_host !== "string" || typeof w._fs_script !== "string")) why = "_fs_host and _fs_script must be set";
  if (why) complain(why);
  record("snippet", [{org: w._fs_org, host: w._fs_host, script: w._fs_script, namespace: ns,
                      appHost: w._fs_app_host, isOuterScript: w._fs_is_outer_script}]);
  if (typeof fs !== "function") {
    fs = w[ns] = function (operation, options, source) { return fs._api(operation, options, source); };
    fs.q = [];
  }
  queued = fs.q || [];
  fs._api = function (operation, options, source) {
    var reason = check(String(operation), options, source), args = source === undefined ? [options] : [options, source];
    if (reason) { complain(reason); record("invalid:" + String(operation), args); }
    else record(String(operation), args);
    return undefined;
  };
  fs.q = [];
  for (i = 0; i < queued.length; i++) fs._api.apply(fs, queued[i]);
})(window);
