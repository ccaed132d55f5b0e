// npm run soak [-- --short] [-- --duration 300] [-- --concurrency 8] [-- --rate 0] [-- --max-requests N]
// A bounded soak of two Switchyard instances (node dist/server.mjs, separate processes) on loopback, while faults
// are injected in sequence, then an accounting of every request, usage record and ledger entry:
//   - a fresh PostgreSQL database on 127.0.0.1:5432 (dropped at the end) and Redis on 127.0.0.1:6379 (a unique key
//     prefix, deleted at the end), each reached by the instances through a TCP proxy (scripts/soak/tcp-proxy.ts)
//     so an "outage" drops their connections without touching the shared servers;
//   - two fake upstreams in this process (primary and backup), the config file pointing at them, with prices;
//   - workspaces, keys and credit made with the app's own functions (one workspace with little credit: 402s);
//   - clients sending mixed stream and non-stream chat, round-robin over the instances, retrying a refused or cut
//     request on the other instance like a load balancer;
//   - faults: primary upstream 500s then connection resets; a degrading upstream; PostgreSQL gone and back; Redis
//     gone and back; instance B killed with SIGKILL and restarted;
//   - then both instances stopped with SIGTERM (they flush), and the report. Exit code 1 when a check fails.
// Needs a build (`npm run build`); --server PATH runs another bundle of server.ts.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Agent } from "undici";
import { reclaimExpiredLeases } from "@/lib/billing/credit-book";
import { checkLedger, formatUsd } from "@/lib/billing/ledger";
import { startFakeProviders, type FakeUpstream } from "@/lib/fake-upstream";
import {
  freePort,
  HOST,
  inheritedEnv,
  isRunning,
  readMem,
  runMain,
  startChild,
  stopChild,
  waitHealthy,
  type Child,
} from "./bench/procs";
import { account, accountingChecks, type Check, type Killed } from "./soak/report";
import {
  createSoakDatabase,
  deleteRedisKeys,
  MODELS,
  REDIS,
  seedWorkspaces,
  writeConfig,
  type SoakDatabase,
} from "./soak/setup";
import { startTcpProxy, type TcpProxy } from "./soak/tcp-proxy";
import { runTraffic, type Instance, type SentRequest } from "./soak/traffic";

const ROOT = process.cwd();
const { values: args } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    duration: { type: "string" },
    concurrency: { type: "string" },
    rate: { type: "string" },
    "max-requests": { type: "string" },
    server: { type: "string", default: "dist/server.mjs" },
    "keep-db": { type: "boolean", default: false },
  },
});
const DURATION_S = Number(args.duration ?? (args.short ? 50 : 300));
const CONCURRENCY = Number(args.concurrency ?? (args.short ? 8 : 16));
const RATE = Number(args.rate ?? (args.short ? 150 : 200));
const MAX_REQUESTS = Number(args["max-requests"] ?? (args.short ? 20_000 : 500_000));
const LEASE_TTL_MS = 15_000;
/**
 * An instance's RSS may grow by this much between warm-up and the end (JIT, pools, caches filling up). The short
 * run's warm-up is early (6 s in), so it allows more; a real leak shows in the long run.
 */
const MEM_GROWTH_MB = args.short ? 96 : 64;

