import { BrowserContext, expect, Page, test } from "@playwright/test";
import { switchToAna, tillReadyForOffline, waitForHydration } from "./pages";

/// The first product of the checkout's grid (both list by name), its
/// stock, and the store's latest sales.
async function stockAndSales(page: Page, productId?: string) {
  const id = productId ?? (await (await page.request.get("/api/products?limit=1")).json()).items[0].id;
  const product = await (await page.request.get(`/api/products/${id}`)).json();
  const sales = await (await page.request.get("/api/sales?limit=100")).json();
  return {
    id: id as string,
    barcode: product.barcode as string,
    quantity: product.quantity as number,
    product: product.name as string,
    sales: sales.items as any[],
  };
}

/// Rings up one of the product (tapped, or scanned when a barcode is
/// given), paid in cash, and starts a new sale.
async function sellOne(page: Page, product: string, barcode?: string) {
  if (barcode) {
    await page.getByLabel("Barcode").fill(barcode);
    await page.getByLabel("Barcode").press("Enter");
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(1);
  } else {
    const escaped = product.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await page.getByRole("button", { name: new RegExp(`^${escaped}`) }).first().click();
  }
  await page.getByLabel("Cash").fill("10.00");
  await page.getByRole("button", { name: /^Pay / }).click();
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toBeVisible();
  await expect(receipt).toContainText("Served by Ana");
  await receipt.getByRole("button", { name: "New sale" }).click();
  await expect(page.getByText("Scan or tap a product to start a sale.")).toBeVisible();
}

async function openCheckoutOffline(context: BrowserContext) {
  const tab = await context.newPage();
  await tab.goto("/checkout");
  await expect(tab.getByTestId("connection")).toHaveAttribute("data-link", "offline");
  return tab;
}

test("sales rung up offline survive reloads and new tabs, and reach the server exactly once", async ({ page, context }) => {
  await tillReadyForOffline(page, "Offline till");
  const badge = page.getByTestId("connection");
  const before = await stockAndSales(page);

  await context.setOffline(true);
  await expect(badge).toHaveAttribute("data-link", "offline");
  await expect(page.getByTestId("offline-banner")).toBeVisible();

  // Searching still works offline, from the till's own copy.
  await page.getByLabel("Search products").fill(before.product.split(" ")[0].toLowerCase());
  await expect(page.getByRole("button", { name: new RegExp(`^${before.product}`) }).first()).toBeVisible();

  // Two tabs sell at once while offline: three here, two in the other.
  const second = await openCheckoutOffline(context);
  for (let i = 0; i < 3; i++) {
    // The first one scanned: the barcode is found in the till's own copy.
    await sellOne(page, before.product, i === 0 ? before.barcode : undefined);
    if (i < 2) await sellOne(second, before.product);
  }
  await expect(badge).toHaveAttribute("data-pending", "5");
  await expect(badge).toContainText("5 to send");
  await second.close();

  // Reloaded with no network, the app boots from what it kept.
  await page.reload();
  await expect(badge).toHaveAttribute("data-link", "offline");
  await expect(badge).toHaveAttribute("data-pending", "5");

  // A new tab, and the first one closed: still five waiting.
  const third = await openCheckoutOffline(context);
  await page.close();
  await expect(third.getByTestId("connection")).toHaveAttribute("data-pending", "5");

  // Back online: within seconds every sale is on the server, once.
  await context.setOffline(false);
  const thirdBadge = third.getByTestId("connection");
  await expect(thirdBadge).toHaveAttribute("data-link", "online", { timeout: 20_000 });
  await expect(thirdBadge).toHaveAttribute("data-pending", "0", { timeout: 20_000 });
  const after = await stockAndSales(third, before.id);
  const newSales = after.sales.filter((s) => !before.sales.some((b) => b.id === s.id));
  expect(newSales).toHaveLength(5);
  expect(new Set(newSales.map((s) => s.id)).size).toBe(5);
  expect(after.quantity).toBe(before.quantity - 5);
});

