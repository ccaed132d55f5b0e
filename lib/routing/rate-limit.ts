// Rate limits per API key and per workspace (tenant): requests per minute (RPM) and tokens per minute (TPM), as
// token buckets on the shared store, so with Redis they hold across every instance.
// Invariants:
//  - one store round trip per admission: every bucket that applies is taken in one atomic, all-or-nothing call
//    (a request refused by the workspace's limit costs nothing from the key's);
//  - tokens are taken up front from an estimate and reconciled with the real usage when the response ends
//    (refund, or an extra debit that may leave the bucket in debt for a while);
//  - an estimate larger than a TPM limit is taken as the whole bucket (a request is never refused for ever on an
//    estimate such as max_tokens); the real usage is debited afterwards;
//  - a limit that is unset (undefined or null) does not apply; a limit of 0 refuses everything;
//  - reconcile/release never throw: they run after the response.
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { getStore, type Store } from "@/lib/store";
import type { TakeResult, TokenAdjustment, TokenTake } from "@/lib/store/types";

export interface RateLimits {
  keyRpm?: number | null;
  keyTpm?: number | null;
  tenantRpm?: number | null;
  tenantTpm?: number | null;
}

export interface AdmitRequest {
  keyId: string;
  tenantId: string;
  limits: RateLimits;
  /** Tokens the request is expected to use: see estimateTokensForLimit. */
  estimatedTokens: number;
}

export interface Admission {
  /** OpenAI's x-ratelimit-* headers for the response (empty when no limit applies). */
  headers: Record<string, string>;
  /** Settles the token buckets with the request's real usage (input + output tokens). Call once, at the end. */
  reconcile(actualTokens: number): Promise<void>;
  /** Gives back the request and all its tokens: for a request that never reached a provider. */
  release(): Promise<void>;
}

export type LimitScope = "key" | "tenant";
export type LimitKind = "requests" | "tokens";

export interface RateLimiterOptions {
  /** The shared store; the process-wide one by default. */
  store?: Store | (() => Store);
  /** Counts refusals (metrics). */
  onRejected?: (scope: LimitScope, kind: LimitKind, tenantId: string) => void;
  /** A fixed clock for tests; by default the store's own (Redis TIME: one clock for every instance). */
  now?: () => number;
}

interface Bucket {
  scope: LimitScope;
  kind: LimitKind;
  limit: number;
  requested: number;
  take: TokenTake;
}

const KIND_LABEL: Record<LimitKind, string> = {
  requests: "requests per minute (RPM)",
  tokens: "tokens per minute (TPM)",
};
const SCOPE_LABEL: Record<LimitScope, string> = { key: "this API key", tenant: "this workspace" };

const NO_LIMITS: Admission = { headers: {}, reconcile: async () => {}, release: async () => {} };

/**
 * Tokens to take up front, the way OpenAI counts them against TPM: the prompt estimate plus the most the answer
 * may use (max_completion_tokens or max_tokens, times n). Without a maximum only the prompt is taken; the output
 * is debited when the request is reconciled.
 */
export function estimateTokensForLimit(
  promptTokens: number,
  body: { max_tokens?: number | null; max_completion_tokens?: number | null; n?: number | null },
): number {
  const maxOut = body.max_completion_tokens ?? body.max_tokens ?? 0;
  return Math.max(0, Math.ceil(promptTokens + maxOut * Math.max(1, body.n ?? 1)));
}

