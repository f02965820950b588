import { expect, test } from "@playwright/test";
// A page's code as a piece of the client of its own, named after its build.
import { isBuiltPiece } from "../client_files.mjs";
import { cutPiece, signIn, switchToAna, waitForHydration } from "./pages";

test("the page, its client files and the service worker are of one build, kept for offline", async ({ page }) => {
  await switchToAna(page, "Build till");
  const script = await page.locator('link[rel="modulepreload"]').getAttribute("href");
  const build = /^\/pkg\/tillwise\.([0-9a-f]{16})\.js$/.exec(script ?? "")?.[1];
  expect(build, `the client script ${script} is named after its build`).toBeTruthy();
  await expect(page.locator('link[rel="preload"][as="fetch"]')).toHaveAttribute("href", `/pkg/tillwise.${build}.wasm`);
  await expect(page.locator('link[rel="stylesheet"]#leptos')).toHaveAttribute("href", `/pkg/tillwise.${build}.css`);

  // The browser may keep a build's files without asking again; the worker
  // itself is always asked for, so a new build is found.
  const wasm = await page.request.get(`/pkg/tillwise.${build}.wasm`);
  expect(wasm.headers()["cache-control"]).toContain("immutable");
  expect(wasm.headers()["vary"]).toContain("accept-encoding");
  const worker = await page.request.get("/sw.js");
  expect(worker.headers()["cache-control"] ?? "").not.toContain("immutable");
  expect(await worker.text()).toContain(`const BUILD = "${build}"`);
  // Every answer names the build, so a worker can tell its own pages.
  expect((await page.request.get("/checkout")).headers()["x-tillwise-build"]).toBe(build);
  expect(worker.headers()["x-tillwise-build"]).toBe(build);

  // Once the worker runs, this build's files are all in this build's cache.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const kept = await page.evaluate(async (build) => {
    const cache = await caches.open(`tillwise-${build}`);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  }, build);
  for (const ext of ["js", "wasm", "css"]) expect(kept).toContain(`/pkg/tillwise.${build}.${ext}`);
  expect(kept).toContain("/checkout");
});

test("the checkout loads without the back office's code, and the worker keeps every piece of it", async ({ page }) => {
  await switchToAna(page, "Pieces till");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator("#scan")).toBeVisible();
  expect(fetched.some((path) => /\/pkg\/tillwise\.[0-9a-f]{16}\.wasm$/.test(path))).toBe(true);
  expect(fetched.filter(isBuiltPiece)).toEqual([]);

  const worker = await (await page.request.get("/sw.js")).text();
  const build = /const BUILD = "([0-9a-f]{16})"/.exec(worker)?.[1];
  const pieces = (/const PIECES = "([^"]*)"/.exec(worker)?.[1] ?? "").split(" ");
  expect(pieces).toContain("split.js");
  expect(pieces.filter((name) => name.startsWith("split_")).length, "one piece per back-office page, customers, credit and clock").toBeGreaterThanOrEqual(12);
  const kept = await page.evaluate(async (build) => {
    const cache = await caches.open(`tillwise-${build}`);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  }, build);
  for (const name of pieces) expect(kept).toContain(`/pkg/tillwise.${build}.${name}`);
});

test("offline, a back-office page never opened before still opens from the menu", async ({ page, context }) => {
  await signIn(page, "manager@demo.test");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  const fetched: string[] = [];
  page.on("request", (request) => fetched.push(new URL(request.url()).pathname));

  await context.setOffline(true);
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  // Its code came from the worker's copy, fetched at install.
  expect(fetched.filter(isBuiltPiece).length).toBeGreaterThan(0);
  await context.setOffline(false);
});

test("every page that is a piece, opened by its address, hydrates: its piece is there before the page is", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await signIn(page, "owner@demo.test");
  for (const path of ["/products", "/categories", "/sales", "/reports", "/staff", "/audit", "/conflicts", "/settings", "/system", "/customers", "/credits", "/clock"]) {
    await page.goto(path);
    await waitForHydration(page);
    expect(errors.filter((e) => /hydrat|panicked/i.test(e)), `${path} hydrates`).toEqual([]);
  }
  // Hydrated, the menu moves between pages without asking the server for one.
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
});

test.describe("a page whose piece does not arrive", () => {
  // Without the worker (it would answer from its copy), the page's own
  // fetches of a piece can be cut.
  test.use({ serviceWorkers: "block" });

  test("says so, leaves the rest of the till working, and opens on Try again", async ({ page }) => {
    const reports = await cutPiece(page, "reports");
    await signIn(page, "manager@demo.test");
    await page.getByRole("link", { name: "Reports" }).click();
    const missing = page.getByTestId("piece-missing");
    await expect(missing).toContainText("This screen could not be loaded");

    // The client still runs: another page opens, and Reports says the same again.
    await page.getByRole("link", { name: "Products" }).click();
    await expect(page.getByRole("heading", { name: "Products", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "Reports" }).click();
    await missing.getByRole("button", { name: "Try again" }).click();
    await expect(missing).toContainText("Tried again: it still did not arrive.");

    reports.restore();
    await missing.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
    await expect(missing).toHaveCount(0);
  });

  test("at the till, the customers screen says so and the checkout still sells", async ({ page }) => {
    const customers = await cutPiece(page, "customers");
    await switchToAna(page, "Missing piece till");
    await page.getByRole("link", { name: "Customers" }).click();
    const missing = page.getByTestId("piece-missing");
    await expect(missing).toContainText("This screen could not be loaded");

    await page.getByRole("link", { name: "Checkout" }).click();
    await page.getByLabel("Barcode").fill("4000000000013");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(1);

    await page.getByRole("link", { name: "Customers" }).click();
    await expect(missing).toBeVisible();
    customers.restore();
    await missing.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByLabel("Search customers")).toBeVisible();
  });
});

test("a back-office page opened once online still opens offline", async ({ page, context }) => {
  await signIn(page, "manager@demo.test");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.goto("/reports");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  // The client started from the kept files: it knows it is offline.
  await expect(page.getByTestId("connection")).toHaveAttribute("data-link", "offline");
  await context.setOffline(false);
});

test("the worker keeps pages of its own build only, and looks for the new worker when the server has moved on", async ({
  page,
  context,
}) => {
  await switchToAna(page, "Two builds till");
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
  // Inside the running worker: two answers as the server would send them,
  // one of this build and one of a newer build.
  const kept = await worker.evaluate(async () => {
    const answer = (build: string) => {
      const response = new Response("<p>a page</p>", {
        headers: { "content-type": "text/html", "x-tillwise-build": build },
      });
      Object.defineProperty(response, "type", { value: "basic" });
      return response;
    };
    // The worker script's own top-level names (indirect eval: global scope).
    const worker = (name: string) => (0, eval)(name);
    const cache = await caches.open(worker("VERSION"));
    const keep = worker("keep");
    await keep(cache, "/this-build-page", answer(worker("BUILD")));
    await keep(cache, "/newer-build-page", answer("0123456789abcdef"));
    return {
      thisBuild: Boolean(await cache.match("/this-build-page")),
      newerBuild: Boolean(await cache.match("/newer-build-page")),
      askedForNewWorker: worker("askedForNewWorker"),
    };
  });
  expect(kept).toEqual({ thisBuild: true, newerBuild: false, askedForNewWorker: true });
});
