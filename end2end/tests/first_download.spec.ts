import { expect, test } from "@playwright/test";
import { recordsOnTill, signIn } from "./pages";

/// A UUIDv7, as a till makes one.
function uuidv7(): string {
  const hex = Date.now().toString(16).padStart(12, "0");
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("");
  const variant = ((parseInt(rand.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(7, 19)}`;
}

test("a browser new to the store (a till just paired, a manager's new laptop) says how far its download has got", async ({ page, playwright, baseURL }) => {
  // The second demo store, grown past a page of the pull.
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner2@demo.test", password: "demo1234" } });
  const suffix = Date.now().toString().slice(-6);
  const client_id = uuidv7();
  let n = 0;
  for (let batch = 0; batch < 3; batch++) {
    const mutations = Array.from({ length: 500 }, () => {
      n += 1;
      return { mutation_id: n, entity: "customer", op: "create", id: uuidv7(), data: { name: `Regular ${suffix} ${n}` } };
    });
    const res = await api.post("/api/sync/push", { data: { client_id, mutations } });
    expect(res.status()).toBe(200);
  }

  // A slow line, so the download takes long enough to watch.
  await page.route("**/api/sync/pull*", async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  // Signing in starts the download of the store into this browser.
  await signIn(page, "owner2@demo.test");

  const download = page.getByTestId("download");
  await expect(download).toBeVisible();
  await expect(download).toContainText(/Getting this store onto the till: \d+ %/);
  await expect(download.getByRole("progressbar")).toBeVisible();
  await expect(download).toBeHidden({ timeout: 30_000 });
  expect(await recordsOnTill(page)).toBeGreaterThanOrEqual(1500);
});
