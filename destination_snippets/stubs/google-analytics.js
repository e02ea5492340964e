/* Checking stub for gtag.js (answers https://www.googletagmanager.com/gtag/js?id=<measurement id>, or the same path
 * on a first-party host). Like gtag.js it registers the tag in google_tag_manager, processes the gtag() commands
 * already in the data layer and takes over dataLayer.push. Each command is checked against gtag's documented API
 * (js, config, event, set, consent, get; GA4 event and parameter name rules; consent types and states; consent
 * default before any config or event) and recorded as "gtag:<command>" with the remaining arguments; one that
 * breaks it is recorded as "invalid:gtag:<command>" and its reason pushed to window.__bundlesmithVendorErrors. */
(function (w, d) {
  var NAME = "Google Analytics", src = (d.currentScript && d.currentScript.src) || "", m = /[?&]id=([^&#]*)/.exec(src);
  var id = m ? decodeURIComponent(m[1]) : "", dl = w.dataLayer = w.dataLayer || [], previous = dl.push, i, measured = false;
  var CONSENT = ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization", "functionality_storage",
    "personalization_storage", "security_storage"];
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function checkParams(o) {
    var k, j;
    if (o === undefined) return null;
    if (!isObj(o)) return "parameters must be an object";
    for (k in o) {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(k) || /^(google_|ga_|firebase_)/.test(k)) return "bad parameter name " + k;
      if (k === "items") {
        if (!(o.items instanceof Array)) return "items must be an array";
        for (j = 0; j < o.items.length; j++) {
          if (!isObj(o.items[j]) || !(o.items[j].item_id || o.items[j].item_name)) return "each item needs item_id or item_name";
        }
      }
    }
    return null;
  }
  function check(a) {
    var k;
    switch (a[0]) {
      case "js":
        return a[1] instanceof Date && a.length === 2 ? null : "js takes one Date";
      case "config":
        if (typeof a[1] !== "string" || !/^(G|AW|DC|GT)-[A-Z0-9]+$/.test(a[1])) return "config needs a tag id";
        measured = true;
        return a.length > 3 ? "too many arguments" : (a[2] === undefined || isObj(a[2]) ? null : "config parameters must be an object");
      case "event":
        if (typeof a[1] !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(a[1])) return "bad event name " + a[1];
        measured = true;
        return a.length > 3 ? "too many arguments" : checkParams(a[2]);
      case "set":
        if (a.length === 2 && isObj(a[1])) return null;
        return a.length === 3 && typeof a[1] === "string" ? null : "set takes (object) or (name, value)";
      case "consent":
        if (a[1] !== "default" && a[1] !== "update") return "consent takes default or update";
        if (a[1] === "default" && measured) return "consent default must come before any config or event";
        if (!isObj(a[2]) || a.length !== 3) return "consent needs one object of consent types";
        for (k in a[2]) {
          if (k === "wait_for_update") { if (typeof a[2][k] !== "number") return "wait_for_update is milliseconds"; }
          else if (k === "region") { if (!(a[2][k] instanceof Array)) return "region is an array"; }
          else if (CONSENT.indexOf(k) < 0) return "unknown consent type " + k;
          else if (a[2][k] !== "granted" && a[2][k] !== "denied") return k + " must be granted or denied";
        }
        return null;
      case "get":
        return typeof a[1] === "string" && typeof a[2] === "string" && typeof a[3] === "function" ? null : "get takes (id, field, callback)";
      default:
        return "unknown gtag command " + a[0];
    }
  }
  function handle(item) {
    var args, why;
    if (Object.prototype.toString.call(item) !== "[object Arguments]") return;
    args = Array.prototype.slice.call(item, 0);
    why = check(args);
    w.__bundlesmithChecked(NAME, "gtag:" + args[0], args.slice(1), why);
  }
  w.google_tag_manager = w.google_tag_manager || {};
  w.google_tag_manager[id] = w.google_tag_manager[id] || {};
  for (i = 0; i < dl.length; i++) handle(dl[i]);
  dl.push = function () {
    for (var j = 0; j < arguments.length; j++) handle(arguments[j]);
    return previous.apply(dl, arguments);
  };
})(window, document);
