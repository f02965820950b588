import { APIRequestContext, Browser, expect, Page, test } from "@playwright/test";
import { signIn, switchToAna, waitForHydration } from "./pages";

/// A fresh product with stock, made by a manager through the REST API.
async function stockedProduct(api: APIRequestContext, suffix: string, quantity: number) {
  const res = await api.post("/api/products", {
    data: { name: `Zlive Teapot ${suffix}`, sku: `ZL-${suffix}`, barcode: `88${suffix}`, price_cents: 500, tax_rate_bp: 0 },
  });
  expect(res.status()).toBe(201);
  const product = await res.json();
  const stocked = await api.post(`/api/products/${product.id}/stock`, { data: { delta: quantity, reason: "received" } });
  expect(stocked.ok()).toBeTruthy();
  return (await stocked.json()) as { id: string; name: string; sync_version: number };
}

async function managerApi(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, baseURL?: string) {
  const api = await playwright.request.newContext({ baseURL });
  const login = await api.post("/api/auth/login", { data: { email: "manager@demo.test", password: "demo1234" } });
  expect(login.ok()).toBeTruthy();
  return api;
}

/// A till in a browser context of its own: Ana switched in, on the
/// checkout, its socket up.
async function liveTill(browser: Browser, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await switchToAna(page, name);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-live", "true");
  return page;
}

/// The event names a page's store socket has received so far.
function heardEvents(page: Page): string[] {
  const heard: string[] = [];
  page.on("websocket", (ws) => {
    if (!ws.url().endsWith("/api/ws")) return;
    ws.on("framereceived", (frame) => {
      try {
        const message = JSON.parse(String(frame.payload));
        if (typeof message.type === "string" && message.type.includes(":")) heard.push(message.type);
      } catch {
        // not an event
      }
    });
  });
  return heard;
}

function tile(page: Page, productId: string) {
  return page.locator(`.product-tile[data-product="${productId}"]`);
}

test("two tills see each other's sale and a manager's new price live, the audit log grows as it happens, and another store hears none of it", async ({ browser, playwright, baseURL }) => {
  const api = await managerApi(playwright, baseURL);
  const suffix = Date.now().toString().slice(-7);
  const product = await stockedProduct(api, suffix, 20);

  const first = await liveTill(browser, `Live till A ${suffix}`);
  const second = await liveTill(browser, `Live till B ${suffix}`);
  for (const till of [first, second]) {
    await till.getByRole("searchbox", { name: "Search products" }).fill(`Zlive Teapot ${suffix}`);
    await expect(tile(till, product.id)).toContainText("20 in stock");
  }

  // The owner watches the audit log; the Second Store's owner watches theirs.
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, "owner@demo.test");
  await owner.goto("/audit");
  await waitForHydration(owner);
  const elsewhere = await (await browser.newContext()).newPage();
  const heardElsewhere = heardEvents(elsewhere);
  await signIn(elsewhere, "owner2@demo.test");
  await elsewhere.goto("/audit");
  await waitForHydration(elsewhere);
  await expect(elsewhere.getByTestId("connection")).toHaveAttribute("data-live", "true");

  // The first till sells three; the second's tile shows it without a reload.
  await tile(first, product.id).click();
  await first.getByRole("button", { name: "One more" }).click();
  await first.getByRole("button", { name: "One more" }).click();
  await first.getByRole("button", { name: "Exact cash" }).click();
  const sold = Date.now();
  await first.getByRole("button", { name: "Pay $15.00" }).click();
  await expect(first.getByRole("region", { name: "Receipt" })).toBeVisible();
  await expect(tile(second, product.id)).toContainText("17 in stock");
  console.log(`the second till showed the new stock ${Date.now() - sold} ms after Pay`);
  await expect(owner.getByTestId("audit").getByRole("row").filter({ hasText: "Sale recorded" }).first()).toBeVisible();

  // The second till has the teapot in its cart when a manager reprices it.
  await tile(second, product.id).click();
  const repriced = await api.put(`/api/products/${product.id}`, {
    data: { name: product.name, sku: `ZL-${suffix}`, barcode: `88${suffix}`, price_cents: 650, tax_rate_bp: 0, sync_version: product.sync_version },
  });
  expect(repriced.status()).toBe(200);
  await expect(tile(second, product.id)).toContainText("6.50");
  await expect(second.getByText(/The price of Zlive Teapot .* changed to 6\.50 elsewhere/)).toBeVisible();
  await expect(second.getByTestId("total")).toHaveText("$5.00");
  await expect(first.getByRole("region", { name: "Receipt" })).toBeVisible();
  await first.getByRole("button", { name: "New sale" }).click();
  await first.getByRole("searchbox", { name: "Search products" }).fill(`Zlive Teapot ${suffix}`);
  await expect(tile(first, product.id)).toContainText("6.50");

  // The owner's audit page took both in at the top, marked as new.
  const newest = owner.getByTestId("audit").getByRole("row").nth(1);
  await expect(newest).toContainText("Product changed");
  await expect(newest).toHaveClass(/fresh/);

  // The other store heard nothing of the Demo Store.
  expect(heardElsewhere).toEqual([]);
});

test("a till that loses the network shows it, comes back by itself, and has what changed meanwhile", async ({ browser, playwright, baseURL }) => {
  const api = await managerApi(playwright, baseURL);
  const suffix = Date.now().toString().slice(-7);
  const product = await stockedProduct(api, suffix, 5);
  const till = await liveTill(browser, `Offline till ${suffix}`);
  await till.getByRole("searchbox", { name: "Search products" }).fill(`Zlive Teapot ${suffix}`);
  await expect(tile(till, product.id)).toContainText("5.00");

  await till.context().setOffline(true);
  const badge = till.getByTestId("connection");
  await expect(badge).toHaveAttribute("data-link", "offline");
  await expect(badge).toHaveAttribute("data-live", "false");

  // Changed while the till cannot hear.
  const repriced = await api.put(`/api/products/${product.id}`, {
    data: { name: product.name, sku: `ZL-${suffix}`, barcode: `88${suffix}`, price_cents: 725, tax_rate_bp: 0, sync_version: product.sync_version },
  });
  expect(repriced.status()).toBe(200);
  const sold = await api.post(`/api/products/${product.id}/stock`, { data: { delta: -2, reason: "damaged" } });
  expect(sold.ok()).toBeTruthy();

  await till.context().setOffline(false);
  await expect(badge).toHaveAttribute("data-live", "true");
  await expect(badge).toHaveAttribute("data-link", "online");
  // Pulled on reconnecting: the tile shows the price and stock of now.
  await expect(tile(till, product.id)).toContainText("7.25");
  await expect(tile(till, product.id)).toContainText("3 in stock");
});
