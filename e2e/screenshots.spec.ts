// Screenshots of the pages no other spec photographs (the public pages, sign-in and sign-up, members, a new
// workspace), at desktop and phone widths, saved as test artifacts beside the other specs' shots.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { signUp, uniqueEmail } from "./helpers";

async function shoot(page: Page, info: TestInfo, name: string): Promise<void> {
  for (const [w, h] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: info.outputPath(`${name}-${w}x${h}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("public, account and members pages at desktop and phone widths", async ({ page }, info) => {
  await page.goto("/");
  await expect(page.locator("body")).toContainText("Switchyard");
  await shoot(page, info, "landing");
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await shoot(page, info, "signin");
  await page.goto("/signup");
  await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
  await shoot(page, info, "signup");

  const slug = await signUp(page, { email: uniqueEmail("shots") });
  await page.goto(`/w/${slug}/members`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await shoot(page, info, "members");
  await page.goto("/workspaces/new");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await shoot(page, info, "new-workspace");
});
