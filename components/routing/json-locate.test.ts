import { describe, expect, it } from "vitest";
import { policyIssues } from "@/lib/routing/policy";
import { locateJson } from "./json-locate";

describe("locateJson", () => {
  it("gives the line of every value by the path format of policyIssues", () => {
    const text = [
      "{",
      '  "rules": [',
      "    {",
      '      "match": "gpt",',
      '      "strategy": { "type": "bogus" }',
      "    }",
      "  ]",
      "}",
    ].join("\n");
    const loc = locateJson(text);
    expect(loc.ok).toBe(true);
    if (!loc.ok) return;
    expect(loc.lines.get("")).toBe(1);
    expect(loc.lines.get("rules")).toBe(2);
    expect(loc.lines.get("rules[0]")).toBe(3);
    expect(loc.lines.get("rules[0].match")).toBe(4);
    const [issue] = policyIssues(JSON.parse(text));
    expect(loc.lines.get(issue!.path) ?? loc.lines.get(issue!.path.replace(/\.[^.[]+$/, ""))).toBe(5);
  });

  it("handles escaped quotes and keys with dots, and compact text", () => {
    const loc = locateJson('{"a":["x\\"y",{"b.c":1}],"n":-1.5e3,"t":true,"z":null}');
    expect(loc).toMatchObject({ ok: true });
    if (loc.ok) expect([...loc.lines.keys()]).toEqual(["", "a", "a[0]", "a[1]", "a[1].b.c", "n", "t", "z"]);
  });

  it("reports the line and column of a syntax error", () => {
    expect(locateJson('{\n  "a": 1,\n  "b" 2\n}')).toEqual({
      ok: false,
      line: 3,
      column: 7,
      message: 'expected ":"',
    });
    expect(locateJson('{"a": [1, 2}')).toMatchObject({ ok: false, line: 1, message: 'expected "]"' });
    expect(locateJson("")).toMatchObject({ ok: false, line: 1, message: "unexpected end of the document" });
    expect(locateJson("{} x")).toMatchObject({ ok: false, message: 'unexpected "x" after the document' });
    expect(locateJson('{"a": "open\n"}')).toMatchObject({
      ok: false,
      line: 1,
      message: "unterminated string",
    });
  });
});
