import { expect, test } from "@playwright/test";
import { signIn, switchToAna } from "./pages";

// Demo Store products 1–3: 1.36 at 5 % tax, 1.73 at 20 %, 2.10 at 0 %.
const BARCODES = ["4000000000013", "4000000000020", "4000000000037"];

test("a cashier scans three items, gives 10 % off, pays cash and card, and gets a receipt", async ({ page }) => {
  await switchToAna(page, "Checkout till");

  const stockBefore = await Promise.all(
    BARCODES.map(async (code) => (await (await page.request.get(`/api/products/barcode/${code}`)).json()).quantity),
  );

  // A keyboard-wedge scanner types digits and Enter into the focused field.
  const scan = page.getByLabel("Barcode");
  await expect(scan).toBeFocused();
  for (const code of BARCODES) {
    await page.keyboard.type(code);
    await page.keyboard.press("Enter");
    await expect(scan).toHaveValue("");
  }
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(3);

  await page.getByLabel("Cart discount").fill("10%");
  await page.getByRole("button", { name: "Apply" }).click();
  // 5.19 less 0.52, shared over the lines, plus each line's tax.
  await expect(page.getByTestId("total")).toHaveText("$5.04");

  await page.getByLabel("Cash").fill("3.00");
  await page.getByLabel("Card").fill("2.04");
  await expect(page.getByTestId("change")).toHaveText("$0.00");
  await page.getByRole("button", { name: "Pay $5.04" }).click();

  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toBeVisible();
  await expect(receipt.getByTestId("receipt-total")).toHaveText("$5.04");
  await expect(receipt).toContainText("Served by Ana");
  await expect(receipt).toContainText("Demo Store");
  await page.emulateMedia({ media: "print" });
  await expect(receipt.getByRole("button", { name: "Print" })).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  // The till keeps the sale first and sends it straight after: the badge
  // shows nothing waiting once the server has it.
  await expect(page.getByTestId("connection")).toHaveAttribute("data-pending", "0");
  const stockAfter = await Promise.all(
    BARCODES.map(async (code) => (await (await page.request.get(`/api/products/barcode/${code}`)).json()).quantity),
  );
  expect(stockAfter).toEqual(stockBefore.map((q: number) => q - 1));
  const history = await (await page.request.get("/api/sales?limit=1")).json();
  expect(history.items[0].total_cents).toBe(504);
  expect(history.items[0].payment_method).toBe("split");

  const number = history.items[0].number;

  await receipt.getByRole("button", { name: "New sale" }).click();
  await expect(page.getByText("Scan or tap a product to start a sale.")).toBeVisible();

  // The manager finds the sale in the history, with its receipt, and in
  // today's reports.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Sales" }).click();
  const row = page.getByTestId("sales-history").getByRole("row").filter({ hasText: "5.04" }).first();
  await expect(row).toContainText(String(number));
  await expect(row).toContainText("Ana");
  await expect(row).toContainText("Split");
  await row.getByRole("button", { name: "Receipt" }).click();
  await expect(page.getByRole("region", { name: "Receipt" }).getByTestId("receipt-total")).toHaveText("$5.04");

  await page.getByRole("link", { name: "Reports" }).click();
  const today = new Date().toISOString().slice(0, 10);
  const day = page.getByTestId("report-days").getByRole("row").filter({ hasText: today });
  await expect(day).toBeVisible();
  await expect(page.getByTestId("report-employees")).toContainText("Ana");
  await expect(page.getByTestId("report-methods")).toContainText("card");
  await expect(page.getByRole("img", { name: "Net takings per day" })).toBeVisible();

  // A mistake: the manager voids the sale and every unit goes back.
  await page.getByRole("link", { name: "Sales" }).click();
  await page.getByTestId("sales-history").getByRole("row").filter({ hasText: String(number) }).first()
    .getByRole("button", { name: "Receipt" }).click();
  await page.getByRole("button", { name: "Void this sale" }).click();
  await page.getByRole("button", { name: /Really void/ }).click();
  await expect(page.getByText(/^Voided\./)).toBeVisible();
  const stockVoided = await Promise.all(
    BARCODES.map(async (code) => (await (await page.request.get(`/api/products/barcode/${code}`)).json()).quantity),
  );
  expect(stockVoided).toEqual(stockBefore);

  // Both are in the audit log, and the chain is intact.
  await page.getByRole("link", { name: "Audit" }).click();
  await page.getByLabel("What").selectOption("sale");
  await expect(page.getByTestId("audit").getByRole("row").filter({ hasText: "Sale recorded" }).first()).toBeVisible();
  await page.getByRole("button", { name: "Check the chain" }).click();
  await expect(page.getByTestId("chain")).toContainText("entries are intact");
});
