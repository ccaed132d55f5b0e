// Routing policy editor, providers & health, workspace settings: an admin edits the policy in the form, meets an
// inline validation error, saves, sees the simulator follow, compares and rolls back a version; a viewer sees
// everything read-only; the providers page shows the demo deployment healthy after real traffic; the time zone
// setting persists. Screenshots of each page at desktop and phone widths.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { createKey, signUp, uniqueEmail } from "./helpers";

const DEMO_MODEL = "switchyard-demo";
const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function screenshots(page: Page, testInfo: TestInfo, name: string) {
  for (const s of SIZES) {
    await page.setViewportSize({ width: s.width, height: s.height });
    await page.screenshot({
      path: testInfo.outputPath(`${name}-${s.width}x${s.height}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function explain(page: Page) {
  // Other specs may add models to the shared catalog: simulate the demo model explicitly.
  await page.locator("#sim-model").selectOption(DEMO_MODEL);
  await page.getByRole("button", { name: "Explain route" }).click();
  return page.getByTestId("simulator-result");
}

test("an admin edits the policy, is stopped by a bad value, saves, simulates, compares and rolls back", async ({
  page,
}, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("router") });
  await page.goto(`/w/${slug}/routing`);
  await expect(page.getByRole("heading", { name: "Routing", level: 1 })).toBeVisible();
  await expect(page.getByText("no policy of its own yet")).toBeVisible();

  // Before any policy: priority over every deployment.
  await expect((await explain(page)).getByTestId("simulator-strategy")).toHaveText("priority");

  // A rule for the demo model, with its one deployment as the only candidate.
  await page.getByLabel("Model for the new rule").selectOption(DEMO_MODEL);
  await page.getByRole("button", { name: "Add rule" }).click();
  const rule = page.getByTestId("rule-card");
  await expect(rule).toHaveCount(1);
  await rule.getByLabel("Add a candidate to rule 1").selectOption("demo/fake-gpt");
  await rule.getByRole("button", { name: "Add candidate" }).click();
  await expect(rule.getByTestId("candidate")).toHaveText([/demo\/fake-gpt/]);

  // A bad value is caught at the field, by the relay's own schema, and blocks saving.
  await rule.getByLabel("Strategy").selectOption("cost-within-latency");
  const bound = rule.getByLabel(/Latency bound/);
  await bound.fill("0");
  await expect(rule.getByTestId("field-error")).toHaveText("must be above 0");
  await expect(bound).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("policy-issues")).toContainText("rules[0].strategy.maxP95TtftMs");
  await expect(page.getByRole("button", { name: "Save policy" })).toBeDisabled();
  await bound.fill("1500");
  await expect(rule.getByTestId("field-error")).toHaveCount(0);

  await page.getByLabel("Note (optional)").fill("latency-bounded cost");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("policy-applied")).toContainText("Applied: version 1");
  await expect((await explain(page)).getByTestId("simulator-strategy")).toHaveText("cost-within-latency");
  await expect(page.getByTestId("simulator-result")).toContainText(`rule "${DEMO_MODEL}"`);

  // The JSON view holds the same document; its errors carry line numbers; the form comes back unchanged.
  await page.getByRole("tab", { name: "JSON" }).click();
  const json = page.getByTestId("policy-json");
  await expect(json).toHaveValue(/"maxP95TtftMs": 1500/);
  const doc = JSON.parse(await json.inputValue()) as { rules: Array<{ strategy: Record<string, unknown> }> };
  await json.fill(
    JSON.stringify({ ...doc, rules: [{ ...doc.rules[0], strategy: { type: "fastest" } }] }, null, 2),
  );
  await expect(page.getByTestId("json-issues")).toContainText(/Line \d+, rules\[0\]\.strategy/);
  await json.fill('{ "rules": [');
  await expect(page.getByTestId("json-issues")).toContainText(/Line 1, column \d+/);
  await expect(page.getByRole("tab", { name: "Form" })).toBeDisabled();
  await json.fill(
    JSON.stringify({ ...doc, rules: [{ ...doc.rules[0], strategy: { type: "lowest-cost" } }] }, null, 2),
  );
  await expect(page.getByTestId("json-issues")).toHaveCount(0);
  await page.getByRole("tab", { name: "Form" }).click();
  await expect(rule.getByLabel("Strategy")).toHaveValue("lowest-cost");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("policy-applied")).toContainText("Applied: version 2");
  await expect((await explain(page)).getByTestId("simulator-strategy")).toHaveText("lowest-cost");

  await screenshots(page, testInfo, "routing");

  // History: compare version 1 with the current one, then roll back to it.
  const history = page.getByTestId("policy-history");
  await history.getByRole("button", { name: "Compare v1" }).click();
  const diff = page.getByTestId("policy-diff");
  await expect(diff).toContainText("2 lines removed, 1 added");
  await expect(diff).toContainText(/removed:\s*"type": "cost-within-latency"/);
  await history.getByRole("button", { name: "Roll back to v1" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByTestId("policy-applied")).toContainText("version 1 restored as version 3");
  await expect(history.getByText("Version 3")).toBeVisible();
  await expect(rule.getByLabel("Strategy")).toHaveValue("cost-within-latency");
  await expect((await explain(page)).getByTestId("simulator-strategy")).toHaveText("cost-within-latency");
});

test("a viewer sees the policy, providers and settings read-only", async ({ page, browser }) => {
  const slug = await signUp(page, { email: uniqueEmail("owner") });
  const viewerEmail = uniqueEmail("viewer");
  const invite = await page.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: viewerEmail, role: "viewer" },
  });
  expect(invite.status()).toBe(201);
  const token = new URL(((await invite.json()) as { url: string }).url).pathname.split("/").pop();

  const context = await browser.newContext();
  const viewer = await context.newPage();
  await signUp(viewer, { email: viewerEmail });
  expect((await viewer.request.post(`/api/invitations/${token}/accept`)).status()).toBe(200);

  await viewer.goto(`/w/${slug}/routing`);
  await expect(viewer.getByTestId("read-only-note")).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Save policy" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Add rule" })).toHaveCount(0);
  await expect((await explain(viewer)).getByTestId("simulator-strategy")).toHaveText("priority");
  // The server refuses a save all the same.
  const put = await viewer.request.put(`/api/workspaces/${slug}/routing`, {
    data: { policy: { rules: [] } },
  });
  expect(put.status()).toBe(403);

  await viewer.goto(`/w/${slug}/settings`);
  await expect(viewer.getByLabel("Time zone")).toBeDisabled();
  await expect(viewer.getByRole("button", { name: "Save settings" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Delete workspace" })).toHaveCount(0);

  await viewer.goto(`/w/${slug}/providers`);
  await expect(viewer.getByTestId("deployment-row").first()).toBeVisible();
  await expect(viewer.getByRole("button", { name: /^(Enable|Disable)$/ })).toHaveCount(0);
  await context.close();
});

test("the providers page shows the demo deployment healthy with live latency", async ({ page }, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("health") });
  const key = await createKey(page, slug, "health probe");
  for (let i = 0; i < 3; i++) {
    const res = await page.request.post("/api/v1/chat/completions", {
      headers: { authorization: `Bearer ${key}` },
      data: { model: DEMO_MODEL, messages: [{ role: "user", content: `hello ${i}` }] },
    });
    expect(res.status()).toBe(200);
  }

  await page.goto(`/w/${slug}/providers`);
  const row = page.locator("[data-testid=deployment-row]", { hasText: "demo/fake-gpt" });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("deployment-status")).toHaveText("healthy");
  await expect(row.getByTestId("circuit-state")).toHaveText("closed");
  await expect(row).toContainText(/p50 \d+ ms · p95 \d+ ms/);
  await expect(row).toContainText("Errors 0%");
  await expect(row.getByRole("img", { name: /Mean time to first token/ })).toBeVisible();
  await expect(page.getByText(/not shared with other instances|shared through Redis/)).toBeVisible();
  await screenshots(page, testInfo, "providers");
});

test("an admin changes the workspace time zone", async ({ page }, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("tz") });
  await page.goto(`/w/${slug}/settings`);
  const zone = page.getByLabel("Time zone");
  await expect(zone).toHaveValue("UTC");
  await zone.selectOption("Europe/Paris");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Paris");

  // The server validates what the select cannot: an unknown zone is refused by name.
  const bad = await page.request.patch(`/api/workspaces/${slug}/settings`, {
    data: { timeZone: "Mars/Olympus" },
  });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("timeZone");
  await screenshots(page, testInfo, "settings");
});
