import { expect, Page, test } from "@playwright/test";
import { switchToAna } from "./pages";

const BARCODE = "4000000000013";

/// Reads (or, with `set`, first writes) the till's sync id and next number.
async function syncIdentity(page: Page, set?: { client_id: string; next: number }) {
  return page.evaluate(
    (set) =>
      new Promise<{ client_id: string; next: number }>((resolve, reject) => {
        const open = indexedDB.open("tillwise");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("meta", "readwrite");
          const meta = tx.objectStore("meta");
          if (set) {
            meta.put(set.client_id, "client_id");
            meta.put(set.next, "next_mutation_id");
          }
          const id = meta.get("client_id");
          const next = meta.get("next_mutation_id");
          tx.oncomplete = () => { db.close(); resolve({ client_id: id.result, next: next.result }); };
          tx.onerror = () => reject(tx.error);
        };
      }),
    set,
  );
}

/// The keys of the refused changes the till keeps for review; with `add`,
/// first keeps one more under that number.
async function keptKeys(page: Page, add?: number) {
  return page.evaluate(
    (add) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open("tillwise");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("kept", "readwrite");
          const kept = tx.objectStore("kept");
          if (add !== undefined) kept.put({ mutation_id: add, reason: "refused earlier", entity: "customer", op: "update" });
          const keys = kept.getAllKeys();
          tx.oncomplete = () => { db.close(); resolve(keys.result as number[]); };
          tx.onerror = () => reject(tx.error);
        };
      }),
    add,
  );
}

async function sellOne(page: Page) {
  await page.getByLabel("Barcode").focus();
  await page.keyboard.type(BARCODE);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("region", { name: "Cart" }).locator("table.cart-lines tr")).toHaveCount(1);
  await page.keyboard.press("F4");
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toBeVisible();
  await receipt.getByRole("button", { name: "New sale" }).click();
}

// A tablet set up from a copy of another's storage shares its sync id: its
// sales go out under numbers the original already used. The server refuses
// to take them for the original's; the copy takes an id of its own and
// sends them again, so both tills' sales land, once each.
test("a till copied from another's storage takes its own sync id and loses no sale", async ({ browser }) => {
  const original = await browser.newPage();
  await switchToAna(original, "Original till");
  await sellOne(original);
  await expect(original.getByTestId("connection")).toHaveAttribute("data-pending", "0");
  const shared = await syncIdentity(original);
  expect(shared.next).toBeGreaterThan(1);

  const copy = await browser.newPage();
  await switchToAna(copy, "Copied till");
  // The copy was taken just before the original's last sale.
  await syncIdentity(copy, { client_id: shared.client_id, next: shared.next - 1 });
  // A change refused earlier, kept for review under number 1: the new
  // numbering starts at 1 again and must not overwrite it.
  await keptKeys(copy, 1);
  const before = (await (await copy.request.get("/api/sales?limit=1")).json()).total;

  await sellOne(copy);
  await expect(copy.getByText(/shared its sync id with another device/)).toBeVisible();
  await expect(copy.getByTestId("connection")).toHaveAttribute("data-pending", "0");
  const own = await syncIdentity(copy);
  expect(own.client_id).not.toBe(shared.client_id);
  expect(own.next).toBe(2);
  const kept = await keptKeys(copy);
  expect(kept).toHaveLength(1);
  expect(kept[0]).toBeLessThan(0);
  const after = (await (await copy.request.get("/api/sales?limit=1")).json()).total;
  expect(after).toBe(before + 1);
  await original.close();
  await copy.close();
});
