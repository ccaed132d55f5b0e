// An Anthropic response with cache reads and cache writes, charged exactly per the price book: the documented
// fixtures (non-stream and stream) go through the adapter into computeCost, against a hand-computed figure.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { anthropicAdapter } from "@/lib/gateway/providers/anthropic";
import { SseParser } from "@/lib/gateway/sse";
import { computeCost } from "./cost";

const FIXTURES = path.join(import.meta.dirname, "..", "gateway", "providers", "fixtures", "anthropic");
const ctx = { id: "chatcmpl-x", model: "claude", created: 1_700_000_000, includeReasoning: false };
// Claude Sonnet 4.5 list prices, micro-dollars per million tokens: $3 input, $0.30 cache read, $3.75 cache write
// (5-minute), $15 output.
const SONNET = { input: 3_000_000n, cachedInput: 300_000n, cacheWrite: 3_750_000n, output: 15_000_000n };

// The fixture's usage: input_tokens 50 (uncached), cache_creation_input_tokens 1,248, cache_read_input_tokens
// 100,000, output_tokens 393. By hand:
//   uncached     50 × 3,000,000  =    150,000,000
//   reads   100,000 ×   300,000  = 30,000,000,000
//   writes    1,248 × 3,750,000  =  4,680,000,000
//   output      393 × 15,000,000 =  5,895,000,000
//   total                         = 40,725,000,000 / 1,000,000 = 40,725 µ$ provider cost ($0.040725)
//   charged at 10% markup: 44,797.5 µ$, rounded up = 44,798 µ$ ($0.044798)
const EXPECTED = { providerCostMicros: 40_725n, chargeMicros: 44_798n };

describe("billing an Anthropic answer with prompt caching", () => {
  it("charges the non-stream fixture exactly", () => {
    const body = JSON.parse(readFileSync(path.join(FIXTURES, "prompt-caching.json"), "utf8")) as {
      response: unknown;
    };
    const { usage } = anthropicAdapter.parseChatResponse(body.response, ctx);
    expect(usage).toMatchObject({
      inputTokens: 101_298,
      cachedInputTokens: 100_000,
      cacheWriteTokens: 1_248,
      outputTokens: 393,
    });
    expect(computeCost(usage!, SONNET, 1000)).toEqual(EXPECTED);
  });

  it("charges the stream fixture exactly the same", () => {
    const parser = new SseParser();
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    for (const ev of [
      ...parser.push(readFileSync(path.join(FIXTURES, "stream-caching.sse"))),
      ...parser.end(),
    ]) {
      translator.push(ev);
    }
    expect(computeCost(translator.usage!, SONNET, 1000)).toEqual(EXPECTED);
  });
});
