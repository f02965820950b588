// Page objects: what a person does, in their words.
import { BrowserContext, expect, Page } from "@playwright/test";

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

/// How many records the till keeps in its own copy (IndexedDB).
export async function recordsOnTill(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open("tillwise");
        open.onsuccess = () => {
          const db = open.result;
          try {
            const count = db.transaction("records").objectStore("records").count();
            count.onsuccess = () => { db.close(); resolve(count.result); };
            count.onerror = () => { db.close(); resolve(0); };
          } catch {
            db.close();
            resolve(0);
          }
        };
        open.onerror = () => resolve(0);
      }),
  );
}

/// Pairs a till for Ana, lets the service worker take over (so the app
/// boots offline) and waits for the till's copy of the store.
export async function tillReadyForOffline(page: Page, tillName: string) {
  await switchToAna(page, tillName);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-link", "online");
  await expect.poll(() => recordsOnTill(page)).toBeGreaterThan(100);
}

/// A UUIDv7, as a till makes one.
export function uuidv7(): string {
  const hex = Date.now().toString(16).padStart(12, "0");
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("");
  const variant = ((parseInt(rand.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(7, 19)}`;
}

/** An amount as the demo store (US dollars) writes it: "$5.04". */
export const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** The number in an amount as a screen writes it ("$5.04" → "5.04"), as a cashier types it. */
export const plain = (shown: string) => shown.replace(/[^0-9.-]/g, "");

/// Makes a piece of the client (`split_<name>….wasm`: a page's code, the
/// conflict resolver's) fail to arrive until `restore` is called. Only the
/// page's own fetches are cut: block the service worker too, or it answers
/// from its copy.
export async function cutPiece(target: Page | BrowserContext, name: string) {
  let cut = true;
  await target.route(new RegExp(`\\.split_\\w*${name}\\w*\\.wasm$`), (route) => (cut ? route.abort() : route.continue()));
  return { restore: () => { cut = false; } };
}

