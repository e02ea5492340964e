/* Recording stub for Customer.io track.js (answers https://assets.customer.io/assets/track.js and track-eu.js).
 * Like track.js it reads the #cio-tracker configuration element (recorded as "config"), replaces the _cio queue's
 * Array push with a dispatcher, replays the queued commands and records identify/track/page. */
(function (w) {
  var NAME = "Customer.io", cio = w._cio || [], queued = cio.slice ? cio.slice(0) : [], tag, names, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function recorder(method) { return function () { record(method, arguments); }; }
  tag = w.document.getElementById("cio-tracker");
  record("config", [tag ? {
    siteId: tag.getAttribute("data-site-id"),
    autoTrackPage: tag.getAttribute("data-auto-track-page"),
    useArrayParams: tag.getAttribute("data-use-array-params")
  } : null]);
  names = ["identify", "sidentify", "track", "page", "load", "on", "off", "reset"];
  for (i = 0; i < names.length; i++) cio[names[i]] = recorder(names[i]);
  cio.push = function (command) {
    if (command && typeof cio[command[0]] === "function") cio[command[0]].apply(cio, command.slice(1));
    return 0;
  };
  if (cio.length) cio.length = 0;
  w._cio = cio;
  for (i = 0; i < queued.length; i++) cio.push(queued[i]);
})(window);
