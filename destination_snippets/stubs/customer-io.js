/* Checking stub for Customer.io track.js (answers https://assets.customer.io/assets/track.js and track-eu.js).
 * Like track.js it reads the #cio-tracker configuration element (recorded as "config"), replaces the _cio queue's
 * Array push with a dispatcher and replays the queued commands. Each command is checked against track.js's
 * documented API (identify: one object with an id; track: an event name and optional data object; page: a page
 * name or URL and optional data object; reset: nothing) and recorded with method = command; a command that breaks
 * it is recorded as "invalid:<command>" and its reason pushed to window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "Customer.io", cio = w._cio || [], queued = cio.slice ? cio.slice(0) : [], tag, names, i;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function complain(message) { w.__bundlesmithComplain(NAME, message); }
  function isObject(v) { return v !== null && typeof v === "object" && !(v instanceof Array); }
  function named(a, what) {
    if (typeof a[0] !== "string" || !a[0]) return what + " needs a non-empty " + (what === "page" ? "page name or URL" : "event name");
    if (a.length > 2) return what + " takes (name, data)";
    return a.length === 2 && !isObject(a[1]) ? what + " data must be an object" : null;
  }
  function check(method, a) {
    switch (method) {
      case "identify":
        if (a.length !== 1 || !isObject(a[0])) return "identify takes one object of attributes";
        if (!(typeof a[0].id === "string" && a[0].id) && typeof a[0].id !== "number") return "identify needs an id";
        return null;
      case "track":
      case "page":
        return named(a, method);
      case "reset":
        return a.length ? "reset takes no arguments" : null;
      default:
        return "unknown _cio command " + method;
    }
  }
  tag = w.document.getElementById("cio-tracker");
  if (!tag || !tag.getAttribute("data-site-id")) complain("no #cio-tracker element with data-site-id");
  record("config", [tag ? {
    siteId: tag.getAttribute("data-site-id"),
    autoTrackPage: tag.getAttribute("data-auto-track-page"),
    useArrayParams: tag.getAttribute("data-use-array-params")
  } : null]);
  function command(method) {
    return function () {
      var args = Array.prototype.slice.call(arguments, 0), why = check(method, args);
      if (why) { complain(why); record("invalid:" + method, args); } else record(method, args);
    };
  }
  names = ["identify", "track", "page", "reset"];
  for (i = 0; i < names.length; i++) cio[names[i]] = command(names[i]);
  cio.push = function (item) {
    if (!(item instanceof Array) || typeof item[0] !== "string") { complain("_cio.push takes [command, ...args]"); return 0; }
    (typeof cio[item[0]] === "function" && names.indexOf(item[0]) >= 0 ? cio[item[0]] : command(item[0])).apply(cio, item.slice(1));
    return 0;
  };
  if (cio.length) cio.length = 0;
  w._cio = cio;
  for (i = 0; i < queued.length; i++) cio.push(queued[i]);
})(window);
