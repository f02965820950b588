import { expect, test } from "@playwright/test";
import { plain, switchToAna, usd } from "./pages";

// Screenshots for a reviewer who does not run the app: target/screenshots/
// (README, "The two commands"), made fresh by every run of the browser tests.
const SHOTS = "../target/screenshots";
const BARCODES = ["4000000000013", "4000000000020", "4000000000037", "4000000000044", "4000000000051", "4000000000068"];

for (const [width, height] of [[1024, 768], [1280, 800]]) {
  test(`the checkout fits a ${width}x${height} screen with the cart, totals and Pay in view`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await switchToAna(page, `Screen till ${width}`);
    await expect(page.getByLabel("Barcode")).toBeFocused();
    for (const code of BARCODES) {
      await page.keyboard.type(code);
      await page.keyboard.press("Enter");
    }
    await expect(page.getByRole("table").getByRole("row")).toHaveCount(BARCODES.length);
    const header = await page.locator(".topbar").boundingBox();
    expect(header!.height).toBeLessThanOrEqual(72);
    for (const part of [page.getByTestId("total"), page.getByRole("button", { name: /^Pay/ }), page.getByLabel("Cash")]) {
      await expect(part).toBeInViewport();
    }
    await page.screenshot({ path: `${SHOTS}/checkout-${width}x${height}.png` });

    // The grid says how many products match and how many it shows.
    await expect(page.getByTestId("grid-count")).toContainText(/\d+ of \d+ products/);

    // Paid with a round note from the quick-cash buttons: the change shows.
    const total = await page.getByTestId("total").innerText();
    const note = page.getByTestId("quick-cash").first();
    const handed = plain(await note.innerText());
    expect(Number(handed)).toBeGreaterThan(Number(plain(total)));
    await note.click();
    await expect(page.getByLabel("Cash")).toHaveValue(handed);
    await expect(page.getByTestId("change")).toHaveText(usd(Math.round((Number(handed) - Number(plain(total))) * 100)));
    await page.getByRole("button", { name: `Pay ${total}` }).click();
    await expect(page.getByRole("region", { name: "Receipt" })).toBeVisible();
    if (width === 1024) {
      await page.emulateMedia({ media: "print" });
      await page.setViewportSize({ width: 302, height: 900 });
      await page.screenshot({ path: `${SHOTS}/receipt-80mm.png`, fullPage: true });
      await page.pdf({ path: `${SHOTS}/receipt-80mm.pdf`, width: "80mm", printBackground: false });
      await page.emulateMedia({ media: "screen" });
    }
  });
}
