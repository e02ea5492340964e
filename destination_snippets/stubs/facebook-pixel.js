/* Checking stub for the Meta Pixel (answers https://connect.facebook.net/en_US/fbevents.js).
 * Like fbevents.js it installs fbq.callMethod and replays the base code's queue, and unless fbq.disablePushState is
 * true it sends a PageView to every pixel on each history.pushState (fbevents.js's automatic SPA page views).
 * Each fbq(command, ...) is checked against Meta's documented API (commands, argument shapes, standard events,
 * advanced-matching keys, initialised pixel ids) and recorded with method = command. A call that breaks the API
 * is recorded as "invalid:<command>" and its reason pushed to window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "Facebook Pixel", f = w.fbq, queued, i, pixels = {};
  var STANDARD = ["AddPaymentInfo", "AddToCart", "AddToWishlist", "CompleteRegistration", "Contact", "CustomizeProduct",
    "Donate", "FindLocation", "InitiateCheckout", "Lead", "PageView", "Purchase", "Schedule", "Search", "StartTrial",
    "SubmitApplication", "Subscribe", "ViewContent"];
  var MATCH_KEYS = ["em", "fn", "ln", "ph", "ge", "db", "ct", "st", "zp", "country", "external_id"];
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function params(a, at) {
    if (a.length > at && !isObj(a[at])) return "event data must be an object";
    if (a.length > at + 1) {
      if (!isObj(a[at + 1])) return "the options argument must be an object";
      for (var k in a[at + 1]) if (k !== "eventID") return "unknown option " + k;
      if (a[at + 1].eventID !== undefined && typeof a[at + 1].eventID !== "string") return "eventID must be a string";
    }
    if (a.length > at + 2) return "too many arguments";
    return null;
  }
  function purchase(name, data) {
    if (name !== "Purchase") return null;
    if (!data || typeof data.currency !== "string" || !/^[A-Z]{3}$/.test(data.currency)) return "Purchase needs a currency";
    if (data.value === undefined || isNaN(Number(data.value))) return "Purchase needs a numeric value";
    return null;
  }
  function check(a) {
    var cmd = a[0], k;
    switch (cmd) {
      case "init":
        if (typeof a[1] !== "string" || !/^[0-9]+$/.test(a[1])) return "init needs the pixel id as a string of digits";
        if (a.length > 2 && !isObj(a[2])) return "init user data must be an object";
        for (k in a[2] || {}) if (MATCH_KEYS.indexOf(k) < 0) return "unknown advanced matching key " + k;
        if (a.length > 4) return "too many arguments";
        pixels[a[1]] = true;
        return null;
      case "set":
        if (a[1] === "autoConfig" && typeof a[2] === "boolean" && typeof a[3] === "string" && a.length === 4) return null;
        if (a[1] === "agent" && typeof a[2] === "string" && typeof a[3] === "string" && a.length === 4) return null;
        return "set takes ('autoConfig', boolean, pixelId) or ('agent', string, pixelId)";
      case "track":
        if (STANDARD.indexOf(a[1]) < 0) return "track takes a standard event, not " + a[1];
        return params(a, 2) || purchase(a[1], a[2]);
      case "trackCustom":
        if (typeof a[1] !== "string" || !a[1] || a[1].length > 50) return "trackCustom needs an event name (1-50 chars)";
        return params(a, 2);
      case "trackSingle":
        if (!pixels[a[1]]) return "trackSingle for a pixel that was not initialised: " + a[1];
        /* a legacy conversion is tracked under its numeric id, with currency and value only */
        if (typeof a[2] === "string" && /^[0-9]+$/.test(a[2])) {
          for (k in a[3] || {}) if (k !== "currency" && k !== "value") return "legacy conversions take currency and value";
          return params(a, 3);
        }
        if (STANDARD.indexOf(a[2]) < 0) return "trackSingle takes a standard event, not " + a[2];
        return params(a, 3) || purchase(a[2], a[3]);
      case "trackSingleCustom":
        if (!pixels[a[1]]) return "trackSingleCustom for a pixel that was not initialised: " + a[1];
        if (typeof a[2] !== "string" || !a[2] || a[2].length > 50) return "trackSingleCustom needs an event name (1-50 chars)";
        return params(a, 3);
      case "dataProcessingOptions":
        if (!(a[1] instanceof Array)) return "dataProcessingOptions needs an array of options";
        for (k = 0; k < a[1].length; k++) if (a[1][k] !== "LDU") return "unknown data processing option " + a[1][k];
        if (a.length === 2 || (a.length === 4 && typeof a[2] === "number" && typeof a[3] === "number")) return null;
        return "dataProcessingOptions takes (options) or (options, country, state)";
      case "consent":
        return a[1] === "grant" || a[1] === "revoke" ? (a.length === 2 ? null : "too many arguments") : "consent takes grant or revoke";
      default:
        return "unknown fbq command " + cmd;
    }
  }
  if (typeof f !== "function") {
    f = w.fbq = function () { f.callMethod.apply(f, arguments); };
    f.queue = [];
  }
  queued = f.queue || [];
  f.callMethod = function () {
    var args = Array.prototype.slice.call(arguments, 0), why = check(args);
    w.__bundlesmithChecked(NAME, String(args[0]), args.slice(1), why);
  };
  f.queue = [];
  for (i = 0; i < queued.length; i++) f.callMethod.apply(f, queued[i]);
  if (f.disablePushState !== true && w.history && w.history.pushState) {
    (function (push) {
      w.history.pushState = function () {
        var result = push.apply(w.history, arguments), id;
        for (id in pixels) record("track", ["PageView", {automatic: true}]);
        return result;
      };
    })(w.history.pushState);
  }
})(window);
