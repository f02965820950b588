// Tillwise service worker: after one online visit the app boots with no
// network. The client's files are named after their build (`make site`
// stamps BUILD below with the same id), so they are kept cache-first and a
// page only ever meets the files of its own build; pages are fetched from
// the network first and kept for when it is gone; the API and server
// functions are never cached (a stale stock level or a replayed answer is
// worse than "offline"). A new build is a new worker with a cache of its
// own, installed beside the running one, which the page switches to only
// when nothing waits to be sent.
const BUILD = "__TILLWISE_BUILD__";
// A site laid out without a build id (cargo leptos watch) keeps plain names.
const CLIENT = BUILD.startsWith("__") ? "tillwise" : `tillwise.${BUILD}`;
const VERSION = `tillwise-${BUILD}`;
// The client's other pieces, which `make site` lists here: the loader
// (`split.js`) and the code of each back-office page, of the customers,
// store credit and clock screens and of the conflict resolver, fetched
// when first opened. All are kept with the build, so every page opens
// offline.
const PIECES = "__TILLWISE_PIECES__".split(" ").filter((piece) => piece && !piece.startsWith("__"));
const CLIENT_FILES = [
  `/pkg/${CLIENT}.js`,
  `/pkg/${CLIENT}.wasm`,
  `/pkg/${CLIENT}.css`,
  ...PIECES.map((piece) => `/pkg/${CLIENT}.${piece}`),
];
const SHELL = [
  ...CLIENT_FILES,
  "/",
  "/checkout",
  "/manifest.webmanifest",
  "/icon-192.png",
  "/icon-512.png",
  "/offline.html",
];
// The screens a cashier needs offline. Each is kept as the server rendered
// it for this till (it must be that route's own HTML to hydrate), so one
// reached by a link inside the app still opens after a reload offline.
const FLOOR_SCREENS = ["/checkout", "/customers", "/credits", "/clock"];
const NETWORK_TIMEOUT_MS = 5000;
// Keeping pages is work the worker holds open (`waitUntil`), and the browser
// lets a new version take over only once the old one has none: that work
// is bounded, and dropped when the page asks for the update (`stop-keeping`).
const KEEP_TIMEOUT_MS = 10000;
let keeping = new AbortController();

self.addEventListener("install", (event) => {
  // The client's files must all be there, or this build is not installed
  // (the running one stays); the rest each on its own, so one missing page
  // does not leave no shell at all. Pages are kept only if the server
  // still serves this build (`keep`).
  event.waitUntil(
    caches.open(VERSION).then((cache) =>
      cache.addAll(CLIENT_FILES).then(() =>
        Promise.all([
          ...SHELL.filter((url) => !CLIENT_FILES.includes(url)).map((url) => fetchAndKeep(cache, url)),
          keepFloorScreens(),
        ]),
      ),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page tells a waiting worker to take over once nothing is pending
// (and the running one to drop what it is keeping first), and, once
// someone is signed in, to keep the floor screens as the server renders
// them for this till now.
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "activate-now") self.skipWaiting();
  if (type === "stop-keeping") {
    keeping.abort();
    keeping = new AbortController();
  }
  if (type === "keep-floor-screens") event.waitUntil(keepFloorScreens());
});

async function keepFloorScreens() {
  const cache = await caches.open(VERSION);
  await Promise.all(FLOOR_SCREENS.map((path) => fetchAndKeep(cache, path)));
}

// Dropped on `stop-keeping` or after KEEP_TIMEOUT_MS, whichever comes
// first; a browser without `AbortSignal.any` (Safari before 17.4) still
// drops it when asked.
function keepSignal() {
  return AbortSignal.any && AbortSignal.timeout
    ? AbortSignal.any([keeping.signal, AbortSignal.timeout(KEEP_TIMEOUT_MS)])
    : keeping.signal;
}

async function fetchAndKeep(cache, path) {
  try {
    await keep(cache, path, await fetch(new Request(path, { credentials: "include", signal: keepSignal() })));
  } catch (error) {
    // Offline, too slow or dropped: the copy kept earlier, if any, stays.
  }
}

// Every answer names the build its server serves. A page of another build
// would load files this worker does not hold, so it is not kept here (it
// still shows, fetched online); and that build's own worker is asked for.
let askedForNewWorker = false;
async function keep(cache, key, response) {
  if (!response.ok || response.type !== "basic" || response.redirected) return;
  const build = response.headers.get("x-tillwise-build");
  if (BUILD.startsWith("__") || build === BUILD) {
    await cache.put(key, response);
  } else if (build && !askedForNewWorker) {
    askedForNewWorker = true;
    self.registration.update().catch(() => {});
  }
}

function neverCached(url) {
  return url.pathname.startsWith("/api/") || url.pathname.startsWith("/rpc/") || url.pathname === "/sw.js";
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); },
    );
  });
}

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(VERSION);
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    keep(cache, request, response.clone());
    return response;
  } catch (error) {
    const cached = (await cache.match(request, { ignoreSearch: request.mode === "navigate" }))
      || (fallbackUrl && (await cache.match(fallbackUrl)));
    if (cached) return cached;
    throw error;
  }
}

// A build's files never change under their name: the copy kept is the copy.
// Another build's files (a page of a newer build, fetched online) pass
// through; they are kept by that build's own worker.
async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (new URL(request.url).pathname.startsWith(`/pkg/${CLIENT}.`)) keep(cache, request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || neverCached(url)) return;
  if (request.mode === "navigate") {
    // Only this URL's own page: server HTML rendered for another route
    // would not hydrate. A page never opened online gets the offline page.
    event.respondWith(networkFirst(request, "/offline.html"));
  } else if (url.pathname.startsWith("/pkg/") && !BUILD.startsWith("__")) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});
