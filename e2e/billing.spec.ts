// Billing: an owner tops up through Stripe Checkout (the local stand-in's hosted page, started by
// playwright.config.ts), comes back, and sees the credit; screenshots of the page at desktop and phone widths.
import { expect, test } from "@playwright/test";
import { signUp, uniqueEmail } from "./helpers";

test("an owner tops up through Checkout and sees the balance rise", async ({ page }, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("billing") });
  await page.goto(`/w/${slug}/billing`);
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  // New workspaces start with the demo catalog's $1.00 credit (the e2e server runs the zero-setup demo).
  await expect(page.getByTestId("billing-balance")).toHaveText("$1.00");

  // The custom amount is checked in the form before anything is sent.
  await page.getByLabel("Custom amount (USD)").fill("2");
  await page.getByRole("button", { name: "Top up with Stripe" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("The minimum is $5.");
  await page.getByLabel("Custom amount (USD)").fill("10.555");
  await page.getByRole("button", { name: "Top up with Stripe" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Use at most 2 decimals (whole cents).");

  await page.getByRole("button", { name: "$25", exact: true }).click();
  await expect(page.getByLabel("Custom amount (USD)")).toHaveValue("25");
  await page.getByRole("button", { name: "Top up with Stripe" }).click();

  // Stripe's (stand-in) hosted page.
  await page.waitForURL(/\/checkout\/pay\/cs_test_/);
  await expect(page.getByTestId("checkout-amount")).toHaveText("25.00 USD");
  await page.getByRole("button", { name: "Pay" }).click();

  await page.waitForURL(new RegExp(`/w/${slug}/billing\\?topup=success`));
  await expect(page.getByTestId("topup-banner")).toBeVisible();
  await expect(page.getByTestId("billing-balance")).toHaveText("$26.00");
  const row = page.getByTestId("topup-row").first();
  await expect(row).toContainText("$25.00");
  await expect(row).toContainText("paid");
  const receipt = row.getByRole("link", { name: "Receipt" });
  await expect(receipt).toHaveAttribute("href", /\/receipts\/ch_/);
  await expect(page.getByTestId("ledger-history")).toContainText("+$25.00");

  // Reloading the success URL (or a replayed webhook) credits nothing more.
  await page.reload();
  await expect(page.getByTestId("billing-balance")).toHaveText("$26.00");

  // Auto top-up charges the card saved by that payment; the budget form checks its fields in place.
  await page.getByLabel("Top up automatically when the balance runs low").check();
  await page.getByLabel("When the balance falls below (USD)").fill("5");
  await page.getByLabel("Add this much (USD)").fill("20");
  await page.getByRole("button", { name: "Save auto top-up" }).click();
  await expect(page.getByText("On: adds $20.00 when the balance falls below $5.00.")).toBeVisible();

  await page.getByLabel("Monthly budget (USD)").fill("100");
  await page.getByLabel("Alert webhook URL (optional)").fill("ftp://hooks.example.test/budget");
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Alert webhook: enter an http(s) URL.");
  await page.getByLabel("Alert webhook URL (optional)").fill("https://hooks.example.test/budget");
  await page.getByLabel("Hard limit: refuse requests once the monthly budget is spent").check();
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByText("of $100.00 budget (0%)")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Monthly budget (USD)")).toHaveValue("100.00");
  await expect(page.getByLabel("Hard limit: refuse requests once the monthly budget is spent")).toBeChecked();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: testInfo.outputPath("billing-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("billing-balance")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("billing-phone.png"), fullPage: true });
});

test("cancelling Checkout returns to Billing with nothing charged", async ({ page }) => {
  const slug = await signUp(page, { email: uniqueEmail("billing-cancel") });
  await page.goto(`/w/${slug}/billing`);
  await page.getByRole("button", { name: "Top up with Stripe" }).click();
  await page.waitForURL(/\/checkout\/pay\/cs_test_/);
  await page.getByRole("link", { name: "Cancel and return" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/billing\\?topup=cancelled`));
  await expect(page.getByText("Checkout was cancelled. Nothing was charged.")).toBeVisible();
  await expect(page.getByTestId("billing-balance")).toHaveText("$1.00");
  await expect(page.getByTestId("topup-row").first()).toContainText("pending");
});
