// The operator console end to end: the first platform admin (SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL, set in
// playwright.config.ts) adds a provider pointing at the built-in demo upstream and tests its connection, adds a
// model and deployment, grants credit to another workspace and sees its balance change, edits the routing
// default, and finds it all in the audit log. A non-admin gets a 404 on every console page and API.
// Screenshots of each console page at desktop and phone sizes go to the test's output directory.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { signInAsOperator, signUp, uniqueEmail } from "./helpers";

const PROVIDER_KEY = "sk-e2e-never-shown-0123456789";

async function shoot(page: Page, info: TestInfo, name: string): Promise<void> {
  for (const [label, size] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: info.outputPath(`${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("the operator console: providers, models, credit, routing default and the audit log", async ({
  browser,
}, info) => {
  const admin = await browser.newPage();
  const outsider = await browser.newPage();

  // A non-admin first: every console page and API is a 404, and their dashboard has no console link.
  const outsiderSlug = await signUp(outsider, { email: uniqueEmail("not-admin"), name: "Nora Outsider" });
  await expect(outsider.getByRole("link", { name: "Operator console" })).toHaveCount(0);
  for (const path of ["/admin", "/admin/providers", "/admin/workspaces", "/admin/audit", "/admin/routing"]) {
    expect((await outsider.goto(path))?.status(), path).toBe(404);
  }
  for (const [method, url] of [
    ["GET", "/api/admin/providers"],
    ["POST", "/api/admin/providers"],
    ["GET", "/api/admin/audit"],
    ["PUT", "/api/admin/settings"],
  ] as const) {
    const res = await outsider.request.fetch(url, { method, data: method === "GET" ? undefined : {} });
    expect(res.status(), `${method} ${url}`).toBe(404);
  }

  // The bootstrap admin signs up and finds the console from the dashboard.
  await signInAsOperator(admin);
  await admin.getByRole("link", { name: "Operator console" }).click();
  await admin.waitForURL("**/admin/providers");
  await expect(admin.getByRole("heading", { name: "Providers", level: 1 })).toBeVisible();
  const demoRow = admin.getByTestId("provider-row").filter({ hasText: "demo" });
  const demoBaseUrl = (await demoRow.locator("code").textContent())!.trim();
  expect(demoBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

  // Add a provider on the demo upstream, with a key that is never shown again.
  await admin.getByRole("button", { name: "Add provider" }).click();
  await admin.getByLabel("Name").fill("bad name!");
  await admin.getByLabel("Base URL").fill(demoBaseUrl);
  await admin.getByLabel("API key (optional)").fill(PROVIDER_KEY);
  await admin.getByRole("dialog").getByRole("button", { name: "Add provider" }).click();
  await expect(admin.getByTestId("form-error")).toContainText("name");
  await admin.getByLabel("Name").fill("e2e-upstream");
  await admin.getByRole("dialog").getByRole("button", { name: "Add provider" }).click();
  const row = admin.getByTestId("provider-row").filter({ hasText: "e2e-upstream" });
  await expect(row).toContainText("Key set");
  expect(await admin.content()).not.toContain(PROVIDER_KEY);
  const api = await (await admin.request.get("/api/admin/providers")).text();
  expect(api).not.toContain(PROVIDER_KEY);
  expect(api).not.toContain("apiKeyEncrypted");

  await row.getByRole("button", { name: "Test connection to e2e-upstream" }).click();
  await expect(row.getByTestId("connection-result")).toContainText(/Connected: HTTP 200 in \d+ ms/);
  await shoot(admin, info, "admin-providers");

  // A model served by the new provider.
  await admin.goto("/admin/models");
  await admin.getByRole("button", { name: "Add model" }).click();
  await admin.getByLabel("Public name").fill("e2e-model");
  await admin.getByRole("dialog").getByRole("button", { name: "Add model" }).click();
  const model = admin
    .locator("section")
    .filter({ has: admin.getByTestId("model-name").getByText("e2e-model") });
  await model.getByRole("button", { name: "Add deployment" }).click();
  await admin.getByLabel("Provider").selectOption({ label: "e2e-upstream" });
  await admin.getByLabel("Upstream model").fill("fake-gpt");
  await admin.getByRole("dialog").getByRole("button", { name: "Add deployment" }).click();
  await expect(model).toContainText("fake-gpt");
  await shoot(admin, info, "admin-models");

  // Credit for the outsider's workspace: the balance moves and the ledger shows the entry.
  await admin.goto(`/admin/workspaces?q=${outsiderSlug}`);
  const wsRow = admin.getByTestId("workspace-row").filter({ hasText: outsiderSlug });
  // New workspaces start with the demo's $1.00 credit (a grant in the ledger).
  await expect(wsRow.getByTestId("workspace-balance")).toHaveText("$1.00");
  await shoot(admin, info, "admin-workspaces");
  await wsRow.getByRole("link").click();
  await expect(admin.getByTestId("detail-balance")).toHaveText("$1.00");
  await admin.getByLabel("Amount (USD)").fill("25");
  await admin.getByLabel("Kind").selectOption("grant");
  await admin.getByRole("button", { name: "Post entry" }).click();
  await expect(admin.getByTestId("form-error")).toContainText("note");
  await admin.getByLabel("Note (required)").fill("Welcome credit");
  await admin.getByRole("button", { name: "Post entry" }).click();
  await expect(admin.getByTestId("detail-balance")).toHaveText("$26.00");
  await expect(admin.getByTestId("ledger-entry").first()).toContainText("Welcome credit");
  await shoot(admin, info, "admin-workspace-detail");

  // The routing default: issues inline while invalid, then a saved version.
  await admin.goto("/admin/routing");
  const editor = admin.getByLabel("Policy (JSON)");
  await editor.fill('{"rules":[{"match":"*","strategy":{"type":"fastest"}}]}');
  await expect(admin.getByTestId("policy-issues")).toContainText("rules[0].strategy");
  await expect(admin.getByRole("button", { name: "Save new version" })).toBeDisabled();
  await editor.fill('{"rules":[{"match":"*","strategy":{"type":"priority"}}]}');
  await admin.getByLabel("Note (optional)").fill("e2e default");
  await admin.getByRole("button", { name: "Save new version" }).click();
  await expect(admin.getByText("Version 1 in force")).toBeVisible();
  await shoot(admin, info, "admin-routing");

  await admin.goto("/admin/settings");
  await expect(admin.getByLabel("Minimum top-up (USD)")).toBeVisible();
  await shoot(admin, info, "admin-settings");

  // The audit log has every action, filterable.
  await admin.goto("/admin/audit");
  const actions = admin.getByTestId("audit-action");
  for (const a of [
    "operator.bootstrap",
    "provider.create",
    "provider.test",
    "model.create",
    "credit.grant",
  ]) {
    await expect(actions.filter({ hasText: a }).first(), a).toBeVisible();
  }
  await shoot(admin, info, "admin-audit");
  await admin.getByLabel("Action").selectOption("credit.grant");
  await admin.getByRole("button", { name: "Apply" }).click();
  await expect(actions).toHaveText(["credit.grant"]);
  await expect(admin.getByTestId("audit-row")).toContainText(outsiderSlug);
});
