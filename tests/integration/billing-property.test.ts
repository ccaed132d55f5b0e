// The billing property: random interleavings of concurrent requests (success, upstream failure, client abort,
// cut stream), top-ups and refunds end with
//   balance = top-ups − refunds − charges, exactly;   no negative balance;   the ledger check passing;
//   one usage record per request;   nothing left reserved once the instance has shut down.
// Scenarios come from a seeded generator (the seed is in the test name, so a failure can be replayed).
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { checkLedger, postEntry } from "@/lib/billing/ledger";
import type { FakeBehavior } from "@/lib/fake-upstream/server";
import { startRelay, type Relay } from "./helpers/relay";
import type { TestDatabaseKind } from "./helpers/db";

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!,
  };
}

type Op = "ok" | "ok-stream" | "fail" | "abort" | "cut" | "topup" | "refund";
const WAVES: Array<{ behavior: Partial<FakeBehavior>; ops: Op[] }> = [
  { behavior: {}, ops: ["ok", "ok-stream", "topup", "refund"] },
  { behavior: { failStatus: 500 }, ops: ["fail", "topup"] },
  { behavior: { chunkDelayMs: 15 }, ops: ["abort", "ok-stream", "refund"] },
  { behavior: { cutAfterFrames: 8, chunkDelayMs: 3 }, ops: ["cut", "topup"] },
];

let relay: Relay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

async function runScenario(kind: TestDatabaseKind, seed: number) {
  const r = rng(seed);
  relay = await startRelay({
    kind,
    billing: { maintainEveryMs: 40, idleReturnMs: 60, minLeaseMicros: 1_000n },
  });
  const db = relay.db.prisma;
  const client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
  let topups = 0n;
  let refunds = 0n;
  let requests = 0;
  const initial = BigInt(r.int(2_000, 40_000));
  await postEntry(db, {
    tenantId: relay.tenantId,
    kind: "topup",
    amountMicros: initial,
    description: "initial",
  });
  topups += initial;

  const request = async (op: Op) => {
    requests += 1;
    const model = r.pick(["gpt-test", "claude-test", "output-priced"]);
    const max_tokens = r.int(5, 80);
    try {
      if (op === "ok" || op === "fail") {
        await client.chat.completions.create({
          model,
          messages: [{ role: "user", content: `hello ${op}` }],
          max_tokens,
        });
        return;
      }
      const abort = new AbortController();
      const stream = await client.chat.completions.create(
        { model, messages: [{ role: "user", content: "count to 60" }], max_tokens, stream: true },
        { signal: abort.signal },
      );
      let n = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) n += 1;
        if (op === "abort" && n === 3) abort.abort();
      }
    } catch {
      // 402s, upstream failures, aborts and cut streams are all part of the scenario
    }
  };

  for (let wave = 0; wave < 4; wave++) {
    const w = r.pick(WAVES);
    relay.primary.setBehavior({ failStatus: null, chunkDelayMs: 0, cutAfterFrames: null, ...w.behavior });
    const ops = Array.from({ length: r.int(8, 25) }, () => r.pick(w.ops));
    await Promise.all(
      ops.map(async (op, i) => {
        await new Promise((res) => setTimeout(res, r.int(0, 30) + i));
        if (op === "topup") {
          const amount = BigInt(r.int(100, 5_000));
          await postEntry(db, {
            tenantId: relay!.tenantId,
            kind: "topup",
            amountMicros: amount,
            description: "top-up",
          });
          topups += amount;
        } else if (op === "refund") {
          const amount = BigInt(r.int(100, 3_000));
          const res = await postEntry(db, {
            tenantId: relay!.tenantId,
            kind: "refund",
            amountMicros: -amount,
            description: "refund",
            onlyIfAvailable: true,
          });
          if (res.posted) refunds += amount;
        } else {
          await request(op);
        }
      }),
    );
  }

  await new Promise((res) => setTimeout(res, 300)); // aborted streams close their records
  await relay.usage.flush();
  await relay.billing!.book.close();
  expect(await checkLedger(db)).toEqual([]);
  const t = await db.tenant.findUniqueOrThrow({ where: { id: relay.tenantId } });
  const records = await db.usageRecord.findMany({ where: { tenantId: relay.tenantId } });
  const charges = records.reduce((s, x) => s + x.costMicros, 0n);
  expect(records).toHaveLength(requests);
  expect(t.reservedMicros).toBe(0n);
  expect(t.balanceMicros).toBe(topups - refunds - charges);
  expect(t.balanceMicros).toBeGreaterThanOrEqual(0n);
  // The scenario exercised what it claims: money was charged and at least one request was refused or failed.
  expect(charges).toBeGreaterThan(0n);
}

describe("billing property: concurrent requests, top-ups and refunds", () => {
  for (const seed of [1, 2, 3]) {
    it(`holds on PostgreSQL (seed ${seed})`, () => runScenario("postgres", seed), 120_000);
  }
  it("holds on PGlite (seed 7)", () => runScenario("pglite", 7), 180_000);
});
