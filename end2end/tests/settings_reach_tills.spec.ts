import { expect, Page, test } from "@playwright/test";
import { signIn, tillReadyForOffline, usd, waitForHydration } from "./pages";

/// The records of one kind as the till's own copy (IndexedDB) holds them.
async function onTill(page: Page, entity: string): Promise<any[]> {
  return page.evaluate(
    (entity) =>
      new Promise<any[]>((resolve) => {
        const open = indexedDB.open("tillwise");
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction("records").objectStore("records").index("entity").getAll(entity);
          all.onsuccess = () => { db.close(); resolve(all.result.map((r: any) => r.data)); };
          all.onerror = () => { db.close(); resolve([]); };
        };
        open.onerror = () => resolve([]);
      }),
    entity,
  );
}

/// The store's settings as the till's own copy holds them.
async function settingsOnTill(page: Page): Promise<any> {
  return (await onTill(page, "store_settings"))[0] ?? null;
}

const money = usd;

test("an owner's tax setting reaches a till that was offline, and its next offline receipt is priced by it", async ({ page, browser }) => {
  await tillReadyForOffline(page, "Tax till");
  const badge = page.getByTestId("connection");
  const products = (await (await page.request.get("/api/products?limit=50")).json()).items as any[];
  const taxed = products.find((p) => p.tax_rate_bp > 0 && p.barcode && p.active);
  expect(taxed, "a taxed product with a barcode").toBeTruthy();
  expect((await settingsOnTill(page))?.prices_include_tax).toBe(false);

  await page.context().setOffline(true);
  await expect(badge).toHaveAttribute("data-link", "offline");

  // Meanwhile the owner, in the back office, switches to tax-inclusive
  // shelf prices.
  const office = await browser.newContext();
  const owner = await office.newPage();
  await signIn(owner, "owner@demo.test");
  await owner.goto("/settings");
  await waitForHydration(owner);
  await owner.getByLabel("Shelf prices already include tax").check();
  await owner.getByRole("button", { name: "Save" }).click();
  await expect(owner.getByText(/Settings saved/)).toBeVisible();
  const saved = await (await owner.request.get("/api/store")).json();
  expect([saved.prices_include_tax, saved.sync_version]).toEqual([true, 2]);

  // Back online, the till pulls the change with the rest of the store.
  await page.context().setOffline(false);
  await expect(badge).toHaveAttribute("data-link", "online");
  await expect.poll(async () => (await settingsOnTill(page))?.prices_include_tax, { timeout: 20_000 }).toBe(true);

  // Offline again, the next sale is taxed inside the shelf price: the
  // customer pays the price, not the price plus tax.
  await page.context().setOffline(true);
  await expect(badge).toHaveAttribute("data-link", "offline");
  await page.getByLabel("Barcode").fill(taxed.barcode);
  await page.getByLabel("Barcode").press("Enter");
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(1);
  await expect(page.getByText("Tax (included)")).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText(money(taxed.price_cents));
  await page.getByRole("button", { name: "Exact cash" }).click();
  await page.getByRole("button", { name: /^Pay / }).click();
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toBeVisible();
  await expect(receipt.getByTestId("receipt-total")).toHaveText(money(taxed.price_cents));

  // Online once more, the server records the sale with the same totals.
  await receipt.getByRole("button", { name: "New sale" }).click();
  await page.context().setOffline(false);
  await expect(badge).toHaveAttribute("data-link", "online");
  await expect(badge).toHaveAttribute("data-pending", "0", { timeout: 20_000 });
  const sales = (await (await owner.request.get("/api/sales?limit=1")).json()).items as any[];
  expect([sales[0].total_cents, sales[0].lines[0].product_id]).toEqual([taxed.price_cents, taxed.id]);

  // The other tests expect tax on top: put the setting back.
  const back = await owner.request.put("/api/store", { data: { prices_include_tax: false, sync_version: saved.sync_version } });
  expect(back.status()).toBe(200);
  await office.close();
});

test("a note a manager pins shows at the top of the till's checkout, offline too, until unpinned", async ({ page, browser }) => {
  await tillReadyForOffline(page, "Notes till");
  const office = await browser.newContext();
  const manager = await office.newPage();
  await signIn(manager, "manager@demo.test");
  const created = await manager.request.post("/api/notes", {
    data: { title: "Card terminal 2 is down", body: "Take cash or use terminal 1.", pinned: true },
  });
  expect(created.status()).toBe(201);
  const note = await created.json();

  // The till learns of it with its next pull (here: when it starts).
  await page.reload();
  await waitForHydration(page);
  const notes = page.getByTestId("floor-notes");
  await expect(notes).toContainText("Card terminal 2 is down");
  await expect(notes).toContainText("Take cash or use terminal 1.");

  // It is the till's own copy: it shows offline after a reload too.
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-link", "offline");
  await expect(page.getByTestId("floor-notes")).toContainText("Card terminal 2 is down");
  await page.context().setOffline(false);

  // Unpinned, it leaves the tills.
  const unpinned = await manager.request.put(`/api/notes/${note.id}`, {
    data: { title: note.title, body: note.body, pinned: false, sync_version: note.sync_version },
  });
  expect(unpinned.status()).toBe(200);
  await page.reload();
  await waitForHydration(page);
  await expect
    .poll(async () => (await onTill(page, "note")).find((n) => n.id === note.id)?.pinned, { timeout: 20_000 })
    .toBe(false);
  await expect(page.getByTestId("floor-notes")).toHaveCount(0);
  await office.close();
});
