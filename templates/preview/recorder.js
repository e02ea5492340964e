/* Test page: record every call each device-mode destination receives (the runtime's destination:call events),
 * for the inspector beside this page. Runs before the snippet, through the snippet's own buffer. */
(function (w) {
  var rec = w.__bundlesmithPreview = { calls: [] };
  function copy(v) { try { return JSON.parse(JSON.stringify(v === undefined ? null : v)); } catch (e) { return String(v); } }
  var a = w.analytics = w.analytics || [];
  a.push(["on", "destination:call", function (name, type, event, error) {
    rec.calls.push({ destination: name, type: type, event: copy(event), error: error || null });
  }]);
})(window);
