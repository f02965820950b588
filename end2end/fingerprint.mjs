// Names every file of the client build after one build id, a hash of all
// of them (`make site`, `make release`), so a page, the files it loads and
// the service worker that keeps them for offline always belong to the same
// build (src/server/client_build.rs, public/sw.js):
// - tillwise.{js,wasm,css} become tillwise.<build>.{js,wasm,css}, the
//   splitter's loader tillwise.<build>.split.js, and each piece
//   tillwise.<build>.<piece>;
// - the names the glue, the loader and the pieces give each other are
//   rewritten to match;
// - the service worker beside the folder gets the build id and the list of
//   pieces to keep (BUILD and PIECES in public/sw.js);
// - the build before stays (a server still running from this folder keeps
//   serving it until restarted); older ones go.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PIECE } from "./client_files.mjs";

const dir = process.argv[2];
const at = (name) => path.join(dir, name);
const read = (name) => fs.readFileSync(at(name), "utf8");

// Sorted by code unit, as `sort` in the C locale: the same files give the
// same id wherever they are built.
const pieces = fs.readdirSync(dir).filter((name) => PIECE.test(name)).sort();
const hash = crypto.createHash("sha256");
for (const name of ["tillwise.js", "tillwise.wasm", "tillwise.css", "__wasm_split.js", ...pieces])
  hash.update(fs.readFileSync(at(name)));
const build = hash.digest("hex").slice(0, 16);
const before = fs.existsSync(at("build.txt")) ? read("build.txt").trim() : "";

for (const name of fs.readdirSync(dir)) {
  const other = /^tillwise\.([^.]+)\..+$/.exec(name)?.[1];
  if (other !== undefined && other !== build && other !== before) fs.rmSync(at(name));
}

const glue = read("tillwise.js");
const splitImport = 'from "./__wasm_split.js"';
if (!glue.includes(splitImport)) throw new Error(`tillwise.js does not import the splitter's loader (${splitImport})`);
fs.writeFileSync(at("tillwise.js"), glue.replaceAll(splitImport, `from "./tillwise.${build}.split.js"`));

const loader = read("__wasm_split.js")
  .replaceAll('"./tillwise.js"', `"./tillwise.${build}.js"`)
  .replace(/"\.\/((?:split_[A-Za-z0-9_]*|chunk_[0-9]*)\.wasm)"/g, `"./tillwise.${build}.$1"`);
fs.writeFileSync(at(`tillwise.${build}.split.js`), loader);
fs.rmSync(at("__wasm_split.js"));
for (const name of pieces) fs.renameSync(at(name), at(`tillwise.${build}.${name}`));
for (const ext of ["js", "wasm", "css"]) fs.renameSync(at(`tillwise.${ext}`), at(`tillwise.${build}.${ext}`));

const worker = path.join(dir, "..", "sw.js");
fs.writeFileSync(
  worker,
  fs
    .readFileSync(worker, "utf8")
    .replace("__TILLWISE_BUILD__", build)
    .replace("__TILLWISE_PIECES__", ["split.js", ...pieces].join(" ")),
);
fs.writeFileSync(at("build.txt"), `${build}\n`);
console.log(`client build ${build}: main module and ${pieces.length} pieces`);
