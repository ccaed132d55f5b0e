// The shipped price data: list prices of common models of OpenAI, Anthropic, Google, DeepSeek, Qwen and Mistral,
// stamped with the date they were taken (price-data.json). A deployment whose config names no prices gets these
// (looked up by vendor, or protocol for Anthropic and Gemini, and upstream model), recorded in the price book
// with source "price-data <date>". Prices move: the operator's own prices (config or price book) always win.
import data from "./price-data.json";

/** Integer micro-dollars per million tokens. */
export interface PriceSet {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  output: bigint;
}

interface PriceDataFile {
  takenAt: string;
  note?: string;
  /** vendor -> upstream model -> USD per million tokens (strings, exact decimals). */
  vendors: Record<
    string,
    Record<string, { input: string; cachedInput?: string; cacheWrite?: string; output?: string }>
  >;
}

const file = data as PriceDataFile;

export const PRICE_DATA_TAKEN_AT = file.takenAt;
/** What the data is and is not (shown beside it: operators must verify prices before relying on them). */
export const PRICE_DATA_NOTE = file.note ?? "";

/** "0.15" -> 150000n, exactly (USD per M tokens to micro-dollars per M tokens). */
function micros(usd: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(usd);
  if (!m) throw new Error(`price-data.json: "${usd}" is not a USD amount with at most 6 decimals`);
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
}

/** The shipped list price of `upstreamModel` at `vendor` (openai, anthropic, gemini, deepseek, qwen, mistral). */
export function lookupPriceData(
  vendor: string,
  upstreamModel: string,
): (PriceSet & { source: string }) | null {
  const entry = file.vendors[vendor]?.[upstreamModel];
  if (!entry) return null;
  const input = micros(entry.input);
  return {
    input,
    cachedInput: entry.cachedInput ? micros(entry.cachedInput) : input,
    cacheWrite: entry.cacheWrite ? micros(entry.cacheWrite) : input,
    output: entry.output ? micros(entry.output) : 0n,
    source: `price-data ${file.takenAt}`,
  };
}

/** Every shipped price, for the operator console and `cli prices list --data`. */
export function allPriceData(): { vendor: string; upstreamModel: string; prices: PriceSet }[] {
  return Object.entries(file.vendors).flatMap(([vendor, models]) =>
    Object.keys(models).map((upstreamModel) => ({
      vendor,
      upstreamModel,
      prices: lookupPriceData(vendor, upstreamModel)!,
    })),
  );
}
