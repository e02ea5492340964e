/* Recording stub for gtag.js (answers https://www.googletagmanager.com/gtag/js?id=<measurement id>).
 * Like gtag.js it registers the tag in google_tag_manager, processes the gtag() commands already in the data layer
 * and takes over dataLayer.push. Each command is recorded as "gtag:<command>" with the remaining arguments. */
(function (w, d) {
  var NAME = "Google Analytics", src = (d.currentScript && d.currentScript.src) || "", m = /[?&]id=([^&#]*)/.exec(src);
  var id = m ? decodeURIComponent(m[1]) : "", dl = w.dataLayer = w.dataLayer || [], previous = dl.push, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function handle(item) {
    if (Object.prototype.toString.call(item) === "[object Arguments]") {
      record("gtag:" + item[0], Array.prototype.slice.call(item, 1));
    }
  }
  w.google_tag_manager = w.google_tag_manager || {};
  w.google_tag_manager[id] = w.google_tag_manager[id] || {};
  for (i = 0; i < dl.length; i++) handle(dl[i]);
  dl.push = function () {
    for (var j = 0; j < arguments.length; j++) handle(arguments[j]);
    return previous.apply(dl, arguments);
  };
})(window, document);
