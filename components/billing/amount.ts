// Dollar amounts typed in the billing forms, checked in the browser before anything is sent (the server checks
// again). Strings all the way: no float ever decides an amount.

/** "25", "25.5", "$25.50" -> "25.50"-style canonical text, or an error message for the form. */
export function checkUsdInput(
  raw: string,
  limits: { minUsd?: number; maxUsd?: number; allowZero?: boolean } = {},
): { ok: true; usd: string; cents: number } | { ok: false; message: string } {
  const text = raw.trim().replace(/^\$/, "").replace(/,/g, "");
  if (text === "") return { ok: false, message: "Enter an amount." };
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) {
    return /^\d+\.\d{3,}$/.test(text)
      ? { ok: false, message: "Use at most 2 decimals (whole cents)." }
      : { ok: false, message: "Enter an amount in dollars, like 25 or 25.50." };
  }
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  if (cents === 0 && !limits.allowZero) return { ok: false, message: "Enter an amount above $0." };
  if (limits.minUsd !== undefined && cents < limits.minUsd * 100) {
    return { ok: false, message: `The minimum is $${limits.minUsd}.` };
  }
  if (limits.maxUsd !== undefined && cents > limits.maxUsd * 100) {
    return { ok: false, message: `The maximum is $${limits.maxUsd.toLocaleString("en-US")}.` };
  }
  return { ok: true, usd: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`, cents };
}
