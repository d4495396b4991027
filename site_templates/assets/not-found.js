// The 404 page: show the address that was asked for, and offer its last meaningful part
// as a search (the home page opens the search box with ?q=). No dependencies.
(function () {
  "use strict";
  var path = decodeURIComponent(location.pathname);
  var shown = document.getElementById("portal-404-path");
  if (shown) { shown.textContent = path; }
  var structure = ["catalog", "default", "kinds", "docs", "techdocs", "handbook", "maps",
    "api", "entities", "index.html", "component", "resource", "system", "domain", "group",
    "user", "template", "location"];
  var home = new URL("../", document.baseURI);
  var parts = path.slice(home.pathname.length - 1).split("/").filter(function (part) {
    return part && structure.indexOf(part.toLowerCase()) < 0;
  });
  var query = parts.length ? parts[parts.length - 1].replace(/\.(html?|md)$/i, "") : "";
  var offer = document.getElementById("portal-404-search");
  if (!offer || !query) { return; }
  offer.querySelector("span").textContent = query;
  offer.querySelector("a").href = home.href + "?q=" + encodeURIComponent(query);
  offer.hidden = false;
})();
