// The foundation journey: sign up, land in the new workspace, mint a key (shown once, then only its hint), call
// GET /api/v1/models with it (200), revoke it, call again (401 in OpenAI's error shape).
import { expect, test } from "@playwright/test";
import { createKey, signUp, uniqueEmail } from "./helpers";

test("sign up, mint a key, use it, revoke it", async ({ page, request }) => {
  const slug = await signUp(page, { email: uniqueEmail("journey"), name: "Ada Lovelace" });
  await expect(page.getByRole("navigation").getByRole("link", { name: "API keys" })).toBeVisible();

  const key = await createKey(page, slug, "CI key");
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "Done" }).click();

  // Shown exactly once: after a reload only the hint remains.
  await page.reload();
  const row = page.getByTestId("api-key-row").filter({ hasText: "CI key" });
  await expect(row).toContainText(`sk-sy-…${key.slice(-4)}`);
  await expect(page.locator("body")).not.toContainText(key);

  const ok = await request.get("/api/v1/models", { headers: { Authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["x-request-id"]).toBeTruthy();
  expect(await ok.json()).toMatchObject({ object: "list", data: expect.arrayContaining([expect.objectContaining({ id: "switchyard-demo" })]) });

  // The zero-setup start answers a first request: the demo model on the built-in fake upstream.
  const chat = await request.post("/api/v1/chat/completions", {
    headers: { Authorization: `Bearer ${key}` },
    data: { model: "switchyard-demo", messages: [{ role: "user", content: "hello" }] },
  });
  expect(chat.status()).toBe(200);
  expect((await chat.json()).choices[0].message.content).toContain("hello");

  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  const confirm = page.getByRole("dialog").getByRole("button", { name: "Revoke" });
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await expect(row).toContainText(/revoked/i);

  const denied = await request.get("/api/v1/models", { headers: { Authorization: `Bearer ${key}` } });
  expect(denied.status()).toBe(401);
  const body = await denied.json();
  expect(body).toEqual({
    error: { message: expect.stringMatching(/revoked/i), type: expect.any(String), code: "invalid_api_key", param: null },
  });
});

test("an unknown key and a missing key get 401 in OpenAI's shape", async ({ request }) => {
  const attempts: Array<Record<string, string>> = [
    {},
    { Authorization: "Bearer sk-sy-" + "x".repeat(43) },
    { Authorization: "Basic abc" },
  ];
  for (const headers of attempts) {
    const res = await request.get("/api/v1/models", { headers });
    expect(res.status()).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe("invalid_api_key");
    expect(typeof body.error.message).toBe("string");
  }
});

test("health reports the database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", database: { status: "up" } });
});

test("the metrics endpoint needs its token and shows relay traffic", async ({ request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(401);
  const res = await request.get("/api/metrics", { headers: { Authorization: "Bearer e2e-metrics-token" } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/^switchyard_requests_total\{[^}]*model="switchyard-demo"[^}]*status="200"[^}]*\} [1-9]/m);
  expect(text).toContain("process_resident_memory_bytes");
});
