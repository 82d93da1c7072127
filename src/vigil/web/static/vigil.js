// vigil UI: the only script. Live results for forms marked data-live (debounced, server-rendered
// fragments, stale responses dropped), and small progressive enhancements. No build step, no CDN.
(function () {
  "use strict";
  var DEBOUNCE_MS = 250;

  function live(form) {
    var target = document.querySelector(form.dataset.target);
    var timer = null, controller = null, seq = 0;

    function run() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
      var query = params.toString();
      var url = form.dataset.live + (query ? "?" + query : "");
      history.replaceState(null, "", url);  // the address bar always reproduces what is shown
      if (!params.get("q") && !params.get("id")) return;
      if (controller) controller.abort();
      controller = new AbortController();
      var mine = ++seq;
      target.classList.add("loading");
      fetch(url, { headers: { "X-Vigil-Partial": "1" }, signal: controller.signal, credentials: "same-origin" })
        .then(function (resp) {
          if (resp.status === 401) { window.location = "/ui/login?next=" + encodeURIComponent(url); return null; }
          return resp.text();
        })
        .then(function (html) {
          if (html === null || mine !== seq) return;  // a newer request is on its way
          target.innerHTML = html;
          target.classList.remove("loading");
          target.dispatchEvent(new CustomEvent("vigil:updated", { bubbles: true }));
        })
        .catch(function (err) { if (err.name !== "AbortError") target.classList.remove("loading"); });
    }

    function schedule() { clearTimeout(timer); timer = setTimeout(run, DEBOUNCE_MS); }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); run(); });
  }

  // Lists page: offer only the chosen dataset's snapshots in the from/to menus.
  function diffForm(form) {
    var ds = form.querySelector("#diff-dataset");
    function sync() {
      form.querySelectorAll("option[data-dataset]").forEach(function (o) {
        var show = o.dataset.dataset === ds.value;
        o.hidden = !show; o.disabled = !show;
        if (!show && o.selected) o.parentElement.value = "";
      });
    }
    ds.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live]").forEach(live);
    var diff = document.getElementById("diff-form");
    if (diff) diffForm(diff);
    var scan = document.getElementById("scan-form");
    if (scan) scan.addEventListener("submit", function () { scan.classList.add("busy"); });
  });
})();
