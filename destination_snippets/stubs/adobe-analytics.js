/* Recording stub for Adobe AppMeasurement (answers the assets.adobedtm.com AppMeasurement.min.js URL).
 * Defines s_gi(reportSuiteId) (one tracker per report suite, as AppMeasurement does) and AppMeasurement; s.t() and
 * s.tl() are recorded with a snapshot of the variables they would send. */
(function (w) {
  var NAME = "Adobe Analytics", trackers = {};
  var VARS = ["account", "trackingServer", "trackingServerSecure", "visitorID", "pageName", "pageURL", "referrer",
    "events", "products", "purchaseID", "currencyCode", "linkTrackVars", "linkTrackEvents", "contextData"];
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function snapshot(t) {
    var out = {}, i;
    for (i = 0; i < VARS.length; i++) if (t[VARS[i]] !== undefined) out[VARS[i]] = t[VARS[i]];
    return out;
  }
  function AppMeasurement(account) { this.account = account; this.contextData = {}; }
  AppMeasurement.prototype.t = function () { record("t", [snapshot(this)]); };
  AppMeasurement.prototype.tl = function (target, type, name) { record("tl", [type, name, snapshot(this)]); };
  AppMeasurement.prototype.clearVars = function () {
    var keep = {account: 1, trackingServer: 1, trackingServerSecure: 1, visitorID: 1}, i;
    for (i = 0; i < VARS.length; i++) if (!keep[VARS[i]]) delete this[VARS[i]];
  };
  w.AppMeasurement = AppMeasurement;
  w.s_gi = function (account) {
    if (!trackers[account]) trackers[account] = new AppMeasurement(account);
    return trackers[account];
  };
})(window);
