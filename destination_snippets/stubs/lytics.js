/* Checking stub for the Lytics JavaScript tag (answers https://c.lytics.io/api/tag/<cid>/latest.min.js).
 * Like the library it defines window.jstag with the documented methods init(config), send([stream,] data[, cb]) and
 * pageView([stream,] [data]); init records its config and sets jstag.config (with a version), as an initialised tag
 * has. Each call is checked against that API (config.cid a non-empty string; a stream a non-empty string; data a
 * plain object; a callback a function; nothing sent before init) and recorded with method = name; a call that breaks
 * it is recorded as "invalid:<method>" and its reason pushed to window.__bundlesmithVendorErrors. Methods the tag
 * does not have are simply missing, so calling one throws as it would against the real tag. */
(function (w) {
  var NAME = "Lytics", j = w.jstag = w.jstag || {};
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function checked(method, args, why) { w.__bundlesmithChecked(NAME, method, args, why); }
  function payload(a, what) {
    /* [stream,] data [, callback] */
    var i = 0;
    if (!j.config || !j.config.version) return what + " before jstag.init";
    if (typeof a[0] === "string") { if (!a[0]) return "the stream must be a non-empty string"; i = 1; }
    if (a.length > i && a[i] !== undefined && !isObj(a[i])) return what + " data must be an object";
    if (a.length > i + 1 && typeof a[i + 1] !== "function") return what + " takes a callback function last";
    return a.length > i + 2 ? what + " takes ([stream,] data[, callback])" : null;
  }
  j.init = function (config) {
    var k, c = {}, why = null;
    config = config || j.config || {};
    if (typeof config.cid !== "string" || !config.cid) why = "init needs config.cid, the account id";
    checked("init", arguments, why);
    for (k in config) if (Object.prototype.hasOwnProperty.call(config, k)) c[k] = config[k];
    c.version = "3-stub";
    j.config = c;
    return j;
  };
  j.send = function () {
    var a = Array.prototype.slice.call(arguments, 0), why = payload(a, "send");
    if (!why && !isObj(typeof a[0] === "string" ? a[1] : a[0])) why = "send needs a data object";
    checked("send", a, why);
  };
  j.pageView = function () {
    var a = Array.prototype.slice.call(arguments, 0);
    checked("pageView", a, payload(a, "pageView"));
  };
})(window);
