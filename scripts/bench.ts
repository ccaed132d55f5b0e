// npm run bench [-- --profile] [-- --scale 0.5] [-- --keep]
// Measures the relay against DESIGN.md's targets, in one run, on this machine only (127.0.0.1):
//   - a fake OpenAI upstream (scripts/fake-upstream.ts) in a child process, and the load generator (this process,
//     undici Pool), pinned to core 1; the app (node dist/server.mjs) pinned to core 0, with a fresh DATA_DIR, a
//     config file pointing at the fake, and a user + API key made with the CLI before the app starts;
//   - the same requests direct to the fake and through the relay: non-stream latency and streams' time to first
//     byte at 1, 16 and 64 clients, non-stream throughput at 128 clients, memory at 256 slow streams;
//   - a table, bench-results/bench-<timestamp>.json, and PASS/MISS against the targets.
// --profile runs the app under `node --cpu-prof` and prints where its CPU went (figures are then slower).
// --scale multiplies every phase's duration (default 1; the whole run takes about two minutes).
// --app-cpus LIST pins the app to other cores than "0", e.g. "0,1" to let the embedded database's worker thread
// (PGLITE_THREAD) use the load side's core too; the per-core figure then divides by the app's whole CPU use.
// --keep keeps the temporary DATA_DIR. --server PATH benches another bundle of server.ts (default dist/server.mjs).
// --instances 2: two app processes on PostgreSQL + Redis behind an even split of the clients; per-instance and
// total throughput (scripts/bench/multi.ts).
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { request } from "undici";
import {
  checkChat,
  chatTarget,
  countText,
  FAKE_API_KEY,
  fmt,
  fmtInt,
  log,
  MODEL,
  PROMPT,
  sleep,
  startFakeUpstream,
  STREAM_COUNT,
  BENCH_CREDIT_USD,
  UPSTREAM_MODEL,
} from "./bench/common";
import { runRequests, runStreams, type RunOptions, type RunResult, type StreamRunResult } from "./bench/load";
import { benchInstances } from "./bench/multi";
import { printProfile, summarizeProfile, type ProfileSummary } from "./bench/profile";
import {
  HOST,
  freePort,
  hasTaskset,
  inheritedEnv,
  pinProcess,
  readMem,
  runCommand,
  runMain,
  sampleRss,
  startChild,
  stopChild,
  waitHealthy,
  withCpu,
} from "./bench/procs";

const ROOT = process.cwd();
const { values: args } = parseArgs({
  options: {
    profile: { type: "boolean", default: false },
    "app-cpus": { type: "string", default: "0" },
    scale: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
    server: { type: "string", default: "dist/server.mjs" },
    instances: { type: "string", default: "1" },
  },
});
const SCALE = Math.max(0.1, Number(args.scale) || 1);
const INSTANCES = Number(args.instances);
if (![1, 2].includes(INSTANCES)) throw new Error("--instances must be 1 or 2");
const sec = (s: number) => Math.round(s * 1000 * SCALE);

const CONCURRENCIES = [1, 16, 64];
const THROUGHPUT_CONCURRENCY = 128;
const SLOW_STREAMS = 256;
const SLOW_CHUNK_DELAY_MS = 50;
const SLOW_COUNT = 40;

const TARGETS = {
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  addedTtfbP50Ms: 0.5,
  rpsPerCore: 5 * 1600,
  memAbove256StreamsMb: 150,
};

const signed = (n: number, d = 2) => (Number.isFinite(n) ? `${n >= 0 ? "+" : ""}${n.toFixed(d)}` : "n/a");
const mb = (kb: number) => kb / 1024;

async function setFake(origin: string, behavior: Record<string, unknown>): Promise<void> {
  const { statusCode, body } = await request(`${origin}/__fake/behavior`, {
    method: "POST",
    body: JSON.stringify(behavior),
  });
  await body.dump();
  if (statusCode !== 200) throw new Error(`fake upstream refused behavior ${JSON.stringify(behavior)}`);
}

function gitDescribe(): string {
  try {
    const head = execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim();
    const dirty = execSync("git status --porcelain --untracked-files=no", { encoding: "utf8" }).trim();
    return dirty ? `${head} (uncommitted changes in the tree)` : head;
  } catch {
    return "unknown";
  }
}

