/* Index page: reload when the preview has built again (polls the status endpoint). */
(function (w, d) {
  var data = JSON.parse(d.getElementById("preview-data").textContent);
  function poll() {
    w.fetch("/_preview/status.json", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.build_number !== data.build_number) w.location.reload(); else w.setTimeout(poll, 500);
    }, function () { w.setTimeout(poll, 2000); });
  }
  w.setTimeout(poll, 500);
})(window, document);
