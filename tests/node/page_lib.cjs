// Run the pure functions of an exported TF.js page (its <script id="tutor-lib">, no DOM) with
// the page's own config, so tests can compare its preprocessing with Python's.
// Usage: node page_lib.cjs <index.html> <calls.json>
// calls.json: [{"fn": "tokenize" | "toInputValues" | "describe" | "pixelsToInput", "args": [...]}]
// (the page's config is appended to each call's args). Prints the results as one JSON line.
const fs = require("fs");
const vm = require("vm");

const [pageFile, callsFile] = process.argv.slice(2);
const html = fs.readFileSync(pageFile, "utf8");
const pick = (id) => {
  const match = html.match(new RegExp(`<script id="${id}"[^>]*>([\\s\\S]*?)</script>`));
  if (!match) throw new Error(`no <script id="${id}"> in ${pageFile}`);
  return match[1];
};
const config = JSON.parse(pick("tutor-config"));
const context = {};
vm.createContext(context);
vm.runInContext(pick("tutor-lib") + "\nthis.tutorLib = tutorLib;", context);
const calls = JSON.parse(fs.readFileSync(callsFile, "utf8"));
const results = calls.map(({ fn, args }) => {
  const value = context.tutorLib[fn](...args, config);
  return ArrayBuffer.isView(value) ? Array.from(value) : value;
});
console.log(JSON.stringify(results));
