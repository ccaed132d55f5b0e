// Reports end to end. A new workspace: the overview, request log and usage pages guide a first request, the
// range picker and group-by tabs live in the URL, the usage CSV downloads, and a viewer can read all of it.
// Then requests sent through the relay with the openai SDK appear in the request log (UsageRecord, written by the
// relay in batches about once a second) and under "Latest requests" on the overview, and a request's detail shows
// its attempt log. Screenshots of each page at 1280x800 and 390x844 (testInfo.outputPath).
//
// The second test is the whole journey of a new customer: sign up, mint a key, send requests with the openai SDK,
// see them (with their cost) on the overview and in the request log, top up through Checkout on the Stripe
// stand-in (signed webhook), see the balance rise, change the routing policy in the editor and see the next
// request follow it, and export the usage CSV.
import { readFileSync } from "node:fs";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import OpenAI from "openai";
import { createKey, signUp, uniqueEmail } from "./helpers";

const SIZES = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

async function screenshots(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const s of SIZES) {
    await page.setViewportSize(s);
    await page.screenshot({
      path: testInfo.outputPath(`${name}-${s.width}x${s.height}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize(SIZES[0]!);
}

test("a new workspace's reports guide the first request; range, tabs and CSV export work; viewers read them", async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("reports-new"), name: "Grace Hopper" });

  await page.goto(`/w/${slug}`);
  await expect(page.getByTestId("first-request")).toContainText(`${baseURL}/api/v1`);
  await expect(page.getByTestId("first-request")).toContainText("switchyard-demo");
  await expect(page.getByTestId("overview-kpis")).toContainText("Balance");
  await page.getByRole("link", { name: "24 hours" }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page.getByRole("link", { name: "24 hours" })).toHaveAttribute("aria-current", "true");
  await screenshots(page, testInfo, "overview-empty");

  await page.goto(`/w/${slug}/requests`);
  await expect(page.getByTestId("first-request")).toBeVisible();
  await screenshots(page, testInfo, "requests-empty");

  // Usage: group-by tabs, a custom range from the picker, and the CSV export of what is shown.
  await page.goto(`/w/${slug}/usage`);
  await page.getByRole("navigation", { name: "Group by" }).getByRole("link", { name: "Model" }).click();
  await expect(page).toHaveURL(/groupBy=model/);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From", { exact: true }).fill(today);
  await page.getByLabel("To", { exact: true }).fill(today);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/range=custom/);
  await expect(page).toHaveURL(/groupBy=model/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("usage-export").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^${slug}-usage-by-model-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  );
  const csv = readFileSync(await download.path(), "utf8").split("\r\n");
  expect(csv).toEqual([
    "model,requests,errors,input_tokens,cached_input_tokens,output_tokens,reasoning_tokens,provider_cost_usd,markup_usd,charged_usd",
    "Total,0,0,0,0,0,0,0.000000,0.000000,0.000000",
    "",
  ]);
  await screenshots(page, testInfo, "usage-empty");

  // A viewer reads the same reports and may export them.
  const viewerEmail = uniqueEmail("report-viewer");
  const invite = await page.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: viewerEmail, role: "viewer" },
  });
  const { url } = await invite.json();
  const viewer = await browser.newPage();
  await signUp(viewer, { email: viewerEmail });
  const token = new URL(url).pathname.split("/").pop();
  expect((await viewer.request.post(`/api/invitations/${token}/accept`)).status()).toBe(200);
  for (const p of ["", "/usage", "/requests"]) {
    expect((await viewer.goto(`/w/${slug}${p}`))?.status(), p).toBe(200);
  }
  const exported = await viewer.request.get(`/api/workspaces/${slug}/usage/export?range=7d&groupBy=key`);
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-type"]).toContain("text/csv");
  expect(await exported.text()).toMatch(/^key,requests,/);
  await viewer.close();
});

test("a new customer's journey: requests, their cost, a top-up, a routing change and the CSV", async ({
  page,
  baseURL,
}, testInfo) => {
  const slug = await signUp(page, { email: uniqueEmail("reports"), name: "Grace Hopper" });

  const key = await createKey(page, slug, "Reports key");
  await page.getByRole("button", { name: "Done" }).click();

  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: key, maxRetries: 0 });
  for (const word of ["alpha", "beta"]) {
    const reply = await client.chat.completions.create({
      model: "switchyard-demo",
      messages: [{ role: "user", content: word }],
    });
    expect(reply.choices[0]?.message.content).toContain(word);
  }
  const stream = await client.chat.completions.create({
    model: "switchyard-demo",
    messages: [{ role: "user", content: "gamma" }],
    stream: true,
  });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  expect(streamed).toContain("gamma");
  // One the relay refuses: a model that does not exist (the client's own error).
  await expect(
    client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
  ).rejects.toMatchObject({ status: 404 });

  // The request log: records are written in batches about once a second; reload until all four are there.
  await page.goto(`/w/${slug}/requests`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("request-row")).toHaveCount(4, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  const rows = page.getByTestId("request-row");
  await expect(rows.filter({ hasText: "switchyard-demo" })).toHaveCount(3);
  await expect(rows.filter({ hasText: "Reports key" })).toHaveCount(4);
  await expect(rows.filter({ hasText: "stream" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "404" })).toHaveCount(1);

  // Filter by status class: only the refused request is a client error.
  await page.getByLabel("Status").selectOption("client_error");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=client_error/);
  await expect(page.getByTestId("request-row")).toHaveCount(1);
  await expect(page.getByTestId("request-row")).toContainText("no-such-model");
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByTestId("request-row")).toHaveCount(4);
  await screenshots(page, testInfo, "requests");

  // A request's detail: summary, the attempt that served it, no body (bodies are off by default).
  await page.getByTestId("request-row").filter({ hasText: "200" }).first().getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/w/${slug}/requests/req_`));
  await expect(page.getByTestId("request-summary")).toContainText("switchyard-demo");
  await expect(page.getByTestId("request-summary")).toContainText("Reports key");
  await expect(page.getByTestId("request-usage")).toContainText("$");
  await expect(page.getByTestId("attempt-row")).toHaveCount(1);
  await expect(page.getByTestId("attempt-row")).toContainText("Served the response");
  await expect(page.getByTestId("request-body-absent")).toContainText("does not store request bodies");
  await screenshots(page, testInfo, "request-detail");

  // The answer's usage.cost is what the request log and the per-request lookup say it cost.
  const generation = (await (
    await fetch(`${baseURL}/api/v1/generation?id=${requestIdOf(page.url())}`, {
      headers: { authorization: `Bearer ${key}` },
    })
  ).json()) as { data: { cost_micros: string; total_cost: number } };
  expect(BigInt(generation.data.cost_micros)).toBeGreaterThan(0n);

  // The overview: the latest requests, and the KPIs and charts from the rollups written with the records.
  await page.goto(`/w/${slug}`);
  await expect(page.getByTestId("request-row")).toHaveCount(4);
  await expect(page.getByTestId("overview-kpis")).toContainText("Balance");
  await expect(page.getByTestId("overview-kpis")).toContainText("4");
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  await screenshots(page, testInfo, "overview");

  // The usage report by model, and its CSV: 4 requests, one of them an error.
  await page.goto(`/w/${slug}/usage?groupBy=model`);
  await expect(page.getByRole("table")).toContainText("switchyard-demo");
  await screenshots(page, testInfo, "usage");
  const csv = await page.request.get(`/api/workspaces/${slug}/usage/export?groupBy=model`);
  expect(csv.status()).toBe(200);
  const csvText = await csv.text();
  expect(csvText).toContain("switchyard-demo");
  expect(csvText).toMatch(/^Total,4,1,/m);

  // Top up through Checkout on the Stripe stand-in; its signed webhook credits the workspace.
  await page.goto(`/w/${slug}/billing`);
  const before = await page.getByTestId("billing-balance").textContent();
  await page.getByRole("button", { name: "$25", exact: true }).click();
  await page.getByRole("button", { name: "Top up with Stripe" }).click();
  await page.waitForURL(/\/checkout\/pay\/cs_test_/);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/billing\\?topup=success`));
  await expect(page.getByTestId("billing-balance")).not.toHaveText(before ?? "");
  const after = Number((await page.getByTestId("billing-balance").textContent())!.replace(/[$,]/g, ""));
  expect(after).toBeGreaterThan(25);
  expect(after).toBeLessThan(26.01);

  // Change the routing policy in the editor (JSON view): only EU deployments. The demo deployment is local, so
  // the next request is refused by the new policy; rolling back serves it again.
  await page.goto(`/w/${slug}/routing`);
  await page.getByRole("tab", { name: "JSON" }).click();
  await page.getByTestId("policy-json").fill(JSON.stringify({ rules: [], region: ["eu"] }, null, 2));
  await expect(page.getByTestId("json-issues")).toHaveCount(0);
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("policy-applied")).toContainText("Applied: version 1");
  await expect(async () => {
    const refused = await client.chat.completions
      .create({ model: "switchyard-demo", messages: [{ role: "user", content: "after" }] })
      .then(() => null, (e: unknown) => e as { status?: number; message?: string });
    expect(refused?.status).toBeGreaterThanOrEqual(400);
    expect(refused?.message).toMatch(/region/i);
  }).toPass({ timeout: 10_000 });
  await page.getByRole("tab", { name: "JSON" }).click();
  await page.getByTestId("policy-json").fill(JSON.stringify({ rules: [] }, null, 2));
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByTestId("policy-applied")).toContainText("Applied: version 2");
  await expect(async () => {
    const reply = await client.chat.completions.create({
      model: "switchyard-demo",
      messages: [{ role: "user", content: "back again" }],
    });
    expect(reply.choices[0]?.message.content).toContain("back again");
  }).toPass({ timeout: 10_000 });
});

function requestIdOf(url: string): string {
  return /requests\/(req_[A-Za-z0-9]+)/.exec(url)![1]!;
}

test("another workspace's request is not found", async ({ page, browser }) => {
  const slug = await signUp(page, { email: uniqueEmail("reports-iso") });
  const other = await browser.newPage();
  await signUp(other, { email: uniqueEmail("reports-other") });
  expect((await other.goto(`/w/${slug}/requests`))?.status()).toBe(404);
  expect((await other.request.get(`/api/workspaces/${slug}/usage/export`)).status()).toBe(404);
  await other.close();
});
