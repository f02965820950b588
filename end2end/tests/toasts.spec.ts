import { expect, test } from "@playwright/test";
import { signIn, switchToAna } from "./pages";

test("a repeated message shows once, going offline is information, and toasts keep clear of the cart", async ({ page, context }) => {
  await switchToAna(page, "Toast till");
  for (let i = 0; i < 3; i++) {
    await page.keyboard.type("12312312");
    await page.keyboard.press("Enter");
  }
  await expect(page.locator(".toast", { hasText: "No product has the barcode 12312312." })).toHaveCount(1);

  // The toasts never sit over the cart, totals and Pay.
  const toast = await page.locator(".toast").first().boundingBox();
  const pay = await page.getByRole("button", { name: /^Pay/ }).boundingBox();
  expect(toast!.x + toast!.width).toBeLessThanOrEqual(pay!.x);

  await context.setOffline(true);
  const offline = page.locator(".toast", { hasText: "The connection is gone." });
  await expect(offline).toBeVisible();
  await expect(offline).toHaveClass(/toast-info/);
  await expect(offline).not.toHaveClass(/toast-error/);
  await context.setOffline(false);
});

test("a wrong PIN's message goes once the right PIN is in", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Pair till" }).click();
  await page.getByLabel("Till name").fill("PIN till");
  await page.getByRole("button", { name: "Pair till" }).click();
  await expect(page).toHaveURL(/\/till$/);
  await page.getByRole("radio", { name: /Ben/ }).click();
  await page.keyboard.type("0000");
  await page.keyboard.press("Enter");
  const wrong = page.locator(".toast", { hasText: "Wrong PIN" });
  await expect(wrong).toBeVisible();
  await page.getByRole("radio", { name: /Ben/ }).click();
  await page.keyboard.type("2222");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(wrong).toHaveCount(0);
});
