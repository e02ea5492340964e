/* Recording stub for keen-tracking.js (answers https://cdn.jsdelivr.net/npm/keen-tracking@5/dist/keen-tracking.min.js).
 * Defines the KeenTracking client class; constructing a client is recorded as "client" (its config), and
 * recordEvent(collection, event) as "recordEvent". */
(function (w) {
  var NAME = "Keen";
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function KeenTracking(config) {
    if (!(this instanceof KeenTracking)) return new KeenTracking(config);
    this.config = config || {};
    record("client", [this.config]);
  }
  KeenTracking.prototype.recordEvent = function (collection, event) {
    record("recordEvent", [collection, event]);
    return typeof Promise === "function" ? Promise.resolve({created: true}) : undefined;
  };
  KeenTracking.prototype.extendEvents = function () { record("extendEvents", arguments); };
  w.KeenTracking = KeenTracking;
})(window);
