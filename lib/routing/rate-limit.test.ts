import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { createMemoryStore, createRedisStore, type Store } from "@/lib/store";
import { estimateTokensForLimit, formatResetDuration, RateLimiter, type AdmitRequest } from "./rate-limit";

const open: Store[] = [];
const track = <S extends Store>(s: S) => (open.push(s), s);
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A limiter on a fresh memory store with a clock the test moves. */
function setup() {
  const clock = { t: 1_000_000 };
  const store = track(createMemoryStore());
  const limiter = new RateLimiter({ store, now: () => clock.t });
  return { clock, store, limiter };
}

const req = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  keyId: "key_1",
  tenantId: "tnt_1",
  limits: {},
  estimatedTokens: 100,
  ...over,
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("formatResetDuration", () => {
  it("writes durations like OpenAI's headers", () => {
    expect(formatResetDuration(0)).toBe("0s");
    expect(formatResetDuration(17)).toBe("17ms");
    expect(formatResetDuration(1_000)).toBe("1s");
    expect(formatResetDuration(8_640)).toBe("8.64s");
    expect(formatResetDuration(360_000)).toBe("6m0s");
    expect(formatResetDuration(90_500)).toBe("1m30.5s");
    expect(formatResetDuration(3_723_000)).toBe("1h2m3s");
  });
});

describe("estimateTokensForLimit", () => {
  it("counts the prompt plus the most the answer may use", () => {
    expect(estimateTokensForLimit(120, {})).toBe(120);
    expect(estimateTokensForLimit(120, { max_tokens: 50, n: 2 })).toBe(220);
    expect(estimateTokensForLimit(120, { max_tokens: 50, max_completion_tokens: 10 })).toBe(130);
  });
});

