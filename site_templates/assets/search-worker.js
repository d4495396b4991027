// The portal's search ranking, in the theme's search worker protocol (Material for
// MkDocs: the page sends {type: 0, data: {config, docs, options}} and gets {type: 1};
// then {type: 2, data: query} and gets {type: 3, data: {items, suggest}}, items being
// one list per page, its article first). search.js swaps it in for the theme's lunr
// worker; generator/site/search.py says why and writes the index it reads.
//
// Ranking, best first: a name, title or ref equal to the query; one that starts with it;
// a tag equal to it; every word of the query starting a word of the name, title or
// tags; every word anywhere (description, owner, system, page text); some of the words.
// Ties go to the kind (a domain, a system, a component before a resource or a person),
// then to the shorter name. Hyphens, dots, colons and case do not matter:
// `orders-app`, `Orders App` and `orders app` are the same query.
//
// Every string put into a result is escaped here: the theme inserts it as HTML.
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var KIND_RANK = ["domain", "system", "component", "api", "resource", "group", "user",
  "template", "location", "airesource"];
var PAGE_RANK = { docs: 20, "golden path": 21, handbook: 22, metrics: 23, page: 24 };
var STOP = ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is",
  "it", "of", "on", "or", "the", "to", "with"];
var SEPARATOR = /[^\p{L}\p{N}]+/u;
var EXCERPT = 180;
var MAX_GROUPS = 500;  // hits shown; on 10,000 entities one word can match thousands

var entries = [];
var articles = {};
var suggest = false;

function fold(text) {
  return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function words(text) {
  return fold(text).split(SEPARATOR).filter(Boolean);
}

function squash(text) {
  return words(text).join(" ");
}

function unique(list) {
  return list.filter(function (w, i) { return list.indexOf(w) === i; });
}

var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " " };

// The theme's index holds HTML (tags and entities): plain text, words kept apart.
function plain(markup) {
  return String(markup || "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
      if (name[0] === "#") {
        var code = name[1] === "x" || name[1] === "X"
          ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[name.toLowerCase()] || all;
    })
    .replace(/\s+/g, " ")
    .trim();
}

var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

function escape(text) {
  var s = String(text);
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, function (c) { return ESCAPES[c]; }) : s;
}

function kindRank(kind) {
  var k = fold(kind);
  var at = KIND_RANK.indexOf(k);
  return at >= 0 ? at : (PAGE_RANK[k] || 10);
}

function setup(docs) {
  entries = [];
  articles = {};
  docs.forEach(function (doc, order) {
    if (!doc || typeof doc.location !== "string") { return; }
    var p = doc.p || {};
    var path = doc.location.split("#")[0];
    var title = plain(doc.title);
    var text = plain(doc.text);
    var tags = Array.isArray(doc.tags) ? doc.tags.map(String) : [];
    var e = {
      doc: doc, p: p, order: order, title: title, text: text, tags: tags,
      path: path, section: doc.location.indexOf("#") >= 0 || path in articles,
      rank: kindRank(p.k || "")
    };
    if (p.n) {  // an entity
      e.whole = [p.n, title, p.r, p.f || ""].map(squash);  // a name that is its title too counts twice
      e.keys = unique(e.whole.filter(Boolean));
      e.tagKeys = tags.map(squash);
      e.named = unique(words([p.n, title].concat(tags).join(" ")));
      e.all = unique(e.named.concat(words([p.r, p.k, p.t, p.l, p.o, p.s, text].join(" "))));
    } else {  // a page or a section of one: "Runbook · FNOL Service" is also "Runbook"
      e.whole = unique([title.split(" · ")[0], title].map(squash));
      e.keys = unique(e.whole.filter(Boolean));
      e.tagKeys = tags.map(squash);
      e.named = unique(words(title + " " + tags.join(" ")));
      e.all = unique(e.named.concat(words([p.of, p.o, text].join(" "))));
    }
    e.namedWords = " " + e.named.join(" ") + " ";
    e.allWords = " " + e.all.join(" ") + " ";
    if (!e.section) {
      articles[path] = e;
    } else if (articles[path] && !articles[path].lead && text) {
      articles[path].lead = e;  // its first words, when the article has none of its own
    }
    entries.push(e);
  });
}

