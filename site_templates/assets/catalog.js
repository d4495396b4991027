// The catalog table's filters: kind, type, owner ("my team"), lifecycle, system, tag and
// text, read from each row's data attributes. The filters live in the URL (?kind=api&
// tag=pii), so a link shares the view; "my team" is remembered in this browser
// (localStorage) and written as owner=me. No network, no dependencies.
(function () {
  "use strict";
  var KEY = "portal-my-team";
  var FIELDS = ["kind", "type", "owner", "lifecycle", "system", "tag", "q"];

  function myTeam() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  function setup() {
    var root = document.getElementById("portal-catalog");
    if (!root || root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var form = root.querySelector("form.portal-catalog-filters");
    var status = root.querySelector(".portal-catalog-count");
    var remember = root.querySelector(".portal-my-team");
    var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
    var texts = rows.map(function (r) { return (r.dataset.name + " " + r.textContent).toLowerCase(); });
    var meOption = form.elements.owner.querySelector("option[value='me']");

    function labelMe() {
      var team = myTeam();
      var option = team && form.elements.owner.querySelector("option[value='" + CSS.escape(team) + "']");
      meOption.textContent = option ? "My team: " + option.textContent : "My team (not chosen yet)";
    }

    function apply() {
      var want = {};
      FIELDS.forEach(function (f) { want[f] = form.elements[f].value.trim(); });
      var owner = want.owner === "me" ? myTeam() : want.owner;
      var words = want.q.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var d = row.dataset;
        var ok = (!want.kind || d.kind === want.kind) && (!want.type || d.type === want.type) &&
          (!want.owner || (owner !== "" && d.owner === owner)) &&
          (!want.lifecycle || d.lifecycle === want.lifecycle) &&
          (!want.system || d.system === want.system) &&
          (!want.tag || (" " + d.tags + " ").indexOf(" " + want.tag + " ") !== -1) &&
          words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      var noun = rows.length === 1 ? " entity" : " entities";
      status.textContent = shown === rows.length ? rows.length + noun
        : shown + " of " + rows.length + noun + " match the filters";
      if (want.owner === "me" && !myTeam()) {
        status.textContent += ". Choose your team as the owner, then “Remember this owner as my team”.";
      }
      remember.hidden = !want.owner || want.owner === "me" || want.owner === myTeam();
      var query = new URLSearchParams();
      FIELDS.forEach(function (f) { if (want[f]) { query.set(f, want[f]); } });
      var search = query.toString();
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }

    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (f) {
      var value = params.get(f);
      var field = form.elements[f];
      if (value === null) { return; }
      if (field.tagName === "SELECT" && !field.querySelector("option[value='" + CSS.escape(value) + "']")) {
        var extra = document.createElement("option");  // a value no entity has: say so, match none
        extra.value = value;
        extra.textContent = value + " (none)";
        field.appendChild(extra);
      }
      field.value = value;
    });
    labelMe();
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    remember.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, form.elements.owner.value); } catch (e) { return; }
      labelMe();
      form.elements.owner.value = "me";
      apply();
    });
    apply();
    // Tag links in the table filter in place.
    root.addEventListener("click", function (e) {
      var link = e.target.closest("a.portal-tag");
      if (!link) { return; }
      e.preventDefault();
      form.elements.tag.value = link.textContent;
      apply();
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setup);  // Material's instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