test("a change the server refuses is kept on the till with the reason, never dropped", async ({ page }) => {
  await switchToAna(page, "Refusing till");
  const product = (await (await page.request.get("/api/products?limit=1")).json()).items[0];
  // A sale paid 1 cent for goods worth more: a till's own checks would stop
  // it, so it is put in the outbox directly, as an old till version might.
  await page.evaluate(
    ({ productId }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("tillwise");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(["meta", "outbox"], "readwrite");
          const meta = tx.objectStore("meta");
          const next = meta.get("next_mutation_id");
          next.onsuccess = () => {
            const id = (next.result as number | undefined) ?? 1;
            tx.objectStore("outbox").add({
              mutation_id: id,
              entity: "sale",
              op: "create",
              id: "0190a0a0-0000-7000-8000-" + String(Date.now()).padStart(12, "0").slice(-12),
              base_version: null,
              base: null,
              data: {
                lines: [{ product_id: productId, quantity: 1, unit_price_cents: 500, discount_cents: 0 }],
                payments: [{ method: "cash", amount_cents: 1 }],
                customer_id: null,
                discount_cents: 0,
                created_at: new Date().toISOString(),
              },
            });
            meta.put(id + 1, "next_mutation_id");
          };
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { productId: product.id },
  );

  const banner = page.getByTestId("offline-banner");
  await expect(banner).toContainText("1 change(s) were refused", { timeout: 40_000 });
  await expect(page.getByTestId("connection")).toHaveAttribute("data-pending", "0");
  await banner.getByRole("button", { name: "Show refused" }).click();
  await expect(page.getByTestId("kept")).toContainText("short of the total");
});

/// A till (Ana switched in) whose page runs under its service worker, and
/// then a new version of the worker installed and waiting: the update
/// notice, offering "Update now".
async function newVersionWaiting(page: Page, till: string) {
  await switchToAna(page, till);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await waitForHydration(page);
  // The new version: the same scope, another script, so the browser
  // installs it beside the running one and keeps it waiting. From now on
  // it is what this server serves: the app's own registration on every
  // load asks for it too (else, after the update, the app would register
  // the first script again as yet another new version).
  await page.addInitScript(() => {
    const container = navigator.serviceWorker;
    const register = container.register.bind(container);
    container.register = (url, options) => register(url === "/sw.js" ? "/sw.js?version=2" : url, options);
  });
  await page.evaluate(() => navigator.serviceWorker.register("/sw.js?version=2").then(() => true));
  const notice = page.getByTestId("update");
  await expect(notice.getByRole("button", { name: "Update now" })).toBeVisible();
  return notice;
}

test("a new version waits until every sale is sent, then installs when asked", async ({ page, context }) => {
  const notice = await newVersionWaiting(page, "Updating till");
  const before = await stockAndSales(page);

  // While a sale waits on the till, the update is not offered.
  await context.setOffline(true);
  await sellOne(page, before.product);
  const badge = page.getByTestId("connection");
  await expect(badge).toHaveAttribute("data-pending", "1");
  await expect(notice).toContainText("once every sale on this till has been sent");
  await expect(notice.getByRole("button", { name: "Update now" })).toHaveCount(0);

  // Once the sale is on the server the update can be taken.
  await context.setOffline(false);
  await expect(badge).toHaveAttribute("data-pending", "0", { timeout: 20_000 });
  // Listening before the click: on a quick machine the reload's "load"
  // came before a wait started after it, and the test waited a minute.
  const reloaded = page.waitForEvent("load");
  await notice.getByRole("button", { name: "Update now" }).click();
  await reloaded;
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? ""))
    .toContain("version=2");
  // Nothing is waiting any more: the banner stays away once the app has
  // registered its worker again after the reload.
  await page.evaluate(() =>
    new Promise((resolve) => (document.readyState === "complete" ? resolve(true) : addEventListener("load", resolve))),
  );
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => Boolean(r?.waiting || r?.installing))))
    .toBe(false);
  await expect(page.getByTestId("update")).toBeHidden();
});

test("Update now reloads into the new version even when another tab already took it", async ({ page }) => {
  const notice = await newVersionWaiting(page, "Second tab till");

  // Another tab of this till takes the update: the new worker is in
  // charge before this tab's button is pressed, and nothing waits any more.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), { once: true });
        navigator.serviceWorker.getRegistration().then((r) => r!.waiting!.postMessage({ type: "activate-now" }));
      }),
  );
  // Before the fix the button did nothing here, and the tab stayed on the
  // old version with the notice up.
  const reloaded = page.waitForEvent("load");
  await notice.getByRole("button", { name: "Update now" }).click();
  await reloaded;
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? ""))
    .toContain("version=2");
  await expect(page.getByTestId("update")).toBeHidden();
});

test("a full disk refuses the sale with a plain message and drops nothing", async ({ page }) => {
  await tillReadyForOffline(page, "Full till");
  const badge = page.getByTestId("connection");
  const { product } = await stockAndSales(page);
  // The disk fills up: writing to the outbox fails the way the browser
  // reports it (QuotaExceededError). Chromium's own quota override
  // (DevTools' Storage.overrideQuotaForOrigin) has no effect on
  // Playwright's off-the-record contexts, so the error is injected.
  const fill = (full: boolean) =>
    page.evaluate((full) => {
      const w = window as any;
      w.__realAdd = w.__realAdd ?? IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = full
        ? function (this: IDBObjectStore, ...args: any[]) {
            if (this.name === "outbox") throw new DOMException("The disk is full.", "QuotaExceededError");
            return w.__realAdd.apply(this, args);
          }
        : w.__realAdd;
    }, full);
  await fill(true);

  const escaped = product.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await page.getByRole("button", { name: new RegExp(`^${escaped}`) }).first().click();
  await page.getByLabel("Cash").fill("10.00");
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByText("This till's storage is full, so this was NOT saved.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Receipt" })).toHaveCount(0);
  await expect(badge).toHaveAttribute("data-pending", "0");

  // Space again: the same cart goes through.
  await fill(false);
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("Served by Ana");
  await expect(badge).toHaveAttribute("data-pending", "0");
});