/** Newest modification time among the sources the server bundle is built from. */
function newestSource(): { file: string; mtime: number } {
  let newest = { file: "", mtime: 0 };
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (!e.startsWith(".") && e !== "generated") walk(path.join(p, e));
    } else if (/\.tsx?$/.test(p) && !/\.test\.tsx?$/.test(p) && st.mtimeMs > newest.mtime) {
      newest = { file: path.relative(ROOT, p), mtime: st.mtimeMs };
    }
  };
  for (const p of ["server.ts", "lib", "app"]) walk(path.join(ROOT, p));
  return newest;
}

interface Pair<R extends RunResult> {
  concurrency: number;
  direct: R;
  relay: R;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  log(`Switchyard bench (scale ${SCALE}${args.profile ? ", app under --cpu-prof" : ""})`);

  const load0 = os.loadavg();
  if (load0[0]! > 1) {
    log(
      `warning: load average ${load0.map((l) => l.toFixed(2)).join(" ")} on ${os.cpus().length} CPUs: other work ` +
        "on this machine shares the cores the bench pins to; figures will be noisy and pessimistic.",
    );
  }

  // 1. A build.
  const built =
    existsSync(path.join(ROOT, "dist/server.mjs")) && existsSync(path.join(ROOT, ".next/BUILD_ID"));
  if (!built) {
    log("No build found (dist/server.mjs or .next/BUILD_ID missing): running `npm run build` first.");
    await runCommand("npm", ["run", "build"], { env: process.env, inherit: true });
  }
  const buildTime = statSync(path.resolve(ROOT, args.server!)).mtime;
  log(`Build: ${args.server} from ${buildTime.toISOString()}, commit ${gitDescribe()}`);
  const newest = newestSource();
  if (newest.mtime > buildTime.getTime())
    log(`warning: ${newest.file} is newer than the build: run \`npm run build\` to bench the current code.`);

  if (INSTANCES > 1)
    return benchInstances({
      instances: INSTANCES,
      server: args.server!,
      scale: SCALE,
      root: ROOT,
      loadAvgAtStart: load0,
    });

