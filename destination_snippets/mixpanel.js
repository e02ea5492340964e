/* Mixpanel — vendor docs: https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript
 * Segment reference: analytics.js-integrations, integrations/mixpanel/lib/index.js (classic device-mode).
 *
 * Loader contract (the documented snippet's): before the library loads, window.mixpanel is an array that carries
 * __SV (the snippet version the library checks) and _i (the init calls it replays). mixpanel-2-latest.min.js turns
 * that array into the library, runs the queued init and sets mixpanel.__loaded.
 * Mapping as Segment's: page calls become "Loaded a Page" (consolidatedPageCalls) or "Viewed ... Page" events,
 * Mixpanel's reserved event properties are dropped, arrays of objects are flattened into one array per key,
 * identify renames Segment's traits to Mixpanel's reserved properties ($email, $name, ...), group uses the
 * groupIdentifierTraits as group keys, people operations follow the people/eventIncrements/propIncrements settings.
 * Helpers are the _-prefixed methods (the runtime and the remote plugin call handlers as methods of this object).
 */
adapter({
  name: "Mixpanel",
  version: "2.0.0",

  sdk: function (s) {
    return "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js";
  },

  init: function (s, w) {
    var host = s.apiHost || (s.enableEuropeanUnionEndpoint ? "api-eu.mixpanel.com" : "api-js.mixpanel.com");
    var mp = w.mixpanel, config;
    if (mp && mp.__SV) return; /* a Mixpanel snippet is already on the page: it owns the global */
    config = {
      api_host: "https://" + String(host).replace(/^https?:\/\//, "").replace(/\/+$/, ""),
      persistence: s.persistence === "localStorage" ? "localStorage" : "cookie",
      cross_subdomain_cookie: !!s.crossSubdomainCookie,
      secure_cookie: !!s.secureCookie,
      track_pageview: false
    };
    if (s.cookieName) config.cookie_name = String(s.cookieName);
    mp = w.mixpanel = [];
    mp.__SV = 1.2;
    mp.people = [];
    mp._i = [[s.token, config, "mixpanel"]];
  },

  loaded: function (s, w) {
    return !!(w.mixpanel && w.mixpanel.__loaded);
  },

  identify: function (e, s, w) {
    var mp = w.mixpanel, t = this._traits(e), set = {}, union = {}, k, v, keys;
    var tag = t.$email || t.$username || e.userId;
    if (e.userId) mp.identify(String(e.userId));
    if (tag && s.nameTag !== false) mp.name_tag(String(tag));
    for (k in t) {
      v = t[k];
      if (v instanceof Array && v.length) {
        union[k] = v;
        v = mp.get_property(k); /* super properties have no union: merge with the registered list */
        if (v instanceof Array) t[k] = this._union(v, union[k]);
      } else {
        set[k] = v;
      }
    }
    if (s.setAllTraitsByDefault !== false) {
      mp.register(t);
    } else {
      v = this._pick(this._names(s.superProperties), t);
      if (this._some(v)) mp.register(v);
      keys = this._names((s.peopleProperties || []).concat(this._keys(this._aliases)));
      set = this._pick(keys, set);
      union = this._pick(keys, union);
    }
    if (!s.people) return;
    if (this._some(set)) mp.people.set(set);
    if (this._some(union)) mp.people.union(union);
  },

  track: function (e, s, w) {
    this._track(e.event, e, s, w);
  },

  page: function (e, s, w) {
    var name = e.name, category = e.category;
    if (s.consolidatedPageCalls !== false || s.trackAllPages) {
      this._track("Loaded a Page", e, s, w);
    } else if (s.trackCategorizedPages && category) {
      this._track("Viewed " + (name ? category + " " + name : category) + " Page", e, s, w);
    } else if (s.trackNamedPages && name) {
      this._track("Viewed " + name + " Page", e, s, w);
    }
  },

  group: function (e, s, w) {
    /* Segment's: nothing without a user, a group id and the group keys (groupIdentifierTraits) */
    var keys = s.groupIdentifierTraits || [], id = e.groupId, i;
    if (!id || !e.userId || !keys.length) return;
    for (i = 0; i < keys.length && this._some(e.traits); i++) {
      w.mixpanel.get_group(keys[i], String(id)).set_once(e.traits);
    }
    for (i = 0; i < keys.length; i++) w.mixpanel.set_group(keys[i], [String(id)]);
  },

  alias: function (e, s, w) {
    var mp = w.mixpanel, to = e.userId && String(e.userId);
    if (!to || mp.get_distinct_id() === to || mp.get_property("$people_distinct_id") === to) return;
    mp.alias(to, e.previousId ? String(e.previousId) : undefined);
  },

  reset: function (s, w) {
    w.mixpanel.reset();
  },

  /* --- helpers ------------------------------------------------------------------------------------------------ */

  /* Segment trait -> Mixpanel reserved property */
  _aliases: {created: "$created", email: "$email", firstName: "$first_name", lastName: "$last_name",
    lastSeen: "$last_seen", name: "$name", username: "$username", phone: "$phone"},

  _track: function (event, e, s, w) {
    var mp = w.mixpanel, src = e.properties || {}, props = this._copy(src), k, query;
    var supers = this._pick(s.superProperties || [], src), revenue = this._revenue(event, src);
    if (s.sourceName) props.segment_source_name = String(s.sourceName);
    for (k in {distinct_id: 1, ip: 1, mp_name_tag: 1, mp_note: 1, token: 1}) delete props[k]; /* Mixpanel's own */
    props = this._flatten(this._dates(props));
    if (s.people) {
      if (this._has(s.eventIncrements && s.eventIncrements.length ? s.eventIncrements : s.increments, event)) {
        mp.people.increment(event);
        mp.people.set("Last " + event, new Date());
      }
      for (k in props) if (this._has(s.propIncrements, k)) mp.people.increment(k, props[k]);
      if (revenue) mp.people.track_charge(revenue);
    }
    query = props.link_query || props.form_query;
    if (query) {
      k = props.link_query ? "track_links" : "track_forms";
      delete props[props.link_query ? "link_query" : "form_query"];
      mp[k](query, event, props);
    } else {
      mp.track(event, props);
    }
    if (this._some(supers)) mp.register(supers);
  },

  /* Segment's identify traits: the user id as `id`, reserved traits renamed, dates as ISO strings */
  _traits: function (e) {
    var src = e.traits || {}, out = this._copy(src), v, k, trim = function (x) {
      return typeof x === "string" ? x.trim() : undefined;
    }, name = trim(src.name), space = name ? name.indexOf(" ") : -1;
    v = {
      created: this._date(src.created || src.createdAt),
      email: src.email || (/^[^@\s]+@[^@\s]+$/.test(e.userId) ? e.userId : undefined),
      firstName: typeof src.firstName === "string" ? trim(src.firstName) : name && name.split(" ")[0],
      lastName: typeof src.lastName === "string" ? trim(src.lastName) : space > -1 ? trim(name.substr(space + 1)) : 0,
      lastSeen: src.lastSeen, username: src.username,
      phone: src.phone || (src.phones instanceof Array ? src.phones[0] : 0)
    };
    v.name = name || (v.firstName && v.lastName ? v.firstName + " " + v.lastName : 0);
    if (e.userId) out.id = e.userId;
    for (k in v) {
      if (v[k] === undefined || v[k] === null || v[k] === "" || v[k] === 0) continue;
      out[this._aliases[k]] = v[k];
      delete out[k];
    }
    if (out.$created) delete out.createdAt;
    return this._dates(out);
  },

  /* setting lists name Segment traits; the reserved ones are stored under their $ names */
  _names: function (keys) {
    var out = [], i;
    for (i = 0; keys && i < keys.length; i++) out.push(this._aliases[keys[i]] || keys[i]);
    return out;
  },

  /* Segment's revenue: properties.revenue, or total on Order Completed; "$9.99" strings read as numbers */
  _revenue: function (event, p) {
    var v = p.revenue || (/^[ _]?(completed[ _]?order|order[ _]?completed)[ _]?$/i.test(event) ? p.total : 0);
    if (typeof v === "string") v = parseFloat(v.replace(/[^0-9.\-]/g, ""));
    return typeof v === "number" && !isNaN(v) ? v : undefined;
  },

  /* Mixpanel has no lists of objects: {products: [{sku}, {sku}]} -> {products_skus: [..]} (Segment's rule) */
  _flatten: function (props) {
    var keys = this._keys(props), k, i, j, a, out, n;
    for (i = 0; i < keys.length; i++) {
      a = props[keys[i]];
      if (!(a instanceof Array)) continue;
      out = {};
      for (j = 0; j < a.length && out; j++) {
        if (typeof a[j] !== "object") out = null;
        for (k in a[j]) if (out) (out[n = keys[i] + "_" + k + "s"] = out[n] || []).push(a[j][k]);
      }
      if (!this._some(out)) continue;
      for (k in out) props[k] = props[k] instanceof Array ? props[k].concat(out[k]) : out[k];
      delete props[keys[i]];
    }
    return props;
  },

  _dates: function (obj) {
    var out = {}, k, v;
    for (k in obj) {
      v = obj[k];
      out[k] = v instanceof Date ? v.toISOString() : v && typeof v === "object" && !(v instanceof Array) ?
        this._dates(v) : v;
    }
    return out;
  },

  _date: function (v) {
    if (typeof v === "number" && v < 31557600000) v *= 1000; /* Unix seconds */
    v = v || v === 0 ? new Date(v) : 0;
    return isNaN(v) ? undefined : v;
  },

  _copy: function (obj) {
    var out = {}, k;
    for (k in obj) if (obj[k] !== undefined) out[k] = obj[k];
    return out;
  },

  _pick: function (keys, obj) {
    var out = {}, i;
    for (i = 0; i < keys.length; i++) if (keys[i] in obj) out[keys[i]] = obj[keys[i]];
    return out;
  },

  _keys: function (obj) {
    var out = [], k;
    for (k in obj) out.push(k);
    return out;
  },

  /* the increment settings list names in any case */
  _has: function (list, name) {
    var i;
    for (i = 0; list && i < list.length; i++) if (String(list[i]).toLowerCase() === name.toLowerCase()) return true;
    return false;
  },

  _some: function (obj) {
    return this._keys(obj || {}).length > 0;
  },

  _union: function (a, b) {
    var seen = {}, i, all = a.concat(b);
    for (i = 0; i < all.length; i++) seen[all[i]] = 1;
    return this._keys(seen);
  }
});
