/* Recording stub for the Braze Web SDK 4+ (answers https://js.appboycdn.com/web-sdk/<version>/braze.no-module.min.js).
 * Defines window.braze with the part of the documented API the adapter may use: initialize (options checked against
 * the SDK's InitializationOptions), isInitialized, automaticallyShowInAppMessages, openSession, changeUser, getUser,
 * logCustomEvent, logPurchase and User.Genders; user setters are recorded as "user.<setter>". A call the real SDK
 * would refuse (wrong argument types, an unknown option, use before initialize) is recorded as "invalid:<method>",
 * its reason is pushed to window.__bundlesmithVendorErrors, and it returns false, as the SDK does.
 * API: https://js.appboycdn.com/web-sdk/latest/doc/modules/braze.html */
(function (w) {
  var NAME = "Braze", initialized = false, user = {}, setters, i;
  var OPTIONS = ["allowCrawlerActivity", "allowUserSuppliedJavascript", "appVersion", "appVersionNumber", "baseUrl",
    "contentSecurityNonce", "cookieExpiryInDays", "devicePropertyAllowlist", "deviceId", "disablePushTokenMaintenance",
    "doNotLoadFontAwesome", "enableLogging", "enableSdkAuthentication", "inAppMessageZIndex", "localization",
    "manageServiceWorkerExternally", "minimumIntervalBetweenTriggerActionsInSeconds", "noCookies", "openCardsInNewTab",
    "openInAppMessagesInNewTab", "requireExplicitInAppMessageDismissal", "safariWebsitePushId",
    "serviceWorkerLocation", "serviceWorkerScope", "sessionTimeoutInSeconds"];
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function invalid(method, why) {
    w.__bundlesmithComplain(NAME, "braze." + method + ": " + why);
    record("invalid:" + method, []);
    return false;
  }
  function isObject(v) { return v !== null && typeof v === "object" && !(v instanceof Array); }
  function isString(v) { return typeof v === "string"; }
  function nullableString(v) { return v === null || typeof v === "string"; }
  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  /* each user setter: its argument check, as the SDK documents it */
  setters = {
    setEmail: nullableString, setFirstName: nullableString, setLastName: nullableString,
    setPhoneNumber: nullableString, setHomeCity: nullableString, setCountry: nullableString,
    setLanguage: nullableString,
    setGender: function (g) { return g === null || (isString(g) && /^[mfounp]$/i.test(g)); },
    setDateOfBirth: function (y, m, d) { return isNumber(y) && isNumber(m) && isNumber(d); },
    setCustomUserAttribute: function (k, v) { return isString(k) && k.charAt(0) !== "$" && v !== undefined; },
    addToSubscriptionGroup: isString, removeFromSubscriptionGroup: isString
  };
  function setter(name, check) {
    return function () {
      if (!initialized) return invalid("getUser()." + name, "called before initialize");
      if (!check.apply(null, arguments)) return invalid("getUser()." + name, "arguments the SDK refuses");
      record("user." + name, arguments);
      return true;
    };
  }
  for (i in setters) if (Object.prototype.hasOwnProperty.call(setters, i)) user[i] = setter(i, setters[i]);
  function initializedOnly(method, check, result) {
    return function () {
      if (!initialized) return invalid(method, "called before initialize");
      if (check && !check.apply(null, arguments)) return invalid(method, "arguments the SDK refuses");
      record(method, arguments);
      return result;
    };
  }
  w.braze = {
    initialize: function (apiKey, options) {
      var k;
      if (!isString(apiKey) || !apiKey) return invalid("initialize", "the API key must be a non-empty string");
      if (options !== undefined && !isObject(options)) return invalid("initialize", "options must be an object");
      for (k in options || {}) if (OPTIONS.indexOf(k) < 0) return invalid("initialize", "unknown option " + k);
      if (!isString((options || {}).baseUrl)) return invalid("initialize", "baseUrl is required");
      record("initialize", arguments);
      initialized = true;
      return true;
    },
    isInitialized: function () { return initialized; },
    automaticallyShowInAppMessages: initializedOnly("automaticallyShowInAppMessages"),
    openSession: initializedOnly("openSession"),
    changeUser: initializedOnly("changeUser", function (id) { return isString(id) && id !== ""; }),
    getUser: function () { return initialized ? user : undefined; },
    logCustomEvent: initializedOnly("logCustomEvent", function (name, props) {
      return isString(name) && (props === undefined || props === null || isObject(props));
    }, true),
    logPurchase: initializedOnly("logPurchase", function (id, price, currency, quantity, props) {
      return isString(id) && isNumber(price) && isString(currency) && /^[A-Za-z]{3}$/.test(currency) &&
        isNumber(quantity) && quantity >= 1 && quantity <= 100 && (props === undefined || isObject(props));
    }, true),
    User: {Genders: {MALE: "m", FEMALE: "f", OTHER: "o", UNKNOWN: "u", NOT_APPLICABLE: "n", PREFER_NOT_TO_SAY: "p"}}
  };
})(window);
