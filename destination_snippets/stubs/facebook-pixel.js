/* Recording stub for the Meta Pixel (answers https://connect.facebook.net/en_US/fbevents.js).
 * Like fbevents.js it installs fbq.callMethod and replays the base code's queue. Each fbq(command, ...) is
 * recorded with method = command ("init", "set", "track", "trackCustom"). */
(function (w) {
  var NAME = "Facebook Pixel", f = w.fbq, queued, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  if (typeof f !== "function") {
    f = w.fbq = function () { f.callMethod.apply(f, arguments); };
    f.queue = [];
  }
  queued = f.queue || [];
  f.callMethod = function () {
    var args = Array.prototype.slice.call(arguments, 0);
    record(String(args[0]), args.slice(1));
  };
  f.queue = [];
  for (i = 0; i < queued.length; i++) f.callMethod.apply(f, queued[i]);
})(window);
