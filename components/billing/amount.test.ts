import { describe, expect, it } from "vitest";
import { checkUsdInput } from "./amount";

describe("checkUsdInput", () => {
  it("accepts dollars and cents in the usual spellings", () => {
    expect(checkUsdInput("25")).toEqual({ ok: true, usd: "25.00", cents: 2500 });
    expect(checkUsdInput(" $1,250.5 ")).toEqual({ ok: true, usd: "1250.50", cents: 125050 });
    expect(checkUsdInput("0.07")).toEqual({ ok: true, usd: "0.07", cents: 7 });
  });

  it("explains what is wrong", () => {
    expect(checkUsdInput("")).toEqual({ ok: false, message: "Enter an amount." });
    expect(checkUsdInput("ten")).toEqual({
      ok: false,
      message: "Enter an amount in dollars, like 25 or 25.50.",
    });
    expect(checkUsdInput("-5")).toMatchObject({ ok: false });
    expect(checkUsdInput("10.555")).toEqual({ ok: false, message: "Use at most 2 decimals (whole cents)." });
    expect(checkUsdInput("0")).toEqual({ ok: false, message: "Enter an amount above $0." });
  });

  it("applies the operator's limits", () => {
    expect(checkUsdInput("4.99", { minUsd: 5, maxUsd: 5000 })).toEqual({
      ok: false,
      message: "The minimum is $5.",
    });
    expect(checkUsdInput("5000.01", { minUsd: 5, maxUsd: 5000 })).toEqual({
      ok: false,
      message: "The maximum is $5,000.",
    });
    expect(checkUsdInput("5000", { minUsd: 5, maxUsd: 5000 })).toMatchObject({ ok: true, cents: 500000 });
  });
});
