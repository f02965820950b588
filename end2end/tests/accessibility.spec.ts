import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn, switchToAna, waitForHydration } from "./pages";

// axe-core, a judge nobody here wrote, on every screen: no serious or
// critical violation of WCAG 2 A/AA.
const BACK_OFFICE = [
  "/products", "/categories", "/sales", "/reports", "/customers", "/credits", "/staff",
  "/audit", "/conflicts", "/clock", "/settings", "/system", "/pair", "/checkout",
];

async function violations(page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the sign-in page has no serious or critical accessibility violation", async ({ page }) => {
  await page.goto("/login");
  await waitForHydration(page);
  expect(await violations(page)).toEqual([]);
});

test("every back-office screen has no serious or critical accessibility violation", async ({ page }) => {
  await signIn(page, "owner@demo.test");
  const found: Record<string, string[]> = {};
  for (const route of BACK_OFFICE) {
    await page.goto(route);
    await waitForHydration(page);
    const seen = await violations(page);
    if (seen.length > 0) found[route] = seen;
  }
  expect(found).toEqual({});
});

test("the till's screens have no serious or critical accessibility violation", async ({ page }) => {
  await switchToAna(page, "Accessible till");
  const found: Record<string, string[]> = {};
  for (const route of ["/checkout", "/till", "/clock", "/sales"]) {
    await page.goto(route);
    await waitForHydration(page);
    const seen = await violations(page);
    if (seen.length > 0) found[route] = seen;
  }
  expect(found).toEqual({});
});