function parse(query) {
  var all = words(query);
  var kept = all.filter(function (w) { return STOP.indexOf(w) < 0; });
  var list = unique(kept.length ? kept : all);
  return { text: all.join(" "), words: list };
}

// 2 when `word` is one of the words in `spaced` (" a b c "), 1 when it starts one.
function startsAny(spaced, word) {
  if (spaced.indexOf(" " + word + " ") >= 0) { return 2; }
  return spaced.indexOf(" " + word) >= 0 ? 1 : 0;
}

// [tier, closeness]: smaller is better; null when nothing matches.
function match(e, q) {
  var i, key, best = null, exact = 0;
  for (i = 0; i < e.whole.length; i++) {
    if (e.whole[i] === q.text) { exact += 1; }
  }
  if (exact) { return { tier: 0, close: -exact, size: q.text.length }; }  // name and title
  for (i = 0; i < e.keys.length; i++) {
    key = e.keys[i];
    if (key.lastIndexOf(q.text, 0) === 0) {
      var close = key.charAt(q.text.length) === " " ? 0 : 1;  // at a word's end
      if (!best || close < best.close || (close === best.close && key.length < best.size)) {
        best = { tier: 1, close: close, size: key.length };
      }
    }
  }
  if (best) { return best; }
  if (e.tagKeys.indexOf(q.text) >= 0) { return { tier: 2, close: 0, size: 0 }; }
  var named = 0, whole = 0, found = 0;
  q.words.forEach(function (w) {
    var n = startsAny(e.namedWords, w);
    if (n) { named += 1; whole += n - 1; found += 1; return; }
    if (startsAny(e.allWords, w)) { found += 1; }
  });
  if (!found) { return null; }
  var size = e.keys.length ? e.keys[0].length : 0;
  if (named === q.words.length) { return { tier: 3, close: -whole, size: size }; }
  if (found === q.words.length) { return { tier: 4, close: -named, size: size }; }
  return { tier: 5, close: -found * 100 - named, size: size };
}

// A page of the site (docs, handbook, metrics) whose title is the query, or starts with
// it, comes after the entities whose names do: the catalog is what people look up most.
function demoted(e, m) {
  if (e.p.n || m.tier > 1) { return m; }
  return { tier: m.tier + 1.5, close: m.close, size: m.size };
}

function compare(a, b) {
  return a.m.tier - b.m.tier || a.m.close - b.m.close || a.e.rank - b.e.rank
    || a.m.size - b.m.size || (a.e.title < b.e.title ? -1 : a.e.title > b.e.title ? 1 : 0)
    || a.e.order - b.e.order;
}

var WORD_CHAR = /[\p{L}\p{N}]/u;

// Where query words start words of `text`: sorted [start, end] pairs. Found with
// indexOf, not a Unicode regular expression: hits are built for every match, and
// thousands of entities can match one word.
function spots(text, q) {
  var lower = text.toLowerCase();
  if (lower.length !== text.length) { lower = text; }  // a rare letter whose case is longer
  var found = [];
  q.words.forEach(function (w) {
    for (var at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) {
      if (at === 0 || !WORD_CHAR.test(lower.charAt(at - 1))) { found.push([at, at + w.length]); }
    }
  });
  found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  return found;
}

// Query words marked where they start a word of `text` (escaped).
function highlight(text, q) {
  var out = "", last = 0;
  spots(text, q).forEach(function (spot) {
    if (spot[0] < last) { return; }  // inside a longer one already marked
    out += escape(text.slice(last, spot[0])) + "<mark>" + escape(text.slice(spot[0], spot[1])) + "</mark>";
    last = spot[1];
  });
  return out + escape(text.slice(last));
}

// About EXCERPT characters of `text` around the first query word in it.
function excerpt(text, q) {
  var found = spots(text, q);
  var at = found.length ? found[0][0] : -1;
  var start = at > 60 ? text.lastIndexOf(" ", at - 50) + 1 : 0;
  var end = Math.min(text.length, start + EXCERPT);
  if (end < text.length) {
    var space = text.lastIndexOf(" ", end);
    end = space > start + EXCERPT / 2 ? space : end;
  }
  var piece = text.slice(start, end);
  return (start > 0 ? "… " : "") + highlight(piece, q) + (end < text.length ? " …" : "");
}

