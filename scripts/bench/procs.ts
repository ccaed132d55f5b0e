// Child processes for the bench and the soak (the app, the fake upstream, the CLI), free ports, CPU pinning,
// /proc readings, and how the scripts run their main(). Linux only for memory/CPU figures (/proc); everything
// binds 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { request } from "undici";

export const HOST = "127.0.0.1";

export function hasTaskset(): boolean {
  return spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
}

/** Pins every thread of `pid` to `cpus` (e.g. "1"); false when it could not. */
export function pinProcess(pid: number, cpus: string): boolean {
  return spawnSync("taskset", ["-a", "-cp", cpus, String(pid)], { stdio: "ignore" }).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines the child printed (stdout and stderr), for error reports. */
  tail(): string;
  exited: Promise<number | null>;
}

const children = new Set<Child>();

/** Starts a child, optionally pinned with `taskset -c <cpus>` (execs the command, so the pid is the program's). */
export function startChild(
  name: string,
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cpus?: string | null; cwd?: string },
): Child {
  const [file, argv] = opts.cpus ? ["taskset", ["-c", opts.cpus, cmd, ...args]] : [cmd, args];
  const proc = spawn(file, argv, { env: opts.env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (buf: Buffer) => {
    for (const l of buf.toString("utf8").split("\n")) if (l.trim()) lines.push(l);
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const child: Child = { name, proc, pid: proc.pid!, tail: () => lines.join("\n"), exited };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

export function isRunning(c: Child): boolean {
  return c.proc.exitCode === null && c.proc.signalCode === null;
}

/**
 * This process's environment less what each script sets for its children itself (database, Redis, URLs,
 * listen address, config file, data dir), so nothing leaks in from the shell that runs it.
 */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const v of [
    "DATABASE_URL",
    "REDIS_URL",
    "APP_URL",
    "NEXTAUTH_URL",
    "PORT",
    "HOST",
    "SWITCHYARD_CONFIG",
    "DATA_DIR",
  ])
    delete env[v];
  return env;
}

/** Polls `url` until it answers 200; throws with the child's last lines if it exits or `timeoutMs` passes. */
export async function waitHealthy(
  url: string,
  child: Child,
  timeoutMs: number,
  opts: { what?: string; everyMs?: number } = {},
): Promise<void> {
  const what = opts.what ?? child.name;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(child)) throw new Error(`${what} exited before it was ready:\n${child.tail()}`);
    try {
      const { statusCode, body } = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await body.dump();
      if (statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${what} not ready within ${timeoutMs} ms:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 200));
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves with the exit code (null if killed by a signal). */
export async function stopChild(c: Child, graceMs = 15_000): Promise<number | null> {
  if (!isRunning(c)) return c.proc.exitCode;
  c.proc.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), graceMs)));
  const res = await Promise.race([c.exited, timedOut]);
  clearTimeout(timer);
  if (res === "timeout") {
    console.error(`  ${c.name} (pid ${c.pid}) did not stop within ${graceMs} ms: SIGKILL`);
    c.proc.kill("SIGKILL");
    return c.exited;
  }
  return res;
}

/** Stops every child still running (the app first, so it can finish its upstream calls). */
export async function stopAllChildren(): Promise<void> {
  const list = [...children].sort((a, b) => (a.name === "app" ? -1 : b.name === "app" ? 1 : 0));
  for (const c of list) await stopChild(c);
}

/** Runs a command to completion; resolves with its stdout, rejects with its output on a non-zero exit. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd?: string; inherit?: boolean },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, {
      env: opts.env,
      cwd: opts.cwd,
      stdio: opts.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout?.on("data", (b: Buffer) => (out += b.toString("utf8")));
    proc.stderr?.on("data", (b: Buffer) => (err += b.toString("utf8")));
    proc.once("error", reject);
    proc.once("exit", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}\n${err.trim() || out.trim()}`));
    });
  });
}

// ---------- /proc ----------

export interface MemSample {
  rssKb: number;
  hwmKb: number;
}

export function readMem(pid: number): MemSample | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(text);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(text);
    return rss && hwm ? { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) } : null;
  } catch {
    return null;
  }
}

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    clkTck = Number(r.stdout?.trim()) || 100;
  }
  return clkTck;
}

/** CPU seconds (user + system) a process has used so far, all threads; null when it is gone. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // After the comm field: state is fields[0], utime is field 14 overall -> index 11 here, stime index 12.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** The whole machine's busy and total CPU ticks so far (/proc/stat), to show what other work took. */
function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/**
 * Runs `fn` and measures, over the same wall time, each listed process's CPU (cores used), this process's (the
 * load generator's) and the whole machine's.
 */
export async function withCpu<R>(
  pids: number[],
  fn: () => Promise<R>,
): Promise<{ result: R; cpu: number[]; loadGenCpu: number; machineBusy: number }> {
  const m0 = machineTicks();
  const w0 = performance.now();
  const c0 = pids.map((p) => readCpuSeconds(p) ?? 0);
  const s0 = process.cpuUsage();
  const result = await fn();
  const wall = (performance.now() - w0) / 1000;
  const s = process.cpuUsage(s0);
  const m1 = machineTicks();
  return {
    machineBusy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * os.cpus().length,
    result,
    cpu: pids.map((p, i) => ((readCpuSeconds(p) ?? 0) - c0[i]!) / wall),
    loadGenCpu: (s.user + s.system) / 1e6 / wall,
  };
}

/** Samples a process's RSS every `everyMs` until stopped; reports the peak and median seen. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { peakKb: number; medianKb: number } } {
  const seen: number[] = [];
  const take = () => {
    const m = readMem(pid);
    if (m) seen.push(m.rssKb);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const sorted = [...seen].sort((a, b) => a - b);
      return { peakKb: sorted[sorted.length - 1] ?? 0, medianKb: sorted[Math.floor(sorted.length / 2)] ?? 0 };
    },
  };
}

// ---------- running a script ----------

/**
 * Runs a script's main() and exits with its code, after stopping every child and then `cleanup`; the same on a
 * watchdog timeout (exit 1), SIGINT or SIGTERM (exit 130), or a failure (exit 1, printed to stderr).
 */
export function runMain(
  main: () => Promise<number>,
  opts: {
    /** Prefixes the messages ("bench"). */
    name: string;
    watchdogMs: number;
    /** What the watchdog says before stopping, e.g. "still running after 10 minutes". */
    overdue: string;
    cleanup: () => Promise<void>;
    /** Print a failure's stack, not only its message. */
    stack?: boolean;
  },
): void {
  let finishing = false;
  const finish = async (code: number): Promise<never> => {
    if (!finishing) {
      finishing = true;
      await stopAllChildren();
      await opts.cleanup();
    }
    process.exit(code);
  };
  const watchdog = setTimeout(() => {
    console.error(`${opts.name}: ${opts.overdue}; stopping`);
    void finish(1);
  }, opts.watchdogMs);
  for (const s of ["SIGINT", "SIGTERM"] as const)
    process.on(s, () => {
      console.error(`${opts.name}: ${s}, stopping the child processes`);
      void finish(130);
    });
  main().then(
    (code) => {
      clearTimeout(watchdog);
      return finish(code);
    },
    (err: unknown) => {
      clearTimeout(watchdog);
      const text = err instanceof Error ? ((opts.stack ? err.stack : undefined) ?? err.message) : String(err);
      console.error(`${opts.name} failed: ${text}`);
      return finish(1);
    },
  );
}
