/* Checking stub for Adobe AppMeasurement and the Experience Cloud ID service (Visitor API).
 * Served for AppMeasurement.min.js (assets.adobedtm.com) it defines s_gi(reportSuiteIds) (one tracker per report
 * suite list, as AppMeasurement does) and AppMeasurement; served for a VisitorAPI.js URL it defines
 * Visitor.getInstance(orgId, config) instead. s.t() and s.tl() are recorded with what AppMeasurement would send:
 * t: every variable set; tl: the configuration variables plus only those named in linkTrackVars, and only the
 * events named in linkTrackEvents. Each hit is checked against Adobe's documented variables and formats: unknown
 * tracker variables, malformed s.events / s.products strings, object context data values, tl() arguments, linkTrackVars
 * naming unset variables, Visitor.getInstance without an "@AdobeOrg" id; a broken call is recorded as
 * "invalid:<method>" and its reason pushed to window.__bundlesmithVendorErrors.
 * Docs: https://experienceleague.adobe.com/en/docs/analytics/implementation/vars/overview */
(function (w) {
  var NAME = "Adobe Analytics", src = (w.document.currentScript && w.document.currentScript.src) || "";
  var CONFIG = ["account", "trackingServer", "trackingServerSecure", "visitorID", "visitor", "charSet",
    "collectHighEntropyUserAgentHints", "linkTrackVars", "linkTrackEvents"];
  var HIT = ["pageName", "pageURL", "referrer", "channel", "campaign", "state", "zip", "server", "pageType", "events",
    "products", "purchaseID", "transactionID", "currencyCode", "timestamp", "contextData"];
  var STANDARD = /^(prodView|scOpen|scAdd|scRemove|scView|scCheckout|purchase|event([1-9][0-9]{0,2}|1000))$/;
  var trackers = {}, visitors = {};
  function complain(why) { w.__bundlesmithComplain(NAME, why); }
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function checked(method, args, why) {
    if (why) { complain(method + ": " + why); record("invalid:" + method, args); } else record(method, args);
  }
  function numbered(name) {
    var m = /^(eVar|prop|hier|list)([0-9]+)$/.exec(name), max = {eVar: 250, prop: 75, hier: 5, list: 3};
    return !!m && +m[2] >= 1 && +m[2] <= max[m[1]];
  }
  function known(name) { return CONFIG.indexOf(name) > -1 || HIT.indexOf(name) > -1 || numbered(name); }
  function checkEvents(v) {
    var parts = v.split(","), i, m;
    for (i = 0; i < parts.length; i++) {
      m = /^([A-Za-z0-9]+)(=-?[0-9]+(\.[0-9]+)?)?(:[A-Za-z0-9_-]{1,20})?$/.exec(parts[i]);
      if (!m || !STANDARD.test(m[1])) return "s.events entry '" + parts[i] + "' is not an Adobe event";
      if (m[2] && !/^event/.test(m[1])) return "s.events: " + m[1] + " takes no value";
    }
    return null;
  }
  function checkProducts(v) {
    var rows = v.split(","), i, f, j, m;
    for (i = 0; i < rows.length; i++) {
      f = rows[i].split(";");
      if (f.length > 6) return "s.products entry '" + rows[i] + "' has more than 6 fields";
      if (!f[1]) return "s.products entry '" + rows[i] + "' has no product";
      if (f.length > 2 && f[2] !== "" && !/^[0-9]+$/.test(f[2])) return "s.products quantity '" + f[2] + "' is not a whole number";
      if (f.length > 3 && f[3] !== "" && !/^-?[0-9]+(\.[0-9]+)?$/.test(f[3])) return "s.products price '" + f[3] + "' is not a number";
      for (j = 0; f[4] && j < f[4].split("|").length; j++) {
        m = /^(event[0-9]+)=-?[0-9]+(\.[0-9]+)?$/.exec(f[4].split("|")[j]);
        if (!m || !STANDARD.test(m[1])) return "s.products events field '" + f[4] + "' is not event=number|...";
      }
      for (j = 0; f[5] && j < f[5].split("|").length; j++) {
        m = /^(eVar[0-9]+)=.+$/.exec(f[5].split("|")[j]);
        if (!m || !numbered(m[1])) return "s.products merchandising field '" + f[5] + "' is not eVarN=value|...";
      }
    }
    return null;
  }
  function checkTracker(t) {
    var k, v, why;
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k) || t[k] === undefined) continue;
      if (!known(k)) return "unknown AppMeasurement variable s." + k;
      v = t[k];
      if (k === "contextData") {
        if (v === null || typeof v !== "object") return "s.contextData must be an object";
        for (why in v) {
          if (v[why] !== null && typeof v[why] === "object" && !(v[why] instanceof Array)) return "context data " + why + " is an object";
        }
      } else if (k === "visitor") {
        if (!v || !v.__visitorOrg) return "s.visitor is not a Visitor.getInstance() instance";
      } else if (k === "collectHighEntropyUserAgentHints") {
        if (typeof v !== "boolean") return "s.collectHighEntropyUserAgentHints must be a boolean";
      } else if (typeof v !== "string") {
        return "s." + k + " must be a string, got " + typeof v;
      }
    }
    if (t.events && (why = checkEvents(t.events))) return why;
    if (t.products && (why = checkProducts(t.products))) return why;
    if (t.purchaseID && t.purchaseID.length > 20) return "s.purchaseID is longer than 20 characters";
    return null;
  }
  function snapshot(t, listed, events) {
    var out = {}, k, ctx;
    for (k in t) {
      if (!Object.prototype.hasOwnProperty.call(t, k) || t[k] === undefined || k === "contextData") continue;
      if (listed && CONFIG.indexOf(k) < 0 && listed.indexOf(k) < 0) continue;
      if (!listed && (k === "linkTrackVars" || k === "linkTrackEvents")) continue; /* t() does not send them */
      out[k] = k === "visitor" ? {marketingCloudOrgID: t[k].__visitorOrg} : t[k];
    }
    ctx = {};
    for (k in t.contextData || {}) if (!listed || listed.indexOf("contextData." + k) > -1) ctx[k] = t.contextData[k];
    out.contextData = ctx;
    if (listed && out.events) {
      out.events = out.events.split(",").filter(function (e) { return events.indexOf(e.split(/[=:]/)[0]) > -1; }).join(",");
      if (!out.events) delete out.events;
    }
    return out;
  }
  function AppMeasurement(account) { Object.defineProperty(this, "account", {value: account, enumerable: true, writable: true}); this.contextData = {}; }
  AppMeasurement.prototype.t = function () {
    var why = arguments.length > 1 || (arguments.length === 1 && (arguments[0] === null || typeof arguments[0] !== "object")) ?
      "t() takes at most one variable overrides object" : checkTracker(this);
    checked("t", [snapshot(this, null, null)], why);
  };
  AppMeasurement.prototype.tl = function (target, type, name) {
    var why = checkTracker(this), listed, events, i;
    listed = !this.linkTrackVars || this.linkTrackVars === "None" ? [] : this.linkTrackVars.split(",");
    events = !this.linkTrackEvents || this.linkTrackEvents === "None" ? [] : this.linkTrackEvents.split(",");
    if (arguments.length !== 3) why = why || "tl takes (linkObject, linkType, linkName)";
    if (!(target === true || (target && typeof target === "object"))) why = why || "tl link object must be true or an element";
    if (["o", "d", "e"].indexOf(type) < 0) why = why || "tl link type must be o, d or e";
    if (typeof name !== "string" || !name || name.length > 100) why = why || "tl link name must be 1-100 characters";
    for (i = 0; !why && i < listed.length; i++) {
      if (/^contextData\./.test(listed[i])) { if (!(listed[i].slice(12) in (this.contextData || {}))) why = "linkTrackVars names unset " + listed[i]; }
      else if (!known(listed[i])) why = "linkTrackVars names unknown variable " + listed[i];
      else if (this[listed[i]] === undefined) why = "linkTrackVars names unset " + listed[i];
    }
    for (i = 0; !why && i < events.length; i++) if (!STANDARD.test(events[i])) why = "linkTrackEvents entry " + events[i] + " is not an Adobe event";
    checked("tl", [type, name, snapshot(this, listed, events)], why);
  };
  AppMeasurement.prototype.clearVars = function () {
    var k;
    for (k in this) if (Object.prototype.hasOwnProperty.call(this, k) && (HIT.indexOf(k) > -1 || numbered(k)) && k !== "contextData") delete this[k];
  };
  if (/visitorapi(\.min)?\.js$/i.test(src.split("?")[0])) {
    w.Visitor = {getInstance: function (org, config) {
      var why = null, k, okKeys = ["trackingServer", "trackingServerSecure", "marketingCloudServer",
        "marketingCloudServerSecure", "cookieDomain", "overwriteCrossDomainMCIDAndAID", "idSyncContainerID"];
      if (typeof org !== "string" || !/@AdobeOrg$/.test(org)) why = "the organization id must end in @AdobeOrg";
      for (k in config || {}) if (okKeys.indexOf(k) < 0) why = why || "unknown Visitor configuration " + k;
      checked("Visitor.getInstance", [org, config || {}], why);
      if (!visitors[org]) {
        visitors[org] = {getMarketingCloudVisitorID: function () { return "mid-stub"; }};
        Object.defineProperty(visitors[org], "__visitorOrg", {value: org});
      }
      return visitors[org];
    }};
    return;
  }
  w.AppMeasurement = AppMeasurement;
  w.s_gi = function (account) {
    if (typeof account !== "string" || !/^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/.test(account)) {
      complain("s_gi needs the report suite id(s), comma-separated");
    }
    if (!trackers[account]) trackers[account] = new AppMeasurement(account);
    return trackers[account];
  };
})(window);
