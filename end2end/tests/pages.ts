// Page objects: what a person does, in their words.
import { expect, Page } from "@playwright/test";

export async function signIn(page: Page, email: string, password = "demo1234") {
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/products$/);
}

/// The server renders the page first; clicks only work once the WASM client
/// has taken over. Leptos marks that by removing nothing visible, so wait
/// for the network to go quiet after load.
export async function waitForHydration(page: Page) {
  await page.waitForLoadState("networkidle");
}

export async function openNewProduct(page: Page) {
  await page.getByRole("button", { name: "New product" }).click();
  await expect(page.getByRole("dialog", { name: "New product" })).toBeVisible();
}

/// A manager pairs this browser as a till, then cashier Ana switches in.
export async function switchToAna(page: Page, tillName: string) {
  await signIn(page, "manager@demo.test");
  await page.getByRole("link", { name: "Pair till" }).click();
  await page.getByLabel("Till name").fill(tillName);
  await page.getByRole("button", { name: "Pair till" }).click();
  await expect(page).toHaveURL(/\/till$/);
  await page.getByRole("radio", { name: /Ana/ }).click();
  await page.keyboard.type("1111");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/checkout$/);
  await waitForHydration(page);
}
