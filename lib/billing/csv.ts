// CSV for statements: RFC 4180 (CRLF line ends; a field holding a comma, quote, CR or LF is quoted, with quotes
// doubled) and money as exact USD strings from integer micro-dollars (no floats anywhere).

/** 1234567n -> "1.234567"; -5n -> "-0.000005". Six decimals, no currency sign, no thousands separators. */
export function microsToUsd(micros: bigint): string {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  return `${neg ? "-" : ""}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

/** One field, quoted when it must be. */
export function csvField(value: string | number | bigint | null | undefined): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Free text from users (workspace, key and model names, ledger descriptions): a leading = + - @ or tab would make
 * a spreadsheet evaluate it as a formula, so such text is prefixed with an apostrophe (OWASP "CSV injection").
 * Numbers are written with csvField directly.
 */
export function csvText(value: string | null | undefined): string {
  const s = value ?? "";
  return csvField(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
}

export const CRLF = "\r\n";

/** Rows of already-encoded fields to a CSV document (each row ends with CRLF). */
export function csvLines(rows: string[][]): string {
  return rows.map((r) => r.join(",") + CRLF).join("");
}
