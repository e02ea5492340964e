/* Vero (m.js, the _veroq command queue), following Segment's classic Vero integration — vendor docs:
 *   https://help.getvero.com/cloud/articles/how-vero-cookies-customers-on-your-website-using-javascript/
 *   https://github.com/getvero/vero-api/blob/master/sections/js.md (init, user, track, reidentify, unsubscribe, tags)
 *   https://segment.com/docs/connections/destinations/catalog/vero/
 *
 * init() creates the documented _veroq array with the init command; m.js replaces its push with the command
 * runner and replays it (Segment's loaded signal). Tags come from the call's integrations option, as with
 * Segment: {integrations: {Vero: {tags: {id, action: "add" | "remove", values: [...]}}}}.
 */
adapter({
  name: "Vero",
  version: "2.0.0",

  sdk: function (s) {
    return "https://d3qxef4rp70elm.cloudfront.net/m.js";
  },

  init: function (s, w) {
    w._veroq = w._veroq || [];
    w._veroq.push(["init", {api_key: String(s.apiKey)}]);
  },

  loaded: function (s, w) {
    return !!(w._veroq && typeof w._veroq.push === "function" && w._veroq.push !== Array.prototype.push);
  },

  identify: function (e, s, w) {
    /* Vero needs an id or an email; Segment sends every trait, with the user id as id */
    var t = e.traits || {}, user = {}, k;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k) && t[k] !== undefined) user[k] = t[k];
    if (e.userId) user.id = e.userId;
    if (!e.userId && !t.email) return;
    w._veroq.push(["user", user]);
    this._tags(e, w);
  },

  track: function (e, s, w) {
    var p = e.properties || {}, products = p.products, i;
    if (/[uU]nsubscribe/.test(e.event)) {
      w._veroq.push(["unsubscribe", {id: p.id}]);
    } else {
      /* Order Completed fans out one "Ordered Product" per product before the order itself */
      if (e.event === "Order Completed" && products instanceof Array) {
        for (i = 0; i < products.length; i++) w._veroq.push(["track", "Ordered Product", products[i], {source: "segment"}]);
      }
      w._veroq.push(["track", String(e.event), p, {source: "segment"}]);
    }
    this._tags(e, w);
  },

  page: function (e, s, w) {
    w._veroq.push(["trackPageview"]);
    this._tags(e, w);
  },

  alias: function (e, s, w) {
    if (e.previousId) w._veroq.push(["reidentify", e.userId, e.previousId]);
    else w._veroq.push(["reidentify", e.userId]);
    this._tags(e, w);
  },

  _tags: function (e, w) {
    /* not a handler: the tags command Segment adds after any call that carries integrations.Vero.tags */
    var opts = (e.integrations || {}).Vero, tags = opts && typeof opts === "object" ? opts.tags : null, payload = {};
    if (!tags || !tags.action || !tags.values) return;
    payload[tags.action] = tags.values;
    if (tags.id) payload.id = tags.id;
    w._veroq.push(["tags", payload]);
  }
});
