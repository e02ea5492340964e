/* Intercom Messenger — vendor docs:
 *   https://developers.intercom.com/installing-intercom/web/installation (intercomSettings, Intercom() queue, widget)
 *   https://developers.intercom.com/installing-intercom/web/methods (boot, update, trackEvent, shutdown)
 *   https://developers.intercom.com/installing-intercom/web/attributes-objects (user and company attributes)
 *
 * The widget boots itself from window.intercomSettings when it loads, and then sets Intercom.booted.
 */
adapter({
  name: "Intercom",
  version: "1.0.0",

  sdk: function (s) {
    return "https://widget.intercom.io/widget/" + encodeURIComponent(s.appId);
  },

  init: function (s, w) {
    /* keep what the page already put there (user_hash for identity verification, ...) */
    var settings = w.intercomSettings && typeof w.intercomSettings === "object" ? w.intercomSettings : {}, ic;
    settings.app_id = String(s.appId);
    if (s.apiBase) settings.api_base = String(s.apiBase);
    if (s.activator && s.activator !== "#IntercomDefaultWidget") settings.custom_launcher_selector = String(s.activator);
    w.intercomSettings = settings;
    if (typeof w.Intercom !== "function") {
      ic = w.Intercom = function () { ic.c(arguments); };
      ic.q = [];
      ic.c = function (args) { ic.q.push(args); };
    }
  },

  loaded: function (s, w) {
    return typeof w.Intercom === "function" && w.Intercom.booted === true;
  },

  identify: function (e, s, w) {
    var t = e.traits || {}, user = {}, k, v, company = t.company, when;
    /* custom attributes are flat: strings, numbers, booleans; the rest are Intercom's own attributes */
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k)) continue;
      v = t[k];
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") user[k] = v;
    }
    if (e.userId) user.user_id = String(e.userId);
    /* identity verification: Segment's convention, analytics.identify(id, traits, {integrations: {Intercom: {user_hash}}}) */
    if (e.integrations && e.integrations.Intercom && e.integrations.Intercom.user_hash) {
      user.user_hash = String(e.integrations.Intercom.user_hash);
    }
    if (!t.name && (t.firstName || t.lastName)) user.name = [t.firstName || "", t.lastName || ""].join(" ").replace(/^\s+|\s+$/g, "");
    if (t.createdAt) {
      when = new Date(t.createdAt).getTime();
      delete user.createdAt;
      if (!isNaN(when)) user.created_at = Math.floor(when / 1000);
    }
    if (typeof t.avatar === "string") user.avatar = {type: "avatar", image_url: t.avatar};
    if (company && typeof company === "object" && (company.id || company.company_id)) {
      user.company = {company_id: String(company.id || company.company_id)};
      for (k in company) {
        v = company[k];
        if (k !== "id" && Object.prototype.hasOwnProperty.call(company, k) &&
            (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) user.company[k] = v;
      }
    }
    w.Intercom("update", user);
  },

  track: function (e, s, w) {
    /* event metadata: flat values only */
    var p = e.properties || {}, meta = {}, k, v;
    for (k in p) {
      if (!Object.prototype.hasOwnProperty.call(p, k)) continue;
      v = p[k];
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") meta[k] = v;
    }
    w.Intercom("trackEvent", String(e.event), meta);
  },

  page: function (e, s, w) {
    /* documented for page changes: Intercom looks for new messages and records the visit */
    w.Intercom("update");
  },

  group: function (e, s, w) {
    var t = e.traits || {}, company = {}, k, v, when;
    if (!e.groupId) return;
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k)) continue;
      v = t[k];
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") company[k] = v;
    }
    company.company_id = String(e.groupId);
    if (t.createdAt) {
      when = new Date(t.createdAt).getTime();
      delete company.createdAt;
      if (!isNaN(when)) company.created_at = Math.floor(when / 1000);
    }
    w.Intercom("update", {company: company});
  },

  reset: function (s, w) {
    /* documented logout: shutdown clears the session, boot starts a fresh anonymous one */
    var settings = {app_id: String(s.appId)};
    if (s.apiBase) settings.api_base = String(s.apiBase);
    w.Intercom("shutdown");
    w.Intercom("boot", settings);
  }
});
