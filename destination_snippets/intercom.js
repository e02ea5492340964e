/* Intercom Messenger — follows Segment's Intercom Web (Actions) destination with its default mappings
 * (segmentio/action-destinations, packages/browser-destinations/destinations/intercom; docs/DESTINATIONS.md,
 * "Intercom"). Vendor docs:
 *   https://developers.intercom.com/installing-intercom/web/installation (intercomSettings, Intercom() queue, widget)
 *   https://developers.intercom.com/installing-intercom/web/methods (boot, update, trackEvent, shutdown)
 *   https://developers.intercom.com/installing-intercom/web/attributes-objects (user and company attributes)
 *
 * identify and page -> Identify User: Intercom("update", {user_id, name, phone, email, created_at, avatar, user_hash,
 * intercom_user_jwt, company, companies, hide_default_launcher, widget}); group -> Identify Company; track -> Track
 * Event: Intercom("trackEvent", event, flat metadata + rich link properties + price). Dates go as Unix seconds.
 */
adapter({
  name: "Intercom",
  version: "2.0.0",

  sdk: function (s) {
    return "https://widget.intercom.io/widget/" + encodeURIComponent(s.appId);
  },

  /* the installation snippet's queue, intercomSettings (kept if the page set it) and a queued boot */
  init: function (s, w) {
    var settings = w.intercomSettings && typeof w.intercomSettings === "object" ? w.intercomSettings : {}, ic;
    settings.app_id = String(s.appId);
    settings.installation_type = "s";
    settings.custom_launcher_selector = s.activator;
    w.intercomSettings = settings;
    if (typeof w.Intercom !== "function") {
      ic = w.Intercom = function () { ic.c(arguments); };
      ic.q = [];
      ic.c = function (args) { ic.q.push(args); };
    }
    w.Intercom("boot", this._boot(s));
  },

  /* the widget has replaced the snippet's queue with the Messenger API */
  loaded: function (s, w) {
    return typeof w.Intercom === "function" && typeof w.Intercom.c !== "function";
  },

  identify: function (e, s, w) { this._identifyUser(e, s, w); },

  page: function (e, s, w) { this._identifyUser(e, s, w); },

  group: function (e, s, w) {
    var t = e.traits || {}, company = this._company(e.groupId, t);
    w.Intercom("update", this._assign({company: company}, this._widget(e, s)));
  },

  track: function (e, s, w) {
    var p = e.properties || {}, meta = this._flat(p), links = s.richLinkProperties || [], i, k;
    for (i = 0; i < links.length; i++) {
      k = links[i];
      if (Object.prototype.hasOwnProperty.call(p, k) && p[k] !== undefined) meta[k] = p[k];
    }
    if (p.revenue) {
      delete meta.revenue;
      delete meta.currency;
      meta.price = {amount: p.revenue * 100, currency: this._given(p.currency) ? p.currency : "USD"};
    }
    w.Intercom("trackEvent", e.event, meta);
  },

  /* Segment's destination maps no reset; Intercom's documented logout ends the session so that the next person on
   * this browser does not see the previous one's conversations (docs/DESTINATIONS.md, deliberate differences) */
  reset: function (s, w) {
    w.Intercom("shutdown");
    w.Intercom("boot", this._boot(s));
  },

  _boot: function (s) {
    return {app_id: String(s.appId), installation_type: "s", api_base: s.apiBase || "https://api-iam.intercom.io"};
  },

  _identifyUser: function (e, s, w) {
    var t = e.traits || {}, opts = (e.integrations || {}).Intercom, user = {}, companies = [], i, company;
    if (!opts || typeof opts !== "object") opts = {};
    this._put(user, "user_id", e.userId);
    this._put(user, "name", t.name);
    this._put(user, "phone", t.phone);
    this._put(user, "email", t.email);
    this._put(user, "created_at", this._seconds(this._given(t.createdAt) ? t.createdAt : t.created_at));
    this._put(user, "user_hash", this._given(opts.user_hash) ? opts.user_hash : opts.userHash);
    this._put(user, "intercom_user_jwt",
              this._given(opts.intercom_user_jwt) ? opts.intercom_user_jwt : opts.intercomUserJwt);
    if (t.company && typeof t.company === "object") {
      company = this._company(t.company.id, t.company);
      if (this._some(company)) user.company = company;
    }
    if (t.companies instanceof Array) {
      for (i = 0; i < t.companies.length; i++) {
        company = t.companies[i] && typeof t.companies[i] === "object" ? t.companies[i] : {};
        companies.push(this._company(company.id, company));
      }
      user.companies = companies;
    }
    this._assign(user, this._widget(e, s));
    if (t.avatar) user.avatar = {image_url: t.avatar, type: "avatar"};
    w.Intercom("update", user);
  },

  /* Intercom's company attributes from Segment traits: id, name, created_at (Unix seconds), plan, size, ... */
  _company: function (id, t) {
    var company = {}, keys = ["name", "plan", "size", "website", "industry", "monthly_spend"], i;
    this._put(company, "company_id", id);
    for (i = 0; i < keys.length; i++) this._put(company, keys[i], t[keys[i]]);
    this._put(company, "created_at", this._seconds(this._given(t.createdAt) ? t.createdAt : t.created_at));
    return company;
  },

  /* hide_default_launcher from context.Intercom; widget.activator when a custom launcher selector is set */
  _widget: function (e, s) {
    var ctx = (e.context || {}).Intercom, out = {}, hide;
    if (ctx && typeof ctx === "object") {
      hide = this._given(ctx.hideDefaultLauncher) ? ctx.hideDefaultLauncher : ctx.hide_default_launcher;
    }
    if (hide !== undefined) out.hide_default_launcher = hide;
    if (s.activator !== "#IntercomDefaultWidget") out.widget = {activator: s.activator};
    return out;
  },

  /* a date (ISO-8601 string, Unix seconds or milliseconds) as Unix seconds */
  _seconds: function (v) {
    var m, when;
    if (!v) return undefined;
    if (typeof v === "number") return String(Math.floor(v)).length === 13 ? Math.floor(v / 1000) : Math.floor(v);
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(String(v));
    when = m ? new Date(+m[1], +m[2] - 1, +m[3]).getTime() : new Date(String(v)).getTime();
    return isNaN(when) ? undefined : Math.floor(when / 1000);
  },

  /* custom attributes and event metadata are flat: objects and arrays are dropped, as Intercom wants */
  _flat: function (obj) {
    var out = {}, k, v;
    for (k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      v = obj[k];
      if (v !== undefined && !(v !== null && typeof v === "object")) out[k] = v;
    }
    return out;
  },

  _given: function (v) { return v !== undefined && v !== null; },

  _put: function (obj, key, v) { if (v !== undefined) obj[key] = v; },

  _some: function (obj) {
    for (var k in obj) if (Object.prototype.hasOwnProperty.call(obj, k)) return true;
    return false;
  },

  _assign: function (to, from) {
    for (var k in from) if (Object.prototype.hasOwnProperty.call(from, k)) to[k] = from[k];
    return to;
  }
});
