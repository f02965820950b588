import { expect, test } from "@playwright/test";
import { plain, switchToAna, waitForHydration } from "./pages";

test("a cashier clocks in, puts part of a sale on a customer's credit, takes the rest later, and clocks out", async ({ page }) => {
  await switchToAna(page, "Credit till");

  await page.getByRole("link", { name: "Clock" }).click();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Clock in" }).click();
  await expect(page.getByText("Clocked in since")).toBeVisible();

  await page.getByRole("link", { name: "Checkout" }).click();
  await waitForHydration(page);
  const customers = await (await page.request.get("/api/customers?limit=1")).json();
  const name: string = customers.items[0].name;
  await page.getByLabel("Barcode").fill("4000000000020");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(1);
  const total = (await page.getByTestId("total").textContent())!.trim();
  const totalCents = Math.round(parseFloat(plain(total)) * 100);

  await page.getByLabel("Customer", { exact: true }).fill(name);
  await page.getByRole("button", { name: new RegExp(`^${name}`) }).click();
  await expect(page.getByText(`Customer: ${name}`)).toBeVisible();
  await page.getByLabel("Cash").fill("1.00");
  const owed = ((totalCents - 100) / 100).toFixed(2);
  await page.getByLabel("On store credit").fill(owed);
  await expect(page.getByTestId("change")).toHaveText("$0.00");
  await page.getByRole("button", { name: `Pay ${total}` }).click();
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText(`Customer: ${name}`);
  await expect(receipt).toContainText("Store credit");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-pending", "0");

  await page.getByRole("link", { name: "Credit" }).click();
  await waitForHydration(page);
  const row = page.getByTestId("credits").getByRole("row").filter({ hasText: name }).first();
  await expect(row).toContainText("pending");
  await expect(row).toContainText(owed);
  await row.getByRole("button", { name: "Take payment" }).click();
  await expect(page.getByLabel("Amount paid")).toHaveValue(owed);
  await page.getByRole("button", { name: "Paid in cash" }).click();
  await expect(page.getByText(`Payment recorded. ${name} still owes $0.00.`)).toBeVisible();
  await page.getByLabel("Show").selectOption("paid");
  await expect(page.getByTestId("credits").getByRole("row").filter({ hasText: name }).first()).toContainText("paid");

  // The customer's page shows the purchase and the totals it moved.
  await page.getByRole("link", { name: "Customers" }).click();
  await waitForHydration(page);
  await page.getByLabel("Search customers").fill(name);
  await page.getByTestId("customers").getByRole("row").filter({ hasText: name }).first()
    .getByRole("button", { name: "Open" }).click();
  await expect(page.getByText(/^1 order, /)).toBeVisible();
  await expect(page.getByTestId("customer-sales")).toContainText(total);

  await page.getByRole("link", { name: "Clock" }).click();
  await waitForHydration(page);
  await page.getByRole("button", { name: "Clock out" }).click();
  await expect(page.getByText("You are not clocked in.")).toBeVisible();
  await expect(page.getByTestId("clock-events").getByRole("row").nth(1)).toContainText(total);
});
