import { describe, expect, it } from "vitest";
import { crossedThresholds } from "./alerts";
import { holdPromptTokens } from "./relay-billing";

describe("holdPromptTokens", () => {
  it("counts a third of the UTF-8 bytes of every string, plus per-message overhead", () => {
    expect(holdPromptTokens([{ role: "user", content: "x".repeat(300) }])).toBe(Math.ceil((4 + 300) / 3) + 8);
  });

  it("counts multi-byte text by bytes (CJK costs more tokens per character)", () => {
    expect(holdPromptTokens([{ role: "user", content: "漢字" }])).toBe(Math.ceil((4 + 6) / 3) + 8);
  });

  it("adds a flat allowance per image or audio part, not its base64 size", () => {
    const image = { type: "image_url", image_url: { url: `data:image/png;base64,${"A".repeat(100_000)}` } };
    expect(holdPromptTokens([{ role: "user", content: [{ type: "text", text: "hi" }, image] }])).toBe(
      Math.ceil((4 + 4 + 2) / 3) + 8 + 1600,
    );
  });

  it("includes tool definitions", () => {
    const tools = [{ type: "function", function: { name: "get_weather", description: "d".repeat(90) } }];
    expect(holdPromptTokens([], tools)).toBe(Math.ceil((8 + 11 + 90) / 3));
  });
});

describe("crossedThresholds", () => {
  it("reports each threshold once, when it is crossed", () => {
    expect(crossedThresholds(0n, 79n, 100n)).toEqual([]);
    expect(crossedThresholds(79n, 80n, 100n)).toEqual([80]);
    expect(crossedThresholds(80n, 99n, 100n)).toEqual([]);
    expect(crossedThresholds(70n, 120n, 100n)).toEqual([80, 100]);
    expect(crossedThresholds(100n, 150n, 100n)).toEqual([]);
    expect(crossedThresholds(0n, 10n, 0n)).toEqual([]);
  });
});
