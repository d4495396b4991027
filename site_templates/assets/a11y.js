// Accessibility fixes the theme's templates leave no place for. No dependencies, no
// network.
(function () {
  "use strict";
  // The search dialog gets a name.
  var dialog = document.querySelector(".md-search[role='dialog']");
  if (dialog && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", "Search the portal");
  }
  // A Markdown table must have a header row; a key-value table in docs leaves it empty
  // ("| | |"): an empty row on screen, and headers a screen reader cannot name.
  document.querySelectorAll(".md-typeset table > thead").forEach(function (head) {
    if (!head.textContent.trim() && !head.querySelector("img, svg")) {
      head.remove();
    }
  });
  // A table wider than the screen scrolls sideways in its wrapper; a keyboard can
  // scroll it only if the wrapper takes focus (WCAG 2.1.1), so one that overflows does,
  // named after the heading above it (names of regions must differ). Run once the
  // theme has wrapped its tables.
  function scrollers() {
    var used = {};
    document.querySelectorAll(".md-typeset__scrollwrap, .portal-table-scroll").forEach(function (box, i) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) { return; }
      var heading = null;
      for (var n = box.previousElementSibling; n && !heading; n = n.previousElementSibling) {
        if (/^H[1-6]$/.test(n.tagName)) { heading = n.textContent.replace(/¶/g, "").trim(); }
      }
      var name = (heading ? heading + " table" : "Table") + ", scrolls sideways";
      if (used[name]) { name += " (" + (i + 1) + ")"; }
      used[name] = true;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", name);
    });
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(scrollers);
  } else {
    scrollers();
  }
  // Material adds a <nav> of buttons (copy) to each code block as it scrolls into view:
  // navigation landmarks need names that tell them apart.
  function codeNavs(root) {
    root.querySelectorAll("nav.md-code__nav:not([aria-label])").forEach(function (nav) {
      var all = root.querySelectorAll("pre");
      var at = Array.prototype.indexOf.call(all, nav.closest("pre")) + 1;
      nav.setAttribute("aria-label", "Code block " + (at || "") + " actions");
    });
  }
  var content = document.querySelector(".md-content");
  if (content && window.MutationObserver) {
    codeNavs(content);
    new MutationObserver(function () { codeNavs(content); })
      .observe(content, { childList: true, subtree: true });
  }
})();
