import { describe, expect, it } from "vitest";
import { computeCost, microsToUsd, worstCaseCharge } from "./cost";

// Prices in micro-dollars per million tokens.
const gpt4oMini = { input: 150_000n, cachedInput: 75_000n, cacheWrite: 150_000n, output: 600_000n };
// Claude Sonnet-style: $3 input, $0.30 cache read, $3.75 cache write, $15 output.
const sonnet = { input: 3_000_000n, cachedInput: 300_000n, cacheWrite: 3_750_000n, output: 15_000_000n };
const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0, cacheWriteTokens = 0) => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  cacheWriteTokens,
});

describe("computeCost", () => {
  it("charges nothing for nothing", () => {
    expect(computeCost(usage(0, 0), gpt4oMini, 1000)).toEqual({ chargeMicros: 0n, providerCostMicros: 0n });
    expect(
      computeCost(usage(1000, 1000), { input: 0n, cachedInput: 0n, cacheWrite: 0n, output: 0n }, 1000),
    ).toEqual({
      chargeMicros: 0n,
      providerCostMicros: 0n,
    });
  });

  it("rounds a fraction of a micro-dollar up to a whole one", () => {
    // 1 input token at $0.15/M = 0.15 µ$; +10% = 0.165 µ$ -> 1 µ$.
    expect(computeCost(usage(1, 0), gpt4oMini, 1000)).toEqual({ chargeMicros: 1n, providerCostMicros: 1n });
  });

  it("rounds once, on the exact total, not per token class", () => {
    // 3 input (0.45 µ$) + 1 output (0.6 µ$) = 1.05 µ$ exact; +0% -> 2 µ$ (per-class rounding would give 2 too,
    // but +10% = 1.155 -> 2 µ$, while rounding each class first then marking up would give ceil(2*1.1) = 3).
    expect(computeCost(usage(3, 1), gpt4oMini, 1000).chargeMicros).toBe(2n);
    expect(computeCost(usage(3, 1), gpt4oMini, 0).chargeMicros).toBe(2n);
  });

  it("is exact when the result is whole", () => {
    // 1M input + 1M output of gpt-4o-mini = $0.75 exactly; +10% = $0.825.
    expect(computeCost(usage(1_000_000, 1_000_000), gpt4oMini, 1000)).toEqual({
      chargeMicros: 825_000n,
      providerCostMicros: 750_000n,
    });
    expect(computeCost(usage(1_000_000, 1_000_000), gpt4oMini, 0).chargeMicros).toBe(750_000n);
  });

  it("prices Anthropic cache reads and writes per the price book (hand-computed)", () => {
    // prompt 10,000 tokens of which 6,000 cache reads and 2,000 cache writes; 500 output.
    //   uncached 2,000 × 3,000,000 = 6,000,000,000
    //   reads    6,000 ×   300,000 = 1,800,000,000
    //   writes   2,000 × 3,750,000 = 7,500,000,000
    //   output     500 × 15,000,000 = 7,500,000,000
    //   sum = 22,800,000,000 / 1e6 = 22,800 µ$ provider cost; × 1.10 = 25,080 µ$ charged.
    expect(computeCost(usage(10_000, 500, 6_000, 2_000), sonnet, 1000)).toEqual({
      chargeMicros: 25_080n,
      providerCostMicros: 22_800n,
    });
  });

  it("handles large markups and big requests without losing precision", () => {
    const c = computeCost(usage(2_000_000_000, 1_000_000_000), sonnet, 100_000);
    // (2e9 × 3e6 + 1e9 × 15e6) / 1e6 = 21,000,000,000 µ$; × 11 = 231,000,000,000 µ$.
    expect(c).toEqual({ providerCostMicros: 21_000_000_000n, chargeMicros: 231_000_000_000n });
  });

  it("never counts negative classes (cached larger than the prompt from a confused upstream)", () => {
    expect(computeCost(usage(10, 0, 20, 0), sonnet, 0).providerCostMicros).toBe(6n); // 20 × 0.3 = 6 µ$
  });
});

describe("worstCaseCharge", () => {
  it("takes the costliest candidate and prices the prompt at the dearer of input and cache write", () => {
    // sonnet: prompt at 3.75, output at 15: 1000 × 3.75 + 100 × 15 = 5,250 µ$; +10% = 5,775.
    expect(worstCaseCharge(1000, 100, [gpt4oMini, sonnet], 1000)).toBe(5_775n);
  });

  it("is 0 with no priced candidate", () => {
    expect(worstCaseCharge(1000, 100, [], 1000)).toBe(0n);
  });
});

describe("microsToUsd", () => {
  it("converts for display", () => {
    expect(microsToUsd(25_080n)).toBe(0.02508);
    expect(microsToUsd(0n)).toBe(0);
  });
});
