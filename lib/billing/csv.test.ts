import { describe, expect, it } from "vitest";
import { csvField, csvLines, csvText, microsToUsd } from "./csv";

describe("microsToUsd", () => {
  it("formats integer micro-dollars exactly, with six decimals", () => {
    expect(microsToUsd(0n)).toBe("0.000000");
    expect(microsToUsd(1n)).toBe("0.000001");
    expect(microsToUsd(1_234_567n)).toBe("1.234567");
    expect(microsToUsd(1_000_000n)).toBe("1.000000");
    expect(microsToUsd(-5n)).toBe("-0.000005");
    expect(microsToUsd(-12_500_000n)).toBe("-12.500000");
  });

  it("stays exact beyond what a double can hold", () => {
    // 2^63 - 1 micro-dollars: a float would round the last digits.
    expect(microsToUsd(9_223_372_036_854_775_807n)).toBe("9223372036854.775807");
  });
});

describe("csvField", () => {
  it("leaves plain fields alone", () => {
    expect(csvField("gpt-4o")).toBe("gpt-4o");
    expect(csvField(12)).toBe("12");
    expect(csvField(5n)).toBe("5");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
  });

  it("quotes commas, quotes, CR and LF, doubling quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("line1\nline2")).toBe('"line1\nline2"');
    expect(csvField("a\rb")).toBe('"a\rb"');
    expect(csvField('"')).toBe('""""');
  });
});

describe("csvText", () => {
  it("defuses spreadsheet formulas in free text", () => {
    expect(csvText("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvText("+1")).toBe("'+1");
    expect(csvText("-x")).toBe("'-x");
    expect(csvText("@sum")).toBe("'@sum");
    expect(csvText("=a,b")).toBe(`"'=a,b"`);
    expect(csvText("Team A")).toBe("Team A");
    expect(csvText(null)).toBe("");
  });
});

describe("csvLines", () => {
  it("ends every row with CRLF", () => {
    expect(csvLines([["a", "b"], ["c"]])).toBe("a,b\r\nc\r\n");
  });
});
