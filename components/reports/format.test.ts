import { describe, expect, it } from "vitest";
import { formatBucket, formatChange, formatMoney, formatMs } from "./format";

describe("report formatting", () => {
  it("shows tiny amounts with more decimals", () => {
    expect(formatMoney(0n)).toBe("$0.00");
    expect(formatMoney(42n)).toBe("$0.000042");
    expect(formatMoney(123_456n)).toBe("$0.1234");
    expect(formatMoney(1_234_567_890n)).toBe("$1,234.56");
  });

  it("formats changes, latencies and bucket labels", () => {
    expect(formatChange(0.25)).toBe("+25%");
    expect(formatChange(-0.032)).toBe("−3.2%");
    expect(formatChange(null)).toBeNull();
    expect(formatMs(281)).toBe("281 ms");
    expect(formatMs(2500)).toBe("2.50 s");
    expect(formatMs(30000, true)).toBe("> 30 s");
    expect(formatBucket("2026-11-24 13:00")).toBe("13:00");
    expect(formatBucket("2026-11-24")).toBe("Nov 24");
  });
});
