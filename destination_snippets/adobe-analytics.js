/* Adobe Analytics (AppMeasurement for JavaScript) — https://experienceleague.adobe.com/docs/analytics/implementation/js/overview.html
 * Adobe hosts no public CDN copy of AppMeasurement: sites self-host it; the adapter loads it from the tracking
 * server's /b/ss/ host is not a library host either, so the file is expected at <trackingServerSecureUrl>/AppMeasurement.js. */
adapter({
  name: "Adobe Analytics",
  version: "1.0.0",
  sdk: function (s) { return "https://" + (s.trackingServerSecureUrl || s.trackingServerUrl) + "/AppMeasurement.js"; },
  init: function (s, w) {},
  loaded: function (s, w) {
    if (w.s_gi && !w.__bundlesmithAdobe) {
      var a = w.__bundlesmithAdobe = w.s_gi(s.reportSuiteId);
      a.trackingServer = s.trackingServerUrl;
      a.trackingServerSecure = s.trackingServerSecureUrl || s.trackingServerUrl;
      if (s.marketingCloudOrgId) a.marketingCloudOrgID = s.marketingCloudOrgId;
    }
    return !!w.__bundlesmithAdobe;
  },
  identify: function (e, s, w) { if (e.userId) w.__bundlesmithAdobe.visitorID = String(e.userId); },
  track: function (e, s, w) {
    var a = w.__bundlesmithAdobe, p = e.properties || {}, data = {};
    for (var k in p) if (Object.prototype.hasOwnProperty.call(p, k)) data[(s.customDataPrefix || "") + k] = p[k];
    a.contextData = data; a.linkTrackVars = "contextData"; a.events = "";
    a.tl(true, "o", e.event);
  },
  page: function (e, s, w) {
    var a = w.__bundlesmithAdobe, p = e.properties || {};
    a.pageName = e.name || p.title; a.pageURL = p.url; a.referrer = p.referrer;
    a.t();
  }
});
