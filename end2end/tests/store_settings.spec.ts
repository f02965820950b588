import { expect, test } from "@playwright/test";
import { signIn, switchToAna, waitForHydration } from "./pages";

const FIRST = "4000000000013";
// Fourteen hours ahead of UTC all year: its clock is never the server's.
const ZONE = "Pacific/Kiritimati";

/** "YYYY-MM-DD HH" now on `zone`'s clock. */
function hourIn(zone: string, at: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23",
    }).formatToParts(at).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}`;
}

test("the owner's receipt lines and clock reach the till's receipt; a manager reads them, changes nothing; the audit log says what changed", async ({ page, browser }) => {
  await signIn(page, "owner@demo.test");
  await page.goto("/settings");
  await waitForHydration(page);
  await page.getByLabel("Address (on receipts)").fill("1 Harbour Road\nLondon Village");
  await page.getByLabel("Tax number (on receipts)").fill("KI-778899");
  await page.getByLabel("Receipt footer, e.g. your returns policy").fill("Returns within 30 days with this receipt.");
  await page.getByLabel("Time zone (the clock on screens and receipts)").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#field-time_zone-error")).toContainText("not a time zone");
  await page.getByLabel("Time zone (the clock on screens and receipts)").fill(ZONE);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/Settings saved/)).toBeVisible();

  // A manager sees every setting, greyed, and no Save.
  const office = await browser.newContext();
  const manager = await office.newPage();
  await signIn(manager, "manager@demo.test");
  await manager.goto("/settings");
  await waitForHydration(manager);
  await expect(manager.getByLabel("Tax number (on receipts)")).toHaveValue("KI-778899");
  await expect(manager.getByLabel("Tax number (on receipts)")).toBeDisabled();
  await expect(manager.getByRole("button", { name: "Save" })).toHaveCount(0);
  await expect(manager.getByText("Only the owner can change these.")).toBeVisible();

  // The audit log: the owner's settings change, in words, field by field,
  // and the history of that one record.
  await manager.goto("/audit");
  await waitForHydration(manager);
  await manager.getByLabel("What").selectOption("store_settings");
  await manager.getByLabel("Who").selectOption({ label: "Olivia Owner" });
  const rows = manager.getByTestId("audit").locator("tbody tr");
  await expect(rows.first()).toContainText("Store settings changed");
  await rows.first().getByRole("button", { name: "Details" }).click();
  const changes = manager.getByTestId("audit-changes");
  await expect(changes.locator('tr[data-field="time_zone"]')).toContainText("UTC");
  await expect(changes.locator('tr[data-field="time_zone"]')).toContainText(ZONE);
  await expect(changes.locator('tr[data-field="sync_version"]')).toHaveCount(0);
  await manager.getByRole("link", { name: "History of this record" }).click();
  await expect(manager).toHaveURL(/\/audit\?record=/);
  await expect(rows.first()).toBeVisible();
  for (const action of await rows.locator("td[data-action]").evaluateAll((cells) => cells.map((c) => c.getAttribute("data-action")))) {
    expect(action).toMatch(/^store(_settings)?\./);
  }
  await office.close();

  // The till: the receipt carries the lines, and the store's own time.
  const till = await browser.newContext();
  const cashier = await till.newPage();
  await switchToAna(cashier, "Receipt lines till");
  await expect(cashier.getByLabel("Barcode")).toBeFocused();
  await cashier.keyboard.type(FIRST);
  await cashier.keyboard.press("Enter");
  const before = new Date();
  await cashier.keyboard.press("F4");
  const receipt = cashier.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText("1 Harbour Road");
  await expect(receipt).toContainText("Tax no. KI-778899");
  await expect(receipt).toContainText("Returns within 30 days with this receipt.");
  const when = await receipt.getByTestId("receipt-number").innerText();
  const after = new Date();
  expect([hourIn(ZONE, before), hourIn(ZONE, after)].some((h) => when.includes(h)), `${when} is on ${ZONE}'s clock`).toBe(true);
  await till.close();

  // Back to UTC for the rest of the run.
  const now = await (await page.request.get("/api/store")).json();
  const reset = await page.request.put("/api/store", { data: { time_zone: "UTC", sync_version: now.sync_version } });
  expect(reset.status()).toBe(200);
});

test("the reports draw a scale, count by hour and product, and give the days as CSV", async ({ page }) => {
  await signIn(page, "manager@demo.test");
  await page.goto("/reports");
  await waitForHydration(page);
  const csv = page.getByRole("link", { name: "Download days as CSV" });
  await expect(csv).toHaveAttribute("download", /^takings-.*\.csv$/);
  const href = (await csv.getAttribute("href"))!;
  expect(decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, ""))).toMatch(/^day,sales,refunds,net,tax\n\d{4}-\d\d-\d\d,/);
  await expect(page.getByRole("img", { name: /Net takings per day, best day \$/ })).toBeVisible();
  await expect(page.getByTestId("report-hours")).toBeVisible();
  await expect(page.getByTestId("report-products").locator("tbody tr").first()).toBeVisible();
});
