import { describe, expect, it } from "vitest";
import data from "./price-data.json";
import { allPriceData, lookupPriceData, PRICE_DATA_NOTE, PRICE_DATA_TAKEN_AT } from "./price-data";

const VENDORS = ["openai", "anthropic", "gemini", "deepseek", "qwen", "mistral"];

describe("shipped price data", () => {
  it("is stamped with a date and tells operators to verify", () => {
    expect(PRICE_DATA_TAKEN_AT).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(PRICE_DATA_TAKEN_AT))).toBe(false);
    expect(PRICE_DATA_NOTE).toMatch(/verify/i);
  });

  it("covers every vendor key the config resolves to", () => {
    expect(Object.keys(data.vendors).sort()).toEqual([...VENDORS].sort());
  });

  it("parses every entry to non-negative integer micro-dollars, with output for chat models", () => {
    const all = allPriceData();
    expect(all.length).toBe(Object.values(data.vendors).reduce((n, m) => n + Object.keys(m).length, 0));
    for (const { vendor, upstreamModel, prices } of all) {
      for (const v of [prices.input, prices.cachedInput, prices.cacheWrite, prices.output]) {
        expect(typeof v).toBe("bigint");
        expect(v >= 0n).toBe(true);
      }
      expect(prices.input > 0n, `${vendor}/${upstreamModel} input`).toBe(true);
      expect(prices.cachedInput <= prices.input, `${vendor}/${upstreamModel} cached <= input`).toBe(true);
      if (!/embed/.test(upstreamModel))
        expect(prices.output > 0n, `${vendor}/${upstreamModel} output`).toBe(true);
    }
  });

  it("converts decimals exactly", () => {
    expect(lookupPriceData("openai", "gpt-4o-mini")).toEqual({
      input: 150_000n,
      cachedInput: 75_000n,
      cacheWrite: 150_000n,
      output: 600_000n,
      source: `price-data ${PRICE_DATA_TAKEN_AT}`,
    });
    expect(lookupPriceData("gemini", "gemini-1.5-flash")!.cachedInput).toBe(18_750n);
  });

  it("defaults cached input and cache write to the input price, and output to 0", () => {
    // qwen-max lists neither cachedInput nor cacheWrite; text-embedding-3-small lists no output.
    const qwen = lookupPriceData("qwen", "qwen-max")!;
    expect(qwen.cachedInput).toBe(qwen.input);
    expect(qwen.cacheWrite).toBe(qwen.input);
    const openai = lookupPriceData("openai", "gpt-4.1")!;
    expect(openai.cacheWrite).toBe(openai.input);
    expect(openai.cachedInput).toBe(500_000n);
    expect(lookupPriceData("openai", "text-embedding-3-small")!.output).toBe(0n);
  });

  it("prices Anthropic cache writes at 1.25x input and cache reads at 0.1x input", () => {
    const anthropic = allPriceData().filter((p) => p.vendor === "anthropic");
    expect(anthropic.length).toBeGreaterThan(5);
    for (const { prices } of anthropic) {
      expect(prices.cacheWrite * 100n).toBe(prices.input * 125n);
      expect(prices.cachedInput * 10n).toBe(prices.input);
    }
  });

  it("prices DeepSeek cache hits below misses", () => {
    const ds = lookupPriceData("deepseek", "deepseek-chat")!;
    expect(ds.cachedInput < ds.input).toBe(true);
  });

  it("knows nothing of an unlisted model or vendor", () => {
    expect(lookupPriceData("openai", "no-such-model")).toBeNull();
    expect(lookupPriceData("nobody", "gpt-4o")).toBeNull();
  });
});