describe("RateLimiter", () => {
  it("admits with no limits and no store call", async () => {
    const limiter = new RateLimiter({
      store: () => {
        throw new Error("must not touch the store");
      },
    });
    const a = await limiter.admit(req());
    expect(a.headers).toEqual({});
    await a.reconcile(10);
  });

  it("returns OpenAI's x-ratelimit headers on success", async () => {
    const { limiter } = setup();
    const a = await limiter.admit(req({ limits: { keyRpm: 60, keyTpm: 1_000 }, estimatedTokens: 100 }));
    expect(a.headers).toEqual({
      "x-ratelimit-limit-requests": "60",
      "x-ratelimit-remaining-requests": "59",
      "x-ratelimit-reset-requests": "1s",
      "x-ratelimit-limit-tokens": "1000",
      "x-ratelimit-remaining-tokens": "900",
      "x-ratelimit-reset-tokens": "6s",
    });
  });

  it("refuses with a 429 naming the limit, Retry-After and the headers, then admits after the refill", async () => {
    const { limiter, clock } = setup();
    const limits = { keyRpm: 2 };
    await limiter.admit(req({ limits }));
    await limiter.admit(req({ limits }));
    const err = await refusal(limiter.admit(req({ limits })));
    expect(err.status).toBe(429);
    expect(err.code).toBe("rate_limit_exceeded");
    expect(err.message).toBe(
      "Rate limit reached on requests per minute (RPM) of this API key (limit 2, remaining 0, requested 1). " +
        "Please try again in 30s.",
    );
    expect(err.headers).toEqual({
      "retry-after": "30",
      "x-ratelimit-limit-requests": "2",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1m0s",
    });
    clock.t += 30_000;
    await expect(limiter.admit(req({ limits }))).resolves.toBeDefined();
  });

  it("applies the workspace's limits across its keys, and a refusal costs the other buckets nothing", async () => {
    const { limiter } = setup();
    const limits = { keyRpm: 100, keyTpm: 10_000, tenantRpm: 2 };
    await limiter.admit(req({ keyId: "key_a", limits }));
    await limiter.admit(req({ keyId: "key_b", limits }));
    const err = await refusal(limiter.admit(req({ keyId: "key_a", limits })));
    expect(err.message).toMatch(/requests per minute \(RPM\) of this workspace \(limit 2/);
    expect(err.headers["x-ratelimit-limit-requests"]).toBe("2"); // the refusing limit, not the key's
    const next = await limiter.admit(req({ keyId: "key_a", limits: { keyRpm: 100, keyTpm: 10_000 } }));
    expect(next.headers["x-ratelimit-remaining-requests"]).toBe("98");
    expect(next.headers["x-ratelimit-remaining-tokens"]).toBe("9800");
  });

  it("names every limit reached and rounds Retry-After up to whole seconds", async () => {
    const { limiter } = setup();
    const limits = { keyTpm: 600, tenantTpm: 300 };
    await limiter.admit(req({ limits, estimatedTokens: 250 }));
    const err = await refusal(limiter.admit(req({ limits, estimatedTokens: 351 })));
    expect(err.message).toContain(
      "tokens per minute (TPM) of this API key (limit 600, remaining 350, requested 351)",
    );
    expect(err.message).toContain(
      "tokens per minute (TPM) of this workspace (limit 300, remaining 50, requested 351)",
    );
    // The workspace needs 250 more tokens at 5 per second: 50 s.
    expect(err.headers["retry-after"]).toBe("50");
    expect(err.headers["x-ratelimit-limit-tokens"]).toBe("300");
  });

  it("reconciles tokens with the real usage: refunds an overestimate, debits an underestimate", async () => {
    const { limiter } = setup();
    const limits = { keyTpm: 1_000 };
    const a = await limiter.admit(req({ limits, estimatedTokens: 500 }));
    await a.reconcile(100); // 400 back
    await a.reconcile(900); // only the first call counts
    let probe = await limiter.admit(req({ limits, estimatedTokens: 0 }));
    expect(probe.headers["x-ratelimit-remaining-tokens"]).toBe("900");
    await probe.reconcile(0);

    const b = await limiter.admit(req({ limits, estimatedTokens: 100 }));
    await b.reconcile(1_500); // 1,400 more than taken: 900 - 1,500 = -600, in debt
    const err = await refusal(limiter.admit(req({ limits, estimatedTokens: 1 })));
    expect(err.headers["x-ratelimit-remaining-tokens"]).toBe("0");
    expect(err.headers["retry-after"]).toBe("37"); // 601 tokens at 16.67 per second
    probe = await limiter.admit(req({ limits: {}, estimatedTokens: 0 }));
    expect(probe.headers).toEqual({});
  });

  it("release gives back the request and its tokens", async () => {
    const { limiter } = setup();
    const limits = { keyRpm: 1, keyTpm: 100 };
    const a = await limiter.admit(req({ limits, estimatedTokens: 100 }));
    await a.release();
    const b = await limiter.admit(req({ limits, estimatedTokens: 100 }));
    expect(b.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(b.headers["x-ratelimit-remaining-tokens"]).toBe("0");
  });

  it("takes an estimate above the TPM limit as the whole bucket instead of refusing it for ever", async () => {
    const { limiter } = setup();
    const a = await limiter.admit(req({ limits: { keyTpm: 1_000 }, estimatedTokens: 5_000 }));
    expect(a.headers["x-ratelimit-remaining-tokens"]).toBe("0");
    await a.reconcile(200);
    const b = await limiter.admit(req({ limits: { keyTpm: 1_000 }, estimatedTokens: 0 }));
    expect(b.headers["x-ratelimit-remaining-tokens"]).toBe("800");
  });

  it("refuses everything under a limit of 0", async () => {
    const { limiter } = setup();
    const err = await refusal(limiter.admit(req({ limits: { tenantRpm: 0 } })));
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/requests per minute \(RPM\) limit of this workspace is 0/);
  });

  it("reports refusals by scope and kind", async () => {
    const rejected: string[] = [];
    const limiter = new RateLimiter({
      store: track(createMemoryStore()),
      now: () => 0,
      onRejected: (scope, kind) => rejected.push(`${scope}:${kind}`),
    });
    await limiter.admit(req({ limits: { keyRpm: 1 } }));
    await refusal(limiter.admit(req({ limits: { keyRpm: 1 } })));
    expect(rejected).toEqual(["key:requests"]);
  });
});

describe("RateLimiter with Redis", () => {
  const REDIS_URL = "redis://127.0.0.1:6379";

  it("holds a 60 RPM key limit across two instances: 60 admitted in total, not 120", async () => {
    const prefix = `sytest:${randomBytes(6).toString("hex")}:`;
    // Two app instances: each with its own store connection and limiter, on the store's shared clock.
    const instances = [0, 1].map(
      () => new RateLimiter({ store: track(createRedisStore({ url: REDIS_URL, prefix })) }),
    );
    const outcomes = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        instances[i % 2]!.admit(req({ limits: { keyRpm: 60 }, estimatedTokens: 10 })),
      ),
    );
    const admitted = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as AppError] : []));
    expect(admitted).toHaveLength(60);
    expect(refused).toHaveLength(60);
    expect(refused.every((e) => e.status === 429 && Number(e.headers["retry-after"]) >= 1)).toBe(true);
  });

  it("keeps limiting on local state when Redis is unreachable, without hanging", async () => {
    const store = track(
      createRedisStore({ url: "redis://127.0.0.1:1", prefix: "sytest:down:", timeoutMs: 150 }),
    );
    const limiter = new RateLimiter({ store });
    await limiter.admit(req({ limits: { keyRpm: 1 } }));
    await refusal(limiter.admit(req({ limits: { keyRpm: 1 } })));
    expect(store.status()).toMatchObject({ degraded: true });
  });
});
