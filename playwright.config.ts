// End-to-end tests in Debian's Chromium against the built app (`npm run build` first), served by the app's own
// server entry on a throwaway embedded database. Refuses to run against a database that is not local.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

const dbUrl = process.env.E2E_DATABASE_URL;
if (dbUrl && !/^postgres(ql)?:\/\/[^@]*@?(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(dbUrl)) {
  throw new Error(`Refusing to run end-to-end tests against a non-local database: ${dbUrl}`);
}

// The Stripe stand-in (lib/fake-stripe) the app's Stripe SDK talks to; its webhooks come back to the app.
const STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT ?? PORT + 9000);
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_stand_in";

// One fresh data directory per run (the embedded PGlite database and generated secrets live there).
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "switchyard-e2e-"));

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
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
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: `node_modules/.bin/tsx scripts/fake-stripe.ts --port ${STRIPE_PORT} --secret ${STRIPE_WEBHOOK_SECRET} --webhook ${baseURL}/api/stripe/webhook`,
      url: `http://127.0.0.1:${STRIPE_PORT}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node dist/server.mjs",
      url: `${baseURL}/api/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        NODE_ENV: "production",
        PORT: String(PORT),
        HOST: "127.0.0.1",
        APP_URL: baseURL,
        DATA_DIR: dataDir,
        ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
        LOG_LEVEL: "warn",
        METRICS_TOKEN: "e2e-metrics-token",
        STRIPE_SECRET_KEY: "sk_test_e2e",
        STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE: `http://127.0.0.1:${STRIPE_PORT}`,
        // The user who signs up with this email becomes the first platform admin (e2e/admin.spec.ts).
        SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL: "operator@e2e.test",
        // Every spec signs up from 127.0.0.1; e2e/security.spec.ts checks the per-email limit instead.
        SIGNUP_LIMIT_PER_ADDRESS: "1000",
      },
    },
  ],
});
