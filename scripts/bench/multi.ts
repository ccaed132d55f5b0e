// `npm run bench -- --instances 2`: two app processes on one PostgreSQL database and one Redis (PGlite cannot be
// shared between processes), clients split evenly over them as a connection-level load balancer would. Measures
// non-stream throughput at 128 clients on one instance alone, then on both (64 clients each, at the same time),
// and streams on both; reports per-instance and total throughput, each process's CPU, and the usage records.
// Processes are not pinned: two app processes on a 2-core machine already take both cores, and the fake upstream
// and the load generator share them, so the figures show how the pair scales on this machine, not a ceiling.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkLedger, formatUsd } from "@/lib/billing/ledger";
import { createSoakDatabase, deleteRedisKeys, REDIS, seedWorkspaces, type SoakDatabase } from "../soak/setup";
import {
  chatTarget,
  checkChat,
  countText,
  fmt,
  fmtInt,
  log,
  MODEL,
  PROMPT,
  sleep,
  startFakeUpstream,
  STREAM_COUNT,
} from "./common";
import { runRequests, runStreams, type RunOptions, type RunResult, type Target } from "./load";
import {
  freePort,
  HOST,
  inheritedEnv,
  readMem,
  startChild,
  stopChild,
  waitHealthy,
  withCpu,
  type Child,
} from "./procs";

interface App {
  name: string;
  origin: string;
  child: Child;
}

