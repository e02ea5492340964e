/* Shared by every stub (served in front of it by bundlesmith/preview/vendor_stubs.py): records one vendor call as
 * {destination, method, args} in window.__bundlesmithVendorCalls, the arguments copied through JSON so a later
 * change by the caller does not rewrite what was recorded. */
(function (w) {
  w.__bundlesmithRecord = w.__bundlesmithRecord || function (destination, method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: destination, method: method,
                                                                          args: copy});
  };
  /* A call the vendor's documented API refuses (`why`): reported in window.__bundlesmithVendorErrors and recorded as
   * "invalid:<method>"; otherwise recorded as <method>. */
  w.__bundlesmithComplain = w.__bundlesmithComplain || function (destination, message) {
    (w.__bundlesmithVendorErrors = w.__bundlesmithVendorErrors || []).push({destination: destination, message: message});
  };
  w.__bundlesmithChecked = w.__bundlesmithChecked || function (destination, method, args, why) {
    if (why) { w.__bundlesmithComplain(destination, why); w.__bundlesmithRecord(destination, "invalid:" + method, args); }
    else w.__bundlesmithRecord(destination, method, args);
  };
})(window);
