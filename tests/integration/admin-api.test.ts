// The console's price and markup routes through withOperator: 401 without a session, 404 for anyone but a
// platform admin (reads and writes), 403 for a cross-site write, and the admin's changes with their messages.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { loadCatalog } from "@/lib/catalog/catalog";
import { CatalogConfig, loadCatalogConfig } from "@/lib/catalog/config";
import { newId } from "@/lib/ids";
import { describeEachDatabase } from "./helpers/db";

const state = vi.hoisted(() => ({ db: null as unknown, user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ getSessionUser: async () => state.user }));
vi.mock("@/lib/db/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/db/client")>()),
  getDb: async () => state.db,
}));
const prices = await import("@/app/api/admin/prices/route");
const markups = await import("@/app/api/admin/markups/route");

const ORIGIN = "http://localhost";
const noParams = { params: Promise.resolve({}) };

function call(
  handler: (req: Request, ctx: typeof noParams) => Promise<Response>,
  method: string,
  body?: unknown,
  origin = ORIGIN,
) {
  const init: RequestInit = {
    method,
    headers: { host: "localhost", origin, "content-type": "application/json" },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  return handler(new Request(`${ORIGIN}/api/admin/x`, init), noParams);
}

describeEachDatabase("admin price and markup routes", (getDb) => {
  const db = () => getDb().prisma;
  let admin: SessionUser;
  let member: SessionUser;
  let deploymentId: string;

  beforeAll(async () => {
    state.db = db();
    const masterKey = randomBytes(32);
    await loadCatalogConfig(
      db(),
      CatalogConfig.parse({
        providers: [{ name: "aa-p", protocol: "openai", baseUrl: "http://127.0.0.1:9/v1" }],
        models: [
          {
            name: "aa-m",
            deployments: [{ provider: "aa-p", upstreamModel: "u", prices: { input: "1", output: "1" } }],
          },
        ],
      }),
      masterKey,
      { demo: false },
    );
    deploymentId = (await loadCatalog(db(), masterKey)).resolve("aa-m")!.deployments[0]!.id;
    const a = await db().user.create({
      data: { id: newId("usr"), email: `aa-admin-${Date.now()}@example.test`, isPlatformAdmin: true },
    });
    const m = await db().user.create({
      data: { id: newId("usr"), email: `aa-member-${Date.now()}@example.test` },
    });
    admin = { id: a.id, email: a.email, name: null };
    member = { id: m.id, email: m.email, name: null };
  });

  it("answers 401 without a session and 404 to a signed-in non-admin, changing nothing", async () => {
    state.user = null;
    expect((await call(prices.GET, "GET")).status).toBe(401);
    state.user = member;
    for (const [h, method, body] of [
      [prices.GET, "GET", undefined],
      [prices.POST, "POST", { deploymentId, input: "0", output: "0" }],
      [markups.GET, "GET", undefined],
      [markups.POST, "POST", { scope: "platform", bps: 0 }],
    ] as const) {
      expect((await call(h, method, body)).status).toBe(404);
    }
    expect(await db().price.count({ where: { deploymentId, source: "operator" } })).toBe(0);
  });

  it("refuses a cross-site write even from an admin", async () => {
    state.user = admin;
    const res = await call(markups.POST, "POST", { scope: "platform", bps: 0 }, "https://evil.example");
    expect(res.status).toBe(403);
  });

  it("lets an admin read the book and add a version, with field messages for bad input", async () => {
    state.user = admin;
    const list = (await (await call(prices.GET, "GET")).json()) as {
      deployments: { deploymentId: string }[];
    };
    expect(list.deployments.map((d) => d.deploymentId)).toContain(deploymentId);

    const bad = await call(prices.POST, "POST", { deploymentId, input: "1", output: "-2" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe("output");

    const past = await call(prices.POST, "POST", {
      deploymentId,
      input: "1",
      output: "2",
      effectiveFrom: "2020-01-01T00:00:00Z",
    });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { param: string } }).error.param).toBe("effectiveFrom");

    const ok = await call(prices.POST, "POST", { deploymentId, input: "2.5", cachedInput: "", output: "10" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      scheduled: false,
      version: { input: "2500000", cachedInput: "2500000" },
    });
  });

  it("lets an admin set markups by scope, with messages for bad values", async () => {
    state.user = admin;
    expect(await (await call(markups.POST, "POST", { scope: "platform", bps: 1234 })).json()).toEqual({
      bps: 1234,
    });
    const bad = await call(markups.POST, "POST", { scope: "platform", bps: "ten" });
    expect(bad.status).toBe(400);
    expect(
      await (await call(markups.POST, "POST", { scope: "model", model: "aa-m", bps: 10 })).json(),
    ).toEqual({
      bps: 10,
    });
    const unknown = await call(markups.POST, "POST", { scope: "workspace", workspace: "nope", bps: 1 });
    expect(unknown.status).toBe(404);
    const listed = (await (await call(markups.GET, "GET")).json()) as {
      platformDefaultBps: number;
      models: { model: { name: string }; markupBps: number }[];
    };
    expect(listed.platformDefaultBps).toBe(1234);
    expect(listed.models).toEqual([
      expect.objectContaining({ model: expect.objectContaining({ name: "aa-m" }), markupBps: 10 }),
    ]);
  });
});
