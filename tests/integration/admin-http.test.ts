// withOperator (lib/http/with-operator.ts), the wrapper of the console's JSON routes, on real databases with the
// session supplied by the test: 401 signed out, 404 for non-admins (even on mutations), the cross-site check,
// OpenAI-shaped errors (zod → 400 naming the field), and a platform admin's request reaching the handler.
import { beforeAll, expect, it } from "vitest";
import { createProvider, listProviders } from "@/lib/admin";
import type { SessionUser } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { readJsonBody } from "@/lib/http/parse-json";
import { createWithOperator } from "@/lib/http/with-operator";
import { json } from "@/lib/http/with-session";
import { resetSecretsCache } from "@/lib/secrets";
import { describeEachDatabase } from "./helpers/db";

beforeAll(() => {
  process.env.MASTER_KEY = "22".repeat(32);
  process.env.AUTH_SECRET = "test-auth-secret";
  resetEnvCache();
  resetSecretsCache();
});

const route = { params: Promise.resolve({}) };

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://console.test/api/admin/providers", {
    method: "POST",
    headers: { host: "console.test", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describeEachDatabase("withOperator", (getDb) => {
  let db: Db;
  let admin: SessionUser;
  let member: SessionUser;
  let session: SessionUser | null;
  let wrap: ReturnType<typeof createWithOperator>;

  beforeAll(async () => {
    db = getDb().prisma;
    const mk = async (isPlatformAdmin: boolean) => {
      const u = await db.user.create({
        data: { id: newId("usr"), email: `${newId("usr").toLowerCase()}@example.test`, isPlatformAdmin },
      });
      return { id: u.id, email: u.email, name: null };
    };
    admin = await mk(true);
    member = await mk(false);
    wrap = createWithOperator({ getUser: async () => session, getDb: async () => db });
  });

  const list = () => wrap(async (_req, { op }) => json({ data: await listProviders(op) }));
  const create = () =>
    wrap(async (req, { op }) => json(await createProvider(op, await readJsonBody(req)), 201));

  it("answers 401 without a session and 404 to a signed-in non-admin, on reads and writes", async () => {
    session = null;
    expect((await list()(new Request("http://console.test/x"), route)).status).toBe(401);
    session = member;
    const read = await list()(new Request("http://console.test/x"), route);
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ error: { code: "not_found", type: "invalid_request_error" } });
    const write = await create()(post({ name: "nope", protocol: "openai", baseUrl: "http://x.test" }), route);
    expect(write.status).toBe(404);
    expect(await db.provider.count({ where: { name: "nope" } })).toBe(0);
  });

  it("refuses a cross-site mutation before anything else", async () => {
    session = admin;
    const res = await create()(
      post({ name: "csrf", protocol: "openai", baseUrl: "http://x.test" }, { origin: "http://evil.test" }),
      route,
    );
    expect(res.status).toBe(403);
    expect(await db.provider.count({ where: { name: "csrf" } })).toBe(0);
  });

  it("lets a platform admin through, with validation errors in OpenAI's shape naming the field", async () => {
    session = admin;
    const bad = await create()(post({ name: "ok-name", protocol: "openai", baseUrl: "not a url" }), route);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request", param: "baseUrl" } });
    const good = await create()(
      post(
        { name: "same-origin", protocol: "openai", baseUrl: "http://x.test/v1", apiKey: "sk-hidden" },
        { origin: "http://console.test" },
      ),
      route,
    );
    expect(good.status).toBe(201);
    const text = await good.text();
    expect(text).not.toContain("sk-hidden");
    expect(JSON.parse(text)).toMatchObject({ name: "same-origin", keySet: true });
  });
});
