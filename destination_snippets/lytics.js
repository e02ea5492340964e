/* Lytics JavaScript tag (jstag), following Segment's classic Lytics integration — vendor docs:
 *   https://docs.lytics.com/docs/lytics-javascript-tag (installation)
 *   https://docs.lytics.com/docs/jstag-configuration (jstag.init(config): cid, stream, loadid, ...)
 *   https://docs.lytics.com/docs/jstag-plugin-send (jstag.send(stream, data))
 *
 * Lytics' async snippet calls jstag.init(config) from its script onload; here the runtime loads the script, so
 * loaded() calls jstag.init(config) the first time it finds the library, with Segment's options (sessionTimeout
 * goes in as sessecs, as Segment aliases it). Every call is a jstag.send(stream, data), as with Segment.
 */
adapter({
  name: "Lytics",
  version: "2.0.0",

  sdk: function (s) {
    return "https://c.lytics.io/api/tag/" + encodeURIComponent(s.cid) + "/latest.min.js";
  },

  loaded: function (s, w) {
    var j = w.jstag, c;
    if (!j || typeof j.init !== "function") return false;
    if (!(j.config && j.config.cid === String(s.cid) && j.config.version)) {
      c = {cid: String(s.cid), stream: s.stream, cookie: s.cookie, blockload: s.blockload === true,
           loadid: s.loadid === true, delay: s.delay, sessecs: s.sessionTimeout, url: s.url,
           src: "https://c.lytics.io/api/tag/" + encodeURIComponent(s.cid) + "/latest.min.js"};
      j.init(c);
    }
    return typeof j.send === "function";
  },

  identify: function (e, s, w) {
    /* traits with the user id (or an id trait) as user_id, and no id */
    var t = e.traits || {}, data = {}, k, id = e.userId || t.id;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k) && k !== "id") data[k] = t[k];
    if (id !== undefined && id !== null) data.user_id = id;
    w.jstag.send(s.stream, data);
  },

  track: function (e, s, w) {
    /* _e is the field Lytics reads the event name from */
    var p = e.properties || {}, data = {}, k;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    data._e = e.event;
    w.jstag.send(s.stream, data);
  },

  page: function (e, s, w) {
    /* the page's properties with its category; its name is the event name _e */
    var p = e.properties || {}, data = {}, k;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k) && k !== "name") data[k] = p[k];
    if (e.category) data.category = e.category;
    if (e.name) data._e = e.name;
    else if (p.name !== undefined && p.name !== null) data._e = p.name;
    w.jstag.send(s.stream, data);
  }
});
