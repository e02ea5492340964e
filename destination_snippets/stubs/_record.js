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
})(window);
