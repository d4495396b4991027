// Filters index tables as you type. No dependencies, no network.
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll("input.portal-filter-input").forEach(function (input) {
      if (input.dataset.ready) { return; }
      input.dataset.ready = "1";
      var table = document.getElementById(input.dataset.table);
      if (!table) { return; }
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
      var counter = input.closest("p").querySelector(".portal-filter-count");
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row, i) {
          var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
          row.hidden = !ok;
          if (ok) { shown += 1; }
        });
        if (counter) { counter.textContent = shown + " of " + rows.length + (rows.length === 1 ? " entity" : " entities"); }
      });
    });
  }
  // Entity pages, kind indexes, TechDocs and the metrics section's team, system and
  // scorecard pages are not in the navigation (there are thousands), so the theme marks
  // no tab for them: mark the tab they belong under.
  function markTab() {
    var path = location.pathname;
    if (document.getElementById("portal-404-path")) { return; }  // no page: no tab
    var tab = /\/catalog\/.+\/docs(-contents)?\//.test(path) ? /\/techdocs\/$/
      : /\/(kinds|catalog)\//.test(path) ? /\/kinds\/$/
      : /\/metrics\/.+/.test(path) ? /\/metrics\/$/ : null;
    if (!tab || document.querySelector(".md-tabs__item--active")) { return; }
    document.querySelectorAll("a.md-tabs__link").forEach(function (link) {
      if (tab.test(new URL(link.href, location.href).pathname)) {
        link.closest(".md-tabs__item").classList.add("md-tabs__item--active");
      }
    });
  }
  function ready() { setup(); markTab(); }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(ready);  // Material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
})();
