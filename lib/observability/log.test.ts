import { describe, expect, it } from "vitest";
import { redactText } from "./log";

describe("redactText", () => {
  it("masks API keys and URL credentials", () => {
    const key = "sk-sy-" + "a".repeat(43);
    expect(redactText(`bad key ${key} here`)).toBe("bad key sk-sy-*** here");
    expect(redactText("postgresql://user:pw@db:5432/x")).toBe("postgresql://***@db:5432/x");
    expect(redactText("postgresql://postgres@127.0.0.1:1/x")).toBe("postgresql://postgres@127.0.0.1:1/x");
  });
});
