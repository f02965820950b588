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
});
