// Prices and markups as people type and read them (pure; safe in client components). Stored values are integer
// micro-dollars per million tokens and basis points; these convert exactly, without floats.

/** 2_500_000n -> "2.50", 75_000n -> "0.075", 18_750n -> "0.01875": at least two decimals, at most six. */
export function formatPriceUsd(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${neg ? "-" : ""}${abs / 1_000_000n}.${frac}`;
}

/** "2.5" -> 2_500_000n; null for anything that is not a non-negative USD amount with at most 6 decimals. */
export function parsePriceUsd(text: string): bigint | null {
  const m = /^\$?\s*(\d+)(?:\.(\d{0,6}))?$/.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
}

/** 1000 -> "10%", 1250 -> "12.5%", 5 -> "0.05%". */
export function formatBps(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = String(bps % 100)
    .padStart(2, "0")
    .replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""}%`;
}
