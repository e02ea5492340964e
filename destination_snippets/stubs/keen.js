/* Recording stub for keen-tracking.js (answers https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js).
 * Defines the KeenTracking client class with the documented calls the adapter may use: new KeenTracking({projectId,
 * writeKey}) is recorded as "client", extendEvents(objectOrFunction) as "extendEvents", and recordEvent(collection,
 * body) as "recordEvent" with the body the SDK would send (extendEvents results deep-merged under it, as
 * keen-tracking does). A call keen-tracking would refuse (missing project id or write key, a collection that is not
 * a non-empty string, a body that is not an object, an unknown configuration key) is recorded as "invalid:<method>"
 * with its reason in window.__bundlesmithVendorErrors. API: https://github.com/keen/keen-tracking.js */
(function (w) {
  var NAME = "Keen", CONFIG = ["projectId", "writeKey", "host", "protocol", "requestType", "retry"];
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function invalid(method, why) {
    w.__bundlesmithComplain(NAME, "KeenTracking " + method + ": " + why);
    record("invalid:" + method, []);
    return false;
  }
  function isObject(v) { return v !== null && typeof v === "object" && !(v instanceof Array); }
  function deepExtend(target, source) {
    var k;
    for (k in source) {
      if (!Object.prototype.hasOwnProperty.call(source, k)) continue;
      if (isObject(source[k]) && isObject(target[k])) deepExtend(target[k], source[k]);
      else target[k] = isObject(source[k]) ? deepExtend({}, source[k]) : source[k];
    }
    return target;
  }
  function KeenTracking(config) {
    var k;
    if (!(this instanceof KeenTracking)) return invalid("constructor", "use new KeenTracking(config)");
    this.config = config;
    this.modifiers = [];
    if (!isObject(config)) return invalid("constructor", "config must be an object");
    for (k in config) if (CONFIG.indexOf(k) < 0) return invalid("constructor", "unknown configuration key " + k);
    if (typeof config.projectId !== "string" || !config.projectId) return invalid("constructor", "projectId is required");
    if (typeof config.writeKey !== "string" || !config.writeKey) return invalid("constructor", "writeKey is required");
    record("client", [config]);
  }
  KeenTracking.prototype.extendEvents = function (modifier) {
    if (arguments.length !== 1 || (typeof modifier !== "function" && !isObject(modifier))) {
      return invalid("extendEvents", "takes one object or function");
    }
    this.modifiers.push(modifier);
    record("extendEvents", [typeof modifier === "function" ? "function" : modifier]);
    return this;
  };
  KeenTracking.prototype.recordEvent = function (collection, body) {
    var sent = {}, i, m;
    if (typeof collection !== "string" || !collection) return invalid("recordEvent", "the collection must be a non-empty string");
    if (!isObject(body)) return invalid("recordEvent", "the event body must be an object");
    for (i = 0; i < this.modifiers.length; i++) {
      m = this.modifiers[i];
      deepExtend(sent, typeof m === "function" ? m() : m);
    }
    deepExtend(sent, body);
    record("recordEvent", [collection, sent]);
    return typeof Promise === "function" ? Promise.resolve({created: true}) : undefined;
  };
  w.KeenTracking = KeenTracking;
})(window);
