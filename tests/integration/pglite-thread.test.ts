// The app server's embedded database on a worker thread (lib/db/pglite-thread.ts): the same Prisma client API
// as on the main thread — migrations, queries, raw SQL with bigints, Prisma's mapped errors (a unique violation
// is P2002), interactive transactions that commit or roll back — and the data is on disk for the next open.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { connectDatabase } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { PgliteThread } from "@/lib/db/pglite-thread";
import { newId } from "@/lib/ids";

const WORKER = {
  url: new URL("../../lib/db/pglite-thread-worker.ts", import.meta.url),
  typescript: true,
};

describe("PGlite on a worker thread", () => {
  let dir: string;
  let thread: PgliteThread;
  let db: PrismaClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sy-pglite-thread-"));
    thread = await PgliteThread.start(path.join(dir, "pglite"), WORKER);
    expect(await applyMigrations(thread.factory())).toHaveLength(5 /* every migration */);
    db = new PrismaClient({ adapter: thread.factory() });
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
    await thread?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tenant = (slug: string) => ({ id: newId("tnt"), slug, name: slug });

  it("reads and writes through Prisma and raw SQL, bigints included", async () => {
    const t = await db.tenant.create({
      data: { ...tenant("alpha"), monthlyBudgetMicros: 9_007_199_254_740_993n },
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: t.id } })).monthlyBudgetMicros).toBe(
      9_007_199_254_740_993n,
    );
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT "monthlyBudgetMicros" + $2::bigint AS n FROM "Tenant" WHERE "id" = $1`,
      t.id,
      "7",
    );
    expect(rows[0]!.n).toBe(9_007_199_254_741_000n);
  });

  it("raises Prisma's own error codes (a unique violation is P2002)", async () => {
    await db.tenant.create({ data: tenant("taken") });
    await expect(db.tenant.create({ data: tenant("taken") })).rejects.toMatchObject({ code: "P2002" });
  });

  it("commits and rolls back interactive transactions", async () => {
    await db.$transaction(async (tx) => {
      await tx.tenant.create({ data: tenant("committed") });
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.tenant.create({ data: tenant("rolled-back") });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const slugs = (await db.tenant.findMany({ select: { slug: true } })).map((t) => t.slug);
    expect(slugs).toContain("committed");
    expect(slugs).not.toContain("rolled-back");
  });

  it("keeps concurrent statements apart and answers each its own result", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => db.$queryRawUnsafe<{ v: number }[]>(`SELECT $1::int * 2 AS v`, i)),
    );
    expect(results.map((r) => r[0]!.v)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it("leaves the data on disk for the next open, on the main thread too", async () => {
    await db.$disconnect();
    await thread.close();
    await expect(db.tenant.count()).rejects.toThrow();
    const again = await connectDatabase({ kind: "pglite", dir: path.join(dir, "pglite") });
    try {
      expect(
        await again.prisma.tenant.count({ where: { slug: { in: ["alpha", "taken", "committed"] } } }),
      ).toBe(3);
    } finally {
      await again.prisma.$disconnect();
      await again.pglite?.close();
    }
  });
});
