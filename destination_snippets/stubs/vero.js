/* Checking stub for Vero m.js (answers https://d3qxef4rp70elm.cloudfront.net/m.js).
 * Like m.js it replaces the push of the _veroq array with its command runner (the loaded signal Segment checks) and
 * replays the queued commands. Each push([command, ...]) is checked against Vero's documented JavaScript API
 * (init {api_key}; user {id or email, ...}; track name[, data[, extras]]; trackPageview; reidentify newId[, oldId];
 * unsubscribe/resubscribe {id} or id; tags {id?, add?|remove?: [...]}) and recorded with method = command; a push that
 * breaks it is recorded as "invalid:<command>" and its reason pushed to window.__bundlesmithVendorErrors. */
(function (w) {
  var NAME = "Vero", queued = w._veroq || [], q, i, initialised = false;
  function record(method, args) { w.__bundlesmithRecord(NAME, method, args); }
  function isObj(o) { return o !== null && typeof o === "object" && !(o instanceof Array); }
  function isId(v) { return (typeof v === "string" && v !== "") || typeof v === "number"; }
  function check(c) {
    var n = c.length;
    if (c[0] !== "init" && !initialised) return "the init command must come first";
    switch (c[0]) {
      case "init":
        return n === 2 && isObj(c[1]) && typeof c[1].api_key === "string" && c[1].api_key ? null : "init takes {api_key}";
      case "user":
        if (n !== 2 || !isObj(c[1])) return "user takes one object of attributes";
        return isId(c[1].id) || isId(c[1].email) ? null : "user needs an id or an email";
      case "track":
        if (n < 2 || n > 4 || typeof c[1] !== "string" || !c[1]) return "track takes (name, data, extras)";
        return (n < 3 || isObj(c[2])) && (n < 4 || isObj(c[3])) ? null : "track data and extras must be objects";
      case "trackPageview":
        return n === 1 ? null : "trackPageview takes no arguments";
      case "reidentify":
        return (n === 2 || n === 3) && isId(c[1]) && (n === 2 || isId(c[2])) ? null : "reidentify takes (newId, oldId)";
      case "unsubscribe":
      case "resubscribe":
        return n === 2 && (isId(c[1]) || isObj(c[1])) ? null : c[0] + " takes a user id or {id}";
      case "tags":
        if (n !== 2 || !isObj(c[1])) return "tags takes one object";
        return c[1].add instanceof Array || c[1].remove instanceof Array ? null : "tags needs an add or remove list";
      default:
        return "unknown _veroq command " + c[0];
    }
  }
  q = w._veroq = queued instanceof Array ? queued : [];
  q.push = function (command) {
    var c = command instanceof Array ? command : [command], why = check(c);
    if (c[0] === "init" && !why) initialised = true;
    w.__bundlesmithChecked(NAME, String(c[0]), c.slice(1), why);
    return 0;
  };
  queued = queued instanceof Array ? queued.splice(0, queued.length) : [];
  for (i = 0; i < queued.length; i++) q.push(queued[i]);
})(window);
