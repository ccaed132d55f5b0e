import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { assertKeyShape, authorizeKey, readBearer } from "./auth";
import type { KeyRecord } from "./types";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}: ${err.message}` : String(err);
  }
  return undefined;
}

describe("readBearer", () => {
  it("returns the token of a bearer header", () => {
    expect(readBearer("Bearer sk-sy-abc")).toBe("sk-sy-abc");
    expect(readBearer("bearer   sk-sy-abc  ")).toBe("sk-sy-abc");
    expect(readBearer("BEARER sk-sy-abc")).toBe("sk-sy-abc");
  });

  it("refuses a missing or empty header with a clear 401", () => {
    for (const h of [undefined, "", "   ", "Bearer", "Bearer   "]) {
      expect(codeOf(() => readBearer(h))).toMatch(/^401 invalid_api_key: Missing API key/);
    }
  });

  it("refuses other schemes", () => {
    expect(codeOf(() => readBearer("Basic dXNlcjpwYXNz"))).toMatch(/^401 invalid_api_key: .*Bearer scheme/);
    expect(codeOf(() => readBearer("sk-sy-abc"))).toMatch(/Bearer scheme/);
  });
});

describe("assertKeyShape", () => {
  it("accepts Switchyard keys only", () => {
    expect(codeOf(() => assertKeyShape("sk-sy-" + "a".repeat(43)))).toBeUndefined();
    expect(codeOf(() => assertKeyShape("sk-proj-abc"))).toMatch(
      /^401 invalid_api_key: Invalid API key format/,
    );
    expect(codeOf(() => assertKeyShape("sk-sy-" + "a".repeat(42)))).toMatch(/format/);
  });
});

describe("authorizeKey", () => {
  const base: KeyRecord = {
    ctx: {
      key: { id: "key_1", tenantId: "tnt_1", name: "k" },
      tenant: { id: "tnt_1", slug: "a", name: "A" },
    },
    revokedAt: null,
    expiresAt: null,
  };
  it("returns the context of a live key", () => {
    expect(authorizeKey(base, 1_000)).toBe(base.ctx);
    expect(authorizeKey({ ...base, expiresAt: 2_000 }, 1_000)).toBe(base.ctx);
  });
  it("refuses unknown, revoked and expired keys", () => {
    expect(codeOf(() => authorizeKey(null, 0))).toMatch(/^401 invalid_api_key: Incorrect API key/);
    expect(codeOf(() => authorizeKey({ ...base, revokedAt: 5_000 }, 1_000))).toMatch(/has been revoked/);
    expect(codeOf(() => authorizeKey({ ...base, expiresAt: 1_000 }, 1_000))).toMatch(/has expired/);
  });
});
