/* Lytics JavaScript tag (jstag v3) — vendor docs:
 *   https://docs.lytics.com/docs/lytics-javascript-tag (installation, jstag.config.version)
 *   https://docs.lytics.com/docs/jstag-configuration (jstag.init(config): cid, stream, src)
 *   https://docs.lytics.com/docs/jstag-plugin-send (send(payload, stream), pageView)
 *
 * Lytics' async snippet calls jstag.init(config) from its script onload; here the runtime loads the script, so
 * loaded() calls jstag.init(config) the first time it finds the library (Lytics documents calling init again
 * as a supported re-initialisation), and the runtime buffers calls until then.
 */
adapter({
  name: "Lytics",
  version: "1.0.0",

  sdk: function (s) {
    return "https://c.lytics.io/api/tag/" + encodeURIComponent(s.cid) + "/latest.min.js";
  },

  loaded: function (s, w) {
    var j = w.jstag;
    if (!j || typeof j.init !== "function") return false;
    if (typeof j.send !== "function" || !(j.config && j.config.cid === String(s.cid) && j.config.version)) {
      j.init({
        cid: String(s.cid),
        stream: String(s.stream || "default"),
        src: "https://c.lytics.io/api/tag/" + encodeURIComponent(s.cid) + "/latest.min.js"
      });
    }
    return typeof j.send === "function";
  },

  identify: function (e, s, w) {
    var t = e.traits || {}, data = {}, k;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k)) data[k] = t[k];
    if (e.userId) data.user_id = String(e.userId);
    w.jstag.send(String(s.stream || "default"), data);
  },

  track: function (e, s, w) {
    /* _e is the field Lytics reads the event name from */
    var p = e.properties || {}, data = {}, k;
    for (k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[k] = p[k];
    data._e = String(e.event);
    if (e.userId) data.user_id = String(e.userId);
    w.jstag.send(String(s.stream || "default"), data);
  },

  page: function (e, s, w) {
    w.jstag.pageView(String(s.stream || "default"), e.properties || {});
  }
});