/** A duration the way OpenAI's x-ratelimit-reset-* headers write it (Go style): "17ms", "1s", "8.64s", "6m0s". */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return "0s";
  if (total < 1_000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = `${Number(((total % 60_000) / 1_000).toFixed(3))}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

function bucketsFor(req: AdmitRequest): Bucket[] {
  const tokens = Math.max(0, Math.ceil(req.estimatedTokens));
  // One hash tag per tenant: a request's buckets share a Redis Cluster slot, so one script can take them all.
  const base = `rl:{${req.tenantId}}`;
  const spec: Array<[LimitScope, LimitKind, string, number | null | undefined]> = [
    ["key", "requests", `${base}:key:${req.keyId}:rpm`, req.limits.keyRpm],
    ["key", "tokens", `${base}:key:${req.keyId}:tpm`, req.limits.keyTpm],
    ["tenant", "requests", `${base}:rpm`, req.limits.tenantRpm],
    ["tenant", "tokens", `${base}:tpm`, req.limits.tenantTpm],
  ];
  const out: Bucket[] = [];
  for (const [scope, kind, key, limit] of spec) {
    if (limit === undefined || limit === null) continue;
    const requested = kind === "requests" ? 1 : tokens;
    if (!(limit > 0)) {
      throw new AppError(
        "rate_limit_exceeded",
        `The ${KIND_LABEL[kind]} limit of ${SCOPE_LABEL[scope]} is 0: no request is accepted. Ask a workspace admin to raise it.`,
      );
    }
    out.push({
      scope,
      kind,
      limit,
      requested,
      take: { key, capacity: limit, refillPerSec: limit / 60, cost: Math.min(requested, limit) },
    });
  }
  return out;
}

/** The bucket each header reports per kind: the refusing one, else the one with the fewest left. */
function reported(buckets: Bucket[], results: TakeResult[], kind: LimitKind): number {
  let best = -1;
  buckets.forEach((b, i) => {
    if (b.kind !== kind) return;
    if (best === -1) return void (best = i);
    const [r, q] = [results[i]!, results[best]!];
    const better =
      r.allowed !== q.allowed
        ? !r.allowed
        : !r.allowed
          ? r.retryAfterMs > q.retryAfterMs
          : r.remaining < q.remaining || (r.remaining === q.remaining && b.limit < buckets[best]!.limit);
    if (better) best = i;
  });
  return best;
}

function rateLimitHeaders(buckets: Bucket[], results: TakeResult[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ["requests", "tokens"] as const) {
    const i = reported(buckets, results, kind);
    if (i === -1) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(buckets[i]!.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(results[i]!.remaining);
    headers[`x-ratelimit-reset-${kind}`] = formatResetDuration(results[i]!.resetMs);
  }
  return headers;
}

export class RateLimiter {
  private readonly store: () => Store;

  constructor(private readonly opts: RateLimiterOptions = {}) {
    const s = opts.store;
    this.store = typeof s === "function" ? s : s ? () => s : getStore;
  }

  /**
   * Admits a request against every limit that applies, taking one request and the estimated tokens; throws a
   * 429 AppError (with Retry-After and x-ratelimit-* headers, naming each limit reached) when any is exhausted.
   */
  async admit(req: AdmitRequest): Promise<Admission> {
    const buckets = bucketsFor(req);
    if (buckets.length === 0) return NO_LIMITS;
    const now = this.opts.now;
    const { allowed, results } = await this.store().takeTokensBatch(
      buckets.map((b) => b.take),
      { now: now?.() },
    );
    const headers = rateLimitHeaders(buckets, results);
    if (!allowed) throw this.refusal(req.tenantId, buckets, results, headers);

    let settled = false;
    const settle = async (adjust: TokenAdjustment[]) => {
      if (settled) return;
      settled = true;
      const changes = adjust.filter((a) => a.delta !== 0);
      if (changes.length === 0) return;
      try {
        await this.store().adjustTokens(changes, { now: now?.() });
      } catch (err) {
        log.warn("rate limit reconciliation failed", { keyId: req.keyId, err });
      }
    };
    const adjustment = (b: Bucket, delta: number): TokenAdjustment => ({
      key: b.take.key,
      capacity: b.take.capacity,
      refillPerSec: b.take.refillPerSec,
      delta,
    });
    return {
      headers,
      reconcile: (actualTokens) =>
        settle(
          buckets
            .filter((b) => b.kind === "tokens")
            .map((b) => adjustment(b, b.take.cost - Math.max(0, Math.ceil(actualTokens)))),
        ),
      release: () => settle(buckets.map((b) => adjustment(b, b.take.cost))),
    };
  }

  private refusal(
    tenantId: string,
    buckets: Bucket[],
    results: TakeResult[],
    headers: Record<string, string>,
  ): AppError {
    const refused = buckets.flatMap((b, i) => (results[i]!.allowed ? [] : [{ b, r: results[i]! }]));
    const waitMs = Math.max(
      ...refused.map(({ r }) => (Number.isFinite(r.retryAfterMs) ? r.retryAfterMs : 60_000)),
    );
    for (const { b } of refused) this.opts.onRejected?.(b.scope, b.kind, tenantId);
    const what = refused
      .map(
        ({ b, r }) =>
          `${KIND_LABEL[b.kind]} of ${SCOPE_LABEL[b.scope]} (limit ${b.limit}, remaining ${r.remaining}, requested ${b.requested})`,
      )
      .join(" and ");
    return new AppError(
      "rate_limit_exceeded",
      `Rate limit reached on ${what}. Please try again in ${formatResetDuration(waitMs)}.`,
      { headers: { ...headers, "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) } },
    );
  }
}
