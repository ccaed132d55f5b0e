// Passive health per deployment, from live traffic only (no paid probes): decayed error rates by class, latency
// percentiles, a circuit breaker, Retry-After cooldowns and a score in [0, 1] the router orders candidates by.
// Invariants:
//  - only the provider's faults count: a client's own 4xx or an aborted request is never recorded;
//  - memory per deployment is fixed (decayed counters, ring buffers), whatever the traffic;
//  - circuit transitions and cooldowns are shared through the Store; latency samples stay per instance;
//  - the store failing never breaks routing: the tracker carries on with local state and says so (`degraded`).
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Attempt } from "@/lib/gateway/pipeline";
import { log } from "@/lib/observability/log";
import { getStore } from "@/lib/store";
import type { Store } from "@/lib/store/types";
import { decay, MinuteSeries, SampleWindow, type MinutePoint, type Percentiles } from "./percentiles";

export type ErrorClass = "timeout" | "5xx" | "429" | "connection";
export type CircuitState = "closed" | "open" | "half-open";
const CLASSES: readonly ErrorClass[] = ["timeout", "5xx", "429", "connection"];

export interface Observation {
  deploymentId: string;
  ok: boolean;
  errorClass?: ErrorClass;
  /** Successful attempts only. For a non-streaming answer the first token arrives with the body: pass the total. */
  ttftMs?: number;
  totalMs?: number;
  retryAfterSec?: number;
}

const DEFAULTS = {
  now: Date.now as () => number,
  /** Store channel for circuit transitions and cooldowns. */
  channel: "routing:health",
  /** Half-life of the decayed error counters. */
  halfLifeMs: 30_000,
  /** Latency percentiles cover the last `windowMs`, at most `maxSamples` samples. */
  windowMs: 60_000,
  maxSamples: 512,
  /** Minutes of per-minute history kept for the dashboard (requests, failures, mean time to first token). */
  seriesMinutes: 30,
  /** Fewer latency samples than this in the window: no percentile-based judgement. */
  minLatencySamples: 5,
  /** Latencies below this count as equal when comparing with the baseline or peers (jitter, not degradation). */
  latencyFloorMs: 50,
  /** Half-life of the p95 TTFT baseline while it rises; it falls ten times faster. */
  baselineHalfLifeMs: 15 * 60_000,
  /** The circuit opens at this decayed error rate with at least `minRequests` recent requests... */
  failureRate: 0.5,
  minRequests: 5,
  /** ...or after this many consecutive failures. */
  consecutiveFailures: 5,
  /** First cool-off before half-open; doubles on each reopen, up to `maxCoolOffMs`. */
  coolOffMs: 10_000,
  maxCoolOffMs: 120_000,
  /** Concurrent trial requests while half-open; a trial not observed within `trialTimeoutMs` frees its slot. */
  trialSlots: 1,
  trialTimeoutMs: 120_000,
  /** Upper bound on a Retry-After cooldown, against absurd headers. */
  maxCooldownMs: 600_000,
};

/** `store`: where circuit transitions and cooldowns are shared (none: local only). */
export type HealthOptions = Partial<typeof DEFAULTS> & { store?: Store; instanceId?: string };

export interface HealthSnapshot {
  deploymentId: string;
  circuit: CircuitState;
  openUntil: number | null;
  cooldownUntil: number | null;
  available: boolean;
  /** Decayed request count and error rates (failures / requests), overall and by class. */
  requests: number;
  errorRate: number;
  errorRates: Record<ErrorClass, number>;
  consecutiveFailures: number;
  ttft: Percentiles | null;
  total: Percentiles | null;
  ttftBaselineP95: number | null;
  /** p95 TTFT over the worse of its baseline and its peers' median; null without enough samples. */
  latencyRatio: number | null;
  /** Successful attempts with a latency sample in the window. */
  samples: number;
  score: number;
}

interface DeploymentHealth {
  decayedAt: number;
  requests: number;
  failures: number;
  byClass: Record<ErrorClass, number>;
  consecutive: number;
  ttft: SampleWindow;
  total: SampleWindow;
  /** Per-minute history for the dashboard only; never read on the request path. */
  series: MinuteSeries;
  baseline?: number;
  baselineAt: number;
  circuit: CircuitState;
  openUntil: number;
  /** Opens in a row (a close followed by a reopen within `maxCoolOffMs` keeps the streak). */
  streak: number;
  closedAt: number;
  /** When each half-open trial in flight was admitted. */
  trials: number[];
  cooldownUntil: number;
}

