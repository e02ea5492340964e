/* Customer.io (JavaScript snippet, track.js) — vendor docs:
 *   https://docs.customer.io/integrations/data-in/connections/javascript/legacy-js/getting-started/
 *
 * track.js reads its configuration from the element with id "cio-tracker" (data-site-id, data-auto-track-page,
 * data-use-array-params), which Customer.io's snippet puts on its own script tag. The runtime inserts the script
 * tag here, so init() adds that configuration element as an inert, non-executing <script type="text/plain"> (no
 * second download), and creates the documented _cio command queue. Page views are sent by page() only
 * (data-auto-track-page="false"), so analytics.page() never counts twice.
 */
adapter({
  name: "Customer.io",
  version: "1.0.0",

  sdk: function (s) {
    return "https://assets.customer.io/assets/" + (String(s.region || "us").toLowerCase() === "eu" ? "track-eu.js" : "track.js");
  },

  init: function (s, w) {
    var d = w.document, cio = w._cio = w._cio || [], names = ["load", "identify", "sidentify", "track", "page", "on", "off"];
    var i, tag;
    var queue = function (name) {
      return function () { cio.push([name].concat(Array.prototype.slice.call(arguments, 0))); };
    };
    for (i = 0; i < names.length; i++) if (typeof cio[names[i]] !== "function") cio[names[i]] = queue(names[i]);
    if (!d.getElementById("cio-tracker")) {
      tag = d.createElement("script");
      tag.type = "text/plain";
      tag.id = "cio-tracker";
      tag.setAttribute("data-site-id", String(s.siteId));
      tag.setAttribute("data-use-array-params", "true");
      tag.setAttribute("data-auto-track-page", "false");
      (d.head || d.documentElement).appendChild(tag);
    }
  },

  /* track.js replaces the queue's Array push with its own dispatcher once it runs */
  loaded: function (s, w) {
    var cio = w._cio;
    return !!cio && typeof cio.push === "function" && cio.push !== Array.prototype.push;
  },

  identify: function (e, s, w) {
    var t = e.traits || {}, person = {}, k, created;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k) && t[k] !== undefined) person[k] = t[k];
    person.id = e.userId ? String(e.userId) : t.email; /* Customer.io identifies people by id (or email) */
    if (!person.id) return;
    if (t.createdAt && person.created_at === undefined) {
      created = new Date(t.createdAt).getTime();
      if (!isNaN(created)) person.created_at = Math.floor(created / 1000);
    }
    w._cio.identify(person);
  },

  track: function (e, s, w) {
    w._cio.track(e.event, e.properties || {});
  },

  page: function (e, s, w) {
    var p = e.properties || {};
    w._cio.page(p.url || w.location.href, p);
  }
});
