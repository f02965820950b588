import { expect, test } from "@playwright/test";
import { signIn, uuidv7 } from "./pages";

const BARCODE = "4000000000037";

test("a manager refunds one item of a sale from the history and gets the refund's receipt", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  const product = await (await page.request.get(`/api/products/barcode/${BARCODE}`)).json();
  const id = uuidv7();
  const sold = await page.request.post("/api/sales", {
    data: {
      id,
      lines: [{ product_id: product.id, quantity: 3, unit_price_cents: product.price_cents }],
      payments: [{ method: "cash", amount_cents: 100000 }],
    },
  });
  expect(sold.status()).toBe(201);
  const sale = await sold.json();
  const before = (await (await page.request.get(`/api/products/${product.id}`)).json()).quantity;

  await page.getByRole("link", { name: "Sales" }).click();
  await page.getByTestId("sales-history").getByRole("row").filter({ hasText: String(sale.number) }).first()
    .getByRole("button", { name: "Receipt" }).click();
  const refund = page.getByRole("form", { name: "Refund" });
  await refund.getByLabel(`How many ${product.name} come back`).fill("1");
  await refund.getByLabel("Card").check();
  await refund.getByRole("button", { name: "Refund" }).click();

  await expect(page.getByText(/^Refunded -?\$\d+\.\d\d\. Record \d+ pays it back\./)).toBeVisible();
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText("Refund");
  await expect(receipt).toContainText(`1 × ${product.name}`);
  const after = (await (await page.request.get(`/api/products/${product.id}`)).json()).quantity;
  expect(after).toBe(before + 1);
  const history = await (await page.request.get("/api/sales?limit=1")).json();
  expect(history.items[0].original_sale_id).toBe(sale.id);
  expect(history.items[0].payment_method).toBe("card");
});
