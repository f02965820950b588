import { expect, test } from "@playwright/test";
import { recordsOnTill, signIn, uuidv7 } from "./pages";

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
