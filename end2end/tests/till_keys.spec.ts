import { expect, test } from "@playwright/test";
import { switchToAna, waitForHydration } from "./pages";

// Demo Store products 1 and 2.
const FIRST = "4000000000013";
const SECOND = "4000000000020";

const cartRows = (page) => page.getByRole("region", { name: "Cart" }).locator("table.cart-lines tr");

async function scan(page, code: string) {
  await expect(page.getByLabel("Barcode")).toBeFocused();
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
}

test("a parked sale survives a reload and another cashier resumes it, counts and all", async ({ page }) => {
  await switchToAna(page, "Parking till");
  await scan(page, FIRST);
  // "3*" before a scan: three of it.
  await scan(page, `3*${SECOND}`);
  await expect(cartRows(page)).toHaveCount(2);
  await expect(cartRows(page).nth(1).locator(".qty-n")).toHaveText("3");
  const parkedTotal = await page.getByTestId("total").innerText();

  // F8 parks it; the till is free for the next customer.
  await page.keyboard.press("F8");
  await expect(page.getByText("Sale parked.")).toBeVisible();
  await expect(cartRows(page)).toHaveCount(0);
  await expect(page.getByTestId("parked-toggle")).toContainText("Parked (1)");

  // The next customer pays exact cash with F4 and gets a receipt.
  await scan(page, FIRST);
  await page.keyboard.press("F4");
  await expect(page.getByRole("region", { name: "Receipt" })).toBeVisible();
  await page.getByRole("button", { name: "New sale" }).click();

  // A reload (or a crash) keeps the parked sale: it is on the till's disk.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("parked-toggle")).toContainText("Parked (1)");

  // Ben takes over the till and resumes Ana's sale from the list (F9).
  await page.getByRole("link", { name: "Switch cashier" }).click();
  await page.getByRole("radio", { name: /Ben/ }).click();
  await page.keyboard.type("2222");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/checkout$/);
  await waitForHydration(page);
  // The till's keys work once the checkout has taken the focus (on a busy
  // machine "network idle" can come before that).
  await expect(page.getByLabel("Barcode")).toBeFocused();
  await page.keyboard.press("F9");
  const list = page.getByRole("region", { name: "Parked sales" });
  await expect(list).toContainText("parked by Ana");
  await expect(list).toContainText(parkedTotal);
  await list.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByText("Resumed the sale Ana parked.")).toBeVisible();
  await expect(cartRows(page)).toHaveCount(2);
  await expect(page.getByTestId("total")).toHaveText(parkedTotal);
  await expect(page.getByTestId("parked-toggle")).toContainText("Parked (0)");

  // F6: all on card, paid; the receipt is Ben's and has the three.
  await page.keyboard.press("F6");
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText("Served by Ben");
  await expect(receipt).toContainText("3 ×");
  await expect(receipt.getByTestId("receipt-total")).toHaveText(parkedTotal);
});

test("a count that is not one is refused in words, and the scan adds nothing", async ({ page }) => {
  await switchToAna(page, "Count till");
  await scan(page, `0*${FIRST}`);
  await expect(page.getByText("“0” is not a count")).toBeVisible();
  await expect(cartRows(page)).toHaveCount(0);
  await expect(page.getByLabel("Barcode")).toHaveValue("");
});

test("a manager's PIN sets a line's price on the till; a wrong PIN changes nothing", async ({ page }) => {
  await switchToAna(page, "Price till");
  await scan(page, FIRST);
  await expect(cartRows(page)).toHaveCount(1);
  await page.getByRole("button", { name: /^Change the price of / }).click();
  const dialog = page.getByRole("dialog", { name: "Change the price" });
  await dialog.getByLabel("New price each").fill("0.50");
  await dialog.getByLabel("Approved by").selectOption({ label: "Max Manager" });
  await dialog.getByLabel("Manager's PIN").fill("1234");
  await dialog.getByRole("button", { name: "Approve price" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Wrong PIN");
  await expect(cartRows(page).first()).not.toContainText("$0.50 each");

  await dialog.getByLabel("Manager's PIN").fill("5555");
  await dialog.getByRole("button", { name: "Approve price" }).click();
  await expect(dialog).toBeHidden();
  await expect(cartRows(page).first()).toContainText("$0.50 each · price by Max Manager");
  await page.keyboard.press("F4");
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText("$0.50 each");
});

test("the product grid pages on beyond its first fifty, and a search starts it again", async ({ page }) => {
  await switchToAna(page, "Paging till");
  const pager = page.locator(".catalog .pager");
  await expect(pager).toContainText(/^1–50 of \d+ products/);
  await pager.getByRole("button", { name: "Next" }).click();
  await expect(pager).toContainText(/^51–100 of \d+ products/);
  const tiles = page.locator(".product-tile");
  await expect(tiles.first()).toBeVisible();
  await page.getByLabel("Search products").fill("Apples");
  await expect(page.getByTestId("grid-count")).toContainText(/product/);
  await expect(tiles.first()).toContainText("Apples");
});
