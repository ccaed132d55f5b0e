import { describe, expect, it } from "vitest";
import { formatBps, formatPriceUsd, parsePriceUsd } from "./price-format";

describe("formatPriceUsd", () => {
  it("shows at least two and at most six decimals, exactly", () => {
    expect(formatPriceUsd(2_500_000n)).toBe("2.50");
    expect(formatPriceUsd(75_000n)).toBe("0.075");
    expect(formatPriceUsd(18_750n)).toBe("0.01875");
    expect(formatPriceUsd(1n)).toBe("0.000001");
    expect(formatPriceUsd(0n)).toBe("0.00");
    expect(formatPriceUsd(15_000_000n)).toBe("15.00");
  });
});

describe("parsePriceUsd", () => {
  it("parses USD with up to six decimals", () => {
    expect(parsePriceUsd("2.5")).toBe(2_500_000n);
    expect(parsePriceUsd(" $0.075 ")).toBe(75_000n);
    expect(parsePriceUsd("3")).toBe(3_000_000n);
    expect(parsePriceUsd("3.")).toBe(3_000_000n);
    expect(parsePriceUsd("0.000001")).toBe(1n);
  });

  it("refuses negatives, too many decimals and junk", () => {
    for (const bad of ["-1", "0.0000001", "abc", "", "1e3", "1,5"]) expect(parsePriceUsd(bad)).toBeNull();
  });

  it("round-trips", () => {
    for (const m of [0n, 1n, 75_000n, 2_500_000n, 123_456_789n])
      expect(parsePriceUsd(formatPriceUsd(m))).toBe(m);
  });
});

describe("formatBps", () => {
  it("shows basis points as a percentage", () => {
    expect(formatBps(1000)).toBe("10%");
    expect(formatBps(1250)).toBe("12.5%");
    expect(formatBps(5)).toBe("0.05%");
    expect(formatBps(0)).toBe("0%");
    expect(formatBps(100_000)).toBe("1000%");
  });
});