const log = (s = "") => console.log(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => (kb / 1024).toFixed(1);
const elapsed = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

interface Proc {
  inst: Instance;
  child: Child;
  dataDir: string;
  port: number;
  errorLines: number;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const load0 = os.loadavg();
  log(
    `Switchyard soak: ${DURATION_S} s of traffic, ${CONCURRENCY} clients${RATE ? `, ${RATE} req/s` : ""}, ` +
      `at most ${MAX_REQUESTS} requests; load average ${load0.map((l) => l.toFixed(2)).join(" ")} on ${os.cpus().length} CPUs`,
  );
  const server = path.resolve(ROOT, args.server!);
  if (!existsSync(server) || !existsSync(path.join(ROOT, ".next/BUILD_ID")))
    throw new Error(`no build (${args.server} or .next/BUILD_ID missing): run \`npm run build\` first`);

  // 1. Services: database, proxies, fakes, config.
  db = await createSoakDatabase();
  log(`Database ${db.name} created and migrated (${elapsed(t0)})`);
  const prefix = `soak-${randomBytes(4).toString("hex")}:`;
  redisPrefix = prefix;
  const pgProxy = await startTcpProxy({ host: "127.0.0.1", port: 5432 });
  const redisProxy = await startTcpProxy(REDIS);
  proxies.push(pgProxy, redisProxy);
  const [primary, backup] = await Promise.all([
    startFakeProviders({ host: HOST, port: 0 }),
    startFakeProviders({ host: HOST, port: 0 }),
  ]);
  fakes.push(primary, backup);
  tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-soak-"));
  const configFile = path.join(tmp, "soak-config.yaml");
  writeConfig(configFile, primary.url, backup.url);

  const workspaces = await seedWorkspaces(db.prisma, {
    workspaces: 4,
    keysPerWorkspace: 3,
    creditMicros: 50_000_000n,
    poorCreditMicros: 20_000n,
  });
  const keys = workspaces.flatMap((w) => w.keys);
  log(
    `Seeded ${workspaces.length} workspaces, ${keys.length} keys (low-credit workspace: ${formatUsd(20_000n, 6)})`,
  );

  // 2. Two instances, one after the other (each loads the config file into the database at start).
  const masterKey = randomBytes(32).toString("hex");
  const authSecret = randomBytes(32).toString("hex");
  const baseEnv = inheritedEnv();
  const startInstance = async (name: string, port: number, generation: number): Promise<Proc> => {
    const dataDir = path.join(tmp!, `${name}-${generation}`);
    const child = startChild(name, process.execPath, [server], {
      env: {
        ...baseEnv,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        HOST,
        PORT: String(port),
        APP_URL: `http://${HOST}:${port}`,
        DATA_DIR: dataDir,
        DATABASE_URL: db!.urlVia(pgProxy.port),
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
        REDIS_PREFIX: prefix,
        MASTER_KEY: masterKey,
        AUTH_SECRET: authSecret,
        SWITCHYARD_CONFIG: configFile,
        CREDIT_LEASE_TTL_MS: String(LEASE_TTL_MS),
        LOG_LEVEL: "warn",
      },
    });
    const p: Proc = {
      inst: { name, origin: `http://${HOST}:${port}`, generation },
      child,
      dataDir,
      port,
      errorLines: 0,
    };
    child.proc.stderr!.on("data", (b: Buffer) => {
      p.errorLines += (b.toString("utf8").match(/"level":"error"/g) ?? []).length;
    });
    await waitHealthy(`${p.inst.origin}/api/health`, child, 180_000, { everyMs: 250 });
    return p;
  };
  const a = await startInstance("A", await freePort(), 1);
  log(`Instance A ready, pid ${a.child.pid} (${elapsed(t0)})`);
  let b = await startInstance("B", await freePort(), 1);
  log(`Instance B ready, pid ${b.child.pid} (${elapsed(t0)})`);
  // The clients hold these objects: a restart bumps B's generation in place.
  const instances: Instance[] = [a.inst, b.inst];

  // 3. Traffic and, alongside, the faults in sequence.
  const D = DURATION_S * 1000;
  const outageMs = Math.min(30_000, Math.max(4_000, Math.round(D * 0.08)));
  const timeline: string[] = [];
  const phases: { at: number; label: string }[] = [];
  const mem: Record<string, { warm?: number; end?: number }> = {};
  let killed: Killed | null = null;
  let killedAt = 0;
  const tStart = Date.now();
  const at = (frac: number) => sleep(Math.max(0, tStart + frac * D - Date.now()));
  const note = (s: string) => {
    const line = `${((Date.now() - tStart) / 1000).toFixed(1).padStart(6)}s  ${s}`;
    timeline.push(line);
    phases.push({ at: Date.now(), label: s });
    log(line);
  };
  const sampleMem = (p: Proc, when: "warm" | "end") => {
    const key = `${p.inst.name}#${p.inst.generation}`;
    (mem[key] ??= {})[when] = readMem(p.child.pid)?.rssKb;
  };

  let faultsEnd = Infinity;
  const dispatcher = new Agent({ connections: CONCURRENCY * 2, keepAliveTimeout: 10_000 });
  let progress = 0;
  const traffic = runTraffic(
    {
      instances,
      keys: keys.map((k) => ({ key: k.key, tenantId: k.tenantId })),
      models: [MODELS.plain, MODELS.failover, MODELS.anthropic, MODELS.failover],
      concurrency: CONCURRENCY,
      rate: RATE,
      durationMs: D,
      maxRequests: MAX_REQUESTS,
      onDone: () => void (progress += 1),
      // Every fault runs under traffic, and a little after the last one ends, however long the restart took.
      extendWhile: () => Date.now() < faultsEnd + 3_000,
    },
    dispatcher,
  );
  let bWarm: Promise<void> = Promise.resolve();
  const faults = (async () => {
    note("traffic started (warm-up)");
    await at(0.12);
    sampleMem(a, "warm");
    sampleMem(b, "warm");
    note(
      `warm-up done: ${progress} requests; RSS A ${mb(mem["A#1"]!.warm!)} MB, B ${mb(mem["B#1"]!.warm!)} MB`,
    );

    await at(0.13);
    primary.setBehavior({ failStatus: 500 });
    note("primary upstream answers 500");
    await at(0.19);
    primary.setBehavior({ failStatus: null, reset: true });
    note("primary upstream resets connections");
    await at(0.25);
    primary.setBehavior({ reset: false });
    note("primary upstream back");

    await at(0.26);
    primary.setBehavior({ degradeMsPerRequest: 2 });
    note("primary upstream degrading (+2 ms per request)");
    await at(0.33);
    primary.setBehavior({ degradeMsPerRequest: 0 });
    note("primary upstream recovered");

    // The restart (a Next.js server starting on a busy machine: ~10 s) completes before the outages begin.
    await at(0.34);
    b.child.proc.kill("SIGKILL");
    killed = { instance: "B", generation: b.inst.generation };
    killedAt = Date.now();
    b.inst.generation += 1; // tries sent from now on go to the next process (refused until it listens)
    await b.child.exited;
    note(`instance B killed with SIGKILL (pid ${b.child.pid})`);
    await sleep(2_000);
    note("instance B restarting");
    try {
      b = await startInstance("B", b.port, b.inst.generation);
      note(`instance B back, pid ${b.child.pid}`);
    } catch (err) {
      note(`instance B did not come back: ${(err as Error).message}`);
    }
    bWarm = sleep(Math.min(5_000, D * 0.05)).then(() => {
      if (isRunning(b.child)) sampleMem(b, "warm");
    });

    await at(0.62);
    note(`PostgreSQL down for ${outageMs / 1000} s (proxy drops and refuses connections)`);
    await pgProxy.down(outageMs);
    note("PostgreSQL back");

    await at(0.77);
    note(`Redis down for ${outageMs / 1000} s`);
    await redisProxy.down(outageMs);
    note("Redis back");
    faultsEnd = Date.now();
  })().finally(() => {
    faultsEnd = Math.min(faultsEnd, Date.now()); // a failed fault step must not keep the clients going
  });

  const sent: SentRequest[] = await traffic;
  note(`traffic done: ${sent.length} requests`);
  const trafficEnd = Date.now() - 1;
  await faults;
  await bWarm;
  sampleMem(a, "end");
  if (isRunning(b.child)) sampleMem(b, "end");

  // 4. Graceful stop: both flush their usage records and charges and return their leases.
  const exitA = await stopChild(a.child, 30_000);
  const exitB = await stopChild(b.child, 30_000);
  await dispatcher.close();
  note(`instances stopped with SIGTERM: A exit ${exitA}, B exit ${exitB}`);

  // 5. The killed process's leases expire LEASE_TTL_MS after its last renewal at the latest; reclaim them then.
  const waitMs = killedAt + LEASE_TTL_MS + 1_000 - Date.now();
  if (killed && waitMs > 0) {
    log(`Waiting ${(waitMs / 1000).toFixed(1)} s for the SIGKILLed instance's credit leases to expire ...`);
    await sleep(waitMs);
  }
  const reclaimed = await reclaimExpiredLeases(db.prisma);

  // 6. The accounting.
  const records = await db.prisma.usageRecord.findMany({
    select: { id: true, status: true, costMicros: true },
  });
  const acc = account(sent, records, killed);
  const mismatches = await checkLedger(db.prisma);
  const leasesLeft = await db.prisma.creditLease.count();
  const tenants = await db.prisma.tenant.findMany({
    select: { id: true, name: true, balanceMicros: true, reservedMicros: true },
  });
  const usageByTenant = await db.prisma.ledgerEntry.groupBy({
    by: ["tenantId"],
    where: { kind: "usage" },
    _sum: { amountMicros: true },
    _count: true,
  });

  const trafficSec = (Date.now() - tStart) / 1000;
  log("\n" + "=".repeat(100));
  log("Timeline");
  for (const l of timeline) log(`  ${l}`);
  log("\nFinal statuses of the requests sent during each phase");
  const idlePhases: string[] = [];
  for (const [i, ph] of phases.entries()) {
    const end = phases[i + 1]?.at ?? Infinity;
    const counts = new Map<string, number>();
    for (const r of sent) {
      const t = r.tries[0]!.startedAt;
      if (t < ph.at || t >= end) continue;
      const o = r.tries.at(-1)!.outcome;
      const k = o.kind === "response" ? String(o.status) : o.kind;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    if (counts.size === 0) {
      // A phase of a few ms (the next step began at once) cannot be expected to see a request.
      if (ph.at < trafficEnd && Math.min(end, trafficEnd) - ph.at > 500) idlePhases.push(ph.label);
      continue;
    }
    log(
      `  ${((ph.at - tStart) / 1000).toFixed(1).padStart(6)}s ${ph.label.slice(0, 44).padEnd(44)} ` +
        [...counts]
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([k, n]) => `${k} x${n}`)
          .join(", "),
    );
  }
  log("\nRequests");
  log(`  sent                ${acc.sent} (${(acc.sent / DURATION_S).toFixed(1)} req/s over ${DURATION_S} s)`);
  log(
    `  answered            ${acc.answered}: ${[...acc.answeredByStatus]
      .sort(([x], [y]) => x - y)
      .map(([s, n]) => `${s} x${n}`)
      .join(", ")}` +
      (acc.streamErrors ? ` (of the 200s, ${acc.streamErrors} streams ended with an SSE error event)` : ""),
  );
  log(
    `  failed clearly      ${acc.clearlyFailed} (refused on every instance, or cut by the SIGKILL after retries)`,
  );
  log(
    `  error answers       ${
      [...acc.errorCodes]
        .sort((x, y) => y[1] - x[1])
        .map(([c, n]) => `${c} x${n}`)
        .join(", ") || "none"
    }`,
  );
  log(
    `  retried             ${acc.retried} requests (${acc.refusedTries} tries refused at the connection, ` +
      `${acc.cutByKill} cut in flight by the SIGKILL)`,
  );
  log(
    `  answers by process  ${[...acc.answeredTriesByInstance].map(([i, n]) => `${i} ${n}`).join(", ")} (name#process generation)`,
  );
  for (const [code, message] of acc.errorSamples) log(`    e.g. ${code}: ${message.slice(0, 140)}`);
  const names = new Map(
    workspaces.map((w, i) => [w.tenantId, i === workspaces.length - 1 ? "low-credit" : w.slug]),
  );
  log("  final statuses by workspace and model");
  for (const [tm, statuses] of [...acc.byTenantModel].sort(([x], [y]) => x.localeCompare(y))) {
    const [tenantId, model] = tm.split(" ");
    log(
      `    ${(names.get(tenantId!) ?? tenantId!).padEnd(24)} ${model!.padEnd(14)} ` +
        [...statuses].map(([st, k]) => `${st} x${k}`).join(", "),
    );
  }
  for (const u of acc.unclear.slice(0, 10)) log(`  UNCLEAR #${u.n} on ${u.instance}: ${u.what}`);

  log("\nUsage records");
  log(`  in the database     ${acc.records.inDb}, for ${acc.reachedInstance} tries that reached an instance`);
  log(
    `  graceful processes  ${acc.records.expectedGraceful} answers, ${acc.records.missingGraceful.length} without a record` +
      acc.records.missingGraceful
        .slice(0, 5)
        .map((m) => ` ${m.id}(${m.status})`)
        .join(""),
  );
  log(
    `  SIGKILLed process   ${acc.records.answeredByKilled} answers, ${acc.records.lostWithKill} without a record, ` +
      `${acc.cutByKill} cut in flight: records (and their charges) still queued in a process killed with ` +
      "SIGKILL are lost by design (the writer flushes every second; a graceful stop flushes everything)",
  );
  log(
    `  before auth         ${acc.records.beforeAuth} answers refused before the key was verified (401, or 503 while ` +
      "the database was away and the key not cached): no workspace yet, so no record by design",
  );
  log(`  unmatched records   ${acc.records.unmatched}`);

  log("\nCredit and ledger");
  log(
    `  leases of the killed process: reclaimed after expiry by the live instances' maintenance or by this check ` +
      `(${reclaimed} workspace(s) here); leases left: ${leasesLeft}`,
  );
  for (const t of tenants) {
    const u = usageByTenant.find((x) => x.tenantId === t.id);
    log(
      `  ${t.name.padEnd(18)} balance ${formatUsd(t.balanceMicros, 6).padStart(12)}  reserved ${formatUsd(t.reservedMicros, 6)}  ` +
        `charged ${formatUsd(-(u?._sum.amountMicros ?? 0n), 6)} in ${u?._count ?? 0} usage entries`,
    );
  }
  log(
    `  checkLedger: ${mismatches.length === 0 ? "no mismatch" : JSON.stringify(mismatches, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
  );

  log(`\nMemory (RSS, MB; allowed growth from warm-up to end: ${MEM_GROWTH_MB} MB)`);
  const memChecks: Check[] = [];
  for (const [k, m] of Object.entries(mem)) {
    if (m.warm === undefined || m.end === undefined) {
      log(`  ${k}  warm-up ${m.warm ? mb(m.warm) : "-"}  end ${m.end ? mb(m.end) : "- (killed)"}`);
      continue;
    }
    const growth = (m.end - m.warm) / 1024;
    log(`  ${k}  warm-up ${mb(m.warm)}  end ${mb(m.end)}  (${growth >= 0 ? "+" : ""}${growth.toFixed(1)})`);
    memChecks.push({
      name: `memory flat, instance ${k}`,
      pass: growth <= MEM_GROWTH_MB,
      detail: `${growth.toFixed(1)} MB growth`,
    });
  }
  log(`  error log lines: A ${a.errorLines}, B (last process) ${b.errorLines}`);

  const negative = tenants.filter((t) => t.balanceMicros < 0n);
  const checks: Check[] = [
    ...accountingChecks(acc),
    {
      name: "traffic during every fault (else raise --max-requests)",
      pass: idlePhases.length === 0 && faultsEnd <= trafficEnd,
      detail:
        faultsEnd > trafficEnd
          ? "traffic ended before the last fault was over"
          : idlePhases.length
            ? `no requests: ${idlePhases.join("; ")}`
            : "every phase had requests",
    },
    {
      name: "requests answered with 200",
      pass: (acc.answeredByStatus.get(200) ?? 0) > acc.sent / 2,
      detail: `${acc.answeredByStatus.get(200) ?? 0} of ${acc.sent}`,
    },
    {
      name: "low-credit workspace refused with 402",
      pass: (acc.answeredByStatus.get(402) ?? 0) > 0,
      detail: `${acc.answeredByStatus.get(402) ?? 0} answers 402`,
    },
    {
      name: "checkLedger",
      pass: mismatches.length === 0,
      detail: `${mismatches.length} mismatching workspaces`,
    },
    {
      name: "credit leases all returned or reclaimed",
      pass: leasesLeft === 0 && tenants.every((t) => t.reservedMicros === 0n),
      detail: `${leasesLeft} leases left`,
    },
    { name: "no negative balance", pass: negative.length === 0, detail: `${negative.length} negative` },
    {
      name: "instances stopped cleanly (SIGTERM, exit 0)",
      pass: exitA === 0 && exitB === 0,
      detail: `A ${exitA}, B ${exitB}`,
    },
    ...memChecks,
  ];
  log("\nChecks");
  for (const c of checks) log(`  ${c.pass ? "PASS" : "FAIL"}  ${c.name.padEnd(62)} ${c.detail}`);
  const failed = checks.filter((c) => !c.pass).length;
  log(
    `\n${failed === 0 ? "soak passed" : `soak FAILED (${failed} check${failed > 1 ? "s" : ""})`} in ${elapsed(t0)} ` +
      `(traffic ${trafficSec.toFixed(0)} s); load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  if (failed > 0) {
    log(`\nLast lines of instance A:\n${a.child.tail()}\n\nLast lines of instance B:\n${b.child.tail()}`);
  }
  return failed === 0 ? 0 : 1;
}

let db: SoakDatabase | undefined;
let tmp: string | undefined;
let redisPrefix: string | undefined;
const proxies: TcpProxy[] = [];
const fakes: FakeUpstream[] = [];

runMain(main, {
  name: "soak",
  watchdogMs: DURATION_S * 1000 + 6 * 60_000,
  overdue: "still running long after its duration",
  stack: true,
  async cleanup() {
    for (const p of proxies) await p.close().catch(() => {});
    for (const f of fakes) await f.close().catch(() => {});
    if (redisPrefix)
      await deleteRedisKeys(redisPrefix).catch((e: unknown) => console.error(`redis cleanup: ${String(e)}`));
    if (db && !args["keep-db"])
      await db.close().catch((e: unknown) => console.error(`dropping the database: ${String(e)}`));
    else if (db) log(`Kept database ${db.name}`);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  },
});
