/* Recording stub for FullStory (answers https://edge.fullstory.com/s/fs.js and https://edge.<region>.fullstory.com/s/fs.js).
 * Like fs.js it reads the _fs_* globals (recorded as "snippet"), attaches FS._api to the namespace function and
 * replays its queue. Each FS(operation, options) is recorded with method = operation, args = [options]. */
(function (w) {
  var NAME = "FullStory", ns = w._fs_namespace || "FS", fs = w[ns], queued, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  record("snippet", [{org: w._fs_org, host: w._fs_host, script: w._fs_script, namespace: ns, debug: !!w._fs_debug}]);
  if (typeof fs !== "function") {
    fs = w[ns] = function (operation, options, source) { return fs._api(operation, options, source); };
    fs.q = [];
  }
  queued = fs.q || [];
  fs._api = function (operation, options) { record(String(operation), [options]); return undefined; };
  fs.q = [];
  for (i = 0; i < queued.length; i++) fs._api.apply(fs, queued[i]);
})(window);
