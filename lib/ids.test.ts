import { describe, expect, it } from "vitest";
import { newId, randomBase62 } from "./ids";

describe("ids", () => {
  it("carries its prefix and 20 base62 characters", () => {
    expect(newId("tnt")).toMatch(/^tnt_[0-9A-Za-z]{20}$/);
  });
  it("does not repeat", () => {
    const seen = new Set(Array.from({ length: 5000 }, () => newId("key")));
    expect(seen.size).toBe(5000);
  });
  it("uses the whole alphabet", () => {
    const chars = new Set(randomBase62(20_000));
    expect(chars.size).toBe(62);
  });
});
