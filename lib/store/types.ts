/**
 * State shared between Switchyard instances: rate-limit buckets, key revocations, the response cache, sign-in
 * throttles, later health statistics. In-process by default; Redis when REDIS_URL is set. Keep this interface
 * small: every method must have an obvious implementation on both, with the same semantics (contract.test.ts).
 *
 * Availability: the Redis store never hangs a request on Redis. An operation that cannot reach Redis within a
 * short timeout runs on a local in-process fallback instead and the store reports itself `degraded` (status())
 * until Redis answers again; it then switches back by itself. While degraded, limits and caches are per
 * instance and publish reaches this process's subscribers only.
 */
export interface Store {
  readonly kind: "memory" | "redis";
  /**
   * Adds `by` (default 1) to a counter and returns the new value. A counter that did not exist starts at 0 and
   * lives `ttlMs` from its first increment (a fixed window); `resetInMs` says how long it has left.
   */
  incr(key: string, ttlMs: number, by?: number): Promise<{ value: number; resetInMs: number }>;

  /** One token bucket: sugar for `takeTokensBatch([{ key, ...opts }], opts)`, returning that bucket's result. */
  takeTokens(key: string, opts: TokenBucket & { cost: number; now?: number }): Promise<TakeResult>;
  /**
   * Takes `cost` tokens from every bucket at once, atomically (one Redis round trip): all or nothing, so a
   * request refused by one bucket costs nothing in the others. A negative cost is a refund and never blocks.
   * Buckets refill continuously at `refillPerSec` up to `capacity`; one never seen is full.
   */
  takeTokensBatch(takes: TokenTake[], opts?: { now?: number }): Promise<TakeBatchResult>;
  /**
   * Adds `delta` tokens to each bucket unconditionally (one round trip): positive gives tokens back (capped at
   * capacity), negative debits more than was taken (reconciling an estimate with real usage); a bucket may go
   * into debt down to -capacity and then refuses takes until it has refilled.
   */
  adjustTokens(adjustments: TokenAdjustment[], opts?: { now?: number }): Promise<void>;

  /** A cached string, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs`. The memory store evicts least recently used entries past its byte budget. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;

  /** Delivers `message` to every subscriber of `channel`, in this process and (Redis) in every other instance. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `onMessage` for each message on `channel` until the returned function is called. `onGap` runs when
   * messages may have been missed (the Redis subscription was re-established after a disconnect).
   */
  subscribe(
    channel: string,
    onMessage: (message: string) => void,
    onGap?: () => void,
  ): Promise<() => Promise<void>>;

  /** Whether shared state is really shared right now (for health checks and metrics). */
  status(): StoreStatus;
  close(): Promise<void>;
}

export interface StoreStatus {
  kind: Store["kind"];
  /** True while Redis is unreachable and this instance runs on local state. Always false for memory. */
  degraded: boolean;
  /** Epoch ms when the current degradation began. */
  since?: number;
  /** Why, e.g. "Command timed out" or "connect ECONNREFUSED 127.0.0.1:6379". */
  reason?: string;
}

export interface TokenBucket {
  /** Most tokens the bucket holds (the burst), > 0. */
  capacity: number;
  /** Tokens added per second, > 0. A per-minute limit L is { capacity: L, refillPerSec: L / 60 }. */
  refillPerSec: number;
}

export interface TokenTake extends TokenBucket {
  key: string;
  /** Tokens to take; negative gives tokens back. */
  cost: number;
}

export interface TokenAdjustment extends TokenBucket {
  key: string;
  /** Tokens to add (positive) or remove (negative). */
  delta: number;
}

export interface TakeResult {
  /** Whether this bucket alone had enough tokens. */
  allowed: boolean;
  /** Whole tokens left, after the take when the batch was allowed; never negative (debt reads as 0). */
  remaining: number;
  /** When not allowed: ms until this bucket holds `cost`; Infinity when cost exceeds capacity. Else 0. */
  retryAfterMs: number;
  /** Ms until the bucket is full again (OpenAI's x-ratelimit-reset-*). */
  resetMs: number;
}

export interface TakeBatchResult {
  /** True when every bucket had enough and the tokens were taken from all of them. */
  allowed: boolean;
  /** Per bucket, in the order given. */
  results: TakeResult[];
}
