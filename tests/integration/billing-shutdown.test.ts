// SIGTERM during a load run loses no charge: a relay process is stopped while requests are in flight, and
// afterwards every answered request has its usage record with the cost it announced, the ledger matches the usage
// records, the balance is the credit minus the charges, and nothing stays reserved.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLedger, postEntry } from "@/lib/billing/ledger";
import { loadCatalogConfig } from "@/lib/catalog/config";
import { startFakeProviders, type FakeUpstream } from "@/lib/fake-upstream";
import { newId } from "@/lib/ids";
import { apiKeyHint, generateApiKey, hashApiKey } from "@/lib/tenancy/key-format";
import { createTestDatabase, type TestDatabase } from "./helpers/db";
import { relayCatalog } from "./helpers/relay";

const ROOT = path.resolve(__dirname, "../..");

let db: TestDatabase;
let primary: FakeUpstream;
let backup: FakeUpstream;

beforeAll(async () => {
  db = await createTestDatabase("postgres");
  [primary, backup] = await Promise.all([startFakeProviders(), startFakeProviders()]);
});
afterAll(async () => {
  await Promise.all([primary?.close(), backup?.close()]);
  await db?.drop();
});

describe("billing across a SIGTERM", () => {
  it("loses no charge when the relay is stopped during a load run", async () => {
    const masterKey = randomBytes(32);
    await loadCatalogConfig(db.prisma, relayCatalog(primary.url, backup.url), masterKey, { demo: false });
    const tenantId = newId("tnt");
    await db.prisma.tenant.create({ data: { id: tenantId, slug: tenantId.toLowerCase(), name: "Shutdown" } });
    const key = generateApiKey();
    await db.prisma.apiKey.create({
      data: { id: newId("key"), tenantId, name: "k", hash: hashApiKey(key), hint: apiKeyHint(key) },
    });
    await postEntry(db.prisma, { tenantId, kind: "topup", amountMicros: 50_000_000n, description: "credit" });
    primary.setBehavior({ latencyMs: 30, chunkDelayMs: 5 });

    // node itself (with tsx as a loader), so the signal reaches the relay's own handler directly.
    const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/helpers/relay-process.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        SY_TEST_DATABASE_URL: db.url,
        SY_TEST_MASTER_KEY: masterKey.toString("hex"),
        SY_TEST_SPOOL: path.join(mkdtempSync(path.join(tmpdir(), "sy-shutdown-")), "spool.jsonl"),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", (line) =>
        resolve((JSON.parse(line) as { port: number }).port),
      );
      child.once("exit", () => reject(new Error("relay process exited before listening")));
    });
    const url = `http://127.0.0.1:${port}/api/v1/chat/completions`;

    // Answered requests: id -> the cost the relay announced in usage.cost.
    const answered = new Map<string, number>();
    let stopping = false;
    const worker = async (w: number) => {
      for (let i = 0; !stopping || i < 2; i++) {
        const stream = (w + i) % 2 === 0;
        try {
          const res = await fetch(url, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({
              model: i % 3 === 0 ? "claude-test" : "gpt-test",
              messages: [{ role: "user", content: `count to ${10 + (i % 20)}` }],
              max_tokens: 50,
              stream,
              stream_options: stream ? { include_usage: true } : undefined,
            }),
          });
          const text = await res.text();
          if (res.status !== 200) continue;
          const usage = stream
            ? (
                JSON.parse(
                  text
                    .split("\n")
                    .filter((l) => l.includes('"usage":{'))
                    .at(-1)!
                    .slice(6),
                ) as { usage: { cost: number } }
              ).usage
            : (JSON.parse(text) as { usage: { cost: number } }).usage;
          answered.set(res.headers.get("x-request-id")!, usage.cost);
        } catch {
          if (stopping) return; // refused once the server stopped accepting
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    await new Promise((r) => setTimeout(r, 1_500));
    stopping = true;
    child.kill("SIGTERM");
    await Promise.all(workers);
    expect(await exited).toBe(0);

    expect(answered.size).toBeGreaterThan(20);
    expect(await checkLedger(db.prisma)).toEqual([]);
    const records = await db.prisma.usageRecord.findMany({ where: { tenantId } });
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const [id, cost] of answered) {
      expect(byId.get(id)?.costMicros, id).toBe(BigInt(Math.round(cost * 1e6)));
    }
    const charges = records.reduce((s, r) => s + r.costMicros, 0n);
    const t = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(t.balanceMicros).toBe(50_000_000n - charges);
    expect(t.reservedMicros).toBe(0n);
    expect(await db.prisma.creditLease.count()).toBe(0);
  }, 120_000);
});
