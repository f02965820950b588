import { expect, test } from "@playwright/test";
import { signIn, waitForHydration } from "./pages";

test("the owner sees the cache's figures on the System page and clears it; a manager only reads them", async ({ page, browser }) => {
  await signIn(page, "owner@demo.test");
  // Signing in lands on the product list; reading it again is a hit.
  await page.goto("/products");
  await waitForHydration(page);

  await page.goto("/system");
  await waitForHydration(page);
  const products = page.getByTestId("cache-stats").locator('tr[data-kind="products"]');
  await expect(products).toBeVisible();
  const hits = Number(await products.locator("td").nth(2).innerText());
  expect(hits).toBeGreaterThan(0);
  await expect(page.getByTestId("cache-backend")).toContainText("Kept in");

  page.once("dialog", (d) => d.accept());
  await page.getByTestId("clear-all").click();
  await expect(page.getByText(/Cleared: Products, Customers/)).toBeVisible();

  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, "manager@demo.test");
  await manager.goto("/system");
  await waitForHydration(manager);
  await expect(manager.getByTestId("cache-stats")).toBeVisible();
  await expect(manager.getByText("Only the owner can clear the cache.")).toBeVisible();
  await expect(manager.getByTestId("clear-all")).toHaveCount(0);
  await expect(manager.getByTestId("index-stats")).toHaveCount(0);
  await expect(manager.getByTestId("owner-only").first()).toContainText("Only the owner sees the database");
});

test("the owner reads the database's indexes, rebuilds a table's and sees the slow statements", async ({ page }) => {
  await signIn(page, "owner@demo.test");
  await page.goto("/system");
  await waitForHydration(page);
  const sku = page.getByTestId("index-stats").locator('tr[data-index="products_store_sku"]');
  await expect(sku).toBeVisible();
  await expect(sku).toContainText("store_id, sku");

  page.once("dialog", (d) => d.accept());
  await page.getByTestId("rebuild-products").click();
  await expect(page.getByText(/Rebuilt \d+ index\(es\) of products in \d+ ms\./)).toBeVisible();
  await expect(page.getByTestId("rebuild-products")).toBeEnabled();

  await expect(page.getByTestId("slow-panel")).toContainText("Statements that took 50 ms or longer");
});

test("the owner sees the server's health and version, and the API reference opens with only the app reachable", async ({ page, context }) => {
  await signIn(page, "owner@demo.test");
  await page.goto("/system");
  await waitForHydration(page);
  await expect(page.getByTestId("db-health")).toHaveText("answering");
  await expect(page.getByTestId("redis-health")).toContainText("not set up");
  await expect(page.getByTestId("server-version")).toHaveText(/^\d+\.\d+\.\d+/);

  // Everything but the app itself is cut off: the page must need nothing else.
  const app = new URL(page.url()).origin;
  const elsewhere: string[] = [];
  await context.route(
    (url) => url.origin !== app,
    (route) => {
      elsewhere.push(route.request().url());
      return route.abort("internetdisconnected");
    },
  );
  const [reference] = await Promise.all([
    context.waitForEvent("page"),
    page.getByTestId("api-reference").click(),
  ]);
  await reference.waitForLoadState("load");
  await expect(reference.getByRole("heading", { level: 1 })).toContainText("Tillwise API reference");
  await expect(reference.locator("#tag-Sales")).toBeVisible();
  await expect(reference.getByText("/api/sales/{id}/refund").first()).toBeVisible();
  await reference.getByRole("link", { name: "Schemas" }).click();
  await expect(reference.locator("#schemas")).toBeInViewport();
  // An answer's type links to its schema.
  await reference.locator('#post-sales a[href="#schema-Sale"]').first().click();
  await expect(reference.locator("#schema-Sale")).toBeInViewport();
  await expect(reference.locator("#schema-Sale")).toContainText("employee_name");
  expect(elsewhere).toEqual([]);
});
