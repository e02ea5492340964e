/* Checking stub for Hotjar (answers https://static.hotjar.com/c/hotjar-<hjid>.js?sv=<version>).
 * Like the site script it defines hjSiteSettings from _hjSettings (recorded as "settings"), replaces the hj() queue
 * with the API and replays the queued commands. Each hj(command, ...) is checked against Hotjar's documented API
 * (identify: a user id string or null and flat attributes; event: one name; stateChange: one relative path) and
 * recorded with method = command; a call that breaks it is recorded as "invalid:<command>" and its reason pushed
 * to window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "Hotjar", queued = (w.hj && w.hj.q) || [], settings = w._hjSettings, i;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function check(a) {
    var k, v;
    switch (a[0]) {
      case "identify":
        if (a.length !== 3) return "identify takes (userId, attributes)";
        if (a[1] !== null && typeof a[1] !== "string") return "identify needs the user id as a string or null";
        if (a[2] === null || typeof a[2] !== "object" || a[2] instanceof Array) return "attributes must be an object";
        for (k in a[2]) {
          v = a[2][k];
          if (!(typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof Date)) {
            return "attribute " + k + " is not a string, number, boolean or date";
          }
        }
        return null;
      case "event":
        if (a.length !== 2 || typeof a[1] !== "string" || !a[1]) return "event takes one event name";
        return a[1].length > 750 ? "event names are at most 750 characters" : null;
      case "stateChange":
        return a.length === 2 && typeof a[1] === "string" ? null : "stateChange takes one path";
      default:
        return "unknown hj command " + a[0];
    }
  }
  if (!settings || typeof settings.hjid !== "number" || !settings.hjid || typeof settings.hjsv !== "number") {
    w.__bundlesmithComplain(NAME, "_hjSettings needs numeric hjid and hjsv");
  }
  record("settings", [settings || null]);
  w.hjSiteSettings = {site_id: settings ? settings.hjid : null};
  w.hj = function () {
    var args = Array.prototype.slice.call(arguments, 0), why = check(args);
    w.__bundlesmithChecked(NAME, String(args[0]), args.slice(1), why);
  };
  for (i = 0; i < queued.length; i++) w.hj.apply(w, queued[i]);
})(window);
