/* Recording stub for Hotjar (answers https://static.hotjar.com/c/hotjar-<site id>.js?sv=<version>).
 * Like the site script it defines hjSiteSettings from _hjSettings (recorded as "settings"), replaces the hj() queue
 * with the API and replays the queued commands. Each hj(command, ...) is recorded with method = command. */
(function (w) {
  var NAME = "Hotjar", queued = (w.hj && w.hj.q) || [], i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  record("settings", [w._hjSettings || null]);
  w.hjSiteSettings = {site_id: w._hjSettings ? w._hjSettings.hjid : null};
  w.hj = function () {
    var args = Array.prototype.slice.call(arguments, 0);
    record(String(args[0]), args.slice(1));
  };
  for (i = 0; i < queued.length; i++) w.hj.apply(w, queued[i]);
})(window);
