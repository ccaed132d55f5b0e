// The credit book under a burst: many holds arriving together on an instance with no lease yet. Each lease
// acquisition covers only part of the burst, so waiters must go on leasing while the database still grants
// credit, and refuse (402) only when the database itself has none left for them.
import { describe, expect, it } from "vitest";
import { CreditBook } from "@/lib/billing/credit-book";
import { checkLedger, postEntry } from "@/lib/billing/ledger";
import { AppError } from "@/lib/errors";
import { describeEachDatabase } from "./helpers/db";
import { createTeam } from "./helpers/team";

describeEachDatabase("credit book", (getDb) => {
  async function workspaceWith(creditMicros: bigint, tag: string) {
    const db = getDb().prisma;
    const { tenant } = await createTeam(db, tag);
    await postEntry(db, {
      tenantId: tenant.id,
      kind: "topup",
      amountMicros: creditMicros,
      description: "test",
    });
    return tenant.id;
  }

  it("admits a whole burst of holds when the balance covers it, leasing as often as it needs", async () => {
    const db = getDb().prisma;
    const tenantId = await workspaceWith(1_000_000_000n, `burst-${Date.now()}`);
    const book = new CreditBook({ getDb: () => db, minLeaseMicros: 1_000n });
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, () => book.hold(tenantId, 100n)));
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(refused.map((o) => ((o as PromiseRejectedResult).reason as Error).message).slice(0, 1)).toEqual(
      [],
    );
    for (const o of outcomes) if (o.status === "fulfilled") o.value.settle(0n);
    expect(book.snapshot(tenantId)).toMatchObject({ held: 0n, pending: 0n });
    await book.close();
    expect(await checkLedger(db, tenantId)).toEqual([]);
  });

  it("admits exactly what the balance covers from a burst, and refuses the rest with 402", async () => {
    const db = getDb().prisma;
    const tenantId = await workspaceWith(5_000n, `short-${Date.now()}`);
    const book = new CreditBook({ getDb: () => db, minLeaseMicros: 1_000n });
    const outcomes = await Promise.allSettled(Array.from({ length: 120 }, () => book.hold(tenantId, 100n)));
    const admitted = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(admitted.length).toBeLessThanOrEqual(50);
    // Halving what is left unreserved leaves at most a hold's worth unleased.
    expect(admitted.length).toBeGreaterThanOrEqual(49);
    for (const o of refused) {
      const err = (o as PromiseRejectedResult).reason as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe("insufficient_quota");
    }
    for (const o of admitted) (o as PromiseFulfilledResult<{ settle(c: bigint): void }>).value.settle(0n);
    await book.close();
    expect(await checkLedger(db, tenantId)).toEqual([]);
    const t = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(t.reservedMicros).toBe(0n);
  });
});

describe("credit book without a database", () => {
  it("answers 503, not 402, when the database cannot be reached to lease", async () => {
    const book = new CreditBook({
      getDb: () => {
        throw new Error("down");
      },
    });
    await expect(book.hold("ten_x", 100n)).rejects.toMatchObject({ code: "service_unavailable" });
  });
});
