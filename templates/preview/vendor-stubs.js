/* Test page with --vendor-stubs: vendor SDK URLs are loaded from this preview's /_vendor/<slug>.js instead.
 * The runtime loads each SDK by setting a script's src; the setter maps a URL matching a stub's pattern
 * (destination_snippets/stubs/routes.json) to the local stub, keeping the query (stubs read id= and l= from it). */
(function (w, d) {
  var data = JSON.parse(d.getElementById("bundlesmith-vendor-routes").textContent), routes = [], i;
  for (i = 0; i < data.routes.length; i++) routes.push([data.routes[i][0], new RegExp(data.routes[i][1])]);
  var rewrites = w.__bundlesmithVendorRewrites = [];
  function local(url) {
    for (var j = 0; j < routes.length; j++) {
      if (routes[j][1].test(url)) {
        var q = url.indexOf("?"), to = data.base + "/_vendor/" + routes[j][0] + ".js" + (q > -1 ? url.slice(q).split("#")[0] : "");
        rewrites.push({ from: url, to: to });
        return to;
      }
    }
    return url;
  }
  var proto = w.HTMLScriptElement.prototype, src = Object.getOwnPropertyDescriptor(proto, "src");
  Object.defineProperty(proto, "src", {
    configurable: true, enumerable: src.enumerable, get: src.get,
    set: function (v) { src.set.call(this, local(String(v))); }
  });
  var setAttribute = w.Element.prototype.setAttribute;
  w.Element.prototype.setAttribute = function (name, value) {
    if (this instanceof w.HTMLScriptElement && String(name).toLowerCase() === "src") value = local(String(value));
    return setAttribute.call(this, name, value);
  };
})(window, document);
