import { expect, Page, test } from "@playwright/test";
import { plain, tillReadyForOffline } from "./pages";

/// Ana sells one product to the store's first customer, part of it on
/// store credit; returns the customer's name and what is owed.
async function sellOnCredit(page: Page) {
  const customers = await (await page.request.get("/api/customers?limit=1")).json();
  const name: string = customers.items[0].name;
  await page.getByLabel("Barcode").fill("4000000000020");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(1);
  const total = (await page.getByTestId("total").textContent())!.trim();
  await page.getByLabel("Customer", { exact: true }).fill(name);
  await page.getByRole("button", { name: new RegExp(`^${name}`) }).click();
  await page.getByLabel("Cash").fill("1.00");
  const owed = ((Math.round(parseFloat(plain(total)) * 100) - 100) / 100).toFixed(2);
  await page.getByLabel("On store credit").fill(owed);
  await page.getByRole("button", { name: `Pay ${total}` }).click();
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText("Store credit");
  return { name, owed };
}

test("customers, store credit and the clock work offline and reach the server once", async ({ page, context }) => {
  await tillReadyForOffline(page, "Floor till");
  const badge = page.getByTestId("connection");
  const { name, owed } = await sellOnCredit(page);
  await expect(badge).toHaveAttribute("data-pending", "0");
  await page.getByRole("link", { name: "Credit" }).click();
  const credit = page.getByTestId("credits").getByRole("row").filter({ hasText: name }).first();
  // The credit the server opened for the sale reaches the till's copy.
  await expect(credit).toContainText(owed);

  const paidCredits = async () =>
    (await (await page.request.get("/api/credits?status=paid&limit=100")).json()).items
      .filter((c: any) => c.customer_name === name).length;
  const paidBefore = await paidCredits();

  await context.setOffline(true);
  await expect(badge).toHaveAttribute("data-link", "offline");
  const wentOffline = Date.now();

  // A customer pays off their credit at the till.
  await credit.getByRole("button", { name: "Take payment" }).click();
  await expect(page.getByLabel("Amount paid")).toHaveValue(owed);
  await page.getByRole("button", { name: "Paid in cash" }).click();
  await expect(page.getByText(`Payment recorded. ${name} still owes $0.00.`)).toBeVisible();
  await page.getByLabel("Show").selectOption("paid");
  await expect(page.getByTestId("credits").getByRole("row").filter({ hasText: name }).first()).toContainText("paid");
  await expect(badge).toHaveAttribute("data-pending", "1");

  // A new customer, then a correction: both shown at once.
  await page.getByRole("link", { name: "Customers" }).click();
  await page.getByRole("button", { name: "New customer" }).click();
  await page.getByLabel("Name").fill("Olga Offline");
  await page.getByLabel("Phone").fill("call me");
  await page.getByRole("button", { name: "Save customer" }).click();
  // Checked here by the server's rules: nothing bad is queued.
  await expect(page.locator(".field.invalid").filter({ hasText: "Phone" })).toBeVisible();
  await expect(badge).toHaveAttribute("data-pending", "1");
  await page.getByLabel("Phone").fill("0123 456");
  await page.getByRole("button", { name: "Save customer" }).click();
  await expect(page.getByText("Saved Olga Offline.")).toBeVisible();
  await page.getByLabel("Search customers").fill("olga off");
  const olga = page.getByTestId("customers").getByRole("row").filter({ hasText: "Olga Offline" });
  await expect(olga).toHaveCount(1);
  await page.getByLabel("Phone").fill("0999 000");
  await page.getByRole("button", { name: "Save customer" }).click();
  await expect(olga).toContainText("0999 000");
  await expect(badge).toHaveAttribute("data-pending", "3");

  // Clocking in offline keeps the moment the button was pressed.
  await page.getByRole("link", { name: "Clock" }).click();
  await page.getByRole("button", { name: "Clock in" }).click();
  await expect(page.getByText("Clocked in since")).toBeVisible();
  await expect(badge).toHaveAttribute("data-pending", "4");
  const pressed = Date.now();

  // A reload offline keeps all of it.
  await page.reload();
  await expect(badge).toHaveAttribute("data-link", "offline");
  await expect(badge).toHaveAttribute("data-pending", "4");
  await page.getByRole("link", { name: "Customers" }).click();
  await page.getByLabel("Search customers").fill("olga");
  await expect(olga).toContainText("0999 000");

  await page.waitForTimeout(1500);
  await context.setOffline(false);
  await expect(badge).toHaveAttribute("data-link", "online", { timeout: 30_000 });
  await expect(badge).toHaveAttribute("data-pending", "0", { timeout: 30_000 });

  const found = await (await page.request.get("/api/customers?q=Olga%20Offline")).json();
  expect(found.items).toHaveLength(1);
  expect(found.items[0].phone).toBe("0999 000");
  expect(found.items[0].sync_version).toBe(2);
  expect(await paidCredits()).toBe(paidBefore + 1);
  const clock = await (await page.request.get("/api/clock")).json();
  const clockIn = Date.parse(clock.current.clock_in);
  expect(clockIn).toBeGreaterThanOrEqual(wentOffline - 1000);
  expect(clockIn).toBeLessThanOrEqual(pressed + 1000);
});