export async function benchInstances(opts: {
  instances: number;
  server: string;
  scale: number;
  root: string;
  loadAvgAtStart: number[];
}): Promise<number> {
  const sec = (s: number) => Math.round(s * 1000 * opts.scale);
  const n = opts.instances;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-multi-"));
  const prefix = `bench-${randomBytes(4).toString("hex")}:`;
  let db: SoakDatabase | undefined;
  const children: Child[] = [];
  try {
    db = await createSoakDatabase("switchyard_bench");
    const [ws] = await seedWorkspaces(db.prisma, {
      workspaces: 1,
      keysPerWorkspace: 1,
      creditMicros: 1_000_000_000n,
    });
    const apiKey = ws!.keys[0]!.key;

    const baseEnv: NodeJS.ProcessEnv = { ...inheritedEnv(), NEXT_TELEMETRY_DISABLED: "1" };
    const configFile = path.join(tmp, "bench-config.json");
    const { fake, origin: fakeOrigin } = await startFakeUpstream(baseEnv, configFile);
    children.push(fake);
    await waitHealthy(`${fakeOrigin}/health`, fake, 30_000);

    const masterKey = randomBytes(32).toString("hex");
    const authSecret = randomBytes(32).toString("hex");
    const apps: App[] = [];
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      const name = `app ${String.fromCharCode(65 + i)}`;
      const child = startChild(name, process.execPath, [opts.server], {
        env: {
          ...baseEnv,
          NODE_ENV: "production",
          LOG_LEVEL: "warn",
          HOST,
          PORT: String(port),
          DATA_DIR: path.join(tmp, `app-${i}`),
          DATABASE_URL: db.url,
          REDIS_URL: `redis://${REDIS.host}:${REDIS.port}`,
          REDIS_PREFIX: prefix,
          MASTER_KEY: masterKey,
          AUTH_SECRET: authSecret,
          SWITCHYARD_CONFIG: configFile,
        },
      });
      children.push(child);
      const origin = `http://${HOST}:${port}`;
      await waitHealthy(`${origin}/api/health`, child, 180_000); // one at a time: each loads the config at start
      apps.push({ name, origin, child });
      log(`${name} ready on ${origin} (pid ${child.pid})`);
    }

    const relay = (app: App, stream: boolean, content: string): Target =>
      chatTarget(app.origin, "/api/v1/chat/completions", apiKey, MODEL, content, stream);
    let responses = 0;
    const counted = <R extends RunResult>(r: R) => {
      responses += r.responses;
      return r;
    };
    const streamInput = `count to ${STREAM_COUNT}`;

    log("Warming up each instance ...");
    for (const app of apps) {
      const r = counted(
        await runRequests(
          relay(app, false, PROMPT),
          { concurrency: 16, durationMs: sec(2.5), warmupMs: 0 },
          checkChat,
        ),
      );
      counted(
        await runStreams(
          relay(app, true, streamInput),
          { concurrency: 16, durationMs: sec(1), warmupMs: 0 },
          countText(STREAM_COUNT),
          STREAM_COUNT,
        ),
      );
      if (r.errors) throw new Error(`${app.name} does not answer correctly:\n${r.errorSamples.join("\n")}`);
    }
    await sleep(1000);
    const idleMb = apps.map((a) => (readMem(a.child.pid)?.rssKb ?? NaN) / 1024);

    const TOTAL = 128;
    const tp: RunOptions = { concurrency: TOTAL, durationMs: sec(8), warmupMs: sec(1) };
    const pids = [...apps.map((a) => a.child.pid), fake.pid];

    log(`Non-stream, ${TOTAL} clients on ${apps[0]!.name} alone ...`);
    const alone = await withCpu(pids, async () =>
      counted(await runRequests(relay(apps[0]!, false, PROMPT), tp, checkChat)),
    );

    log(`Non-stream, ${TOTAL} clients split over ${n} instances (${TOTAL / n} each, at the same time) ...`);
    const split = { ...tp, concurrency: TOTAL / n };
    const both = await withCpu(pids, () =>
      Promise.all(
        apps.map(async (a) => counted(await runRequests(relay(a, false, PROMPT), split, checkChat))),
      ),
    );

    const STREAMS = 64;
    log(`Streams ("${streamInput}"), ${STREAMS} clients split over ${n} instances ...`);
    const streams = await withCpu(pids, () =>
      Promise.all(
        apps.map(async (a) =>
          counted(
            await runStreams(
              relay(a, true, streamInput),
              { concurrency: STREAMS / n, durationMs: sec(5), warmupMs: sec(0.5) },
              countText(STREAM_COUNT),
              STREAM_COUNT,
            ),
          ),
        ),
      ),
    );
    const endMb = apps.map((a) => (readMem(a.child.pid)?.rssKb ?? NaN) / 1024);

    log("\nStopping the instances ...");
    const exits: Array<number | null> = [];
    for (const a of apps) exits.push(await stopChild(a.child, 30_000));
    const usageRecords = await db.prisma.usageRecord.count();
    const charged = await db.prisma.usageRecord.aggregate({ _sum: { costMicros: true } });
    const ledgerMismatches = await checkLedger(db.prisma);
    await stopChild(fake);

    const loadEnd = os.loadavg();
    const totalRps = both.result.reduce((s, r) => s + r.rps, 0);
    const totalStreams = streams.result.reduce((s, r) => s + r.rps, 0);
    const errors = [alone.result, ...both.result, ...streams.result].reduce((s, r) => s + r.errors, 0);
    const cpuPct = (c: number) => `${fmt(c * 100, 0)}%`;

    log("\n" + "=".repeat(100));
    log(`${n} instances on PostgreSQL + Redis, non-stream chat ("${PROMPT}"), ${TOTAL} clients`);
    log(
      "run".padEnd(34) +
        "req/s".padStart(10) +
        "p50 ms".padStart(10) +
        "p99 ms".padStart(10) +
        "errors".padStart(8) +
        "   CPU (cores used)",
    );
    const row = (label: string, r: RunResult, cpu: string) =>
      log(
        label.padEnd(34) +
          fmtInt(r.rps).padStart(10) +
          fmt(r.latency.p50).padStart(10) +
          fmt(r.latency.p99).padStart(10) +
          String(r.errors).padStart(8) +
          `   ${cpu}`,
      );
    const cpuLine = (w: { cpu: number[]; loadGenCpu: number; machineBusy: number }) =>
      apps.map((a, i) => `${a.name} ${cpuPct(w.cpu[i]!)}`).join(", ") +
      `, fake ${cpuPct(w.cpu[n]!)}, load generator ${cpuPct(w.loadGenCpu)}; machine ${cpuPct(w.machineBusy)} busy`;
    row(`${apps[0]!.name} alone, ${TOTAL} clients`, alone.result, cpuLine(alone));
    both.result.forEach((r, i) =>
      row(`${apps[i]!.name}, ${TOTAL / n} of ${TOTAL} clients`, r, `${cpuPct(both.cpu[i]!)}`),
    );
    log(
      `${"total".padEnd(34)}${fmtInt(totalRps).padStart(10)}${"".padStart(28)}   ${cpuLine(both)}` +
        `  (x${fmt(totalRps / alone.result.rps)} of one instance alone)`,
    );
    log(`\nStreams, ${STREAMS} clients split over ${n} instances`);
    streams.result.forEach((r, i) =>
      log(
        `  ${apps[i]!.name}: ${fmtInt(r.rps)} streams/s, TTFB p50 ${fmt(r.ttfb.p50)} ms p99 ${fmt(r.ttfb.p99)} ms, ` +
          `${r.completeStreams} complete, ${r.errors} errors, CPU ${cpuPct(streams.cpu[i]!)}`,
      ),
    );
    log(`  total: ${fmtInt(totalStreams)} streams/s`);
    log(
      `\nMemory (RSS after warm-up -> end): ${apps.map((a, i) => `${a.name} ${fmt(idleMb[i]!, 0)} -> ${fmt(endMb[i]!, 0)} MB`).join(", ")}`,
    );
    log(
      `Usage records: ${usageRecords} in PostgreSQL for ${responses} relay responses (exit codes ${exits.join(", ")}); ` +
        `charged ${formatUsd(charged._sum.costMicros ?? 0n, 6)}; ledger ${ledgerMismatches.length ? `FAILED for ${ledgerMismatches.length} workspace(s)` : "consistent"}`,
    );
    log(
      `Load average at start ${opts.loadAvgAtStart.map((l) => l.toFixed(2)).join(" ")}, at end ${loadEnd.map((l) => l.toFixed(2)).join(" ")} ` +
        `(${os.cpus().length} CPUs, not pinned)`,
    );

    const outDir = path.join(opts.root, "bench-results");
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `bench-${n}x-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(
      outFile,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          instances: n,
          machine: {
            cpus: os.cpus().length,
            node: process.version,
            loadAvgAtStart: opts.loadAvgAtStart,
            loadAvgAtEnd: loadEnd,
          },
          scale: opts.scale,
          alone: { ...alone.result, cpu: alone.cpu },
          split: both.result.map((r, i) => ({ instance: apps[i]!.name, ...r, cpu: both.cpu[i] })),
          totalRps,
          streams: streams.result.map((r, i) => ({ instance: apps[i]!.name, ...r, cpu: streams.cpu[i] })),
          memoryMb: { afterWarmup: idleMb, end: endMb },
          usage: { records: usageRecords, responses, ledgerMismatches: ledgerMismatches.length },
        },
        null,
        2,
      ),
    );
    log(`Wrote ${path.relative(opts.root, outFile)}`);
    const ok =
      errors === 0 &&
      usageRecords === responses &&
      ledgerMismatches.length === 0 &&
      exits.every((e) => e === 0);
    if (!ok)
      log(
        `\nFAIL: ${errors} errors, ${usageRecords} records for ${responses} responses, ${ledgerMismatches.length} ledger mismatches, exits ${exits.join(", ")}`,
      );
    return ok ? 0 : 1;
  } finally {
    for (const c of children.reverse()) await stopChild(c).catch(() => null);
    await deleteRedisKeys(prefix).catch(() => {});
    await db?.close().catch((e: unknown) => console.error(`dropping the bench database: ${String(e)}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}
