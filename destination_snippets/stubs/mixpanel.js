/* Recording stub for Mixpanel (answers https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js in tests/preview).
 * Like mixpanel-2-latest.min.js it turns the snippet array (window.mixpanel with __SV and _i) into the library,
 * runs the queued init calls, replays queued method calls and sets __loaded. Records every call. */
(function (w) {
  var NAME = "Mixpanel", snippet = w.mixpanel, lib = {}, methods, i;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function recorder(method) { return function () { record(method, arguments); }; }
  methods = ["track", "identify", "register", "register_once", "unregister", "alias", "reset", "set_group",
    "add_group", "remove_group", "track_pageview", "time_event", "set_config", "name_tag", "track_links", "track_forms"];
  for (i = 0; i < methods.length; i++) lib[methods[i]] = recorder(methods[i]);
  lib.people = {};
  methods = ["set", "set_once", "unset", "increment", "append", "union", "track_charge", "delete_user"];
  for (i = 0; i < methods.length; i++) lib.people[methods[i]] = recorder("people." + methods[i]);
  lib.get_property = function () { return undefined; };
  lib.get_distinct_id = function () { return "stub-distinct-id"; };
  lib.get_group = function (key, id) {
    return {
      set: function () { record("get_group(" + key + "," + id + ").set", arguments); },
      set_once: function () { record("get_group(" + key + "," + id + ").set_once", arguments); }
    };
  };
  lib.init = function (token, config, name) {
    record("init", [token, config, name]);
    lib.config = config || {};
    lib.__loaded = true;
  };
  w.mixpanel = lib;
  if (snippet && snippet._i) for (i = 0; i < snippet._i.length; i++) lib.init.apply(lib, snippet._i[i]);
  if (snippet && snippet.length) {
    for (i = 0; i < snippet.length; i++) {
      if (snippet[i] && typeof lib[snippet[i][0]] === "function") lib[snippet[i][0]].apply(lib, snippet[i].slice(1));
    }
  }
})(window);