  // 2. Processes. Core 0: the app. Core 1: the fake upstream and this load generator.
  const cpus = os.cpus().length;
  const pin = hasTaskset() && cpus >= 2;
  if (pin) {
    if (!pinProcess(process.pid, "1")) log("warning: could not pin the load generator to core 1");
  } else {
    log(`warning: ${hasTaskset() ? `only ${cpus} CPU(s)` : "taskset not found"}: processes are not pinned`);
  }
  const appCpu = pin ? args["app-cpus"]! : null;
  const sideCpu = pin ? "1" : null;

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-"));
  tempDir = dataDir;
  const baseEnv: NodeJS.ProcessEnv = { ...inheritedEnv(), DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" };
  const configFile = path.join(dataDir, "bench-config.json");
  const { fake, origin: fakeOrigin } = await startFakeUpstream(baseEnv, configFile, sideCpu);

  log(`Creating a user and an API key with the CLI (DATA_DIR ${dataDir}) ...`);
  const tsx = path.join(ROOT, "node_modules/.bin/tsx");
  const cliEnv = { ...baseEnv, LOG_LEVEL: "warn", SWITCHYARD_CONFIG: configFile };
  const password = `Bench-${randomBytes(9).toString("base64url")}-7q!`;
  const user = JSON.parse(
    await runCommand(
      tsx,
      [
        "scripts/cli.ts",
        "user",
        "create",
        "--email",
        "loadgen@example.com",
        "--password",
        password,
        "--json",
      ],
      { env: cliEnv },
    ),
  ) as { workspace: { slug: string } };
  const created = JSON.parse(
    await runCommand(
      tsx,
      ["scripts/cli.ts", "key", "create", "--workspace", user.workspace.slug, "--name", "bench", "--json"],
      { env: cliEnv },
    ),
  ) as { key: string };
  const apiKey = created.key;
  await runCommand(
    tsx,
    [
      "scripts/cli.ts",
      "credit",
      "grant",
      "--workspace",
      user.workspace.slug,
      "--usd",
      String(BENCH_CREDIT_USD),
    ],
    { env: cliEnv },
  );

  await waitHealthy(`${fakeOrigin}/health`, fake, 30_000, { what: "the fake upstream" });

  const appPort = await freePort();
  const appOrigin = `http://${HOST}:${appPort}`;
  const profDir = path.join(ROOT, "bench-results", `prof-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  const nodeArgs = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
  const app = startChild("app", process.execPath, [...nodeArgs, args.server!], {
    env: {
      ...cliEnv,
      PORT: String(appPort),
      HOST,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
    },
    cpus: appCpu,
  });
  log(`Starting the app on ${appOrigin} (pid ${app.pid}${pin ? `, core(s) ${appCpu}` : ""}) ...`);
  await waitHealthy(`${appOrigin}/api/health`, app, 120_000, { what: "the app" });
  log(`Ready after ${((Date.now() - t0) / 1000).toFixed(1)} s of setup.\n`);

  // The same request shapes, direct and through the relay.
  const direct = (content: string, stream: boolean) =>
    chatTarget(fakeOrigin, "/v1/chat/completions", FAKE_API_KEY, UPSTREAM_MODEL, content, stream);
  const relay = (content: string, stream: boolean) =>
    chatTarget(appOrigin, "/api/v1/chat/completions", apiKey, MODEL, content, stream);

  let relayResponses = 0;
  const relayRun = <R extends RunResult>(r: R): R => {
    relayResponses += r.responses;
    return r;
  };

  // Smoke test: one of each through the relay, fully checked, before measuring anything.
  {
    const one: RunOptions = { concurrency: 1, durationMs: 1, warmupMs: 0 };
    const a = relayRun(await runRequests(relay(PROMPT, false), one, checkChat));
    const b = relayRun(
      await runStreams(relay(`count to ${STREAM_COUNT}`, true), one, countText(STREAM_COUNT), STREAM_COUNT),
    );
    if (a.errors || b.errors)
      throw new Error(
        `the relay does not answer correctly:\n${[...a.errorSamples, ...b.errorSamples].join("\n")}\n${app.tail()}`,
      );
  }

  // Warm-up (JIT, key cache, connection pools), then the idle process's memory.
  log("Warming up ...");
  await runRequests(direct(PROMPT, false), { concurrency: 16, durationMs: sec(1), warmupMs: 0 }, checkChat);
  relayRun(
    await runRequests(
      relay(PROMPT, false),
      { concurrency: 16, durationMs: sec(2.5), warmupMs: 0 },
      checkChat,
    ),
  );
  relayRun(
    await runStreams(
      relay(`count to ${STREAM_COUNT}`, true),
      { concurrency: 16, durationMs: sec(1.5), warmupMs: 0 },
      countText(STREAM_COUNT),
      STREAM_COUNT,
    ),
  );
  await sleep(2000);
  const idle = readMem(app.pid)!;
  // RSS after each phase: is memory flat over the run?
  const timeline: Array<{ after: string; rssMb: number }> = [{ after: "warm-up", rssMb: mb(idle.rssKb) }];
  const mark = (after: string) => timeline.push({ after, rssMb: mb(readMem(app.pid)?.rssKb ?? NaN) });
  log(`Idle RSS after warm-up: ${fmt(mb(idle.rssKb), 1)} MB\n`);

  // 4b. Memory at 256 concurrent slow streams (right after idle, so earlier load runs do not inflate it).
  log(
    `${SLOW_STREAMS} concurrent streams, "count to ${SLOW_COUNT}", ${SLOW_CHUNK_DELAY_MS} ms between chunks ...`,
  );
  await setFake(fakeOrigin, { chunkDelayMs: SLOW_CHUNK_DELAY_MS });
  const slowSampler = sampleRss(app.pid, 50);
  const slow = relayRun(
    await runStreams(
      relay(`count to ${SLOW_COUNT}`, true),
      { concurrency: SLOW_STREAMS, durationMs: Math.max(sec(5), 3000), warmupMs: 0 },
      countText(SLOW_COUNT),
      SLOW_COUNT,
    ),
  );
  const slowMem = slowSampler.stop();
  // The same streams direct, once each: how paced they arrive without the relay (this machine's baseline).
  const slowDirect = await runStreams(
    direct(`count to ${SLOW_COUNT}`, true),
    { concurrency: SLOW_STREAMS, durationMs: 1, warmupMs: 0 },
    countText(SLOW_COUNT),
    SLOW_COUNT,
  );
  await setFake(fakeOrigin, { chunkDelayMs: 0 });
  mark(`${SLOW_STREAMS} streams`);
  const expectedSpread = (SLOW_COUNT - 1) * SLOW_CHUNK_DELAY_MS;
  log(
    `  ${slow.completeStreams} streams complete, ${slow.errors} errors; peak RSS ${fmt(mb(slowMem.peakKb), 1)} MB ` +
      `(+${fmt(mb(slowMem.peakKb - idle.rssKb), 1)} MB over idle)\n`,
  );

  // 3a. Non-stream latency, direct vs relay.
  const nonStream: Pair<RunResult>[] = [];
  for (const c of CONCURRENCIES) {
    const o: RunOptions = { concurrency: c, durationMs: sec(4), warmupMs: sec(0.5) };
    log(`Non-stream, ${c} client(s): direct, relay ...`);
    const d = await runRequests(direct(PROMPT, false), o, checkChat);
    const r = relayRun(await runRequests(relay(PROMPT, false), o, checkChat));
    nonStream.push({ concurrency: c, direct: d, relay: r });
    mark(`non-stream x${c}`);
  }

  // 3b. Streams: time to first byte, every chunk checked.
  const streams: Pair<StreamRunResult>[] = [];
  for (const c of CONCURRENCIES) {
    const o: RunOptions = { concurrency: c, durationMs: sec(4), warmupMs: sec(0.5) };
    log(`Streams, ${c} client(s): direct, relay ...`);
    const input = `count to ${STREAM_COUNT}`;
    const d = await runStreams(direct(input, true), o, countText(STREAM_COUNT), STREAM_COUNT);
    const r = relayRun(await runStreams(relay(input, true), o, countText(STREAM_COUNT), STREAM_COUNT));
    streams.push({ concurrency: c, direct: d, relay: r });
    mark(`streams x${c}`);
  }

  // 3c. Throughput at high concurrency, with the CPU each side used.
  log(`Throughput, non-stream, ${THROUGHPUT_CONCURRENCY} clients: relay, direct ...`);
  const cpuWindow = async <R>(fn: () => Promise<R>) => {
    const w = await withCpu([app.pid, fake.pid], fn);
    return { result: w.result, appCpu: w.cpu[0]!, fakeCpu: w.cpu[1]!, benchCpu: w.loadGenCpu };
  };
  const tpOpts: RunOptions = { concurrency: THROUGHPUT_CONCURRENCY, durationMs: sec(8), warmupMs: sec(1) };
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const tpFromUs = nowUs();
  const tpRelay = await cpuWindow(() => runRequests(relay(PROMPT, false), tpOpts, checkChat));
  const profileWindow = { fromUs: tpFromUs + tpOpts.warmupMs * 1000, toUs: nowUs() };
  relayRun(tpRelay.result);
  const tpDirect = await cpuWindow(() =>
    runRequests(direct(PROMPT, false), { ...tpOpts, durationMs: sec(4) }, checkChat),
  );
  // Per core of CPU the app actually used (more than one with --app-cpus and the database thread).
  const rpsPerAppCore = tpRelay.result.rps / Math.max(0.01, tpRelay.appCpu);

  mark(`throughput x${THROUGHPUT_CONCURRENCY}`);
  await sleep(2000);
  mark("2 s idle");
  const end = readMem(app.pid)!;

  // Stop the app (it flushes usage records), then count what it recorded.
  log("\nStopping the app ...");
  const appExit = await stopChild(app, 20_000);
  let usageRecords: number | null = null;
  let chargedMicros: bigint | null = null;
  let ledger = "not checked";
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = new PGlite(path.join(dataDir, "pglite"));
    const r = await db.query<{ n: number; charged: string | null }>(
      `select count(*)::int as n, sum("costMicros")::text as charged from "UsageRecord"`,
    );
    usageRecords = r.rows[0]?.n ?? null;
    chargedMicros = BigInt(r.rows[0]?.charged ?? 0);
    await db.close();
    // Balances = ledger entries, reserved = leases (none left after a clean stop), usage entries = records.
    await runCommand(tsx, ["scripts/cli.ts", "ledger", "check"], { env: cliEnv });
    ledger = "consistent";
  } catch (err) {
    ledger = `FAILED: ${(err as Error).message}`;
  }
  await stopChild(fake);

  let profile: ProfileSummary | null = null;
  if (args.profile && existsSync(profDir)) {
    const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) profile = summarizeProfile(path.join(profDir, file), ROOT, profileWindow);
  }

  // 5. Report.
  const ns16 = nonStream.find((p) => p.concurrency === 16)!;
  const st16 = streams.find((p) => p.concurrency === 16)!;
  const added = (p: Pair<RunResult>, q: "p50" | "p99") => p.relay.latency[q] - p.direct.latency[q];
  const addedTtfb = (p: Pair<StreamRunResult>, q: "p50" | "p99") => p.relay.ttfb[q] - p.direct.ttfb[q];
  const allRuns: RunResult[] = [
    ...nonStream.flatMap((p) => [p.direct, p.relay]),
    ...streams.flatMap((p) => [p.direct, p.relay]),
    slow,
    slowDirect,
    tpRelay.result,
    tpDirect.result,
  ];
  const totalErrors = allRuns.reduce((n, r) => n + r.errors, 0);
  const streamsComplete = streams.every((p) => p.relay.errors === 0 && p.relay.completeStreams > 0);
  // A buffering relay delivers a stream's chunks together at the end; a loaded machine merely merges a few reads.
  const slowNotBuffered =
    slow.contentSpread.p50 >= 0.8 * expectedSpread &&
    slow.contentSpread.min >= 0.5 * expectedSpread &&
    slow.contentReads.p50 >= SLOW_COUNT / 4;
  const memAbove = mb(slowMem.peakKb - idle.rssKb);

  log("\n" + "=".repeat(108));
  log(`Non-stream chat ("${PROMPT}"), latency in ms   [added = relay - direct, per percentile]`);
  log(
    "clients".padEnd(9) +
      "direct p50/p99".padStart(18) +
      "relay p50/p99".padStart(18) +
      "added p50/p99".padStart(18) +
      "relay req/s".padStart(13) +
      "direct req/s".padStart(14) +
      "errors d/r".padStart(12),
  );
  for (const p of nonStream) {
    log(
      String(p.concurrency).padEnd(9) +
        `${fmt(p.direct.latency.p50)} / ${fmt(p.direct.latency.p99)}`.padStart(18) +
        `${fmt(p.relay.latency.p50)} / ${fmt(p.relay.latency.p99)}`.padStart(18) +
        `${signed(added(p, "p50"))} / ${signed(added(p, "p99"))}`.padStart(18) +
        fmtInt(p.relay.rps).padStart(13) +
        fmtInt(p.direct.rps).padStart(14) +
        `${p.direct.errors}/${p.relay.errors}`.padStart(12),
    );
  }
  log(`\nStreams ("count to ${STREAM_COUNT}", ${STREAM_COUNT} chunks, no pacing), time to first byte in ms`);
  log(
    "clients".padEnd(9) +
      "direct p50/p99".padStart(18) +
      "relay p50/p99".padStart(18) +
      "added p50/p99".padStart(18) +
      "relay total p50".padStart(17) +
      "relay str/s".padStart(13) +
      "complete".padStart(10) +
      "errors d/r".padStart(12),
  );
  for (const p of streams) {
    log(
      String(p.concurrency).padEnd(9) +
        `${fmt(p.direct.ttfb.p50)} / ${fmt(p.direct.ttfb.p99)}`.padStart(18) +
        `${fmt(p.relay.ttfb.p50)} / ${fmt(p.relay.ttfb.p99)}`.padStart(18) +
        `${signed(addedTtfb(p, "p50"))} / ${signed(addedTtfb(p, "p99"))}`.padStart(18) +
        fmt(p.relay.latency.p50).padStart(17) +
        fmtInt(p.relay.rps).padStart(13) +
        String(p.relay.completeStreams).padStart(10) +
        `${p.direct.errors}/${p.relay.errors}`.padStart(12),
    );
  }
  log(`\nThroughput, non-stream, ${THROUGHPUT_CONCURRENCY} clients`);
  log(
    `  relay  ${fmtInt(tpRelay.result.rps)} req/s (p50 ${fmt(tpRelay.result.latency.p50)} ms, p99 ${fmt(tpRelay.result.latency.p99)} ms, ` +
      `${tpRelay.result.errors} errors); app CPU ${fmt(tpRelay.appCpu * 100, 0)}% of a core -> ${fmtInt(rpsPerAppCore)} req/s per app core; ` +
      `core 1 (fake ${fmt(tpRelay.fakeCpu * 100, 0)}% + load generator ${fmt(tpRelay.benchCpu * 100, 0)}%)`,
  );
  log(
    `  direct ${fmtInt(tpDirect.result.rps)} req/s (fake ${fmt(tpDirect.fakeCpu * 100, 0)}% + load generator ${fmt(tpDirect.benchCpu * 100, 0)}% of core 1): the load side's ceiling`,
  );
  log(`\nMemory (app RSS)`);
  log(`  idle after warm-up        ${fmt(mb(idle.rssKb), 1)} MB`);
  log(
    `  ${SLOW_STREAMS} slow streams          peak ${fmt(mb(slowMem.peakKb), 1)} MB (+${fmt(memAbove, 1)} MB over idle), median ${fmt(mb(slowMem.medianKb), 1)} MB; ` +
      `${slow.completeStreams} streams complete, ${slow.errors} errors`,
  );
  log(
    `    chunk pacing kept: content spread p50 ${fmt(slow.contentSpread.p50, 0)} ms (upstream ${expectedSpread} ms), ` +
      `separate reads with content p50 ${fmt(slow.contentReads.p50, 0)}/${SLOW_COUNT}, TTFB p50 ${fmt(slow.ttfb.p50)} ms p99 ${fmt(slow.ttfb.p99)} ms`,
  );
  log(
    `    direct, same streams:  content spread p50 ${fmt(slowDirect.contentSpread.p50, 0)} ms, ` +
      `separate reads p50 ${fmt(slowDirect.contentReads.p50, 0)}/${SLOW_COUNT}, TTFB p50 ${fmt(slowDirect.ttfb.p50)} ms p99 ${fmt(slowDirect.ttfb.p99)} ms`,
  );
  log(`  after each phase: ${timeline.map((t) => `${t.after} ${fmt(t.rssMb, 0)}`).join(", ")} (MB)`);
  log(`  peak (VmHWM) over the run ${fmt(mb(end.hwmKb), 1)} MB; at the end ${fmt(mb(end.rssKb), 1)} MB`);
  log(
    `\nUsage records: ${usageRecords ?? "n/a"} in the database for ${relayResponses} relay responses ` +
      `(app exit code ${appExit}); charged ${chargedMicros === null ? "n/a" : `$${(Number(chargedMicros) / 1e6).toFixed(6)}`}; ledger ${ledger}`,
  );

  type Check = { name: string; measured: string; target: string; pass: boolean };
  const checks: Check[] = [
    {
      name: "Added latency p50, non-stream, 16 clients",
      measured: `${fmt(added(ns16, "p50"), 3)} ms`,
      target: `< ${TARGETS.addedP50Ms} ms`,
      pass: added(ns16, "p50") < TARGETS.addedP50Ms,
    },
    {
      name: "Added latency p99, non-stream, 16 clients",
      measured: `${fmt(added(ns16, "p99"), 3)} ms`,
      target: `< ${TARGETS.addedP99Ms} ms`,
      pass: added(ns16, "p99") < TARGETS.addedP99Ms,
    },
    {
      name: "Added TTFB p50, streams, 16 clients",
      measured: `${fmt(addedTtfb(st16, "p50"), 3)} ms`,
      target: `< ${TARGETS.addedTtfbP50Ms} ms`,
      pass: addedTtfb(st16, "p50") < TARGETS.addedTtfbP50Ms,
    },
    {
      name: "Every chunk forwarded as it arrives",
      measured: `${streamsComplete ? "all chunks" : "missing chunks"}; ${slowNotBuffered ? "paced" : "BUFFERED"}`,
      target: "complete, unbuffered",
      pass: streamsComplete && slowNotBuffered && slow.errors === 0,
    },
    {
      name: `Throughput per core, non-stream, ${THROUGHPUT_CONCURRENCY} clients`,
      measured: `${fmtInt(rpsPerAppCore)} req/s`,
      target: `>= ${fmtInt(TARGETS.rpsPerCore)} req/s`,
      pass: rpsPerAppCore >= TARGETS.rpsPerCore,
    },
    {
      name: `Memory above idle, ${SLOW_STREAMS} streams`,
      measured: `${fmt(memAbove, 1)} MB`,
      target: `<= ${TARGETS.memAbove256StreamsMb} MB`,
      pass: memAbove <= TARGETS.memAbove256StreamsMb,
    },
    {
      name: "Errors (every response checked)",
      measured: String(totalErrors),
      target: "0",
      pass: totalErrors === 0,
    },
    {
      name: "Every response billed; ledger consistent",
      measured: `${usageRecords ?? "n/a"} of ${relayResponses}; ${ledger === "consistent" ? "ok" : "FAILED"}`,
      target: "all; ok",
      pass: usageRecords === relayResponses && ledger === "consistent" && (chargedMicros ?? 0n) > 0n,
    },
  ];
  log("\nTargets (DESIGN.md)" + (args.profile ? "  [app under --cpu-prof: figures are pessimistic]" : ""));
  for (const c of checks)
    log(
      `  ${c.pass ? "PASS" : "MISS"}  ${c.name.padEnd(48)} ${c.measured.padStart(22)}   target ${c.target}`,
    );
  if (totalErrors > 0) {
    log("\nError samples:");
    for (const r of allRuns) for (const e of r.errorSamples) log(`  [${r.concurrency}] ${e}`);
  }
  if (profile) {
    log(
      `\nProfile of the app during the relay throughput run (${THROUGHPUT_CONCURRENCY} clients, non-stream):`,
    );
    printProfile(profile);
  }

  const outDir = path.join(ROOT, "bench-results");
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        commit: gitDescribe(),
        build: buildTime.toISOString(),
        machine: {
          cpus,
          model: os.cpus()[0]?.model,
          node: process.version,
          pinned: pin,
          loadAvgAtStart: load0,
          loadAvgAtEnd: os.loadavg(),
        },
        profiled: args.profile,
        scale: SCALE,
        targets: TARGETS,
        checks,
        nonStream,
        streams,
        throughput: {
          concurrency: THROUGHPUT_CONCURRENCY,
          relay: tpRelay.result,
          direct: tpDirect.result,
          appCpu: tpRelay.appCpu,
          fakeCpuDuringRelay: tpRelay.fakeCpu,
          loadGeneratorCpuDuringRelay: tpRelay.benchCpu,
          rpsPerAppCore,
        },
        memory: {
          idleRssMb: mb(idle.rssKb),
          slowStreams: {
            concurrency: SLOW_STREAMS,
            chunkDelayMs: SLOW_CHUNK_DELAY_MS,
            count: SLOW_COUNT,
            peakRssMb: mb(slowMem.peakKb),
            medianRssMb: mb(slowMem.medianKb),
            aboveIdleMb: memAbove,
            run: slow,
            direct: slowDirect,
          },
          timeline,
          hwmMb: mb(end.hwmKb),
          endRssMb: mb(end.rssKb),
        },
        usage: {
          records: usageRecords,
          relayResponses,
          chargedMicros: chargedMicros?.toString() ?? null,
          ledger,
        },
        profile,
        durationSec: (Date.now() - t0) / 1000,
      },
      null,
      2,
    ),
  );
  log(
    `Load average at start ${load0.map((l) => l.toFixed(2)).join(" ")}, at end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  log(`\nWrote ${path.relative(ROOT, outFile)} (${((Date.now() - t0) / 1000).toFixed(0)} s in all)`);

  return 0;
}

let tempDir: string | null = null;

runMain(main, {
  name: "bench",
  watchdogMs: 10 * 60_000 * Math.max(1, SCALE),
  overdue: "still running after 10 minutes",
  async cleanup() {
    if (tempDir && args.keep) log(`Kept DATA_DIR ${tempDir}`);
    else if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  },
});
