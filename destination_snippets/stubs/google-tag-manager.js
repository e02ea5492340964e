/* Checking stub for gtm.js (answers https://www.googletagmanager.com/gtm.js?id=<container>&l=<name>[&gtm_preview=..],
 * or the same path on a first-party host). Like gtm.js it registers the container in google_tag_manager (with a
 * dataLayer.get helper), processes the objects already in the data layer named by l= and takes over its push.
 * Each object pushed is checked against the data layer's documented shape (a plain object; `event`, when present,
 * a non-empty string; the container snippet's {"gtm.start": <ms>, event: "gtm.js"}; no functions or undefined
 * values) and recorded as "dataLayer.push"; one that breaks it is recorded as "invalid:dataLayer.push" and its
 * reason pushed to window.__bundlesmithVendorErrors. The script URL is checked too (id=GTM-..., l=). */
(function (w, d) {
  var NAME = "Google Tag Manager", src = (d.currentScript && d.currentScript.src) || "";
  var idMatch = /[?&]id=([^&#]*)/.exec(src), nameMatch = /[?&]l=([^&#]*)/.exec(src);
  var id = idMatch ? decodeURIComponent(idMatch[1]) : "", name = nameMatch ? decodeURIComponent(nameMatch[1]) : "dataLayer";
  var dl = w[name] = w[name] || [], previous = dl.push, model = {}, i;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function invalid(why, args) {
    w.__bundlesmithComplain(NAME, why);
    record("invalid:dataLayer.push", args);
  }
  function check(item) {
    var k;
    if (item === null || typeof item !== "object" || item instanceof Array) return "the data layer takes objects";
    if ("event" in item && (typeof item.event !== "string" || !item.event)) return "event must be a non-empty string";
    if (item.event === "gtm.js" && typeof item["gtm.start"] !== "number") return "gtm.js needs gtm.start (ms)";
    for (k in item) {
      if (typeof item[k] === "function" || item[k] === undefined) return "the value of " + k + " is not data";
    }
    return null;
  }
  function handle(item) {
    var k, why;
    if (Object.prototype.toString.call(item) === "[object Arguments]") return;  /* gtag() commands: not ours */
    why = check(item);
    if (why) return invalid(why, [item]);
    for (k in item) if (Object.prototype.hasOwnProperty.call(item, k)) model[k] = item[k];
    record("dataLayer.push", [item]);
  }
  if (!/^GTM-[A-Z0-9]+$/.test(id)) invalid("gtm.js needs id=GTM-XXXX, got " + id, [src]);
  if (!nameMatch) invalid("gtm.js needs l=<data layer name>", [src]);
  w.google_tag_manager = w.google_tag_manager || {};
  w.google_tag_manager[id] = {dataLayer: {name: name, get: function (key) { return model[key]; }}};
  for (i = 0; i < dl.length; i++) handle(dl[i]);
  dl.push = function () {
    for (var j = 0; j < arguments.length; j++) handle(arguments[j]);
    return previous.apply(dl, arguments);
  };
})(window, document);
