import { expect, test } from "@playwright/test";
import { signIn, switchToAna, waitForHydration } from "./pages";

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
  const worker = await page.request.get("/sw.js");
  expect(worker.headers()["cache-control"] ?? "").not.toContain("immutable");
  expect(await worker.text()).toContain(`const BUILD = "${build}"`);

  // Once the worker runs, this build's files are all in this build's cache.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const kept = await page.evaluate(async (build) => {
    const cache = await caches.open(`tillwise-${build}`);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  }, build);
  for (const ext of ["js", "wasm", "css"]) expect(kept).toContain(`/pkg/tillwise.${build}.${ext}`);
  expect(kept).toContain("/checkout");
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
