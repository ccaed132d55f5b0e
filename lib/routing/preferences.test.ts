import { describe, expect, it } from "vitest";
import type { CatalogDeployment } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import {
  isNeutral,
  modelsToTry,
  NO_PREFERENCES,
  parseRequestPreferences,
  preferenceFilters,
} from "./preferences";

const parse = (body: unknown, headers: Record<string, string> = {}) => parseRequestPreferences(headers, body);

function paramOf(fn: () => unknown): { param: string | null; message: string; status: number } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return { param: err.param, message: err.message, status: err.status };
    throw err;
  }
  throw new Error("did not throw");
}

describe("parseRequestPreferences", () => {
  it("gives neutral preferences for a plain request", () => {
    const p = parse({ model: "gpt-4o", messages: [] });
    expect(p).toEqual(NO_PREFERENCES);
    expect(isNeutral(p)).toBe(true);
  });

  it("reads the route header from node headers or a fetch Headers", () => {
    expect(parse({}, { "x-switchyard-route": "cost" }).sort).toBe("price");
    expect(parse({}, { "x-switchyard-route": " Latency " }).sort).toBe("latency");
    expect(parseRequestPreferences(new Headers({ "X-Switchyard-Route": "cost" }), {}).sort).toBe("price");
    expect(parse({}, { "x-switchyard-route": "" }).sort).toBeUndefined();
  });

  it("lets provider.sort win over the header", () => {
    expect(parse({ provider: { sort: "throughput" } }, { "x-switchyard-route": "cost" }).sort).toBe(
      "throughput",
    );
  });

  it("reads OpenRouter's fields and ignores the ones it does not know", () => {
    const p = parse({
      model: "gpt-4o",
      models: ["gpt-4o", "claude", "claude", "gemini"],
      route: "fallback",
      provider: {
        order: ["openai", "azure"],
        only: ["openai", "azure", "groq"],
        ignore: ["deepinfra"],
        allow_fallbacks: false,
        sort: "latency",
        max_price: { prompt: 1, completion: "2.5", request: 0.1 },
        data_collection: "deny",
        quantizations: ["fp8"],
        require_parameters: true,
      },
    });
    expect(p).toEqual({
      sort: "latency",
      fallbackModels: ["claude", "gemini"],
      order: ["openai", "azure"],
      only: ["openai", "azure", "groq"],
      ignore: ["deepinfra"],
      allowFallbacks: false,
      maxPrice: { prompt: 1, completion: 2.5 },
      dataCollection: "deny",
    });
    expect(isNeutral(p)).toBe(false);
    expect(parse({ provider: { zdr: true } }).dataCollection).toBe("deny");
    expect(parse({ provider: null, models: null })).toEqual(NO_PREFERENCES);
  });

  it("rejects bad values with a 400 naming the param", () => {
    expect(paramOf(() => parse({}, { "x-switchyard-route": "fast" }))).toEqual({
      param: "x-switchyard-route",
      message: 'Invalid `x-switchyard-route`: must be "cost" or "latency".',
      status: 400,
    });
    expect(paramOf(() => parse({ provider: { sort: "speed" } }))).toMatchObject({
      param: "provider.sort",
      message: 'Invalid `provider.sort`: must be "price", "throughput" or "latency".',
    });
    expect(paramOf(() => parse({ provider: { only: "openai" } })).param).toBe("provider.only");
    expect(paramOf(() => parse({ provider: { order: ["a", 3] } })).param).toBe("provider.order[1]");
    expect(paramOf(() => parse({ provider: { allow_fallbacks: "no" } })).message).toBe(
      "Invalid `provider.allow_fallbacks`: must be true or false.",
    );
    expect(paramOf(() => parse({ provider: { max_price: { prompt: -1 } } })).param).toBe(
      "provider.max_price.prompt",
    );
    expect(paramOf(() => parse({ provider: { max_price: { completion: "cheap" } } })).param).toBe(
      "provider.max_price.completion",
    );
    expect(paramOf(() => parse({ provider: { data_collection: "maybe" } })).param).toBe(
      "provider.data_collection",
    );
    expect(paramOf(() => parse({ provider: "openai" })).param).toBe("provider");
    expect(paramOf(() => parse({ models: "claude" })).param).toBe("models");
    expect(paramOf(() => parse({ models: Array.from({ length: 9 }, (_, i) => `m${i}`) })).message).toBe(
      "Invalid `models`: lists at most 8 models.",
    );
  });
});

describe("modelsToTry", () => {
  it("puts the requested model first, then the fallbacks", () => {
    expect(modelsToTry("gpt-4o", parse({ models: ["claude", "gpt-4o", "gemini"] }))).toEqual([
      "gpt-4o",
      "claude",
      "gemini",
    ]);
    expect(modelsToTry("gpt-4o", NO_PREFERENCES)).toEqual(["gpt-4o"]);
  });
});

describe("preferenceFilters", () => {
  const dep = (id: string, provider: string, input: number, output: number, zdr?: boolean) =>
    ({
      id,
      upstreamModel: "m",
      provider: { name: provider, noDataRetention: zdr ?? false },
      prices: { input: BigInt(input), cachedInput: 0n, output: BigInt(output) },
    }) as unknown as CatalogDeployment;
  const a = dep("dep_a", "OpenAI", 2_500_000, 10_000_000, true);
  const b = dep("dep_b", "groq", 500_000, 800_000);
  const reasons = (body: unknown, d: CatalogDeployment) =>
    preferenceFilters(parse(body)).map((f) => [f.param, f.exclude(d)]);

  it("yields one step per narrowing preference, with a reason per excluded deployment", () => {
    expect(preferenceFilters(NO_PREFERENCES)).toEqual([]);
    expect(reasons({ provider: { only: ["openai"] } }, a)).toEqual([["provider.only", null]]);
    expect(reasons({ provider: { only: ["openai"] } }, b)).toEqual([
      ["provider.only", "not in request provider.only [openai]"],
    ]);
    expect(reasons({ provider: { ignore: ["dep_b"] } }, b)).toEqual([
      ["provider.ignore", "excluded by request provider.ignore"],
    ]);
    expect(reasons({ provider: { data_collection: "deny" } }, a)).toEqual([
      ["provider.data_collection", null],
    ]);
    expect(reasons({ provider: { data_collection: "deny" } }, b)[0]![1]).toBe(
      "provider groq is not marked no-data-retention (request data_collection deny)",
    );
    expect(reasons({ provider: { max_price: { prompt: 1 } } }, a)).toEqual([
      ["provider.max_price", "above max_price: input $2.5/M > $1/M"],
    ]);
    expect(reasons({ provider: { max_price: { completion: 5 } } }, a)).toEqual([
      ["provider.max_price", "above max_price: output $10/M > $5/M"],
    ]);
    expect(reasons({ provider: { max_price: { prompt: 0.5, completion: 0.8 } } }, b)).toEqual([
      ["provider.max_price", null],
    ]);
  });
});
