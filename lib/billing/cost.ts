// What a request costs. Pure integer arithmetic on BigInt; no floats until a number is formatted for a client.
//
// The rule (README "Billing"):
//   provider cost = Σ tokens × price  over the token classes
//       uncached input   = inputTokens − cachedInputTokens − cacheWriteTokens   at the input price
//       cache reads      = cachedInputTokens                                      at the cached-input price
//       cache writes     = cacheWriteTokens                                       at the cache-write price
//       output           = outputTokens (reasoning included)                      at the output price
//     where prices are micro-dollars per million tokens, so the exact cost is that sum / 1,000,000 micro-dollars;
//   charge = exact provider cost × (10,000 + markup bps) / 10,000, rounded UP to the next whole micro-dollar.
// Rounding happens once, at the end, on the exact rational value: a request never costs less than its share and
// a free request (0 tokens, or price 0) costs exactly 0. The provider cost shown beside it is rounded up too.
import type { PriceSet } from "./price-data";

export interface TokenUsage {
  /** The whole prompt, cache reads and writes included (OpenAI's prompt_tokens). */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Completion, reasoning included. */
  outputTokens: number;
}

export interface Cost {
  /** What the workspace is charged: provider cost plus markup, rounded up. */
  chargeMicros: bigint;
  /** Provider cost rounded up (for reports; the charge is computed from the exact value). */
  providerCostMicros: bigint;
}

const PER_MILLION = 1_000_000n;
const BPS = 10_000n;

function ceilDiv(n: bigint, d: bigint): bigint {
  return n <= 0n ? 0n : (n + d - 1n) / d;
}

/** Provider cost × 1,000,000 (micro-dollars × million tokens): exact, before any division. */
function exactCost(u: TokenUsage, p: PriceSet): bigint {
  const cached = BigInt(Math.max(0, u.cachedInputTokens));
  const writes = BigInt(Math.max(0, u.cacheWriteTokens));
  const uncached = BigInt(Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens));
  const output = BigInt(Math.max(0, u.outputTokens));
  return uncached * p.input + cached * p.cachedInput + writes * p.cacheWrite + output * p.output;
}

export function computeCost(u: TokenUsage, p: PriceSet, markupBps: number): Cost {
  const exact = exactCost(u, p);
  return {
    chargeMicros: ceilDiv(exact * (BPS + BigInt(markupBps)), PER_MILLION * BPS),
    providerCostMicros: ceilDiv(exact, PER_MILLION),
  };
}

/**
 * The credit to hold before calling any provider: the worst case over the candidate deployments, with the whole
 * prompt priced at the dearer of input and cache-write and `maxOutputTokens` at the output price.
 */
export function worstCaseCharge(
  promptTokens: number,
  maxOutputTokens: number,
  candidates: readonly PriceSet[],
  markupBps: number,
): bigint {
  let worst = 0n;
  for (const p of candidates) {
    const input = p.cacheWrite > p.input ? p.cacheWrite : p.input;
    const { chargeMicros } = computeCost(
      { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: maxOutputTokens },
      { input, cachedInput: input, cacheWrite: input, output: p.output },
      markupBps,
    );
    if (chargeMicros > worst) worst = chargeMicros;
  }
  return worst;
}

/** Micro-dollars as a USD number for `usage.cost` in responses (display only: the ledger keeps the integer). */
export function microsToUsd(micros: bigint): number {
  return Number(micros) / 1_000_000;
}
