import { describe, expect, it } from "vitest";
import { diffLines, diffStats, MAX_CELLS, prettyJson } from "./diff";

const render = (before: string, after: string) =>
  diffLines(before, after).map((l) => `${l.kind === "same" ? " " : l.kind === "added" ? "+" : "-"}${l.text}`);

describe("diffLines", () => {
  it("marks identical texts as unchanged, with line numbers on both sides", () => {
    const lines = diffLines("a\nb\n", "a\nb");
    expect(lines).toEqual([
      { kind: "same", text: "a", a: 1, b: 1 },
      { kind: "same", text: "b", a: 2, b: 2 },
    ]);
    expect(diffStats(lines)).toEqual({ added: 0, removed: 0 });
  });

  it("finds a changed line inside unchanged context, removal first", () => {
    expect(render("a\nb\nc", "a\nB\nc")).toEqual([" a", "-b", "+B", " c"]);
  });

  it("handles insertions and deletions at the ends and in the middle", () => {
    expect(render("b\nc", "a\nb\nc\nd")).toEqual(["+a", " b", " c", "+d"]);
    expect(render("a\nb\nc\nd", "a\nd")).toEqual([" a", "-b", "-c", " d"]);
    expect(render("", "x")).toEqual(["+x"]);
    expect(render("x", "")).toEqual(["-x"]);
    expect(render("", "")).toEqual([]);
  });

  it("keeps the longest common run when lines move (reordered candidates)", () => {
    const before = prettyJson({ candidates: ["openai", "anthropic", "gemini"] });
    const after = prettyJson({ candidates: ["anthropic", "openai", "gemini"] });
    const lines = diffLines(before, after);
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
    // Every line of each side appears once, in order.
    expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(before.split("\n"));
    expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(after.split("\n"));
  });

  it("numbers lines of each side independently", () => {
    const lines = diffLines("x\ny", "y\nz");
    expect(lines).toEqual([
      { kind: "removed", text: "x", a: 1 },
      { kind: "same", text: "y", a: 2, b: 1 },
      { kind: "added", text: "z", b: 2 },
    ]);
  });

  it("falls back to remove-all/add-all beyond the size bound instead of allocating without limit", () => {
    const side = Math.ceil(Math.sqrt(MAX_CELLS)) + 1;
    const a = Array.from({ length: side }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: side }, (_, i) => `a${i}`).join("\n");
    const lines = diffLines(a, b);
    expect(diffStats(lines)).toEqual({ added: side, removed: side });
  });
});
