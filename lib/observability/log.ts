// A tiny JSON-line logger: one object per line on stdout (warn and error on stderr), filtered by LOG_LEVEL.
// It must never print a secret: fields with sensitive names are replaced, and anything shaped like an API key or
// a URL with a password is masked wherever it appears in a string.
import { env } from "@/lib/env";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
const SENSITIVE_FIELD =
  /authorization|cookie|password|secret|token|apikey|api_key|masterkey|master_key|^key$/i;
// Secrets that may sit inside a message (an upstream's error text, a URL, an echoed header), each with its mask.
const SECRETS_IN_TEXT: [RegExp, (m: string) => string][] = [
  [/\bsk-[A-Za-z0-9_-]{8,}/g, (m) => `${m.slice(0, 6)}***`], // OpenAI-style and Switchyard keys
  [/\/\/[^/\s:@]+:[^/\s@]+@/g, () => "//***@"], // URL credentials
  [/\bAIza[0-9A-Za-z_-]{20,}/g, () => "AIza***"], // Google API keys
  [/\beyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){2,4}/g, () => "eyJ***"], // JWT/JWE (session tokens)
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (m) => `${m.split(/\s+/)[0]} ***`],
  [/([?&](?:key|api_key|apikey|token|access_token)=)[^&\s"']+/gi, (m) => `${m.slice(0, m.indexOf("=") + 1)}***`],
];

let threshold: number | undefined;

function minRank(): number {
  if (threshold === undefined) {
    try {
      threshold = RANK[env().LOG_LEVEL];
    } catch {
      threshold = RANK.info; // an invalid environment must not silence the error that reports it
    }
  }
  return threshold;
}

/** Masks API keys and URL credentials inside a string. */
export function redactText(text: string): string {
  let out = text;
  for (const [re, mask] of SECRETS_IN_TEXT) out = out.replace(re, mask);
  return out;
}

function serialize(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object")
    return typeof value === "bigint" ? value.toString() : value;
  if (depth > 4) return "[…]";
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: redactText(value.message) };
    if (value.stack) out.stack = redactText(value.stack);
    if ("code" in value && value.code !== undefined) out.code = value.code;
    if (value.cause !== undefined) out.cause = serialize(value.cause, depth + 1);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => serialize(v, depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_FIELD.test(k) ? "[redacted]" : serialize(v, depth + 1);
  }
  return out;
}

function write(level: LogLevel, msg: string, fields?: LogFields): void {
  if (RANK[level] < minRank()) return;
  const line: LogFields = { time: new Date().toISOString(), level, msg: redactText(msg) };
  if (fields) Object.assign(line, serialize(fields, 0) as LogFields);
  const text = JSON.stringify(line) + "\n";
  if (level === "warn" || level === "error") process.stderr.write(text);
  else process.stdout.write(text);
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
  /** Whether a level would be written (skip building expensive fields otherwise). */
  enabled: (level: LogLevel) => RANK[level] >= minRank(),
};

/** For tests that change LOG_LEVEL. */
export function resetLogLevel(): void {
  threshold = undefined;
}
