// API key format: `sk-sy-` + 43 base62 characters (256 bits of randomness). Only the SHA-256 hash (hex) and a
// short hint are stored; SHA-256 is right here (not a slow password hash) because the key is high-entropy and
// verification runs on every relay request.
import { createHash } from "node:crypto";
import { randomBase62 } from "@/lib/ids";

export const API_KEY_PREFIX = "sk-sy-";
const BODY_LENGTH = 43;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(BODY_LENGTH);
}

/** Cheap shape check before any hashing or lookup. */
export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** What the dashboard shows after creation, e.g. `sk-sy-…a1B2`. */
export function apiKeyHint(key: string): string {
  return `${API_KEY_PREFIX}…${key.slice(-4)}`;
}
