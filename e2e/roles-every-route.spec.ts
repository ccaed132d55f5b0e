// Roles and isolation over every workspace page and every workspace API route, found on disk (so a page or
// route added later is covered without editing this file): a member of another workspace gets 404 from each
// (no existence leak), and a viewer sees every page but is refused (403) every change. Ids in routes are real
// ids of the workspace (a key, a member, an invitation, a deployment), so a refusal cannot come from a missing
// row instead of the role check. Afterwards the workspace is as it was.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createKey, signUp, uniqueEmail } from "./helpers";

const ROOT = path.resolve(import.meta.dirname, "..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** POSTs that change nothing (a viewer may use them). */
const READS = new Set(["POST /api/workspaces/[slug]/routing/explain"]);

function files(dir: string, name: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return files(full, name);
    return entry === name ? [full] : [];
  });
}

/** "/api/workspaces/[slug]/keys/[id]" and the methods its route.ts exports. */
const ROUTES = files(path.join(ROOT, "app/api/workspaces/[slug]"), "route.ts").map((file) => {
  const source = readFileSync(file, "utf8");
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).join("/");
  const methods = METHODS.filter((m) =>
    new RegExp(
      `export\\s+(const|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\b${m}\\b[^}]*\\}`,
    ).test(source),
  );
  return { pattern: `/${rel}`, methods };
});

/** "/w/[slug]/usage" for every page.tsx (route groups like "(overview)" are not in the URL). */
const PAGES = files(path.join(ROOT, "app/(dashboard)/w/[slug]"), "page.tsx").map((file) => {
  const rel = path.relative(path.join(ROOT, "app/(dashboard)"), path.dirname(file)).split(path.sep);
  return "/" + rel.filter((s) => !/^\(.*\)$/.test(s)).join("/");
});

/** Fills [slug] and the other params; [id] takes the real id of the kind of row the route is about. */
function fill(pattern: string, slug: string, ids: Record<string, string>): string {
  const kind = Object.keys(ids).find((k) => pattern.includes(`/${k}/[id]`));
  return pattern
    .replace("[slug]", slug)
    .replace("[id]", kind ? ids[kind]! : "req_doesnotexist")
    .replace("[month]", new Date().toISOString().slice(0, 7));
}

test("every workspace page and API route: 404 to another workspace's member, read-only to a viewer", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  expect(ROUTES.length).toBeGreaterThan(15);
  expect(PAGES).toContain("/w/[slug]/billing");

  const owner = await browser.newPage();
  const slug = await signUp(owner, { email: uniqueEmail("roles-owner") });
  await createKey(owner, slug, "Owner key");
  await owner.getByRole("button", { name: "Done" }).click();
  const origin = new URL(owner.url()).origin;

  const viewerEmail = uniqueEmail("roles-viewer");
  const invite = await owner.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: viewerEmail, role: "viewer" },
    headers: { Origin: origin },
  });
  expect(invite.status()).toBe(201);
  const { url: inviteUrl } = await invite.json();
  const pending = await owner.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: uniqueEmail("roles-pending"), role: "member" },
    headers: { Origin: origin },
  });
  const viewer = await browser.newPage();
  await signUp(viewer, { email: viewerEmail });
  const token = new URL(inviteUrl).pathname.split("/").pop();
  expect((await viewer.request.post(`/api/invitations/${token}/accept`)).status()).toBe(200);

  const stranger = await browser.newPage();
  await signUp(stranger, { email: uniqueEmail("roles-stranger") });

  const read = async (p: string) => (await owner.request.get(`/api/workspaces/${slug}${p}`)).json();
  const keys = await read("/keys");
  const members = await read("/members");
  const health = await read("/providers/health");
  const ids: Record<string, string> = {
    keys: keys.data[0].id,
    members: members.data.find((m: { role: string }) => m.role === "owner").id,
    invitations: (await pending.json()).invitation.id,
    deployments: (health.data ?? health.deployments)[0].id,
  };
  const before = {
    keys,
    members: members.data,
    settings: await read("/settings"),
    routing: await read("/routing"),
  };

  const call = (page: Page, method: string, url: string) =>
    page.request.fetch(url, { method, data: method === "GET" ? undefined : {}, headers: { Origin: origin } });

  const seen: string[] = [];
  for (const { pattern, methods } of ROUTES) {
    const url = fill(pattern, slug, ids);
    for (const method of methods) {
      const asStranger = await call(stranger, method, url);
      seen.push(`stranger ${method} ${pattern} ${asStranger.status()}`);
      expect(asStranger.status(), `stranger ${method} ${pattern}`).toBe(404);
      if (method === "GET") continue;
      const asViewer = await call(viewer, method, url);
      seen.push(`viewer ${method} ${pattern} ${asViewer.status()}`);
      if (READS.has(`${method} ${pattern}`)) continue;
      expect(asViewer.status(), `viewer ${method} ${pattern}`).toBe(403);
      expect((await asViewer.json()).error.code, `viewer ${method} ${pattern}`).toBe("permission_denied");
    }
  }
  for (const pattern of PAGES) {
    const url = fill(pattern, slug, ids);
    const asStranger = await stranger.goto(url);
    expect(asStranger?.status(), `stranger page ${pattern}`).toBe(404);
    if (pattern.includes("[id]")) continue; // a request id of this workspace is covered by the request log specs
    const asViewer = await viewer.goto(url);
    expect(asViewer?.status(), `viewer page ${pattern}`).toBe(200);
  }
  test.info().annotations.push({ type: "checked", description: `${seen.length} calls` });

  // Nothing changed.
  expect(await read("/keys")).toEqual(before.keys);
  expect((await read("/members")).data).toEqual(before.members);
  expect(await read("/settings")).toEqual(before.settings);
  expect(await read("/routing")).toEqual(before.routing);

  await Promise.all([owner.close(), viewer.close(), stranger.close()]);
});
