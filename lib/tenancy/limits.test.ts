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

describe("spend limit, models and expiry inputs", () => {
  it("parse a spend limit exactly to micro-dollars; none, blank and null clear it", () => {
    const spend = (v: unknown) => KeyLimitsInput.parse({ spendLimit: v }).spendLimit;
    expect(spend("12.50")).toBe(12_500_000n);
    expect(spend("$0.000001")).toBe(1n);
    expect(spend("0.1")).toBe(100_000n); // not 100_000.00000000001: no float on the way
    expect(spend(" 1000000 ")).toBe(1_000_000_000_000n);
    expect(spend(7)).toBe(7_000_000n);
    expect(spend("none")).toBeNull();
    expect(spend("None")).toBeNull();
    expect(spend("")).toBeNull();
    expect(spend(null)).toBeNull();
    expect(KeyLimitsInput.parse({}).spendLimit).toBeUndefined();
  });

  it("refuse spend limits that are not positive dollar amounts, naming the field", () => {
    for (const bad of ["0", "0.00", "-1", "12.5.0", "1.1234567", "1e3", "twelve", "1000000001", true]) {
      expect(param(() => KeyLimitsInput.parse({ spendLimit: bad })), String(bad)).toBe("spendLimit");
    }
  });

  it("accept the two periods, de-duplicate models, and take a date, null or blank for expiry", () => {
    expect(KeyLimitsInput.parse({ spendLimitPeriod: "total" }).spendLimitPeriod).toBe("total");
    expect(param(() => KeyLimitsInput.parse({ spendLimitPeriod: "weekly" }))).toBe("spendLimitPeriod");
    expect(KeyLimitsInput.parse({ allowedModels: ["a", " a ", "b"] }).allowedModels).toEqual(["a", "b"]);
    expect(param(() => KeyLimitsInput.parse({ allowedModels: "a" }))).toBe("allowedModels");
    expect(param(() => KeyLimitsInput.parse({ allowedModels: [""] }))).toBe("allowedModels.0");
    expect(KeyLimitsInput.parse({ expiresAt: "2030-01-02T00:00:00.000Z" }).expiresAt).toEqual(
      new Date("2030-01-02T00:00:00.000Z"),
    );
    expect(KeyLimitsInput.parse({ expiresAt: "" }).expiresAt).toBeNull();
    expect(KeyLimitsInput.parse({ expiresAt: null }).expiresAt).toBeNull();
    expect(param(() => KeyLimitsInput.parse({ expiresAt: "soon" }))).toBe("expiresAt");
  });

  it("refuse an expiry in the past before any database access", async () => {
    await expect(
      setKeyLimits(ctx("admin"), "key_1", { expiresAt: "2020-01-01" }, new Date("2026-01-01")),
    ).rejects.toMatchObject({ code: "invalid_request", param: "expiresAt" });
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
