import { APIRequestContext, Browser, expect, Page, test } from "@playwright/test";
import { cutPiece, signIn } from "./pages";

/// A new product made through the REST API by `api`.
async function newProduct(api: APIRequestContext, suffix: string) {
  const res = await api.post("/api/products", {
    data: { name: `Teapot ${suffix}`, sku: `TP-${suffix}`, barcode: `77${suffix}`, price_cents: 500, tax_rate_bp: 0 },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/// Opens the product editor by barcode, as a person at the back office does.
async function openEditor(page: Page, barcode: string) {
  await page.getByLabel("Find by barcode").fill(barcode);
  await page.getByLabel("Find by barcode").press("Enter");
  const editor = page.getByRole("dialog", { name: "Edit product" });
  await expect(editor).toBeVisible();
  return editor;
}

async function auditActions(api: APIRequestContext, id: string): Promise<string[]> {
  const trail = await (await api.get(`/api/audit/entity/product/${id}`)).json();
  return trail.map((e: { action: string }) => e.action).sort();
}

test("one product edited in two browsers: the second save opens the resolver, and each strategy keeps what was chosen", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner@demo.test", password: "demo1234" } });
  const first = await signedInPage(browser, "owner@demo.test");
  const second = await signedInPage(browser, "manager@demo.test");

  for (const [strategy, name, price] of [
    ["Keep theirs", "First name", 777],
    ["Keep mine", "Second name", 999],
    ["Use my picks", "Second name", 777],
  ] as const) {
    const suffix = Date.now().toString().slice(-6);
    const product = await newProduct(api, suffix);
    const barcode = product.barcode;
    // Both open the same product before either saves.
    const mine = await openEditor(second, barcode);
    const theirs = await openEditor(first, barcode);
    await theirs.getByLabel("Name").fill("First name");
    await theirs.getByLabel("Price").fill("7.77");
    await theirs.getByRole("button", { name: "Save product" }).click();
    await expect(theirs).toBeHidden();

    await mine.getByLabel("Name").fill("Second name");
    await mine.getByLabel("Price").fill("9.99");
    await mine.getByRole("button", { name: "Save product" }).click();
    const resolver = second.getByTestId("conflict-resolver");
    await expect(resolver).toBeVisible();
    const nameRow = resolver.locator('tr[data-field="name"]');
    await expect(nameRow).toHaveClass(/clash/);
    await expect(nameRow).toContainText(`Teapot ${suffix}`);
    await expect(nameRow).toContainText("First name");
    await expect(nameRow).toContainText("Second name");
    await expect(resolver.locator('tr[data-field="price_cents"]')).toHaveClass(/clash/);
    if (strategy === "Use my picks") {
      await nameRow.getByRole("radio").nth(1).check();
    }
    await resolver.getByRole("button", { name: strategy }).click();
    await expect(resolver).toBeHidden();
    await expect(second.getByText("Resolved.").last()).toBeVisible();

    const now = await (await api.get(`/api/products/${product.id}`)).json();
    expect([now.name, now.price_cents, now.sync_version]).toEqual([name, price, 3]);
    expect(await auditActions(api, product.id)).toEqual([
      "product.conflict",
      "product.create",
      "product.resolve",
      "product.update",
    ]);
  }
  // Decide later: the editor closes, the edit waits in the managers' list
  // with nothing changed, and is resolved there.
  const later = await newProduct(api, Date.now().toString().slice(-6));
  const mine = await openEditor(second, later.barcode);
  const theirs = await openEditor(first, later.barcode);
  await theirs.getByLabel("Name").fill("Kitchen name");
  await theirs.getByRole("button", { name: "Save product" }).click();
  await expect(theirs).toBeHidden();
  await mine.getByLabel("Name").fill("Shop name");
  await mine.getByRole("button", { name: "Save product" }).click();
  const resolver = second.getByTestId("conflict-resolver");
  await resolver.getByRole("button", { name: "Decide later" }).click();
  await expect(resolver).toBeHidden();
  await expect(mine).toBeHidden();
  const waiting = await (await api.get(`/api/products/${later.id}`)).json();
  expect([waiting.name, waiting.sync_version]).toEqual(["Kitchen name", 2]);
  await second.getByRole("link", { name: "Conflicts" }).click();
  const row = second.getByTestId("conflicts").getByRole("row").filter({ hasText: "product edit" });
  await expect(row).toContainText("Name");
  await row.getByRole("button", { name: "Resolve" }).click();
  await resolver.getByRole("button", { name: "Keep mine" }).click();
  await expect(second.getByTestId("no-conflicts")).toBeVisible();
  const resolved = await (await api.get(`/api/products/${later.id}`)).json();
  expect([resolved.name, resolved.sync_version]).toEqual(["Shop name", 3]);
});

test("two browsers editing different fields of one product merge with no dialog", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner@demo.test", password: "demo1234" } });
  const first = await signedInPage(browser, "owner@demo.test");
  const second = await signedInPage(browser, "manager@demo.test");
  const product = await newProduct(api, Date.now().toString().slice(-6));

  const mine = await openEditor(second, product.barcode);
  const theirs = await openEditor(first, product.barcode);
  await theirs.getByLabel("Price").fill("6.50");
  await theirs.getByRole("button", { name: "Save product" }).click();
  await expect(theirs).toBeHidden();
  await mine.getByLabel("Name").fill("Merged teapot");
  await mine.getByRole("button", { name: "Save product" }).click();
  await expect(second.getByText("Saved “Merged teapot”.")).toBeVisible();
  await expect(second.getByTestId("conflict-resolver")).toHaveCount(0);

  const now = await (await api.get(`/api/products/${product.id}`)).json();
  expect([now.name, now.price_cents, now.sync_version]).toEqual(["Merged teapot", 650, 3]);
  expect(await auditActions(api, product.id)).toEqual(["product.create", "product.merge", "product.update"]);
});

test("a category edited meanwhile opens the same resolver from the categories screen", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner@demo.test", password: "demo1234" } });
  const name = `Teas ${Date.now().toString().slice(-6)}`;
  const category = await (await api.post("/api/categories", { data: { name, description: "loose leaf" } })).json();
  const page = await signedInPage(browser, "manager@demo.test");
  await page.getByRole("link", { name: "Categories" }).first().click();
  await page.getByRole("row").filter({ hasText: name }).getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: "Edit category" })).toBeVisible();
  // Someone else changes the description first.
  const res = await api.put(`/api/categories/${category.id}`, { data: { name, description: "loose leaf and bags", sync_version: 1 } });
  expect(res.status()).toBe(200);
  await page.getByLabel("Description").fill("bags only");
  await page.getByRole("button", { name: "Save category" }).click();
  const resolver = page.getByTestId("conflict-resolver");
  await expect(resolver.locator('tr[data-field="description"]')).toHaveClass(/clash/);
  await resolver.getByRole("button", { name: "Keep theirs" }).click();
  await expect(resolver).toBeHidden();
  const now = await (await api.get(`/api/categories/${category.id}`)).json();
  expect([now.description, now.sync_version]).toEqual(["loose leaf and bags", 3]);
});

