import { describe, expect, it } from "vitest";
import { estimatePromptTokens, estimateTextTokens } from "./tokens";

describe("token estimates", () => {
  it("counts text with the o200k tokenizer", () => {
    expect(estimateTextTokens("")).toBe(0);
    expect(estimateTextTokens("hello world")).toBe(2);
  });

  it("adds per-message overhead and a flat cost per image", () => {
    const text = estimatePromptTokens([{ role: "user", content: "hello world" }]);
    expect(text).toBe(3 + 3 + 2);
    const withImage = estimatePromptTokens([
      { role: "user", content: [{ type: "text", text: "hello world" }, { type: "image_url", image_url: { url: "data:," } }] },
    ]);
    expect(withImage).toBe(text + 85);
  });
});
