/* Recording stub for the Lytics JavaScript tag (answers https://c.lytics.io/api/tag/<cid>/latest.min.js).
 * Like the library it adds init/send/pageView (and the identify/page aliases) to window.jstag; init(config) is
 * recorded and sets jstag.config (with a version), as an initialised tag has. */
(function (w) {
  var NAME = "Lytics", j = w.jstag = w.jstag || {};
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  j.init = function (config) {
    var k, c = {};
    record("init", arguments);
    config = config || j.config || {};
    for (k in config) if (Object.prototype.hasOwnProperty.call(config, k)) c[k] = config[k];
    c.version = "3-stub";
    j.config = c;
    return j;
  };
  j.send = function () { record("send", arguments); };
  j.identify = function () { record("identify", arguments); };
  j.pageView = function () { record("pageView", arguments); };
  j.page = function () { record("page", arguments); };
})(window);
