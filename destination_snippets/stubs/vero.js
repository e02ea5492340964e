/* Recording stub for Vero m.js (answers https://d3qxef4rp70elm.cloudfront.net/m.js).
 * Like m.js it replaces the _veroq array with an object whose push runs commands, replays the queued ones and
 * sets _veroq.ready. Each push([command, ...]) is recorded with method = command. */
(function (w) {
  var NAME = "Vero", queued = w._veroq || [], q, i;
  function record(method, args) {
    var copy;
    args = Array.prototype.slice.call(args || [], 0);
    try { copy = JSON.parse(JSON.stringify(args)); } catch (e) { copy = args; }
    (w.__bundlesmithVendorCalls = w.__bundlesmithVendorCalls || []).push({destination: NAME, method: method, args: copy});
  }
  q = w._veroq = {
    ready: true,
    push: function (command) { if (command && command.length) record(String(command[0]), command.slice(1)); }
  };
  for (i = 0; i < queued.length; i++) q.push(queued[i]);
})(window);
