// Tenant isolation through the UI and the dashboard API: a member of workspace A cannot see, use or revoke
// anything of workspace B. Every route that takes an id is tried with B's ids from A's session.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createKey, signUp, uniqueEmail } from "./helpers";

test("a member of A cannot reach B's workspace, keys, members or invitations", async ({ browser }) => {
  // browser.newPage() opens a separate context: two independent sessions.
  const a = await browser.newPage();
  const pageB = await browser.newPage();

  const slugA = await signUp(a, { email: uniqueEmail("tenant-a") });
  const slugB = await signUp(pageB, { email: uniqueEmail("tenant-b") });
  const keyB = await createKey(pageB, slugB, "B's key");
  await pageB.getByRole("button", { name: "Done" }).click();

  // B's ids, read from B's own API.
  const apiB = pageB.request;
  const keysB = await (await apiB.get(`/api/workspaces/${slugB}/keys`)).json();
  const keyIdB: string = keysB.data[0].id;
  const inviteB = await apiB.post(`/api/workspaces/${slugB}/invitations`, {
    data: { email: uniqueEmail("b-invitee"), role: "viewer" },
  });
  expect(inviteB.status()).toBe(201);
  const invitationIdB: string = (await inviteB.json()).invitation.id;
  const membersB = await (await apiB.get(`/api/workspaces/${slugB}/members`)).json();
  const memberIdB: string = membersB.data[0].id;

  // Pages of B from A's session: not found.
  for (const p of ["", "/keys", "/members", "/settings", "/routing", "/providers"]) {
    const res = await a.goto(`/w/${slugB}${p}`);
    expect(res?.status(), `/w/${slugB}${p}`).toBe(404);
    await expect(a.locator("body")).not.toContainText("B's key");
  }

  const apiA: APIRequestContext = a.request;
  const tries: Array<[string, string, unknown?]> = [
    ["GET", `/api/workspaces/${slugB}/keys`],
    ["POST", `/api/workspaces/${slugB}/keys`, { name: "sneaky" }],
    ["DELETE", `/api/workspaces/${slugB}/keys/${keyIdB}`],
    ["DELETE", `/api/workspaces/${slugA}/keys/${keyIdB}`],
    ["GET", `/api/workspaces/${slugB}/members`],
    ["PATCH", `/api/workspaces/${slugB}/members/${memberIdB}`, { role: "viewer" }],
    ["PATCH", `/api/workspaces/${slugA}/members/${memberIdB}`, { role: "viewer" }],
    ["DELETE", `/api/workspaces/${slugB}/members/${memberIdB}`],
    ["DELETE", `/api/workspaces/${slugA}/members/${memberIdB}`],
    ["POST", `/api/workspaces/${slugB}/invitations`, { email: uniqueEmail("x"), role: "owner" }],
    ["DELETE", `/api/workspaces/${slugB}/invitations/${invitationIdB}`],
    ["DELETE", `/api/workspaces/${slugA}/invitations/${invitationIdB}`],
    ["PATCH", `/api/workspaces/${slugB}`, { name: "pwned" }],
    ["DELETE", `/api/workspaces/${slugB}`, { confirm: "anything" }],
    ["GET", `/api/workspaces/${slugB}/settings`],
    ["PATCH", `/api/workspaces/${slugB}/settings`, { timeZone: "Asia/Tokyo" }],
    ["GET", `/api/workspaces/${slugB}/routing`],
    ["PUT", `/api/workspaces/${slugB}/routing`, { policy: { rules: [] } }],
    ["POST", `/api/workspaces/${slugB}/routing/rollback`, { version: 1 }],
    ["POST", `/api/workspaces/${slugB}/routing/explain`, { model: "switchyard-demo" }],
    ["GET", `/api/workspaces/${slugB}/providers/health`],
  ];
  const origin = new URL(a.url()).origin;
  for (const [method, url, data] of tries) {
    const res = await apiA.fetch(url, { method, data, headers: { Origin: origin } });
    expect(res.status(), `${method} ${url}`).toBe(404);
  }

  // Nothing of B changed: its key still works, its member is still owner, its invitation is still pending.
  const models = await apiA.get("/api/v1/models", { headers: { Authorization: `Bearer ${keyB}` } });
  expect(models.status()).toBe(200);
  const membersAfter = await (await apiB.get(`/api/workspaces/${slugB}/members`)).json();
  expect(membersAfter.data[0].role).toBe("owner");
  const invitationsAfter = await (await apiB.get(`/api/workspaces/${slugB}/invitations`)).json();
  expect(invitationsAfter.data.map((i: { id: string }) => i.id)).toContain(invitationIdB);

  // A's own listings never show B's rows.
  const keysA = await (await apiA.get(`/api/workspaces/${slugA}/keys`)).json();
  expect(keysA.data.map((k: { id: string }) => k.id)).not.toContain(keyIdB);

  await a.close();
  await pageB.close();
});

test("a viewer sees keys but cannot mint or revoke them", async ({ browser }) => {
  const owner = await browser.newPage();
  const slug = await signUp(owner, { email: uniqueEmail("v-owner") });
  await createKey(owner, slug, "Owner key");
  await owner.getByRole("button", { name: "Done" }).click();
  const viewerEmail = uniqueEmail("viewer");
  const invite = await owner.request.post(`/api/workspaces/${slug}/invitations`, {
    data: { email: viewerEmail, role: "viewer" },
  });
  const { url } = await invite.json();

  const viewer = await browser.newPage();
  await signUp(viewer, { email: viewerEmail });
  const accept = await viewer.request.post(
    `/api/invitations/${new URL(url).pathname.split("/").pop()}/accept`,
  );
  expect(accept.status()).toBe(200);

  await viewer.goto(`/w/${slug}/keys`);
  await expect(viewer.getByTestId("api-key-row")).toHaveCount(1);
  await expect(viewer.getByRole("button", { name: "Create key" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: "Edit limits" })).toHaveCount(0);
  await expect(viewer.getByTestId("key-spend-limit")).toHaveText("No spend limit"); // values stay visible

  const keys = await (await viewer.request.get(`/api/workspaces/${slug}/keys`)).json();
  const origin = new URL(viewer.url()).origin;
  const mint = await viewer.request.post(`/api/workspaces/${slug}/keys`, {
    data: { name: "nope" },
    headers: { Origin: origin },
  });
  expect(mint.status()).toBe(403);
  const revoke = await viewer.request.delete(`/api/workspaces/${slug}/keys/${keys.data[0].id}`, {
    headers: { Origin: origin },
  });
  expect(revoke.status()).toBe(403);
  const edit = await viewer.request.patch(`/api/workspaces/${slug}/keys/${keys.data[0].id}/limits`, {
    data: { spendLimit: "1" },
    headers: { Origin: origin },
  });
  expect(edit.status()).toBe(403);
});
