/* Mixpanel — https://docs.mixpanel.com/docs/tracking-methods/sdks/javascript */
adapter({
  name: "Mixpanel",
  version: "1.0.0",
  sdk: function (s) { return "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js"; },
  init: function (s, w) {
    w.__bundlesmithMixpanelConfig = {
      api_host: "https://" + (s.apiHost || "api-js.mixpanel.com"),
      persistence: s.persistence || "cookie",
      cross_subdomain_cookie: s.crossSubdomainCookie !== false,
      secure_cookie: !!s.secureCookie,
      loaded: function (mp) { w.__bundlesmithMixpanelReady = mp; }
    };
  },
  loaded: function (s, w) {
    if (w.mixpanel && w.mixpanel.init && !w.mixpanel.__loaded && !w.__bundlesmithMixpanelInit) {
      w.__bundlesmithMixpanelInit = true;
      w.mixpanel.init(s.token, w.__bundlesmithMixpanelConfig);
    }
    return !!(w.mixpanel && w.mixpanel.__loaded);
  },
  identify: function (e, s, w) {
    if (e.userId) w.mixpanel.identify(e.userId);
    if (s.people && w.mixpanel.people) w.mixpanel.people.set(e.traits || {});
    else w.mixpanel.register(e.traits || {});
  },
  track: function (e, s, w) { w.mixpanel.track(e.event, e.properties || {}); },
  page: function (e, s, w) {
    if (s.trackAllPages) w.mixpanel.track("Loaded a Page", e.properties || {});
  },
  group: function (e, s, w) { if (e.groupId) w.mixpanel.set_group("group_id", e.groupId); },
  alias: function (e, s, w) { w.mixpanel.alias(e.userId, e.previousId); },
  reset: function (s, w) { w.mixpanel.reset(); }
});
