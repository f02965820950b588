// Writes brotli (-q 11) and gzip (-9) copies beside each of the client
// build's files (its main module and every piece) in the folder given
// (`make release`); the server sends whichever the browser accepts.
import fs from "node:fs";
import zlib from "node:zlib";

const dir = process.argv[2];
// Only the build just made (build.txt); the one kept beside it has its copies.
const build = fs.readFileSync(`${dir}/build.txt`, "utf8").trim();
const names = fs
  .readdirSync(dir)
  .filter((name) => name.startsWith(`tillwise.${build}.`) && !name.endsWith(".br") && !name.endsWith(".gz"));
for (const name of names) {
  const path = `${dir}/${name}`;
  const data = fs.readFileSync(path);
  const brotli = zlib.brotliCompressSync(data, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  fs.writeFileSync(`${path}.br`, brotli);
  fs.writeFileSync(`${path}.gz`, zlib.gzipSync(data, { level: 9 }));
  console.log(`${name}: ${data.length} raw, ${brotli.length} brotli`);
}
