// Tillwise service worker: after one online visit the app boots with no
// network. Pages and the app's files are fetched from the network first and
// kept for when it is gone; the API and server functions are never cached
// (a stale stock level or a replayed answer is worse than "offline").
const VERSION = "tillwise-v2";
const SHELL = [
  "/",
  "/checkout",
  "/pkg/tillwise.js",
  "/pkg/tillwise.wasm",
  "/pkg/tillwise.css",
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

self.addEventListener("install", (event) => {
  // Each entry on its own: one missing file must not leave no shell at all.
  event.waitUntil(
    caches.open(VERSION).then((cache) =>
      Promise.all(SHELL.map((url) => cache.add(new Request(url, { credentials: "include" })).catch(() => {}))),
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

// The page tells a waiting worker to take over once nothing is pending,
// and, once someone is signed in, to keep the floor screens as the server
// renders them for this till now.
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "activate-now") self.skipWaiting();
  if (type === "keep-floor-screens") event.waitUntil(keepFloorScreens());
});

async function keepFloorScreens() {
  const cache = await caches.open(VERSION);
  await Promise.all(
    FLOOR_SCREENS.map(async (path) => {
      try {
        const response = await fetch(new Request(path, { credentials: "include" }));
        if (response.ok && response.type === "basic" && !response.redirected) await cache.put(path, response);
      } catch (error) {
        // Offline: the copy kept earlier, if any, stays.
      }
    }),
  );
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
    if (response.ok && response.type === "basic") {
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = (await cache.match(request, { ignoreSearch: request.mode === "navigate" }))
      || (fallbackUrl && (await cache.match(fallbackUrl)));
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || neverCached(url)) return;
  if (request.mode === "navigate") {
    // Only this URL's own page: server HTML rendered for another route
    // would not hydrate. A page never opened online gets the offline page.
    event.respondWith(networkFirst(request, "/offline.html"));
  } else {
    event.respondWith(networkFirst(request));
  }
});
