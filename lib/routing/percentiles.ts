// Bounded-memory latency statistics for health scoring: a ring buffer of the last N timestamped samples, read as
// p50/p95/p99 over a sliding time window. Memory is fixed (two Float64Arrays) whatever the traffic.

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  /** Samples inside the window. */
  count: number;
}

/** Nearest-rank percentile of an ascending array (q in [0, 1]). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** `value` decayed by half every `halfLifeMs`, after `elapsedMs`. */
export function decay(value: number, elapsedMs: number, halfLifeMs: number): number {
  return elapsedMs <= 0 ? value : value * 0.5 ** (elapsedMs / halfLifeMs);
}

/** Reads are cached this long while no sample arrives: scoring asks for percentiles on every request. */
const CACHE_MS = 1_000;
/**
 * Under load every request adds a sample; re-sorting the window for each one showed in the benchmark profile.
 * A read may lag by up to this many new samples within REFRESH_MS: plenty for routing decisions.
 */
const MAX_LAG_SAMPLES = 32;
const REFRESH_MS = 100;

export class SampleWindow {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private next = 0;
  private size = 0;
  private version = 0;
  private cache?: { version: number; at: number; result: Percentiles | null };

  constructor(
    readonly capacity = 512,
    readonly windowMs = 60_000,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  add(at: number, value: number): void {
    this.times[this.next] = at;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.version++;
  }

  /** p50/p95/p99 of the samples taken in the last `windowMs` before `now`, or null when there are none. */
  read(now: number): Percentiles | null {
    const c = this.cache;
    if (c && now >= c.at) {
      const lag = this.version - c.version;
      if (lag === 0 && now - c.at < CACHE_MS) return c.result;
      if (
        lag > 0 &&
        lag < MAX_LAG_SAMPLES &&
        now - c.at < REFRESH_MS &&
        c.result &&
        c.result.count >= MAX_LAG_SAMPLES * 4
      ) {
        return c.result;
      }
    }
    const from = now - this.windowMs;
    const recent: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.times[i]! > from) recent.push(this.values[i]!);
    recent.sort((a, b) => a - b);
    const result = recent.length
      ? {
          p50: percentile(recent, 0.5),
          p95: percentile(recent, 0.95),
          p99: percentile(recent, 0.99),
          count: recent.length,
        }
      : null;
    this.cache = { version: this.version, at: now, result };
    return result;
  }
}

export interface MinutePoint {
  /** Start of the minute, epoch milliseconds. */
  at: number;
  /** Attempts observed in that minute (successes and failures). */
  requests: number;
  failures: number;
  /** Mean of the latency samples of that minute; null when none. */
  avgMs: number | null;
}

/**
 * Per-minute history for the dashboard's sparklines: a ring of `slots` minutes, each holding counts and a latency
 * sum. Fixed memory (four Float64Arrays) and no allocation on `add`: a slot is reset in place when its minute comes
 * round again. Read only by the dashboard, never on the request path.
 */
export class MinuteSeries {
  private readonly minutes: Float64Array;
  private readonly requests: Float64Array;
  private readonly failures: Float64Array;
  private readonly sums: Float64Array;
  private readonly samples: Float64Array;

  constructor(readonly slots = 30) {
    this.minutes = new Float64Array(slots).fill(-1);
    this.requests = new Float64Array(slots);
    this.failures = new Float64Array(slots);
    this.sums = new Float64Array(slots);
    this.samples = new Float64Array(slots);
  }

  /** Records one attempt at `at`: a failure, or a success with an optional latency sample. */
  add(at: number, ok: boolean, latencyMs?: number): void {
    const minute = Math.floor(at / 60_000);
    const i = minute % this.slots;
    if (this.minutes[i] !== minute) {
      this.minutes[i] = minute;
      this.requests[i] = 0;
      this.failures[i] = 0;
      this.sums[i] = 0;
      this.samples[i] = 0;
    }
    this.requests[i]! += 1;
    if (!ok) this.failures[i]! += 1;
    else if (latencyMs !== undefined) {
      this.sums[i]! += latencyMs;
      this.samples[i]! += 1;
    }
  }

  /** The last `slots` minutes up to and including the one holding `now`, oldest first; empty minutes are zeros. */
  read(now: number): MinutePoint[] {
    const current = Math.floor(now / 60_000);
    const out: MinutePoint[] = [];
    for (let minute = current - this.slots + 1; minute <= current; minute++) {
      const i = ((minute % this.slots) + this.slots) % this.slots;
      const hit = this.minutes[i] === minute;
      const samples = hit ? this.samples[i]! : 0;
      out.push({
        at: minute * 60_000,
        requests: hit ? this.requests[i]! : 0,
        failures: hit ? this.failures[i]! : 0,
        avgMs: samples > 0 ? Math.round(this.sums[i]! / samples) : null,
      });
    }
    return out;
  }
}
