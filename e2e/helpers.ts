import { expect, type Page } from "@playwright/test";

let counter = 0;
export function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}@example.test`;
}

export const PASSWORD = "Correct-Horse-42";

/** Signs up through the UI and returns the workspace slug the app lands in. */
export async function signUp(page: Page, opts: { email: string; name?: string; password?: string }): Promise<string> {
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill(opts.name ?? "Test User");
  await page.getByLabel("Email").fill(opts.email);
  await page.getByLabel("Password").fill(opts.password ?? PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/w\/[^/]+/);
  return workspaceSlug(page);
}

export function workspaceSlug(page: Page): string {
  const m = /\/w\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  expect(m, `expected a workspace URL, got ${page.url()}`).not.toBeNull();
  return m![1]!;
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Creates a key on the keys page and returns the full key, read from the one-time display. */
export async function createKey(page: Page, slug: string, name: string): Promise<string> {
  await page.goto(`/w/${slug}/keys`);
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByTestId("new-api-key");
  await expect(shown).toBeVisible();
  const key = (await shown.textContent())?.trim() ?? "";
  expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{43}$/);
  return key;
}

/** The first platform admin (SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL in playwright.config.ts). */
export const OPERATOR_EMAIL = "operator@e2e.test";

/** Signs in as the platform admin, signing up first when no spec has yet (the bootstrap makes them admin). */
export async function signInAsOperator(page: Page): Promise<void> {
  await signIn(page, OPERATOR_EMAIL);
  try {
    await page.waitForURL(/\/w\/[^/]+/, { timeout: 5_000 });
    return;
  } catch {
    // not signed up yet
  }
  await signUp(page, { email: OPERATOR_EMAIL, name: "Olga Operator" });
}
