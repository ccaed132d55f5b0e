// Production hardening, end to end against the built server: security headers on pages, route handlers and the
// relay; a strict CSP that the app's pages run under without a single violation; session cookie attributes;
// hostile names stored verbatim and rendered escaped; the sign-up rate limit's 429 shown in the form.
import { expect, test, type Page } from "@playwright/test";
import { createKey, PASSWORD, signUp, uniqueEmail } from "./helpers";

const SCRIPT = "<script>alert(1)</script>";
const SQL = `'; DROP TABLE "User"; --`;

/** Collects CSP violations (Chromium reports each as a console error) and any dialog a script would open. */
function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text()))
      problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    if (d.type() === "alert") problems.push(`alert: ${d.message()}`);
    void d.accept();
  });
  return problems;
}

test("pages and route handlers carry the page policy; the relay gets API headers without a CSP", async ({
  request,
}) => {
  for (const path of ["/signin", "/api/health"]) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h["content-security-policy"], path).toMatch(
      /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
    );
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toContain("object-src 'none'");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["permissions-policy"], path).toContain("camera=()");
    // Served over http here: no HSTS (it would pin browsers to https on a host that has none).
    expect(h["strict-transport-security"], path).toBeUndefined();
  }
  // A new nonce every time.
  const [a, b] = await Promise.all([request.get("/signin"), request.get("/signin")]);
  expect(a.headers()["content-security-policy"]).not.toBe(b.headers()["content-security-policy"]);

  const relay = await request.get("/api/v1/models");
  expect(relay.status()).toBe(401);
  expect(relay.headers()["x-content-type-options"]).toBe("nosniff");
  expect(relay.headers()["cache-control"]).toBe("no-store");
  expect(relay.headers()["content-security-policy"]).toBeUndefined();
  expect(await relay.json()).toMatchObject({ error: { code: "invalid_api_key" } });
});

test("the app's pages run under the CSP without violations, and the session cookie is locked down", async ({
  page,
  context,
}) => {
  const problems = watchPage(page);
  for (const path of ["/", "/signin", "/signup"]) {
    await page.goto(path);
    await page.waitForLoadState("load");
  }
  // Signing up needs the client bundle (hydration under 'strict-dynamic'), so this also proves scripts run.
  const slug = await signUp(page, { email: uniqueEmail("csp") });
  for (const path of ["", "/keys", "/members", "/settings"]) {
    await page.goto(`/w/${slug}${path}`);
    await page.waitForLoadState("load");
  }
  await createKey(page, slug, "csp key");
  expect(problems).toEqual([]);

  const session = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session).toBeDefined();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe("Lax");
  expect(session!.secure).toBe(false); // http here; https is covered by lib/auth/options.test.ts
});

test("hostile names are stored verbatim and rendered escaped", async ({ page }) => {
  const problems = watchPage(page);
  const slug = await signUp(page, { email: uniqueEmail("xss"), name: SCRIPT });
  const api = page.request;
  const origin = new URL(page.url()).origin;
  const headers = { origin };

  const key = await api.post(`/api/workspaces/${slug}/keys`, { headers, data: { name: SCRIPT } });
  expect(key.status()).toBe(201);
  const sqlKey = await api.post(`/api/workspaces/${slug}/keys`, { headers, data: { name: SQL } });
  expect(sqlKey.status()).toBe(201);
  const ws = await api.post("/api/workspaces", { headers, data: { name: SCRIPT } });
  expect(ws.status()).toBe(201);

  const listed = await (await api.get(`/api/workspaces/${slug}/keys`)).json();
  const names = JSON.stringify(listed);
  expect(names).toContain(JSON.stringify(SCRIPT).slice(1, -1));
  expect(names).toContain(JSON.stringify(SQL).slice(1, -1));

  for (const path of [`/w/${slug}/keys`, `/w/${slug}/members`]) {
    const html = await (await api.get(path)).text();
    expect(html, path).not.toContain(SCRIPT);
    expect(html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    await page.goto(path);
    await page.waitForLoadState("load");
  }
  await expect(page.getByText(SCRIPT).first()).toBeVisible(); // shown as text
  expect(problems).toEqual([]);
});

test("sign-up attempts for one email are limited, with a clear message in the form", async ({
  page,
  request,
}) => {
  const email = uniqueEmail("limited");
  const first = await request.post("/api/signup", { data: { email, password: PASSWORD } });
  expect(first.status()).toBe(201);
  // Nine more attempts at the same email are refused as duplicates, not yet as rate limited.
  for (let i = 0; i < 9; i++) {
    const again = await request.post("/api/signup", { data: { email, password: PASSWORD } });
    expect(again.status()).toBe(409);
  }
  const limited = await request.post("/api/signup", { data: { email, password: PASSWORD } });
  expect(limited.status()).toBe(429);
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await limited.json()).error).toMatchObject({
    code: "rate_limit_exceeded",
    type: "rate_limit_error",
  });

  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("form-error")).toHaveText(
    /Too many sign-up attempts\. Try again in \d+ minutes?\./,
  );
});
