/* Customer.io (JavaScript snippet, track.js) — follows Segment's classic Customer.io integration
 * (segmentio/analytics.js-integrations, integrations/customerio; docs/DESTINATIONS.md, "Customer.io").
 * Vendor docs:
 *   https://docs.customer.io/integrations/data-in/connections/javascript/legacy-js/getting-started/
 *
 * track.js reads its configuration from the element with id "cio-tracker" (data-site-id, data-auto-track-page),
 * which Customer.io's snippet puts on its own script tag. The runtime inserts the script tag here, so init() adds
 * that configuration element as an inert, non-executing <script type="text/plain"> (no second download), and
 * creates the documented _cio command queue. Page views are sent by page() only (data-auto-track-page="false"),
 * so a page is never counted twice.
 *
 * As Segment's integration does (its Facade turns ISO-8601 strings into dates, then converts them): every ISO date
 * string (at least YYYY-MM-DD) in identify traits and track properties is sent as Unix seconds, or as a full
 * ISO-8601 string before 1970.
 */
adapter({
  name: "Customer.io",
  version: "2.0.0",

  sdk: function (s) {
    return "https://assets.customer.io/assets/" + (s.datacenter === "eu" ? "track-eu.js" : "track.js");
  },

  init: function (s, w) {
    var d = w.document, cio = w._cio = w._cio || [], names = ["identify", "track", "page"], i, tag;
    var queue = function (name) {
      return function () { cio.push([name].concat(Array.prototype.slice.call(arguments, 0))); };
    };
    for (i = 0; i < names.length; i++) if (typeof cio[names[i]] !== "function") cio[names[i]] = queue(names[i]);
    if (!d.getElementById("cio-tracker")) {
      tag = d.createElement("script");
      tag.type = "text/plain";
      tag.id = "cio-tracker";
      tag.setAttribute("data-site-id", String(s.siteId));
      tag.setAttribute("data-auto-track-page", "false");
      (d.head || d.documentElement).appendChild(tag);
    }
  },

  /* track.js replaces the queue's Array push with its own dispatcher once it runs */
  loaded: function (s, w) {
    var cio = w._cio;
    return !!cio && typeof cio.push === "function" && cio.push !== Array.prototype.push;
  },

  /* identify: a user id is required; traits + id, createdAt (or created) as created_at, dates as Unix seconds */
  identify: function (e, s, w) {
    if (!e.userId) return;
    w._cio.identify(this._person(e.userId, e.traits || {}));
  },

  /* group: the group's traits (and its id) as "Group <trait>" person attributes of the identified user */
  group: function (e, s, w) {
    var t = e.traits || {}, prefixed = {}, k;
    if (!e.userId) return;
    for (k in t) if (Object.prototype.hasOwnProperty.call(t, k)) prefixed["Group " + k] = t[k];
    if (e.groupId) prefixed["Group id"] = e.groupId;
    w._cio.identify(this._person(e.userId, prefixed));
  },

  track: function (e, s, w) {
    w._cio.track(e.event, this._dates(e.properties || {}));
  },

  /* page: named by the page's name, else its URL (Segment's page.name() || page.url()); properties as they are */
  page: function (e, s, w) {
    var p = e.properties || {};
    w._cio.page(e.name || p.url || w.location.href, p);
  },

  _person: function (userId, traits) {
    var person = {}, k;
    for (k in traits) if (Object.prototype.hasOwnProperty.call(traits, k)) person[k] = traits[k];
    person.id = String(userId);
    if (person.createdAt !== undefined && person.createdAt !== null) person.created = person.createdAt;
    delete person.createdAt;
    if (Object.prototype.hasOwnProperty.call(person, "created")) {
      person.created_at = person.created;
      delete person.created;
    }
    return this._dates(person);
  },

  /* a copy of `value` with ISO-8601 date strings (objects and arrays included) as Customer.io wants dates */
  _dates: function (value) {
    var out, k, m, when, zone;
    if (typeof value === "string") {
      /* ISO-8601 with at least a full date; no zone means UTC (as Segment's isodate parser) */
      m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?(Z|([+-])(\d{2}):?(\d{2})?)?)?$/.exec(value);
      if (!m) return value;
      zone = m[9] ? (m[9] === "-" ? -1 : 1) * (+m[10] * 60 + +(m[11] || 0)) : 0;
      when = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0),
                      m[7] ? Math.floor(+("0." + m[7]) * 1000) : 0) - zone * 60000;
      if (isNaN(when)) return value;
      return new Date(when).getUTCFullYear() < 1970 ? new Date(when).toISOString() : Math.floor(when / 1000);
    }
    if (value instanceof Array) {
      out = [];
      for (k = 0; k < value.length; k++) out.push(this._dates(value[k]));
      return out;
    }
    if (value && typeof value === "object") {
      out = {};
      for (k in value) if (Object.prototype.hasOwnProperty.call(value, k)) out[k] = this._dates(value[k]);
      return out;
    }
    return value;
  }
});
