import { expect, test } from "@playwright/test";
import { plain, signIn, switchToAna } from "./pages";

// Demo Store products 1 and 2.
const FIRST = "4000000000013";
const SECOND = "4000000000020";

const cartRows = (page) => page.getByRole("table").getByRole("row");

test.describe("while the client is still loading", () => {
  // The service worker would serve the client from its cache, past the
  // slow route below (Playwright does not route a worker's requests).
  test.use({ serviceWorkers: "block" });

  test("a scan made while the checkout is still loading is added, and the page does not reload", async ({ page }) => {
    await switchToAna(page, "Early scan till");
    // The client takes its time to load: the page shows (server-rendered)
    // well before it comes alive, as on a slow tablet.
    let slowed = 0;
    await page.route("**/pkg/tillwise.*wasm", async (route) => {
      slowed += 1;
      await new Promise((r) => setTimeout(r, 2000));
      await route.continue();
    });
    await page.goto("/checkout", { waitUntil: "commit" });
    const scan = page.locator("#scan");
    await expect(scan).toBeVisible();
    await scan.focus();
    await page.keyboard.type(FIRST);
    await page.keyboard.press("Enter");
    await page.keyboard.type(SECOND);
    await page.keyboard.press("Enter");

    await expect(cartRows(page)).toHaveCount(2);
    await expect(page).toHaveURL(/\/checkout$/);
    await expect(scan).toHaveValue("");
    expect(slowed, "the client really was slow to load").toBeGreaterThan(0);
  });
});

test("after an unknown barcode the field is empty, so the next scan is read on its own", async ({ page }) => {
  await switchToAna(page, "Unknown code till");
  const scan = page.getByLabel("Barcode");
  await expect(scan).toBeFocused();
  await page.keyboard.type("99999999999");
  await page.keyboard.press("Enter");
  await expect(page.getByText("No product has the barcode 99999999999.")).toBeVisible();
  await expect(scan).toHaveValue("");
  await page.keyboard.type(FIRST);
  await page.keyboard.press("Enter");
  await expect(cartRows(page)).toHaveCount(1);
});

test("the next customer's first scan, made while the receipt shows, starts their sale", async ({ page }) => {
  await switchToAna(page, "Next customer till");
  await page.keyboard.type(FIRST);
  await page.keyboard.press("Enter");
  await expect(cartRows(page)).toHaveCount(1);
  const total = await page.getByTestId("total").innerText();
  await page.getByLabel("Cash").fill(plain(total));
  await page.getByRole("button", { name: `Pay ${total}` }).click();
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toBeVisible();
  await expect(page.getByLabel("Next customer")).toBeFocused();
  // Once the server has numbered the sale, the receipt says its number, not
  // the reference it was rung up under.
  await expect(receipt).toContainText(/Sale \d+ · /);
  await expect(receipt).not.toContainText("ref ");

  await page.keyboard.type(SECOND);
  await page.keyboard.press("Enter");
  await expect(receipt).toBeHidden();
  await expect(cartRows(page)).toHaveCount(1);
  const second = (await (await page.request.get(`/api/products/barcode/${SECOND}`)).json()).name;
  await expect(page.getByRole("table")).toContainText(second);
  await expect(page.getByLabel("Barcode")).toBeFocused();
});

test("a scan typed the moment a PIN switch lands is kept whole", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Pair till" }).click();
  await page.getByLabel("Till name").fill("Switch-and-scan till");
  await page.getByRole("button", { name: "Pair till" }).click();
  await expect(page).toHaveURL(/\/till$/);
  await page.getByRole("radio", { name: /Ana/ }).click();
  await page.keyboard.type("1111");
  await page.keyboard.press("Enter");
  // No waiting for the checkout to settle: the scanner fires as the page
  // changes, while the screen is still being built for Ana.
  await expect(page).toHaveURL(/\/checkout$/);
  await page.keyboard.type(FIRST);
  await page.keyboard.press("Enter");
  await page.keyboard.type(SECOND);
  await page.keyboard.press("Enter");
  await expect(cartRows(page)).toHaveCount(2);
  await expect(page.getByText(/No product has the barcode/)).toHaveCount(0);
});

test("the cart and what was typed outlive a trip to another screen", async ({ page }) => {
  await switchToAna(page, "Round trip till");
  // (A scan typed in the instant before the barcode field has the focus,
  // right after a switch, can still go astray: an open defect.)
  await expect(page.getByLabel("Barcode")).toBeFocused();
  await page.keyboard.type(FIRST);
  await page.keyboard.press("Enter");
  await page.keyboard.type(SECOND);
  await page.keyboard.press("Enter");
  await expect(cartRows(page)).toHaveCount(2);
  await page.getByLabel("Cash").fill("1.00");
  await page.getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await page.getByRole("link", { name: "Checkout" }).click();
  await expect(cartRows(page)).toHaveCount(2);
  await expect(page.getByLabel("Cash")).toHaveValue("1.00");
});