test("the resolver names a category instead of showing its id, lists only what changed, and stays inside its box", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner@demo.test", password: "demo1234" } });
  const suffix = Date.now().toString().slice(-6);
  const category = async (name: string) =>
    (await (await api.post("/api/categories", { data: { name: `${name} ${suffix}` } })).json()).id;
  const [loose, bagged, boxed] = [await category("Loose"), await category("Bagged"), await category("Boxed")];
  const res = await api.post("/api/products", {
    data: { name: `Kettle ${suffix}`, sku: `KT-${suffix}`, barcode: `78${suffix}`, price_cents: 500, category_id: loose },
  });
  const product = await res.json();
  const first = await signedInPage(browser, "owner@demo.test");
  const second = await signedInPage(browser, "manager@demo.test");
  await second.setViewportSize({ width: 1024, height: 768 });

  const mine = await openEditor(second, product.barcode);
  const theirs = await openEditor(first, product.barcode);
  await theirs.getByLabel("Category").selectOption(bagged);
  await theirs.getByRole("button", { name: "Save product" }).click();
  await expect(theirs).toBeHidden();
  await mine.getByLabel("Category").selectOption(boxed);
  await mine.getByRole("button", { name: "Save product" }).click();

  const resolver = second.getByTestId("conflict-resolver");
  const row = resolver.locator('tr[data-field="category_id"]');
  await expect(row).toHaveClass(/clash/);
  await expect(row).toContainText(`Loose ${suffix}`);
  await expect(row).toContainText(`Bagged ${suffix}`);
  await expect(row).toContainText(`Boxed ${suffix}`);
  await expect(row).not.toContainText(bagged);
  // Nobody changed the name, the SKU or the price: they are not listed.
  await expect(resolver.locator("tbody tr")).toHaveCount(1);

  const dialog = await resolver.boundingBox();
  for (const cell of await resolver.locator("th, td, label").all()) {
    const box = await cell.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(dialog!.x + dialog!.width + 0.5);
  }
  await resolver.getByRole("button", { name: "Keep theirs" }).click();
  await expect(resolver).toBeHidden();
});

test("when the resolver's piece does not arrive, the dialog says so and Try again brings it", async ({ browser, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post("/api/auth/login", { data: { email: "owner@demo.test", password: "demo1234" } });
  const name = `Herbs ${Date.now().toString().slice(-6)}`;
  const category = await (await api.post("/api/categories", { data: { name, description: "dried" } })).json();
  // Without the worker (it would answer from its copy), the page's own
  // fetch of the resolver's piece can be cut.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const resolverPiece = await cutPiece(context, "resolver");
  const page = await context.newPage();
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Categories" }).first().click();
  await page.getByRole("row").filter({ hasText: name }).getByRole("button", { name: "Edit" }).click();
  const res = await api.put(`/api/categories/${category.id}`, { data: { name, description: "dried, loose", sync_version: 1 } });
  expect(res.status()).toBe(200);
  await page.getByLabel("Description").fill("dried, bagged");
  await page.getByRole("button", { name: "Save category" }).click();

  const dialog = page.getByRole("dialog", { name: "Resolve a conflict" });
  await expect(dialog.getByTestId("piece-missing")).toContainText("could not be loaded");
  resolverPiece.restore();
  await dialog.getByRole("button", { name: "Try again" }).click();
  const resolver = page.getByTestId("conflict-resolver");
  await expect(resolver.locator('tr[data-field="description"]')).toHaveClass(/clash/);
  await resolver.getByRole("button", { name: "Keep theirs" }).click();
  await expect(resolver).toBeHidden();
  await context.close();
});
