import { defineConfig } from "@playwright/test";

// The app is started by end2end/serve-and-test.sh (the Makefile's e2e
// target); global-setup waits until it answers.
const baseURL = `http://${process.env.LEPTOS_SITE_ADDR ?? "127.0.0.1:3210"}`;

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  // Every test on the shop's 1024×768 tablet; the till's own screens again
  // on a 1280×800 laptop, where the layout is different.
  projects: [
    { name: "tablet", use: { viewport: { width: 1024, height: 768 } } },
    {
      name: "laptop",
      use: { viewport: { width: 1280, height: 800 } },
      testMatch: /(scanning|till_keys|refund|first_download|conflicts)\.spec\.ts$/,
    },
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1024, height: 768 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
