// GET /api/health's body says when shared state fell back to local: Redis configured but unreachable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHealth } from "@/lib/health";
import { createRedisStore } from "@/lib/store";
import { createTestDatabase, type TestDatabase } from "./helpers/db";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("pglite");
});
afterAll(async () => {
  await db?.drop();
});

describe("health with shared state", () => {
  it("reports Redis as degraded (and the instance still healthy) when Redis cannot be reached", async () => {
    const store = createRedisStore({ url: "redis://127.0.0.1:1", prefix: "sy-health-test:", timeoutMs: 100 });
    try {
      const counter = await store.incr("probe", 1000); // falls back to local state instead of failing
      expect(counter.value).toBe(1);
      const { httpStatus, body } = await checkHealth({ db: db.prisma, kind: "pglite", store: () => store.status() });
      expect(httpStatus).toBe(200);
      expect(body.state).toMatchObject({ kind: "redis", degraded: true, since: expect.any(String) });
    } finally {
      await store.close();
    }
  });

  it("reports a reachable Redis as healthy", async () => {
    const store = createRedisStore({ url: "redis://127.0.0.1:6379", prefix: "sy-health-test:" });
    try {
      await store.incr("probe", 1000);
      const { body } = await checkHealth({ db: db.prisma, kind: "pglite", store: () => store.status() });
      expect(body.state).toEqual({ kind: "redis", degraded: false });
    } finally {
      await store.close();
    }
  });
});
