import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Db } from "@/lib/db/client";
import { toErrorResponse } from "@/lib/errors";
import type { TenantCtx } from "./context";
import { KeyLimitsInput, setKeyLimits, setWorkspaceLimits, WorkspaceLimitsInput } from "./limits";

/** A ctx whose database must not be touched: role checks and validation come first. */
const ctx = (role: TenantCtx["role"]): TenantCtx => ({
  db: new Proxy({}, { get: () => expect.unreachable("no database access") }) as unknown as Db,
  tenant: { id: "tnt_1", slug: "one", name: "One" },
  user: { id: "usr_1", email: "a@example.test" },
  role,
});

const param = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ZodError);
    return toErrorResponse(err).body.error.param;
  }
  throw new Error("expected a validation error");
};

describe("limit inputs", () => {
  it("accept whole numbers, null (no limit) and omission (unchanged)", () => {
    expect(KeyLimitsInput.parse({ rpm: 60, tpm: null })).toEqual({ rpm: 60, tpm: null });
    expect(KeyLimitsInput.parse({})).toEqual({});
    expect(WorkspaceLimitsInput.parse({ cacheEnabled: true, cacheTtlSeconds: 86_400 })).toEqual({
      cacheEnabled: true,
      cacheTtlSeconds: 86_400,
    });
  });

  it("name the failing field", () => {
    expect(param(() => KeyLimitsInput.parse({ rpm: 0 }))).toBe("rpm");
    expect(param(() => KeyLimitsInput.parse({ tpm: 1.5 }))).toBe("tpm");
    expect(param(() => KeyLimitsInput.parse({ rpm: "60" }))).toBe("rpm");
    expect(param(() => WorkspaceLimitsInput.parse({ cacheTtlSeconds: 0 }))).toBe("cacheTtlSeconds");
    expect(param(() => WorkspaceLimitsInput.parse({ cacheTtlSeconds: 86_401 }))).toBe("cacheTtlSeconds");
    expect(param(() => WorkspaceLimitsInput.parse({ cacheEnabled: "yes" }))).toBe("cacheEnabled");
    expect(() => KeyLimitsInput.parse({ rpms: 1 })).toThrow(/unrecognized|Unrecognized/);
  });
});

describe("who may change limits", () => {
  it.each(["member", "viewer"] as const)("a %s may not (before any database access)", async (role) => {
    await expect(setKeyLimits(ctx(role), "key_1", { rpm: 1 })).rejects.toMatchObject({
      code: "permission_denied",
    });
    await expect(setWorkspaceLimits(ctx(role), { rpm: 1 })).rejects.toMatchObject({
      code: "permission_denied",
    });
  });

  it("an admin's invalid input fails validation before any database access", async () => {
    await expect(setKeyLimits(ctx("admin"), "key_1", { rpm: -1 })).rejects.toBeInstanceOf(ZodError);
    await expect(setWorkspaceLimits(ctx("owner"), { cacheTtlSeconds: 0 })).rejects.toBeInstanceOf(ZodError);
  });
});
