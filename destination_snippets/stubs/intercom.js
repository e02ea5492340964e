/* Checking stub for the Intercom Messenger (answers https://widget.intercom.io/widget/<app id>).
 * Like the widget it reads window.intercomSettings (recorded as "settings"; with an app_id the widget boots from
 * them), replaces the Intercom() queue with the API and replays the queued commands; boot sets Intercom.booted,
 * shutdown clears it. Each Intercom(command, ...) is checked against Intercom's documented JavaScript API and
 * attributes (boot: settings with app_id; update: optional attributes; trackEvent: an event name and optional
 * metadata; shutdown: nothing; attributes flat but for company, companies, avatar and widget; created_at in Unix
 * seconds; metadata flat but for rich links {url, value} and price {amount in cents, currency}) and recorded with
 * method = command; a command that breaks it is recorded as "invalid:<command>" and its reason pushed to
 * window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "Intercom", queued = (w.Intercom && w.Intercom.q) || [], api, i;
  var NO_ARGS = ["shutdown", "hide", "show", "showMessages", "getVisitorId", "reattach_activator", "showNews"];
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function isObject(v) { return v !== null && typeof v === "object" && !(v instanceof Array); }
  function isFlat(v) { return v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean"; }
  function seconds(v) { return typeof v === "number" && Math.floor(v) === v && v < 1e11; }
  function company(c, where) {
    var k;
    if (!isObject(c)) return where + " must be an object";
    if (!(typeof c.company_id === "string" && c.company_id) && typeof c.company_id !== "number") return where + " needs a company_id";
    for (k in c) {
      if (k === "created_at" ? !seconds(c[k]) : !isFlat(c[k])) return where + "." + k + " is not " + (k === "created_at" ? "Unix seconds" : "flat");
    }
    return null;
  }
  function attributes(a) {
    var k, v, why, j;
    if (!isObject(a)) return "attributes must be an object";
    for (k in a) {
      v = a[k];
      if (k === "company") why = company(v, "company");
      else if (k === "companies") {
        why = v instanceof Array ? null : "companies must be an array";
        for (j = 0; !why && j < v.length; j++) why = company(v[j], "companies[" + j + "]");
      } else if (k === "avatar") why = isObject(v) && v.type === "avatar" && typeof v.image_url === "string" ? null : "avatar must be {type: 'avatar', image_url}";
      else if (k === "widget") why = isObject(v) && typeof v.activator === "string" ? null : "widget must be {activator}";
      else if (k === "created_at" || k === "signed_up_at") why = seconds(v) ? null : k + " must be Unix seconds";
      else why = isFlat(v) ? null : "attribute " + k + " is not flat";
      if (why) return why;
    }
    return null;
  }
  function metadata(m) {
    var k, v;
    if (!isObject(m)) return "trackEvent metadata must be an object";
    for (k in m) {
      v = m[k];
      if (isFlat(v)) continue;
      if (isObject(v) && typeof v.url === "string" && "value" in v) continue;  // rich link
      if (k === "price" && isObject(v) && typeof v.amount === "number" && typeof v.currency === "string") continue;
      return "metadata " + k + " is neither flat, a rich link {url, value} nor a price {amount, currency}";
    }
    return null;
  }
  function check(a) {
    var method = a[0];
    if (method === "boot") {
      if (a.length !== 2 || !isObject(a[1]) || typeof a[1].app_id !== "string" || !a[1].app_id) return "boot takes settings with app_id";
      return null;
    }
    if (method === "update") return a.length === 1 ? null : a.length === 2 ? attributes(a[1]) : "update takes (attributes)";
    if (method === "trackEvent") {
      if (typeof a[1] !== "string" || !a[1]) return "trackEvent needs an event name";
      return a.length === 2 ? null : a.length === 3 ? metadata(a[2]) : "trackEvent takes (name, metadata)";
    }
    if (NO_ARGS.indexOf(method) >= 0) return a.length === 1 ? null : method + " takes no arguments";
    return "unknown Intercom method " + method;
  }
  record("settings", [w.intercomSettings || null]);
  api = w.Intercom = function () {
    var args = Array.prototype.slice.call(arguments, 0), why = check(args);
    if (why) {
      w.__bundlesmithComplain(NAME, why);
      record("invalid:" + String(args[0]), args.slice(1));
      return;
    }
    record(String(args[0]), args.slice(1));
    if (args[0] === "boot") api.booted = true;
    if (args[0] === "shutdown") api.booted = false;
  };
  if (w.intercomSettings && w.intercomSettings.app_id) api.booted = true;  // the widget boots itself from these
  for (i = 0; i < queued.length; i++) api.apply(w, queued[i]);
})(window);
