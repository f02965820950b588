import { expect, test } from "@playwright/test";
import { signIn } from "./pages";

test("a manager pairs the browser as a till and a cashier switches in by PIN", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Pair till" }).click();
  await page.getByLabel("Till name").fill("Front till");
  await page.getByRole("button", { name: "Pair till" }).click();
  await expect(page.getByText("This browser is now the till “Front till”.")).toBeVisible();
  await expect(page).toHaveURL(/\/till$/);

  await page.getByRole("radio", { name: /Ben/ }).click();
  // A wrong PIN is refused in plain words, with the tries left.
  await page.keyboard.type("1234");
  await page.keyboard.press("Enter");
  await expect(page.getByText(/Wrong PIN\. 4 tries left/)).toBeVisible();

  // The keypad works for touch screens.
  for (const digit of ["2", "2", "2", "2"]) {
    await page.getByRole("button", { name: digit, exact: true }).click();
  }
  await page.getByRole("button", { name: "Enter" }).click();
  await expect(page.getByText("Ben is on the till.")).toBeVisible();
  await expect(page.locator(".who-name")).toHaveText("Ben");
  await expect(page.locator(".who-role")).toHaveText("cashier");
});
