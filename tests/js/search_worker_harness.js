// Runs site_templates/assets/search-worker.js under Node as the theme's page would: one
// setup message with the site's search index, then one query message per query.
// usage: node search_worker_harness.js WORKER INDEX QUERIES  (QUERIES: a JSON list)
// prints a JSON list: per query, the result with its first ten groups (each a list of
// its items) and the number of groups.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [worker, indexFile, queriesFile] = process.argv.slice(2);
const posted = [];
const context = { console, postMessage: (m) => posted.push(m), handler: null };
context.addEventListener = (type, fn) => { if (type === "message") { context.handler = fn; } };
vm.createContext(context);
vm.runInContext(fs.readFileSync(worker, "utf8"), context, { filename: worker });

const index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
context.handler({ data: { type: 0, data: { config: index.config, docs: index.docs, options: { suggest: true } } } });
if (posted.pop().type !== 1) { throw new Error("the worker did not answer setup with READY"); }
const answers = JSON.parse(fs.readFileSync(queriesFile, "utf8")).map((query) => {
  context.handler({ data: { type: 2, data: query } });
  const message = posted.pop();
  if (message.type !== 3) { throw new Error("no RESULT for " + query); }
  const items = message.data.items;
  return { items: items.slice(0, 10), count: items.length, suggest: message.data.suggest };
});
process.stdout.write(JSON.stringify(answers));