const Base = { from: z.string(), id: z.string() };
const HealthEvent = z.discriminatedUnion("type", [
  z.object({ ...Base, type: z.literal("open"), forMs: z.number().nonnegative(), streak: z.number().int() }),
  z.object({ ...Base, type: z.literal("closed") }),
  z.object({ ...Base, type: z.literal("cooldown"), forMs: z.number().nonnegative() }),
]);
type HealthEvent = z.infer<typeof HealthEvent>;
/** An event as decided here, before the instance id is attached. */
type LocalEvent = HealthEvent extends infer E ? (E extends unknown ? Omit<E, "from"> : never) : never;

/** What an attempt says about the deployment's health; null when it was not the provider's fault. */
export function observationFromAttempt(a: Attempt, ttftMs?: number, totalMs?: number): Observation | null {
  const deploymentId = a.deploymentId;
  const fail = (errorClass?: ErrorClass, retryAfterSec?: number): Observation => ({
    deploymentId,
    ok: false,
    ...(errorClass && { errorClass }),
    ...(retryAfterSec !== undefined && { retryAfterSec }),
  });
  switch (a.outcome) {
    case "ok":
      return { deploymentId, ok: true, ttftMs, totalMs: totalMs ?? a.ms };
    case "timeout":
      return fail("timeout");
    case "connect":
    case "reset":
      return fail("connection");
    case "aborted":
      return null;
    case "other":
      return fail();
    case "http_error":
    case "stream_error": {
      const s = a.status;
      if (s === 429) return fail("429", a.retryAfter);
      if (s === undefined || s >= 500) return fail("5xx", a.retryAfter); // a status-less stream error is theirs
      if (s === 408) return fail("timeout");
      return null; // the client's own 4xx
    }
  }
}

