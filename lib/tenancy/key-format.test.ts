import { describe, expect, it } from "vitest";
import { apiKeyHint, generateApiKey, hashApiKey, looksLikeApiKey } from "./key-format";

describe("API key format", () => {
  it("is recognizable and carries at least 128 bits", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sk-sy-[0-9A-Za-z]{43}$/);
    expect(43 * Math.log2(62)).toBeGreaterThan(128);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(key.slice(0, -1))).toBe(false);
    expect(looksLikeApiKey("sk-proj-" + key.slice(6))).toBe(false);
  });

  it("hashes with SHA-256 hex and hints with the last four characters only", () => {
    const key = "sk-sy-" + "a".repeat(39) + "WXYZ";
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(apiKeyHint(key)).toBe("sk-sy-…WXYZ");
  });
});
