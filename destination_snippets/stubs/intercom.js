/* Recording stub for the Intercom Messenger (answers https://widget.intercom.io/widget/<app id>).
 * Like the widget it boots from window.intercomSettings (recorded as "boot"), replaces the Intercom() queue with
 * the API, replays the queued commands and sets Intercom.booted. Each Intercom(command, ...) is recorded with
 * method = command. */
(function (w) {
  var NAME = "Intercom", queued = (w.Intercom && w.Intercom.q) || [], api, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  api = w.Intercom = function () {
    var args = Array.prototype.slice.call(arguments, 0);
    record(String(args[0]), args.slice(1));
    if (args[0] === "boot") api.booted = true;
    if (args[0] === "shutdown") api.booted = false;
  };
  if (w.intercomSettings) api("boot", w.intercomSettings);
  for (i = 0; i < queued.length; i++) api.apply(w, queued[i]);
})(window);
