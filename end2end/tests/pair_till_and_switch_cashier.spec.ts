import { expect, test } from "@playwright/test";
import { signIn, switchToAna, waitForHydration } from "./pages";

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

test("a manager unpairs a lost till on the staff screen and whoever is on it is signed out", async ({ browser }) => {
  const name = `Lost till ${Date.now()}`;
  const till = await browser.newPage();
  await switchToAna(till, name);
  expect((await till.request.get("/api/auth/me")).status()).toBe(200);

  const office = await browser.newPage();
  await signIn(office, "manager@demo.test");
  await office.goto("/staff");
  await waitForHydration(office);
  const row = office.getByTestId("tills").getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("until");
  await row.getByRole("button", { name: "Unpair", exact: true }).click();
  // Asked once more: it signs people out.
  await row.getByRole("button", { name: `Unpair ${name}: sign everyone out` }).click();
  await expect(office.getByText("Unpaired. Anyone switched in on it is signed out.")).toBeVisible();
  await expect(row).toContainText("unpaired");
  await expect(row.getByRole("button", { name: "Unpair" })).toHaveCount(0);

  // On the till: Ana is signed out and the PIN pad is gone.
  expect((await till.request.get("/api/auth/me")).status()).toBe(401);
  expect((await till.request.get("/api/devices/people")).status()).toBe(403);
  await till.close();
  await office.close();
});
