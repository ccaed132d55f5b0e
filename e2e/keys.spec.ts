// The API keys page: an admin sets a key's spend limit, allowed models, rate limits and expiry in the edit dialog
// (keyboard only), sees the server's message in place for a bad value, and the values survive a reload. A viewer
// sees them read-only. Screenshots at desktop and phone widths (light and dark) go to the test's output folder.
import { expect, test } from "@playwright/test";
import { createKey, signUp, uniqueEmail } from "./helpers";

test("an admin sets a key's spend limit, models and expiry; the page shows them on desktop and phone", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const slug = await signUp(page, { email: uniqueEmail("keys-admin") });
  const key = await createKey(page, slug, "Limited key");
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByTestId("api-key-row").filter({ hasText: "Limited key" });
  await expect(row.getByTestId("key-spend-limit")).toHaveText("No spend limit");
  await expect(row.getByTestId("key-models")).toHaveText("All");

  // Open the editor from the keyboard.
  await row.getByRole("button", { name: "Edit limits" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();

  // A malformed amount is refused by the server, with the field named in place; nothing is saved.
  await dialog.getByLabel("Spend limit (USD)").fill("12,50");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog.getByTestId("form-error")).toContainText("Spend limit");
  await expect(dialog.getByLabel("Spend limit (USD)")).toHaveAttribute("aria-invalid", "true");

  await dialog.getByLabel("Requests per minute").fill("0");
  await dialog.getByLabel("Spend limit (USD)").fill("12.50");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog.getByTestId("form-error")).toContainText("Requests per minute: must be at least 1");

  await dialog.getByLabel("Requests per minute").fill("60");
  await dialog.getByLabel("Tokens per minute").fill("50000");
  await dialog.getByLabel("Spend limit counts").selectOption("total");
  await dialog.getByRole("checkbox", { name: "switchyard-demo", exact: true }).check();
  await dialog.getByLabel("Expires").fill("2030-06-15");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog).toHaveCount(0);

  await page.reload();
  await expect(row.getByTestId("key-spend-limit")).toHaveText("$0.00 of $12.50 in total");
  await expect(row.getByRole("meter")).toHaveAttribute("aria-valuenow", "0");
  await expect(row.getByTestId("key-models")).toHaveText("switchyard-demo");
  await expect(row.getByTestId("key-rate-limits")).toHaveText("60 RPM · 50,000 TPM");
  await expect(row.getByTestId("key-expires")).toHaveText("Jun 15, 2030");

  // The relay applies the allow-list: the allowed model answers, another one is refused.
  const auth = { Authorization: `Bearer ${key}` };
  const chat = await page.request.post("/api/v1/chat/completions", {
    headers: auth,
    data: { model: "switchyard-demo", messages: [{ role: "user", content: "hi" }] },
  });
  expect(chat.status()).toBe(200);
  const other = await page.request.post("/api/v1/embeddings", {
    headers: auth,
    data: { model: "switchyard-demo-embeddings", input: "hi" },
  });
  expect(other.status()).toBe(403);
  expect((await other.json()).error.code).toBe("permission_denied");

  // The editor starts from the saved values; clearing the expiry and the spend limit works too.
  await row.getByRole("button", { name: "Edit limits" }).click();
  await expect(dialog.getByLabel("Spend limit (USD)")).toHaveValue("12.50");
  await expect(dialog.getByLabel("Expires")).toHaveValue("2030-06-15");
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  await page.screenshot({ path: testInfo.outputPath("keys-1280x800.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row.getByRole("button", { name: "Edit limits" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath("keys-390x844.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: testInfo.outputPath("keys-390x844-dark.png"), fullPage: true });
  await row.getByRole("button", { name: "Edit limits" }).click();
  await page.screenshot({ path: testInfo.outputPath("keys-edit-390x844-dark.png") });
  await dialog.getByRole("button", { name: "No expiry" }).click();
  await dialog.getByLabel("Spend limit (USD)").fill("none");
  await dialog.getByRole("button", { name: "Save limits" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByTestId("key-expires")).toHaveText("Never");
  await expect(row.getByTestId("key-spend-limit")).toHaveText("No spend limit");
});