/** 1 up to a ratio of 1.5, falling smoothly to 0.1 at 4 and beyond. */
function latencyMultiplier(ratio: number): number {
  const x = Math.min(1, Math.max(0, (ratio - 1.5) / 2.5));
  return 1 - 0.9 * x * x * (3 - 2 * x);
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

export class HealthTracker {
  readonly instanceId: string;
  private readonly o: typeof DEFAULTS;
  private readonly store?: Store;
  private readonly deployments = new Map<string, DeploymentHealth>();
  private unsubscribe?: () => Promise<void>;
  private started = false;
  private sharingFailed = false;

  constructor(opts: HealthOptions = {}) {
    const { store, instanceId, ...rest } = opts;
    this.o = { ...DEFAULTS, ...rest };
    this.store = store;
    this.instanceId = instanceId ?? randomBytes(6).toString("hex");
  }

  /** True when a store is configured but events could not be shared: state is local until it recovers. */
  get degraded(): boolean {
    return this.sharingFailed;
  }

  /** Subscribes to other instances' events. Never throws: without the store the tracker works locally. */
  async start(): Promise<void> {
    this.started = true;
    if (!this.store || this.unsubscribe) return;
    try {
      this.unsubscribe = await this.store.subscribe(
        this.o.channel,
        (m) => this.receive(m),
        () => log.info("routing health events may have been missed while the store was away"),
      );
    } catch (err) {
      this.reportSharing(err);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.().catch(() => {});
  }

  /** Records one attempt's outcome (see observationFromAttempt). Frees a half-open trial slot. */
  observe(obs: Observation): void {
    const now = this.o.now();
    const s = this.stateOf(obs.deploymentId);
    this.decayTo(s, now);
    s.requests += 1;
    s.series.add(now, obs.ok, obs.ttftMs ?? obs.totalMs);
    if (obs.ok) {
      s.consecutive = 0;
      if (obs.ttftMs !== undefined) s.ttft.add(now, obs.ttftMs);
      if (obs.totalMs !== undefined) s.total.add(now, obs.totalMs);
      this.updateBaseline(s, now);
    } else {
      s.failures += 1;
      if (obs.errorClass) s.byClass[obs.errorClass] += 1;
      s.consecutive += 1;
      if (obs.retryAfterSec !== undefined && obs.retryAfterSec > 0) {
        const forMs = Math.min(obs.retryAfterSec * 1000, this.o.maxCooldownMs);
        this.decide({ type: "cooldown", id: obs.deploymentId, forMs });
      }
    }
    this.refresh(s, now);
    if (s.circuit === "half-open") {
      s.trials.shift();
      if (obs.ok) this.decide({ type: "closed", id: obs.deploymentId });
      else this.trip(obs.deploymentId, s, now);
    } else if (s.circuit === "closed" && !obs.ok && this.shouldTrip(s)) {
      this.trip(obs.deploymentId, s, now);
    }
  }

  /** Whether the router may send to the deployment now: not cooling down, not open, a trial slot if half-open. */
  isAvailable(id: string): boolean {
    const now = this.o.now();
    const s = this.stateOf(id);
    this.refresh(s, now);
    if (now < s.cooldownUntil || s.circuit === "open") return false;
    return s.circuit === "closed" || this.freeTrials(s, now) > 0;
  }

  /** Call right before sending: true when closed, or half-open and a trial slot was taken (freed by observe). */
  tryAcquireTrial(id: string): boolean {
    if (!this.isAvailable(id)) return false;
    const s = this.stateOf(id);
    if (s.circuit === "half-open") s.trials.push(this.o.now());
    return true;
  }

  /** Frees a trial slot whose attempt will not be observed (the client went away). */
  releaseTrial(id: string): void {
    this.deployments.get(id)?.trials.shift();
  }

  /** Health in [0, 1]: availability x error rate x latency degradation (vs its own baseline and `peers`). */
  score(id: string, peers: string[] = []): number {
    const now = this.o.now();
    const s = this.stateOf(id);
    if (!this.isAvailable(id)) return 0;
    this.decayTo(s, now);
    const availability = s.circuit === "half-open" ? 0.5 : 1;
    // Errors lower the score only with enough recent volume to judge: a lone failure must not take a deployment
    // out of rotation (it would then never see the traffic that lets its circuit open or close). Below the
    // volume the circuit breaker's consecutive-failure rule decides.
    const errors = s.requests >= this.o.minRequests ? (1 - s.failures / (s.requests + 1)) ** 2 : 1;
    const ratio = this.latencyRatio(id, s, peers, now);
    return availability * errors * (ratio === null ? 1 : latencyMultiplier(ratio));
  }

  snapshot(id: string, peers: string[] = []): HealthSnapshot {
    const now = this.o.now();
    const s = this.stateOf(id);
    this.refresh(s, now);
    this.decayTo(s, now);
    const rate = (n: number) => (s.requests > 0 ? n / s.requests : 0);
    const ttft = s.ttft.read(now);
    const total = s.total.read(now);
    const errorRates = { ...s.byClass };
    for (const c of CLASSES) errorRates[c] = rate(s.byClass[c]);
    return {
      deploymentId: id,
      circuit: s.circuit,
      openUntil: s.circuit === "open" ? s.openUntil : null,
      cooldownUntil: now < s.cooldownUntil ? s.cooldownUntil : null,
      available: this.isAvailable(id),
      requests: s.requests,
      errorRate: rate(s.failures),
      errorRates,
      consecutiveFailures: s.consecutive,
      ttft,
      total,
      ttftBaselineP95: s.baseline ?? null,
      latencyRatio: this.latencyRatio(id, s, peers, now),
      samples: Math.max(ttft?.count ?? 0, total?.count ?? 0),
      score: this.score(id, peers),
    };
  }

  /** The last minutes of a deployment's traffic on this instance, oldest first (dashboard sparklines). */
  history(id: string): MinutePoint[] {
    const series = this.deployments.get(id)?.series ?? new MinuteSeries(this.o.seriesMinutes);
    return series.read(this.o.now());
  }

  /** Every deployment seen so far; `peersOf` names each one's peers (the other candidates for its model). */
  snapshots(peersOf: (id: string) => string[] = () => []): HealthSnapshot[] {
    return [...this.deployments.keys()].map((id) => this.snapshot(id, peersOf(id)));
  }

  // ---------- internals ----------

  private stateOf(id: string): DeploymentHealth {
    let s = this.deployments.get(id);
    if (!s) {
      const byClass = { timeout: 0, "5xx": 0, "429": 0, connection: 0 };
      const window = () => new SampleWindow(this.o.maxSamples, this.o.windowMs);
      s = {
        decayedAt: this.o.now(),
        requests: 0,
        failures: 0,
        byClass,
        consecutive: 0,
        ttft: window(),
        total: window(),
        series: new MinuteSeries(this.o.seriesMinutes),
        baselineAt: 0,
        circuit: "closed",
        openUntil: 0,
        streak: 0,
        closedAt: -Infinity,
        trials: [],
        cooldownUntil: 0,
      };
      this.deployments.set(id, s);
    }
    return s;
  }

  private decayTo(s: DeploymentHealth, now: number): void {
    const dt = now - s.decayedAt;
    if (dt <= 0) return;
    const d = (v: number) => decay(v, dt, this.o.halfLifeMs);
    s.requests = d(s.requests);
    s.failures = d(s.failures);
    for (const c of CLASSES) s.byClass[c] = d(s.byClass[c]);
    s.decayedAt = now;
  }

  /** Open -> half-open once the cool-off is over (each instance derives it from the shared open event). */
  private refresh(s: DeploymentHealth, now: number): void {
    if (s.circuit === "open" && now >= s.openUntil) {
      s.circuit = "half-open";
      s.trials = [];
    }
  }

  private freeTrials(s: DeploymentHealth, now: number): number {
    s.trials = s.trials.filter((t) => now - t < this.o.trialTimeoutMs);
    return this.o.trialSlots - s.trials.length;
  }

  private shouldTrip(s: DeploymentHealth): boolean {
    if (s.consecutive >= this.o.consecutiveFailures) return true;
    return s.requests >= this.o.minRequests && s.failures / s.requests >= this.o.failureRate;
  }

  private trip(id: string, s: DeploymentHealth, now: number): void {
    if (s.circuit === "closed" && now - s.closedAt > this.o.maxCoolOffMs) s.streak = 0;
    const streak = s.streak + 1;
    const forMs = Math.min(this.o.coolOffMs * 2 ** (streak - 1), this.o.maxCoolOffMs);
    log.warn("circuit opened", { deploymentId: id, forMs, errorRate: s.failures / Math.max(1, s.requests) });
    this.decide({ type: "open", id, forMs, streak });
  }

  /** A local decision: applied here, then shared with the other instances. */
  private decide(e: LocalEvent): void {
    this.apply(e);
    if (e.type === "closed") log.info("circuit closed", { deploymentId: e.id });
    if (!this.store) return;
    const message = JSON.stringify({ ...e, from: this.instanceId });
    Promise.resolve()
      .then(() => this.store!.publish(this.o.channel, message))
      .then(
        () => {
          if (!this.sharingFailed) return;
          log.info("routing health events shared again");
          this.sharingFailed = false;
          if (this.started && !this.unsubscribe) void this.start(); // the first subscription had failed
        },
        (err) => this.reportSharing(err),
      );
  }

  private receive(message: string): void {
    let e: HealthEvent;
    try {
      e = HealthEvent.parse(JSON.parse(message));
    } catch {
      return; // not ours to understand; never let a bad message break routing
    }
    if (e.from !== this.instanceId) this.apply(e);
  }

  private apply(e: LocalEvent): void {
    const now = this.o.now();
    const s = this.stateOf(e.id);
    if (e.type === "cooldown") {
      s.cooldownUntil = Math.max(s.cooldownUntil, now + e.forMs);
    } else if (e.type === "open") {
      Object.assign(s, { circuit: "open", openUntil: now + e.forMs, streak: e.streak, trials: [] });
    } else {
      // A fresh start: the failures that opened the circuit must not reopen it on the next single error.
      this.decayTo(s, now);
      Object.assign(s, { circuit: "closed", closedAt: now, consecutive: 0, failures: 0, trials: [] });
      for (const c of CLASSES) s.byClass[c] = 0;
    }
  }

  private reportSharing(err: unknown): void {
    if (!this.sharingFailed)
      log.warn("routing health events not shared; carrying on with local state", { err });
    this.sharingFailed = true;
  }

  /** Slow EWMA of the window's p95 TTFT, updated at most once a second; it follows improvements faster. */
  private updateBaseline(s: DeploymentHealth, now: number): void {
    if (s.baseline !== undefined && now - s.baselineAt < 1_000) return;
    const p = s.ttft.read(now);
    if (!p || p.count < this.o.minLatencySamples) return;
    if (s.baseline === undefined) s.baseline = p.p95;
    else {
      const halfLife = p.p95 > s.baseline ? this.o.baselineHalfLifeMs : this.o.baselineHalfLifeMs / 10;
      s.baseline += (p.p95 - s.baseline) * (1 - decay(1, now - s.baselineAt, halfLife));
    }
    s.baselineAt = now;
  }

  private latencyRatio(id: string, s: DeploymentHealth, peers: string[], now: number): number | null {
    const mine = s.ttft.read(now);
    if (!mine || mine.count < this.o.minLatencySamples) return null;
    const ratios: number[] = [];
    // Below the floor, differences are jitter (a 2 ms deployment measuring 6 ms is not three times worse):
    // both sides of every ratio are raised to it, so fast deployments are not demoted for noise.
    const floor = this.o.latencyFloorMs;
    const ratio = (p95: number, reference: number) => Math.max(floor, p95) / Math.max(floor, reference);
    if (s.baseline !== undefined) ratios.push(ratio(mine.p95, s.baseline));
    const others = peers
      .filter((p) => p !== id)
      .map((p) => this.deployments.get(p)?.ttft.read(now))
      .filter((p): p is Percentiles => !!p && p.count >= this.o.minLatencySamples)
      .map((p) => p.p95);
    if (others.length) ratios.push(ratio(mine.p95, median(others)));
    return ratios.length ? Math.max(...ratios) : null;
  }
}

const KEY = Symbol.for("switchyard.health");
type GlobalWithHealth = typeof globalThis & { [KEY]?: HealthTracker };

/** The process-wide tracker on the process-wide store, started on first use. */
export function getHealthTracker(): HealthTracker {
  const g = globalThis as GlobalWithHealth;
  if (!g[KEY]) {
    g[KEY] = new HealthTracker({ store: getStore() });
    void g[KEY].start();
  }
  return g[KEY];
}