test("two tills edit one customer offline: different fields merge, the overlap reaches the resolver, nothing is lost", async ({ browser, playwright, baseURL }) => {
  const tills = [];
  for (const name of ["North till", "South till"]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await tillReadyForOffline(page, name);
    await page.getByRole("link", { name: "Customers" }).click();
    tills.push({ context, page });
  }
  const [north, south] = tills;
  const customer = (await (await north.page.request.get("/api/customers?limit=1&offset=4")).json()).items[0];
  const openCustomer = async (page: Page) => {
    await page.getByLabel("Search customers").fill(customer.name);
    await page.getByTestId("customers").getByRole("row").filter({ hasText: customer.name }).first()
      .getByRole("button", { name: "Open" }).click();
    await expect(page.getByLabel("Name")).toHaveValue(customer.name);
  };
  const save = async (page: Page, field: string, value: string) => {
    await page.getByLabel(field, { exact: true }).fill(value);
    await page.getByRole("button", { name: "Save customer" }).click();
    await expect(page.getByTestId("connection")).not.toHaveAttribute("data-pending", "0");
  };

  for (const till of tills) {
    await till.context.setOffline(true);
    await expect(till.page.getByTestId("connection")).toHaveAttribute("data-link", "offline");
  }
  // North corrects the phone and the name; South adds an e-mail, then
  // (after reopening) spells the name its own way.
  await openCustomer(north.page);
  await north.page.getByLabel("Phone").fill("0111 222");
  await save(north.page, "Name", `${customer.name} North`);
  await openCustomer(south.page);
  await save(south.page, "E-mail", "south@example.test");
  await south.page.getByLabel("Search customers").fill("south@example.test");
  await south.page.getByTestId("customers").getByRole("row").filter({ hasText: "south@example.test" }).first()
    .getByRole("button", { name: "Open" }).click();
  await save(south.page, "Name", `${customer.name} South`);

  // North comes back first, then South.
  await north.context.setOffline(false);
  await expect(north.page.getByTestId("connection")).toHaveAttribute("data-pending", "0", { timeout: 30_000 });
  await south.context.setOffline(false);
  await expect(south.page.getByTestId("connection")).toHaveAttribute("data-pending", "0", { timeout: 30_000 });

  // The e-mail merged; the name clashed and waits on South.
  const manager = await playwright.request.newContext({ baseURL });
  await manager.post("/api/auth/login", { data: { email: "manager@demo.test", password: "demo1234" } });
  const merged = await (await manager.get(`/api/customers/${customer.id}`)).json();
  expect([merged.name, merged.phone, merged.email]).toEqual([`${customer.name} North`, "0111 222", "south@example.test"]);
  const clashes = south.page.getByTestId("till-conflicts");
  await expect(clashes).toContainText("1 change(s) made here clash", { timeout: 30_000 });
  // Meanwhile South shows the record as the server has it.
  await south.page.getByLabel("Search customers").fill(`${customer.name} North`);
  await expect(south.page.getByTestId("customers")).toContainText("south@example.test");
  await clashes.getByRole("button", { name: /Resolve/ }).click();
  const resolver = south.page.getByTestId("conflict-resolver");
  await expect(resolver.locator('tr[data-field="name"]')).toHaveClass(/clash/);
  await expect(resolver.locator('tr[data-field="name"]')).toContainText(`${customer.name} North`);
  await resolver.getByRole("button", { name: "Keep mine" }).click();
  await expect(resolver).toBeHidden();
  await expect(clashes).toBeHidden();

  const resolved = await (await manager.get(`/api/customers/${customer.id}`)).json();
  expect([resolved.name, resolved.phone, resolved.email]).toEqual([`${customer.name} South`, "0111 222", "south@example.test"]);
  // Every edit and the resolution are in the customer's audit trail.
  const trail = await (await manager.get(`/api/audit/entity/customer/${customer.id}`)).json();
  const actions = trail.map((e: { action: string }) => e.action);
  for (const action of ["customer.update", "customer.merge", "customer.conflict", "customer.resolve"]) {
    expect(actions).toContain(action);
  }
  // And the till's own copy shows the resolved record.
  await south.page.getByLabel("Search customers").fill(`${customer.name} South`);
  await expect(south.page.getByTestId("customers")).toContainText("0111 222", { timeout: 30_000 });
});
