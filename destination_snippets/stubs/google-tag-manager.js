/* Recording stub for gtm.js (answers https://www.googletagmanager.com/gtm.js?id=<container id>[&l=<name>][&env]).
 * Like gtm.js it registers the container in google_tag_manager (with a dataLayer.get helper), processes the
 * objects already in the data layer named by l= (default dataLayer) and takes over its push. Each object pushed
 * is recorded as "dataLayer.push". */
(function (w, d) {
  var NAME = "Google Tag Manager", src = (d.currentScript && d.currentScript.src) || "";
  var idMatch = /[?&]id=([^&#]*)/.exec(src), nameMatch = /[?&]l=([^&#]*)/.exec(src);
  var id = idMatch ? decodeURIComponent(idMatch[1]) : "", name = nameMatch ? decodeURIComponent(nameMatch[1]) : "dataLayer";
  var dl = w[name] = w[name] || [], previous = dl.push, model = {}, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function handle(item) {
    var k;
    if (item && typeof item === "object" && Object.prototype.toString.call(item) !== "[object Arguments]") {
      for (k in item) if (Object.prototype.hasOwnProperty.call(item, k)) model[k] = item[k];
      record("dataLayer.push", [item]);
    }
  }
  w.google_tag_manager = w.google_tag_manager || {};
  w.google_tag_manager[id] = {dataLayer: {name: name, get: function (key) { return model[key]; }}};
  for (i = 0; i < dl.length; i++) handle(dl[i]);
  dl.push = function () {
    for (var j = 0; j < arguments.length; j++) handle(arguments[j]);
    return previous.apply(dl, arguments);
  };
})(window, document);
