// The counter columns of UsageRollup, listed once: the usage recorder adds to every one, the reports sum them.
import { LATENCY_COLUMNS } from "@/lib/reports/latency";

/** Request counts (Int columns). */
export const ROLLUP_COUNT_COLUMNS = [
  "requests",
  "errors",
  "clientErrors",
  "rateLimited",
  "upstreamErrors",
  "clientClosed",
  "cacheHits",
  "estimated",
] as const;

/** Token, money and time sums (BigInt columns). */
export const ROLLUP_BIG_COLUMNS = [
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
  "costMicros",
  "providerCostMicros",
  "totalMsSum",
] as const;

/**
 * Every counter column: the counts, the sums, then the cumulative latency histogram (lib/reports/latency.ts).
 * The recorder's rollup INSERT computes its values in this order.
 */
export const ROLLUP_COUNTER_COLUMNS = [
  ...ROLLUP_COUNT_COLUMNS,
  ...ROLLUP_BIG_COLUMNS,
  ...LATENCY_COLUMNS,
] as const;
