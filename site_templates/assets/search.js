// Search ranks with the portal's own worker (search-worker.js; generator/site/search.py
// says why). This runs before the theme's script, which reads the worker's address from
// its configuration: point it at ours. The theme resolves its base against the page's
// address, not a <base>: the 404 page has one (not_found.py), so resolve it here.
(function () {
  "use strict";
  var config = document.getElementById("__config");
  var script = document.currentScript;
  var engine = document.querySelector("meta[name='generator']");
  if (!config || !script || !script.src) { return; }
  // Only Material's page script speaks the worker protocol ours does (Zensical's has
  // its own worker and index: README, "Engines").
  if (!engine || engine.content.indexOf("mkdocs-material") < 0) { return; }
  try {
    var data = JSON.parse(config.textContent);
    if (data.search) {
      data.search = new URL("search-worker.js", script.src).href;
    }
    if (document.querySelector("base[href]") && data.base) {
      data.base = new URL(data.base, document.baseURI).href;
    }
    config.textContent = JSON.stringify(data);
  } catch (err) {
    // A configuration the theme cannot read either: leave it to the theme to report.
  }
})();
