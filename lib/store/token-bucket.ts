// Token buckets: the one algorithm both stores run (memory in TypeScript below, Redis as the Lua script below),
// so limits behave the same with and without Redis. Keep the two in step; lib/store/contract.test.ts runs the
// same cases on both.
//
// A bucket holds `level` tokens at time `at` (ms). It refills continuously at `refillPerSec` up to `capacity`;
// a bucket never seen (or expired) is full. A batch of takes is all or nothing: when any bucket with a
// non-negative cost holds less than its cost, nothing is taken anywhere. A negative cost is a refund and never
// blocks. `force` applies every cost unconditionally (reconciliation after the response); a forced debit may
// leave a bucket in debt, down to -capacity, and a bucket in debt refuses even a zero-cost take until it refills.
import type { TokenTake, TakeResult } from "./types";

export interface BucketState {
  level: number;
  at: number;
}

export interface BucketOutcome {
  allowed: boolean;
  results: TakeResult[];
  /** The states to store (in `takes` order) when anything changed; null when nothing is written. */
  next: BucketState[] | null;
}

export function validateTake(t: TokenTake): void {
  if (!(t.capacity > 0) || !(t.refillPerSec > 0) || !Number.isFinite(t.cost)) {
    throw new RangeError(
      `invalid token bucket for ${t.key}: capacity and refillPerSec must be > 0, cost finite`,
    );
  }
}

/** Time in ms for a bucket at `level` to refill to `capacity`, rounded up. */
function msToFull(level: number, t: TokenTake): number {
  return level >= t.capacity ? 0 : Math.ceil(((t.capacity - level) * 1000) / t.refillPerSec);
}

export function settleBuckets(
  states: Array<BucketState | undefined>,
  takes: TokenTake[],
  now: number,
  force: boolean,
): BucketOutcome {
  const levels = takes.map((t, i) => {
    const s = states[i];
    if (!s) return t.capacity;
    const elapsed = Math.max(0, now - s.at);
    return Math.min(t.capacity, s.level + (elapsed * t.refillPerSec) / 1000);
  });
  const fits = takes.map((t, i) => force || t.cost < 0 || levels[i]! >= t.cost);
  const allowed = fits.every(Boolean);
  const next: BucketState[] | null = allowed ? [] : null;
  const results = takes.map((t, i): TakeResult => {
    let level = levels[i]!;
    if (allowed) {
      level = Math.min(t.capacity, Math.max(-t.capacity, level - t.cost));
      next!.push({ level, at: Math.max(now, states[i]?.at ?? now) });
    }
    const retryAfterMs = fits[i]
      ? 0
      : t.cost > t.capacity
        ? Infinity
        : Math.ceil(((t.cost - level) * 1000) / t.refillPerSec);
    return {
      allowed: fits[i]!,
      remaining: Math.max(0, Math.floor(level)),
      retryAfterMs,
      resetMs: msToFull(level, t),
    };
  });
  return { allowed, results, next };
}

/** How long a stored bucket must live: until it is full again (then absent means the same), plus a margin. */
export function bucketTtlMs(state: BucketState, t: TokenTake): number {
  return msToFull(state.level, t) + 1_000;
}

/**
 * The same algorithm in Lua, for Redis: one atomic call for a whole batch. KEYS are the buckets (hashes with
 * fields v = level, t = time); ARGV[1] is `now` in ms or "" to use Redis TIME (one clock for every instance),
 * ARGV[2] is "force" or "take", then capacity, refillPerSec, cost per key. Returns {allowed, then per key:
 * allowed, remaining, retryAfterMs (-1 = never), resetMs}. A full bucket is deleted (absent means full).
 */
export const TAKE_TOKENS_LUA = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local force = ARGV[2] == 'force'
local n = #KEYS
local cap, rate, cost, level, at, fits = {}, {}, {}, {}, {}, {}
local allowed = true
for i = 1, n do
  cap[i] = tonumber(ARGV[3 * i])
  rate[i] = tonumber(ARGV[3 * i + 1])
  cost[i] = tonumber(ARGV[3 * i + 2])
  local s = redis.call('HMGET', KEYS[i], 'v', 't')
  local v, t = tonumber(s[1]), tonumber(s[2])
  if v == nil or t == nil then
    v = cap[i]
    t = now
  else
    if now > t then v = v + (now - t) * rate[i] / 1000 end
    if v > cap[i] then v = cap[i] end
  end
  level[i] = v
  at[i] = t
  fits[i] = force or cost[i] < 0 or v >= cost[i]
  if not fits[i] then allowed = false end
end
local out = {allowed and 1 or 0}
for i = 1, n do
  local v = level[i]
  if allowed then
    v = v - cost[i]
    if v > cap[i] then v = cap[i] end
    if v < -cap[i] then v = -cap[i] end
    if v >= cap[i] then
      redis.call('DEL', KEYS[i])
    else
      local t = at[i]
      if now > t then t = now end
      redis.call('HSET', KEYS[i], 'v', v, 't', t)
      redis.call('PEXPIRE', KEYS[i], math.ceil((cap[i] - v) * 1000 / rate[i]) + 1000)
    end
  end
  local retry = 0
  if not fits[i] then
    if cost[i] > cap[i] then retry = -1 else retry = math.ceil((cost[i] - v) * 1000 / rate[i]) end
  end
  local reset = 0
  if v < cap[i] then reset = math.ceil((cap[i] - v) * 1000 / rate[i]) end
  local remaining = math.floor(v)
  if remaining < 0 then remaining = 0 end
  out[#out + 1] = fits[i] and 1 or 0
  out[#out + 1] = remaining
  out[#out + 1] = retry
  out[#out + 1] = reset
end
return out`;
