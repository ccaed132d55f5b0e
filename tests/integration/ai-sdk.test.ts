// A second client: the Vercel AI SDK (`ai` with `@ai-sdk/openai-compatible`) streams text and tool calls through
// the relay, for each protocol behind it.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startRelay, type Relay } from "./helpers/relay";

let relay: Relay;
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  relay = await startRelay();
  provider = createOpenAICompatible({ name: "switchyard", baseURL: relay.baseURL, apiKey: relay.key, includeUsage: true });
});
afterAll(async () => {
  await relay?.close();
});

describe.each(["gpt-test", "claude-test", "gemini-test"])("Vercel AI SDK -> %s", (model) => {
  it("streams text", async () => {
    const result = streamText({ model: provider(model), prompt: "count to 12", maxRetries: 0 });
    let text = "";
    let parts = 0;
    for await (const delta of result.textStream) {
      text += delta;
      parts++;
    }
    expect(text).toBe("1 2 3 4 5 6 7 8 9 10 11 12");
    expect(parts).toBeGreaterThan(3);
    expect(await result.finishReason).toBe("stop");
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it("streams parallel tool calls with their arguments", async () => {
    const result = streamText({
      model: provider(model),
      prompt: "What is the weather in Berlin and Rome?",
      maxRetries: 0,
      tools: {
        get_weather: tool({
          description: "Current weather in a city",
          inputSchema: z.object({ city: z.string(), unit: z.string().optional() }),
        }),
      },
    });
    const calls = await result.toolCalls;
    expect(await result.finishReason).toBe("tool-calls");
    expect(calls.map((c) => c.toolName)).toEqual(["get_weather", "get_weather"]);
    expect(calls.map((c) => (c.input as { city: string }).city)).toEqual(["Berlin", "Rome"]);
    expect(new Set(calls.map((c) => c.toolCallId)).size).toBe(2);
  });
});
