// The console's little JavaScript (no build step): local times, live countdowns, status polling, the catalog
// picker's filter, copy buttons and confirmations. Every page works without it; it only keeps pages current.
(function () {
  "use strict";
  var dataNode = document.getElementById("console-data");
  var data = dataNode ? JSON.parse(dataNode.textContent || "{}") : {};

  function localTime(node) {
    var iso = node.getAttribute("datetime");
    if (!iso) { node.textContent = "\u2014"; node.removeAttribute("title"); return; }
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return; }
    node.textContent = when.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "medium"});
    node.title = iso;
  }

  function countdownText(until) {
    if (!until) { return ""; }
    var left = Math.round((new Date(until).getTime() - Date.now()) / 1000);
    if (isNaN(left)) { return ""; }
    if (left <= 0) { return "visible everywhere now"; }
    var minutes = Math.floor(left / 60), seconds = left % 60;
    return "in " + (minutes ? minutes + " min " : "") + seconds + " s";
  }

  function tick() {
    document.querySelectorAll("[data-until]").forEach(function (node) {
      node.textContent = countdownText(node.getAttribute("data-until"));
    });
  }

  function setTime(scope, field, iso) {
    scope.querySelectorAll('[data-field="' + field + '"]').forEach(function (node) {
      node.setAttribute("datetime", iso || "");
      localTime(node);
    });
  }

  function renderError(node, error) {
    node.textContent = "";
    if (!error) {
      var none = document.createElement("span");
      none.className = "muted";
      none.textContent = "none";
      node.appendChild(none);
      return;
    }
    var head = document.createElement("div");
    head.className = "error-text";
    head.textContent = error.stage + " failed" + (error.message || error.problems.length ? ": " : "") + error.message;
    node.appendChild(head);
    var list = document.createElement("ul");
    list.className = "problems-list";
    error.problems.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.where + " " + (p.path ? p.path + ": " : "") + p.message + " [" + p.code + "]";
      list.appendChild(item);
    });
    node.appendChild(list);
  }

  function update(row) {
    document.querySelectorAll('[data-source="' + CSS.escape(row.id) + '"]').forEach(function (scope) {
      scope.querySelectorAll('[data-field="state"]').forEach(function (node) {
        node.textContent = row.state_text;
        node.className = "state state-" + row.state_class;
        node.setAttribute("data-state", row.state);
      });
      scope.querySelectorAll('[data-field="build_id"]').forEach(function (node) {
        node.textContent = row.build_id || "\u2014";
      });
      setTime(scope, "published_at", row.published_at);
      setTime(scope, "visible_everywhere_by", row.visible_everywhere_by);
      scope.querySelectorAll('[data-field="countdown"]').forEach(function (node) {
        node.setAttribute("data-until", row.visible_everywhere_by || "");
      });
      scope.querySelectorAll('[data-field="error"]').forEach(function (node) { renderError(node, row.error); });
      if (scope.tagName === "TR") { scope.classList.toggle("failed", !!row.error); }
    });
    tick();
  }

  function poll() {
    fetch(data.status_url, {credentials: "same-origin", headers: {"Accept": "application/json"}, redirect: "manual"})
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 303) { window.location.reload(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (status) { status.sources.forEach(update); }
      })
      .catch(function () { /* the service restarts: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, 1500); });
  }

  function picker() {
    var search = document.getElementById("picker-search");
    var category = document.getElementById("picker-category");
    var count = document.getElementById("picker-count");
    if (!search || !category) { return; }
    function filter() {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
      document.querySelectorAll("#picker-list li").forEach(function (item) {
        var text = item.getAttribute("data-search");
        var categories = item.getAttribute("data-categories").split("|");
        var visible = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
          (!category.value || categories.indexOf(category.value) >= 0);
        item.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      count.textContent = shown + (shown === 1 ? " destination" : " destinations");
    }
    search.addEventListener("input", filter);
    category.addEventListener("change", filter);
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-copy");
        var text = document.getElementById(id).textContent;
        var done = document.querySelector('[data-copied="' + id + '"]');
        var say = function (message) { if (done) { done.textContent = message; } };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { say("Copied."); }, function () { say("Select it and copy."); });
        } else {
          var range = document.createRange();
          range.selectNodeContents(document.getElementById(id));
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          say(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C.");
        }
      });
    });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  document.querySelectorAll("time[datetime]").forEach(localTime);
  tick();
  window.setInterval(tick, 1000);
  picker();
  copyButtons();
  confirmations();
  if (data.status_url) { poll(); }
}());
