/* Recording stub for Amplitude Browser SDK 2 (answers https://cdn.amplitude.com/libs/analytics-browser-2.*-min.js.gz).
 * Defines window.amplitude with init/getDeviceId/track/identify/setUserId/setGroup/revenue/reset and the Identify
 * and Revenue classes; identify and revenue are recorded with the operations/fields they carry. */
(function (w) {
  var NAME = "Amplitude", deviceId, a;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function Identify() { this._ops = {}; }
  Identify.prototype.set = function (k, v) { (this._ops.$set = this._ops.$set || {})[k] = v; return this; };
  Identify.prototype.setOnce = function (k, v) { (this._ops.$setOnce = this._ops.$setOnce || {})[k] = v; return this; };
  Identify.prototype.add = function (k, v) { (this._ops.$add = this._ops.$add || {})[k] = v; return this; };
  Identify.prototype.getUserProperties = function () { return this._ops; };
  function Revenue() { this._fields = {}; }
  Revenue.prototype.setPrice = function (v) { this._fields.price = v; return this; };
  Revenue.prototype.setQuantity = function (v) { this._fields.quantity = v; return this; };
  Revenue.prototype.setProductId = function (v) { this._fields.productId = v; return this; };
  Revenue.prototype.setRevenueType = function (v) { this._fields.revenueType = v; return this; };
  Revenue.prototype.setEventProperties = function (v) { this._fields.eventProperties = v; return this; };
  a = {
    Identify: Identify,
    Revenue: Revenue,
    init: function () { deviceId = "stub-device-id"; record("init", arguments); return {promise: Promise.resolve()}; },
    getDeviceId: function () { return deviceId; },
    track: function () { record("track", arguments); return {promise: Promise.resolve()}; },
    identify: function (id) { record("identify", [id && id.getUserProperties ? id.getUserProperties() : id]); },
    setUserId: function () { record("setUserId", arguments); },
    setDeviceId: function () { record("setDeviceId", arguments); },
    setGroup: function () { record("setGroup", arguments); },
    revenue: function (r) { record("revenue", [r && r._fields ? r._fields : r]); },
    reset: function () { record("reset", arguments); }
  };
  w.amplitude = a;
})(window);
