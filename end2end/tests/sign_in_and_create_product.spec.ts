import { expect, test } from "@playwright/test";
import { openNewProduct, signIn, waitForHydration } from "./pages";

test("the owner signs in, creates a category and a product, and finds it by barcode", async ({ page }) => {
  const suffix = Date.now().toString().slice(-6);
  const category = `Gifts ${suffix}`;
  const product = `Gift card ${suffix}`;
  const barcode = `99${suffix}01`;

  await signIn(page, "owner@demo.test");
  await expect(page.locator(".who-name")).toHaveText("Olivia Owner");

  await page.getByRole("link", { name: "Categories" }).first().click();
  await expect(page.getByRole("heading", { name: "New category" })).toBeVisible();
  await page.getByLabel("Name").fill(category);
  await page.getByRole("button", { name: "Save category" }).click();
  await expect(page.getByRole("cell", { name: category })).toBeVisible();

  await page.getByRole("link", { name: "Products" }).first().click();
  await openNewProduct(page);
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("Name").fill(product);
  await dialog.getByLabel("SKU").fill(`GC-${suffix}`);
  await dialog.getByLabel("Barcode").fill(barcode);
  await dialog.getByLabel("Category").selectOption({ label: category });
  await dialog.getByLabel("Price").fill("25.00");
  await dialog.getByLabel("Tax %").fill("20");
  await dialog.getByRole("button", { name: "Save product" }).click();
  await expect(page.getByText(`Saved “${product}”.`)).toBeVisible();
  await expect(dialog).toBeHidden();

  await page.getByLabel("Find by barcode").fill(barcode);
  await page.getByLabel("Find by barcode").press("Enter");
  const editor = page.getByRole("dialog", { name: "Edit product" });
  await expect(editor).toBeVisible();
  await expect(editor.getByLabel("Name")).toHaveValue(product);
  await expect(editor.getByLabel("Price")).toHaveValue("25.00");
});

test("bad input is refused with the field marked and nothing saved", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await openNewProduct(page);
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("Name").fill("Broken price");
  await dialog.getByLabel("SKU").fill("BROKEN-1");
  await dialog.getByLabel("Price").fill("12,50");
  await dialog.getByRole("button", { name: "Save product" }).click();
  await expect(dialog.getByText("enter an amount like 12.50")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.getByLabel("Search products").fill("Broken price");
  await expect(page.getByText("No products match.")).toBeVisible();
});

test("a wrong password is told plainly", async ({ page }) => {
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("E-mail").fill("owner@demo.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That e-mail and password do not match")).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});

test("the product list pages forward and back", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  const summary = page.locator(".pager .muted");
  await expect(summary).toContainText(/^1–50 of \d+ products$/);
  const next = page.getByRole("button", { name: "Next", exact: true });
  await next.click();
  await expect(summary).toContainText(/^51–\d+ of \d+ products$/);
  await page.getByRole("button", { name: "Previous", exact: true }).click();
  await expect(summary).toContainText(/^1–50 of \d+ products$/);
});

test("too many wrong passwords are answered in plain words, with how long to wait", async ({ page }) => {
  // An address nobody has, so no other test's account is held back.
  const email = `guesser-${Date.now()}@demo.test`;
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("wrong-guess");
  const signIn = page.getByRole("button", { name: "Sign in" });
  for (let n = 1; n <= 10; n++) {
    await signIn.click();
    await expect(page.getByText("That e-mail and password do not match").last()).toBeVisible();
    await expect(signIn).toBeEnabled();
  }
  await signIn.click();
  await expect(page.getByText(/Too many wrong passwords\. Try again in 1[45] minutes/)).toBeVisible();
});

test("what is typed in the product dialog survives a category made elsewhere meanwhile", async ({ page, browser }) => {
  const suffix = Date.now().toString().slice(-6);
  await signIn(page, "owner@demo.test");
  await openNewProduct(page);
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("Name").fill(`Half-typed ${suffix}`);
  await dialog.getByLabel("Price").fill("3.20");

  // Another manager adds a category; this till hears of it live.
  const other = await (await browser.newContext()).newPage();
  await signIn(other, "manager@demo.test");
  const made = await other.request.post("/api/categories", { data: { name: `Arrived ${suffix}` } });
  expect(made.status()).toBe(201);
  await expect(dialog.getByLabel("Category").locator("option", { hasText: `Arrived ${suffix}` })).toHaveCount(1);

  await expect(dialog.getByLabel("Name")).toHaveValue(`Half-typed ${suffix}`);
  await expect(dialog.getByLabel("Price")).toHaveValue("3.20");
});

test("every bad field is marked at once, money limits read as money, and a mark goes as the field is mended", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await openNewProduct(page);
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("SKU").fill("NEG-1");
  await dialog.getByLabel("Price").fill("-5");
  await dialog.getByRole("button", { name: "Save product" }).click();
  const name = dialog.locator("#field-name-error");
  const price = dialog.locator("#field-price_cents-error");
  await expect(name).toHaveText("is required");
  await expect(price).toHaveText("must be between 0.00 and 1000000.00");
  await dialog.getByLabel("Name").fill("Negative");
  await expect(name).toHaveText("");
  await expect(price).toHaveText("must be between 0.00 and 1000000.00");
  await expect(dialog.getByLabel("Name")).toHaveAttribute("aria-invalid", "false");
});

test("the sign-in page asks nothing of the store before anyone signs in", async ({ page }) => {
  const refused: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 401 && r.url().includes("/api/sync/")) refused.push(r.url());
  });
  await page.goto("/login");
  await waitForHydration(page);
  await page.waitForTimeout(1500);
  expect(refused).toEqual([]);
});
