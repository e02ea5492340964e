/* Recording stub for the Braze Web SDK (answers https://js.appboycdn.com/web-sdk/<version>/braze.min.js).
 * Defines window.braze with initialize/isInitialized/automaticallyShowInAppMessages/openSession/changeUser/getUser/
 * logCustomEvent/logPurchase and User.Genders; user setters are recorded as "user.<setter>". */
(function (w) {
  var NAME = "Braze", initialized = false, user = {}, setters, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  function recorder(method, result) { return function () { record(method, arguments); return result; }; }
  setters = ["setEmail", "setFirstName", "setLastName", "setPhoneNumber", "setGender", "setDateOfBirth", "setHomeCity",
    "setCountry", "setLanguage", "setCustomUserAttribute", "addToCustomAttributeArray", "incrementCustomUserAttribute"];
  for (i = 0; i < setters.length; i++) user[setters[i]] = recorder("user." + setters[i], true);
  w.braze = {
    initialize: function () { record("initialize", arguments); initialized = true; return true; },
    isInitialized: function () { return initialized; },
    automaticallyShowInAppMessages: recorder("automaticallyShowInAppMessages"),
    openSession: recorder("openSession"),
    changeUser: recorder("changeUser"),
    getUser: function () { return user; },
    logCustomEvent: recorder("logCustomEvent", true),
    logPurchase: recorder("logPurchase", true),
    wipeData: recorder("wipeData"),
    User: {Genders: {MALE: "m", FEMALE: "f", OTHER: "o", UNKNOWN: "u", NOT_APPLICABLE: "n", PREFER_NOT_TO_SAY: "p"}}
  };
})(window);
