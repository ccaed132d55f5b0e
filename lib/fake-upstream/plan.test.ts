import { describe, expect, it } from "vitest";
import { makePlan } from "./plan";
import type { FakeRequestView } from "./types";

const view = (over: Partial<FakeRequestView> = {}): FakeRequestView => ({
  model: "fake-model",
  stream: false,
  lastUserText: "hi there",
  hasImage: false,
  tools: [],
  toolsAllowed: true,
  json: false,
  stop: [],
  maxTokens: null,
  hasToolResults: false,
  reasoning: false,
  promptTokens: 10,
  includeUsage: false,
  ...over,
});

describe("makePlan", () => {
  it("echoes the user and counts one token per piece", () => {
    const p = makePlan(view());
    expect(p.text).toBe("Hello from fake-model! You said: hi there");
    expect(p.pieces.join("")).toBe(p.text);
    expect(p.usage.output).toBe(p.pieces.length);
    expect(p.finish).toBe("stop");
  });

  it("calls get_weather once per city named, with distinct ids", () => {
    const p = makePlan(view({ lastUserText: "weather in Paris and Tokyo?", tools: ["get_weather"] }));
    expect(p.finish).toBe("tool_calls");
    expect(p.toolCalls.map((c) => JSON.parse(c.arguments).city)).toEqual(["Paris", "Tokyo"]);
    expect(new Set(p.toolCalls.map((c) => c.id)).size).toBe(2);
    for (const c of p.toolCalls) expect(c.argumentPieces.join("")).toBe(c.arguments);
  });

  it("cuts at a stop sequence and at max tokens", () => {
    expect(makePlan(view({ lastUserText: "count to 10", stop: ["5"] })).text).toBe("1 2 3 4 ");
    const long = makePlan(view({ lastUserText: "count to 100", maxTokens: 7 }));
    expect(long.finish).toBe("length");
    expect(long.pieces).toHaveLength(7);
  });

  it("answers JSON in JSON mode and blocks forbidden content", () => {
    expect(JSON.parse(makePlan(view({ json: true })).text)).toHaveProperty("answer");
    const blocked = makePlan(view({ lastUserText: "something forbidden" }));
    expect(blocked).toMatchObject({ text: "", finish: "content_filter" });
  });
});
