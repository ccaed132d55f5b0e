// The operator console's price book and markups: a platform admin adds a price version (after a validation
// message in place) and schedules one, and sets markups; anyone else gets a 404 from the pages and the API.
// The admin is the suite's bootstrap platform admin (SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL in playwright.config.ts).
import { expect, test, type Page } from "@playwright/test";
import { signInAsOperator, signUp, uniqueEmail } from "./helpers";

// The effective-date field is the browser's local time: pin it so the scheduled instant is known.
test.use({ timezoneId: "UTC" });

async function screenshots(page: Page, name: string, outputPath: (n: string) => string): Promise<void> {
  for (const [w, h] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: outputPath(`${name}-${w}x${h}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("the console's prices and markups are a 404 for anyone but a platform admin", async ({ page }) => {
  await signUp(page, { email: uniqueEmail("not-admin") });
  for (const path of ["/admin/prices", "/admin/markups"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: /Prices|Markups/ })).toHaveCount(0);
  }
  const origin = new URL(page.url()).origin;
  const api = page.request;
  expect((await api.get("/api/admin/prices")).status()).toBe(404);
  expect((await api.get("/api/admin/markups")).status()).toBe(404);
  const post = await api.post("/api/admin/markups", {
    data: { scope: "platform", bps: 0 },
    headers: { Origin: origin },
  });
  expect(post.status()).toBe(404);
  const price = await api.post("/api/admin/prices", {
    data: { deploymentId: "dep_x", input: "0", output: "0" },
    headers: { Origin: origin },
  });
  expect(price.status()).toBe(404);
});

test("a platform admin edits a price and a markup", async ({ page }, testInfo) => {
  await signInAsOperator(page);

  // Prices: the demo catalog's deployments, each with its price in force.
  await page.goto("/admin/prices");
  await expect(page.getByRole("heading", { name: "Prices" })).toBeVisible();
  const row = page.getByTestId("price-row").first();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: /^Edit price of/ }).click();
  const form = row.getByTestId("price-form");
  await form.getByLabel("Input", { exact: true }).fill("-1");
  await form.getByLabel("Output").fill("8.5");
  await form.getByRole("button", { name: "Save version" }).click();
  await expect(form.getByTestId("form-error")).toHaveText("Input price cannot be negative.");
  await expect(form.getByLabel("Input", { exact: true })).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Input", { exact: true }).fill("4.25");
  await form.getByLabel("Cached input").fill("0.425");
  await form.getByRole("button", { name: "Save version" }).click();
  await expect(row.getByTestId("price-form")).toHaveCount(0);
  await expect(row.getByTestId("price-current")).toContainText("in $4.25 · cached $0.425");
  await expect(row.getByTestId("price-current")).toContainText("out $8.50");

  // A scheduled change: shown as next, not in force.
  await row.getByRole("button", { name: /^Edit price of/ }).click();
  await form.getByLabel("Input", { exact: true }).fill("5");
  await form.getByLabel("Output").fill("10");
  await form.getByLabel("Effective from").fill("2099-01-01T00:00");
  await form.getByRole("button", { name: "Save version" }).click();
  await expect(row.getByTestId("price-next")).toContainText("in $5.00");
  await expect(row.getByTestId("price-next")).toContainText("Scheduled Jan 1, 2099, 00:00 UTC");
  await expect(row.getByTestId("price-current")).toContainText("in $4.25");
  await row.getByText(/^History \(\d+\)$/).click();
  await screenshots(page, "admin-prices", (n) => testInfo.outputPath(n));

  // Markups: the platform default, then a per-model override and its removal.
  await page.goto("/admin/markups");
  const platform = page.getByTestId("platform-markup-form");
  await platform.getByLabel("Markup (basis points)").fill("100001");
  await platform.getByRole("button", { name: "Save default" }).click();
  await expect(platform.getByTestId("form-error")).toContainText("at most 100000");
  await platform.getByLabel("Markup (basis points)").fill("1500");
  await expect(platform.getByText("= 15%")).toBeVisible();
  await platform.getByRole("button", { name: "Save default" }).click();
  await expect(page.getByText("Now 1500 bps (15%)")).toBeVisible();

  const model = page.getByTestId("model-markup-form");
  const modelName = await model.getByLabel("Model").inputValue();
  await model.getByLabel("Markup (basis points)").fill("250");
  await model.getByRole("button", { name: "Set" }).click();
  const overrides = page.getByTestId("model-markups");
  await expect(overrides).toContainText(modelName);
  await expect(overrides).toContainText("250 bps · 2.5%");
  await expect(model.getByLabel("Markup (basis points)")).toHaveValue("");
  await screenshots(page, "admin-markups", (n) => testInfo.outputPath(n));

  await overrides.getByRole("button", { name: `Remove the markup of ${modelName}` }).click();
  await expect(page.getByText("No per-model markups.")).toBeVisible();
});