function owner(p) {
  return p.o ? " · Owner: " + escape(p.o) + (p.ok ? " <span class=\"portal-hit-of\">(" +
    escape(fold(p.ok)) + ")</span>" : "") : "";
}

function meta(e) {
  var p = e.p;
  var kind = "<span class=\"portal-hit-kind\">" + escape(p.k || "Page") + "</span>";
  if (p.n) {
    var type = p.t ? " " + escape(p.t) : "";
    var system = p.s ? " · System: " + escape(p.s) : "";
    return kind + type + owner(p) + system;
  }
  if (p.of) {
    return kind + " of " + escape(p.of) + (p.ofk ? " <span class=\"portal-hit-of\">(" +
      escape(fold(p.ofk)) + ")</span>" : "") + owner(p);
  }
  return kind;
}

function item(e, q, score, body) {
  var terms = {};
  q.words.forEach(function (w) { terms[w] = startsAny(e.allWords, w) > 0; });
  var text = body === undefined ? "" : body;
  return { location: e.doc.location, title: highlight(e.title, q), text: text, score: score, terms: terms };
}

function teaser(e, best, q) {
  var line = "<p class=\"portal-hit-meta\">" + meta(e) + "</p>";
  var source = e.p.n ? e.text : (best.text || e.text || (e.lead ? e.lead.text : ""));
  var text = !source ? "" : "<p class=\"portal-hit-text\">" +
    (e.p.n ? highlight(source, q) : excerpt(source, q)) + "</p>";
  // Tags as text, not the theme's tag list: a <nav> per hit, landmarks without names.
  var tags = e.tags.length ? "<p class=\"portal-hit-tags\">" + e.tags.map(function (t) {
    return "<span class=\"portal-hit-tag\">" + highlight(t, q) + "</span>";
  }).join(" ") + "</p>" : "";
  return line + text + tags;
}

function search(query) {
  var q = parse(query);
  if (!q.words.length) { return { items: [] }; }
  var hits = [];
  entries.forEach(function (e) {
    var m = match(e, q);
    if (m) { hits.push({ e: e, m: demoted(e, m) }); }
  });
  hits.sort(compare);
  // One group per page: its article first, with a teaser from its best match; the
  // other matching sections follow with lower scores ("N more on this page").
  var groups = [], byPath = {};
  hits.forEach(function (hit) {
    var group = byPath[hit.e.path];
    if (!group) {
      group = byPath[hit.e.path] = { article: articles[hit.e.path] || hit.e, best: hit.e, rest: [] };
      groups.push(group);
    }
    if (hit.e !== group.article) { group.rest.push(hit.e); }
  });
  groups = groups.slice(0, MAX_GROUPS);
  var score = hits.length + groups.length + 1;
  var items = groups.map(function (g) {
    var top = score;
    score -= g.rest.length + 1;
    return [item(g.article, q, top, teaser(g.article, g.best, q))].concat(g.rest.map(function (e, i) {
      return item(e, q, top - 1 - i, "<p class=\"portal-hit-text\">" + excerpt(e.text, q) + "</p>");
    }));
  });
  var result = { items: items };
  if (suggest) { result.suggest = completion(hits, q); }
  return result;
}

// The theme completes the last word typed with the last suggestion that starts with
// it: offer the word of the best hit's name or title it would become.
function completion(hits, q) {
  var last = q.words[q.words.length - 1];
  if (!hits.length || !last) { return []; }
  var found = startsWith(hits[0].e.named, last);
  return found ? [found] : [];
}

function startsWith(list, word) {
  for (var i = 0; i < list.length; i++) {
    if (list[i].lastIndexOf(word, 0) === 0 && list[i] !== word) { return list[i]; }
  }
  return null;
}

addEventListener("message", function (ev) {
  var message = ev.data || {};
  if (message.type === SETUP) {
    var data = message.data || {};
    suggest = !!(data.options && data.options.suggest);
    setup(Array.isArray(data.docs) ? data.docs : []);
    postMessage({ type: READY });
  } else if (message.type === QUERY) {
    var result;
    try {
      result = search(String(message.data || ""));
    } catch (err) {
      console.warn("search failed for " + JSON.stringify(message.data), err);
      result = { items: [] };
    }
    postMessage({ type: RESULT, data: result });
  }
});
