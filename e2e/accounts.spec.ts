// Accounts: clear form errors, further workspaces and the switcher, invitations end to end.
import { expect, test } from "@playwright/test";
import { PASSWORD, signIn, signUp, uniqueEmail, workspaceSlug } from "./helpers";

test("sign-up and sign-in explain what is wrong", async ({ page, browser }) => {
  const email = uniqueEmail("forms");

  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill("Weak");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("form-error")).toContainText(/at least 10 characters/i);

  await signUp(page, { email });

  const other = await browser.newPage();
  await other.goto("/signup");
  await other.getByLabel("Name", { exact: true }).fill("Again");
  await other.getByLabel("Email").fill(email.toUpperCase());
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other.getByTestId("form-error")).toContainText(/already exists/i);

  await signIn(other, email, "Wrong-password-1");
  await expect(other.getByTestId("form-error")).toContainText(/incorrect/i);

  await signIn(other, email);
  await other.waitForURL(/\/w\//);
  await other.close();
});

test("repeated failed sign-ins for one account are throttled", async ({ page }) => {
  const email = uniqueEmail("throttle");
  await signUp(page, { email });
  await page.context().clearCookies();
  let throttled = false;
  for (let i = 0; i < 8 && !throttled; i++) {
    await signIn(page, email, `Wrong-password-${i}`);
    const error = page.getByTestId("form-error");
    await expect(error).toBeVisible();
    throttled = /too many/i.test((await error.textContent()) ?? "");
  }
  expect(throttled).toBe(true);
  // Even the right password is refused while the account is locked.
  await signIn(page, email);
  await expect(page.getByTestId("form-error")).toContainText(/too many/i);
});

test("a user creates a second workspace and switches between them", async ({ page }) => {
  const first = await signUp(page, { email: uniqueEmail("switch") });
  await page.goto("/workspaces/new");
  await page.getByLabel("Workspace name").fill("Second Space");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL((url) => /\/w\//.test(url.pathname) && !url.pathname.includes(first));
  const second = workspaceSlug(page);
  expect(second).not.toBe(first);
  await expect(page.locator("body")).toContainText("Second Space");
  await page.goto(`/w/${first}`);
  await expect(page).toHaveURL(new RegExp(`/w/${first}`));
});

test("an owner invites a member by email, who joins through the link", async ({ page, browser }) => {
  const slug = await signUp(page, { email: uniqueEmail("owner"), name: "Owner" });
  const inviteeEmail = uniqueEmail("invitee");

  await page.goto(`/w/${slug}/members`);
  await page.getByLabel("Email").fill(inviteeEmail);
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())?.trim() ?? "";
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);

  const invitee = await browser.newPage();
  const invitePath = new URL(link).pathname;
  await invitee.goto(invitePath);
  await invitee.getByRole("link", { name: /create account/i }).click();
  await invitee.getByLabel("Name", { exact: true }).fill("Invitee");
  await invitee.getByLabel("Email").fill(inviteeEmail);
  await invitee.getByLabel("Password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Create account" }).click();
  await invitee.waitForURL(/\/(invite|w)\//);
  if (invitee.url().includes("/invite/")) {
    await invitee.getByRole("button", { name: "Accept invitation" }).click();
  }
  await invitee.waitForURL(new RegExp(`/w/${slug}`));

  await page.reload();
  await expect(page.locator("body")).toContainText(inviteeEmail);

  // A used link says so.
  await invitee.goto(invitePath);
  await expect(invitee.locator("body")).toContainText(/already (been )?used|accepted/i);
  await invitee.close();
});
