// What a till downloads on its first load, and how fast it boots offline
// afterwards: the client-size benchmark (BENCHMARKS.md, `make client-size`).
//
// A fresh Chromium profile pairs a till (manager), switches Ana in and
// lands on the checkout, recording every response of the site's own origin
// except the API and server functions (the shop's data, not the app). Each
// file is measured raw, gzip -9 and brotli -q 11, as a server that
// pre-compresses would send it. Then, with the service worker in charge,
// the till goes offline and reloads the checkout ROUNDS times; each round's
// figure is the time from navigation start until a scanned barcode is in
// the cart.
//
// Usage: node first-load.mjs http://127.0.0.1:3211
import { chromium } from "@playwright/test";
import zlib from "node:zlib";
import { isBuiltPiece } from "./client_files.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:3211";
const rounds = Number(process.env.ROUNDS ?? 10);
const BARCODE = "4000000000013";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
});
const context = await browser.newContext({ baseURL: base, viewport: { width: 1024, height: 768 } });
const page = await context.newPage();

const brotliSize = (body) =>
  zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }).length;

const files = new Map();
page.on("response", async (response) => {
  const url = new URL(response.url());
  if (url.origin !== new URL(base).origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/rpc/")) return;
  if (response.request().method() !== "GET" || !response.ok()) return;
  try {
    const body = await response.body();
    // Answered by the service worker from its copy: nothing crossed the
    // wire (Chromium's own figure for such a response is meaningless).
    const fromWorker = response.fromServiceWorker();
    // Chromium gives no figure (a negative one) for a body the page
    // streamed straight into WebAssembly: shown as unknown.
    const measured = fromWorker ? 0 : (await response.request().sizes()).responseBodySize;
    const sent = measured >= 0 ? measured : "unknown";
    const encoding = fromWorker ? "from the worker" : ((await response.allHeaders())["content-encoding"] ?? "none");
    const key = url.pathname === "/" || !url.pathname.includes(".") ? `${url.pathname} (page)` : url.pathname;
    if (!files.has(key)) files.set(key, { body, sent, encoding });
  } catch {
    // A redirect or a response the page dropped: nothing was downloaded.
  }
});

await page.goto("/login");
await page.waitForLoadState("networkidle");
await page.getByLabel("E-mail").fill("manager@demo.test");
await page.getByLabel("Password").fill("demo1234");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(/\/products$/);
await page.getByRole("link", { name: "Pair till" }).click();
await page.getByLabel("Till name").fill("Benchmark till");
await page.getByRole("button", { name: "Pair till" }).click();
await page.waitForURL(/\/till$/);
await page.getByRole("radio", { name: /Ana/ }).click();
await page.keyboard.type("1111");
await page.keyboard.press("Enter");
await page.waitForURL(/\/checkout$/);
await page.waitForLoadState("networkidle");

const sizes = [...files].map(([name, { body, sent, encoding }]) => ({
  name,
  sent,
  encoding,
  raw: body.length,
  gzip: zlib.gzipSync(body, { level: 9 }).length,
  brotli: brotliSize(body),
}));
// A page's piece of the client (`.split_<page>.wasm`, and `.chunk_<n>.wasm`
// for code pages share: the back office, customers, credit, clock) is
// fetched when that page is first opened; this flow opens the products
// page before the checkout, but a till opening its checkout does not load
// them.
const firstLoad = (s) => (/\.(js|wasm|css)$/.test(s.name) && !isBuiltPiece(s.name)) || s.name.endsWith("(page)");
const pad = (v, n) => String(v).padStart(n);
// "sent" is what this server put on the wire to this browser: the
// pre-compressed copy `make release` wrote, in the encoding Chromium asked
// for (brotli on HTTPS and on localhost, gzip elsewhere on plain HTTP).
console.log(
  `${"file".padEnd(44)} ${pad("raw", 9)} ${pad("gzip -9", 9)} ${pad("brotli 11", 9)} ${pad("sent", 9)} encoding`,
);
for (const s of sizes)
  console.log(
    `${s.name.slice(0, 44).padEnd(44)} ${pad(s.raw, 9)} ${pad(s.gzip, 9)} ${pad(s.brotli, 9)} ${pad(s.sent, 9)} ${s.encoding}`,
  );
const sum = (list, k) => list.reduce((a, s) => a + (typeof s[k] === "number" ? s[k] : 0), 0);
const first = sizes.filter(firstLoad);
console.log(
  `first load (pages, JS, WASM, CSS: ${first.length} files): raw ${sum(first, "raw")}, gzip ${sum(first, "gzip")}, ` +
    `brotli ${sum(first, "brotli")} bytes; sent ${sum(first, "sent")} bytes`,
);
console.log(`everything fetched (${sizes.length} files): brotli ${sum(sizes, "brotli")} bytes`);

// Every piece of this build, as the service worker keeps them all for
// offline (PIECES in the worker the server hands out, stamped by `make`).
const worker = await (await fetch(`${base}/sw.js`)).text();
const build = worker.match(/const BUILD = "([0-9a-f]{16})"/)?.[1];
const pieces = (worker.match(/const PIECES = "([^"]*)"/)?.[1] ?? "").split(" ").filter((p) => p.endsWith(".wasm"));
let piecesRaw = 0;
let piecesBrotli = 0;
for (const piece of pieces) {
  const body = Buffer.from(await (await fetch(`${base}/pkg/tillwise.${build}.${piece}`)).arrayBuffer());
  piecesRaw += body.length;
  piecesBrotli += brotliSize(body);
}
console.log(
  `the pieces (${pieces.length} files, kept by the service worker, loaded when a page is opened): ` +
    `raw ${piecesRaw}, brotli ${piecesBrotli} bytes`,
);

// The offline boot: the worker serves the page and the client's files.
await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
await page.reload();
await page.waitForLoadState("networkidle");
await context.setOffline(true);
const boots = [];
for (let i = 0; i < rounds; i++) {
  await page.reload({ waitUntil: "commit" });
  const scan = page.locator("#scan");
  // Typing before the client runs is kept too (the checkout takes early
  // scans), so the figure is when the scan lands in the cart.
  await scan.fill(BARCODE);
  await scan.press("Enter");
  await page.getByRole("table").getByRole("row").first().waitFor();
  // The cart lives in the page, so each reload starts with an empty one.
  boots.push(await page.evaluate(() => performance.now()));
}
boots.sort((a, b) => a - b);
const median = boots[Math.floor(boots.length / 2)];
console.log(
  `offline boot to a scan in the cart (${rounds} reloads): median ${median.toFixed(0)} ms, ` +
    `best ${boots[0].toFixed(0)} ms, worst ${boots[boots.length - 1].toFixed(0)} ms`,
);
await browser.close();
