import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SseParser } from "../sse";
import { float32Base64, geminiAdapter, toGeminiSchema } from "./gemini";
import {
  UpstreamStreamError,
  type ChatCompletionChunk,
  type ChatRequest,
  type TranslateContext,
  type UpstreamTarget,
} from "./types";

const DIR = path.join(import.meta.dirname, "fixtures", "gemini");
const raw = (name: string) => readFileSync(path.join(DIR, name), "utf8");
const fixture = (name: string): unknown => JSON.parse(raw(name));

const target: UpstreamTarget = {
  baseUrl: "https://generativelanguage.googleapis.com",
  apiKey: "AIza-test",
  upstreamModel: "gemini-2.0-flash",
  headers: { "x-extra": "1" },
};
const ctx: TranslateContext = {
  id: "chatcmpl-abc",
  model: "my-gemini",
  created: 1700000000,
  includeReasoning: false,
};

const build = (req: Partial<ChatRequest>, stream = false) =>
  geminiAdapter.buildChatRequest({ model: "my-gemini", messages: [], ...req }, target, { stream });
const body = (req: Partial<ChatRequest>) => JSON.parse(build(req).body) as Record<string, unknown>;

/** Feeds an .sse fixture through the real SSE parser and the translator. */
function translate(name: string, c: TranslateContext = ctx) {
  const text = raw(name);
  expect(text).toContain("\r\n\r\n"); // the fixture kept Gemini's CRLF
  const parser = new SseParser();
  const t = geminiAdapter.createStreamTranslator(c);
  const chunks: ChatCompletionChunk[] = [];
  const doneAfter: boolean[] = [];
  for (const event of [...parser.push(text), ...parser.end()]) {
    chunks.push(...t.push(event));
    doneAfter.push(t.done);
  }
  return { chunks, translator: t, doneAfter };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]!.delta);
const finishes = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]!.finish_reason);

describe("buildChatRequest", () => {
  it("targets generateContent, or streamGenerateContent with alt=sse, with the key in x-goog-api-key", () => {
    const plain = build({ messages: [{ role: "user", content: "Explain how AI works in a few words" }] });
    expect(plain.path).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
    expect(plain.headers).toEqual({
      "content-type": "application/json",
      "x-extra": "1",
      "x-goog-api-key": "AIza-test",
    });
    expect(JSON.parse(plain.body)).toEqual(fixture("text.request.json"));
    expect(build({ messages: [{ role: "user", content: "hi" }] }, true).path).toBe(
      "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    );
  });

  it("moves system and developer text to systemInstruction", () => {
    expect(
      body({
        messages: [
          { role: "system", content: "You are a cat. Your name is Neko." },
          { role: "user", content: "Hello there" },
        ],
      }),
    ).toEqual(fixture("system-instruction.request.json"));
    const both = body({
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "developer", content: "Answer in French." },
        { role: "user", content: "Hi" },
      ],
    });
    expect(both.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Answer in French." }] });
  });

  it("maps sampling, stop (string or array), max tokens, n and seed to generationConfig; drops OpenAI-only fields", () => {
    const req: Partial<ChatRequest> = {
      messages: [{ role: "user", content: "Explain how AI works" }],
      temperature: 1,
      top_p: 0.8,
      max_tokens: 4000,
      max_completion_tokens: 800,
      stop: ["Title"],
      seed: 42,
      user: "u-1",
      parallel_tool_calls: false,
      stream_options: { include_usage: true },
      logit_bias: { 50256: -100 },
    };
    expect(body(req)).toEqual(fixture("stop-sequence.request.json"));
    const config = body({
      messages: [{ role: "user", content: "x" }],
      stop: "END",
      max_tokens: 5,
      n: 2,
    }).generationConfig;
    expect(config).toEqual({ stopSequences: ["END"], maxOutputTokens: 5, candidateCount: 2 });
    expect(body({ messages: [{ role: "user", content: "x" }] })).not.toHaveProperty("generationConfig");
  });

  it("sends data-URL images as inlineData and http(s) images as fileData with a guessed MIME type", () => {
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    expect(
      body({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Caption these images." },
              { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
              { type: "image_url", image_url: { url: "https://example.com/photos/cat.webp?size=large" } },
              { type: "image_url", image_url: { url: "https://example.com/render?id=7", detail: "high" } },
            ],
          },
        ],
      }),
    ).toEqual(fixture("inline-image.request.json"));
  });

  it("declares tools (unsupported schema keywords stripped, empty parameters omitted) and maps tool_choice", () => {
    const req: Partial<ChatRequest> = {
      messages: [{ role: "user", content: "What is the weather like in Boston and in San Francisco?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_current_weather",
            description: "Get the current weather in a given location",
            strict: true,
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              additionalProperties: false,
              properties: {
                location: {
                  type: "string",
                  description: "The city name of the location for which to get the weather.",
                },
                unit: { type: ["string", "null"], enum: ["celsius", "fahrenheit"] },
              },
              required: ["location"],
            },
          },
        },
        {
          type: "function",
          function: {
            name: "get_time",
            description: "Current time (no parameters)",
            parameters: { type: "object", properties: {} },
          },
        },
      ],
      tool_choice: "auto",
    };
    expect(body(req)).toEqual(fixture("parallel-calls.request.json"));

    const config = (choice: ChatRequest["tool_choice"]) => body({ ...req, tool_choice: choice }).toolConfig;
    expect(config("none")).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(config("required")).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(config({ type: "function", function: { name: "get_time" } })).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_time"] },
    });
  });

  it("sends tool calls as functionCall parts and tool results as functionResponse parts matched by name", () => {
    const req: Partial<ChatRequest> = {
      messages: [
        { role: "user", content: "What is the weather like in Boston and in San Francisco?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_abc_0",
              type: "function",
              function: { name: "get_current_weather", arguments: '{"location":"Boston, MA"}' },
            },
            {
              id: "call_abc_1",
              type: "function",
              function: { name: "get_current_weather", arguments: '{"location":"San Francisco, CA"}' },
            },
          ],
        },
        {
          role: "tool",
          tool_call_id: "call_abc_0",
          content: '{"temperature":38,"unit":"F","description":"Cold and snowy"}',
        },
        { role: "tool", tool_call_id: "call_abc_1", content: [{ type: "text", text: "65 F, foggy" }] },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_current_weather",
            description: "Get the current weather in a given location",
            parameters: {
              type: "object",
              properties: {
                location: {
                  type: "string",
                  description: "The city name of the location for which to get the weather.",
                },
                unit: { type: ["string", "null"], enum: ["celsius", "fahrenheit"] },
              },
              required: ["location"],
            },
          },
        },
      ],
    };
    expect(body(req)).toEqual(fixture("function-response.request.json"));
  });

  it("merges consecutive same-role turns and rejects a tool result for an unknown call", () => {
    const merged = body({
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: [{ type: "text", text: "b" }] },
        { role: "assistant", content: "c" },
        { role: "assistant", content: [{ type: "text", text: "d" }] },
      ],
    });
    expect(merged.contents).toEqual([
      { role: "user", parts: [{ text: "a" }, { text: "b" }] },
      { role: "model", parts: [{ text: "c" }, { text: "d" }] },
    ]);
    expect(() => body({ messages: [{ role: "tool", tool_call_id: "call_x", content: "1" }] })).toThrow(
      AppError,
    );
  });

  it("asks for JSON output and converts a json_schema to responseSchema", () => {
    expect(
      body({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } })
        .generationConfig,
    ).toEqual({ responseMimeType: "application/json" });
    const config = body({
      messages: [{ role: "user", content: "x" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "answer",
          strict: true,
          schema: {
            type: "object",
            additionalProperties: false,
            properties: { city: { $ref: "#/$defs/City" }, tags: { type: "array", items: { const: "x" } } },
            required: ["city"],
            $defs: { City: { type: "string", description: "A city", examples: ["Paris"] } },
          },
        },
      },
    }).generationConfig;
    expect(config).toEqual({
      responseMimeType: "application/json",
      responseSchema: {
        type: "object",
        properties: {
          city: { type: "string", description: "A city" },
          tags: { type: "array", items: { enum: ["x"] } },
        },
        required: ["city"],
      },
    });
  });

  it("turns reasoning_effort into a thinkingConfig that includes thoughts", () => {
    expect(
      body({
        messages: [{ role: "user", content: "What is the sum of the first 50 prime numbers?" }],
        reasoning_effort: "low",
      }),
    ).toEqual(fixture("thinking.request.json"));
    const high = body({ messages: [{ role: "user", content: "x" }], reasoning_effort: "high" });
    expect(high.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
    });
  });

  it("strips a models/ prefix from the upstream model name", () => {
    const req = geminiAdapter.buildChatRequest(
      { model: "x", messages: [{ role: "user", content: "hi" }] },
      { ...target, upstreamModel: "models/gemini-2.5-pro" },
      { stream: false },
    );
    expect(req.path).toBe("/v1beta/models/gemini-2.5-pro:generateContent");
  });
});

describe("parseChatResponse", () => {
  it("translates a plain text answer with usage", () => {
    const { completion, usage } = geminiAdapter.parseChatResponse(fixture("text.response.json"), ctx);
    expect(completion).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: 1700000000,
      model: "my-gemini",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "AI learns patterns from data to make predictions or decisions.\n",
            refusal: null,
          },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 8,
        completion_tokens: 12,
        total_tokens: 20,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(usage).toEqual({
      inputTokens: 8,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
  });

  it("invents distinct ids for two calls to the same function and finishes with tool_calls", () => {
    const { completion, usage } = geminiAdapter.parseChatResponse(
      fixture("parallel-calls.response.json"),
      ctx,
    );
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: "call_abc_0",
        type: "function",
        function: { name: "get_current_weather", arguments: '{"location":"Boston, MA"}' },
      },
      {
        id: "call_abc_1",
        type: "function",
        function: { name: "get_current_weather", arguments: '{"location":"San Francisco, CA"}' },
      },
    ]);
    expect(usage).toMatchObject({ inputTokens: 58, outputTokens: 16 });
  });

  it("maps MAX_TOKENS to length and a stop-sequence STOP to stop", () => {
    expect(
      geminiAdapter.parseChatResponse(fixture("max-tokens.response.json"), ctx).completion.choices[0]!
        .finish_reason,
    ).toBe("length");
    const stop = geminiAdapter.parseChatResponse(fixture("stop-sequence.response.json"), ctx).completion;
    expect(stop.choices[0]!.finish_reason).toBe("stop");
    expect(stop.choices[0]!.message.content).toBe("Artificial intelligence systems learn from examples.\n\n");
    expect(stop.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 9, total_tokens: 13 });
  });

  it("returns content null and content_filter for a SAFETY finish without content", () => {
    const { completion, usage } = geminiAdapter.parseChatResponse(fixture("safety-block.response.json"), ctx);
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: "assistant", content: null, refusal: null },
        finish_reason: "content_filter",
        logprobs: null,
      },
    ]);
    expect(usage).toEqual({
      inputTokens: 11,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("returns content_filter for a blocked prompt (promptFeedback.blockReason, no candidates)", () => {
    const { completion } = geminiAdapter.parseChatResponse(fixture("prompt-blocked.response.json"), ctx);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
    expect(completion.choices[0]!.message.content).toBeNull();
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 0, total_tokens: 11 });
  });

  it.each(["RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"])(
    "maps %s to content_filter",
    (reason) => {
      const res = { candidates: [{ finishReason: reason, index: 0 }] };
      expect(geminiAdapter.parseChatResponse(res, ctx).completion.choices[0]!.finish_reason).toBe(
        "content_filter",
      );
    },
  );

  it("never passes an unknown finish reason through", () => {
    const res = {
      candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "MALFORMED_FUNCTION_CALL" }],
    };
    expect(geminiAdapter.parseChatResponse(res, ctx).completion.choices[0]!.finish_reason).toBe("stop");
  });

  it("counts thoughts as completion and reasoning tokens; shows thought text only when asked", () => {
    const hidden = geminiAdapter.parseChatResponse(fixture("thinking.response.json"), ctx);
    expect(hidden.completion.choices[0]!.message).toEqual({
      role: "assistant",
      content: "The sum of the first 50 prime numbers is **5117**.",
      refusal: null,
    });
    expect(hidden.usage).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 17 + 1040,
      reasoningTokens: 1040,
    });
    expect(hidden.completion.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 1057,
      total_tokens: 1069, // = Gemini's totalTokenCount, which includes the thoughts
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 1040 },
    });
    const shown = geminiAdapter.parseChatResponse(fixture("thinking.response.json"), {
      ...ctx,
      includeReasoning: true,
    });
    expect(shown.completion.choices[0]!.message.reasoning_content).toBe(
      "**Summing the primes**\n\nI list the first 50 primes, from 2 to 229, and add them up.\n",
    );
  });

  it("keeps cached tokens inside the prompt count (promptTokenCount already includes them)", () => {
    const { completion, usage } = geminiAdapter.parseChatResponse(fixture("cached.response.json"), ctx);
    expect(usage).toEqual({
      inputTokens: 2163,
      cachedInputTokens: 2048,
      cacheWriteTokens: 0,
      outputTokens: 14,
      reasoningTokens: 0,
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 2163,
      completion_tokens: 14,
      total_tokens: 2177,
      prompt_tokens_details: { cached_tokens: 2048 },
    });
  });

  it("answers the function results with text", () => {
    const { completion } = geminiAdapter.parseChatResponse(fixture("function-response.response.json"), ctx);
    expect(completion.choices[0]!.message.content).toBe(
      "It is 38°F, cold and snowy in Boston, and 65°F and foggy in San Francisco.",
    );
    expect(completion.choices[0]!.finish_reason).toBe("stop");
  });
});

describe("stream translator", () => {
  it("turns each event into chunks at once: role first, text deltas, finish and usage from the last event", () => {
    const { chunks, translator, doneAfter } = translate("text.stream.sse");
    expect(deltas(chunks)).toEqual([
      { role: "assistant", content: "" },
      { content: "AI" },
      { content: " learns patterns from data to make predictions" },
      { content: " or decisions.\n" },
      {},
    ]);
    expect(finishes(chunks)).toEqual([null, null, null, null, "stop"]);
    expect(chunks.every((c) => c.id === "chatcmpl-abc" && c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.every((c) => c.model === "my-gemini" && c.created === 1700000000)).toBe(true);
    expect(doneAfter).toEqual([false, false, true]);
    expect(translator.usage).toEqual({
      inputTokens: 8,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
  });

  it("sends whole function calls as one delta each, with distinct ids and increasing indexes across events", () => {
    const { chunks, translator } = translate("parallel-calls.stream.sse");
    expect(deltas(chunks)).toEqual([
      { role: "assistant", content: "" },
      {
        tool_calls: [
          {
            index: 0,
            id: "call_abc_0",
            type: "function",
            function: { name: "get_current_weather", arguments: '{"location":"Boston, MA"}' },
          },
        ],
      },
      {
        tool_calls: [
          {
            index: 1,
            id: "call_abc_1",
            type: "function",
            function: { name: "get_current_weather", arguments: '{"location":"San Francisco, CA"}' },
          },
        ],
      },
      {},
    ]);
    expect(finishes(chunks).at(-1)).toBe("tool_calls");
    expect(translator.done).toBe(true);
    expect(translator.usage).toMatchObject({ inputTokens: 58, outputTokens: 16 });
  });

  it("streams thought text as reasoning_content only when asked, and bills thoughts as output", () => {
    const hidden = translate("thinking.stream.sse");
    expect(deltas(hidden.chunks)).toEqual([
      { role: "assistant", content: "" },
      { content: "The sum of the first 50 prime numbers is " },
      { content: "**5117**." },
      {},
    ]);
    expect(hidden.translator.usage).toEqual({
      inputTokens: 12,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 1057,
      reasoningTokens: 1040,
    });
    const shown = translate("thinking.stream.sse", { ...ctx, includeReasoning: true });
    expect(deltas(shown.chunks)[1]).toEqual({
      reasoning_content:
        "**Summing the primes**\n\nI list the first 50 primes, from 2 to 229, and add them up.\n",
    });
  });

  it("finishes a SAFETY block without content as content_filter", () => {
    const { chunks, translator } = translate("safety-block.stream.sse");
    expect(deltas(chunks)).toEqual([{ role: "assistant", content: "" }, {}]);
    expect(finishes(chunks)).toEqual([null, "content_filter"]);
    expect(translator.done).toBe(true);
    expect(translator.usage).toMatchObject({ inputTokens: 11, outputTokens: 0 });
  });

  it("finishes a blocked prompt as content_filter", () => {
    const t = geminiAdapter.createStreamTranslator(ctx);
    const chunks = t.push({ data: JSON.stringify(fixture("prompt-blocked.response.json")) });
    expect(finishes(chunks)).toEqual([null, "content_filter"]);
    expect(t.done).toBe(true);
  });

  it("throws UpstreamStreamError for an error object in the stream, after the chunks already sent", () => {
    const parser = new SseParser();
    const t = geminiAdapter.createStreamTranslator(ctx);
    const [first, second] = parser.push(raw("error.stream.sse"));
    expect(deltas(t.push(first!))).toEqual([
      { role: "assistant", content: "" },
      { content: "Artificial intelligence" },
    ]);
    let thrown: unknown;
    try {
      t.push(second!);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UpstreamStreamError);
    expect((thrown as UpstreamStreamError).info).toEqual({
      status: 503,
      type: "server_error",
      code: "unavailable",
      message: "The model is overloaded. Please try again later.",
    });
    expect(t.done).toBe(false);
  });

  it("rejects an event that is not JSON", () => {
    const t = geminiAdapter.createStreamTranslator(ctx);
    expect(() => t.push({ data: "<html>" })).toThrow(UpstreamStreamError);
  });
});

describe("several candidates (n > 1)", () => {
  const twoCandidates = (finish: [string?, string?]) => ({
    candidates: [
      {
        content: { parts: [{ functionCall: { name: "f", args: {} } }], role: "model" },
        finishReason: finish[0],
        index: 0,
      },
      { content: { parts: [{ text: "b" }], role: "model" }, finishReason: finish[1], index: 1 },
    ],
  });

  it("become choices, with tool call ids distinct across them", () => {
    const { completion } = geminiAdapter.parseChatResponse(twoCandidates(["STOP", "MAX_TOKENS"]), ctx);
    expect(completion.choices.map((c) => [c.index, c.finish_reason])).toEqual([
      [0, "tool_calls"],
      [1, "length"],
    ]);
    expect(completion.choices[0]!.message.tool_calls![0]!.id).toBe("call_abc_0");
    expect(completion.choices[1]!.message.content).toBe("b");
  });

  it("end the stream only when every candidate has finished", () => {
    const t = geminiAdapter.createStreamTranslator(ctx);
    t.push({ data: JSON.stringify(twoCandidates(["STOP", undefined])) });
    expect(t.done).toBe(false);
    const last = t.push({ data: JSON.stringify({ candidates: [{ finishReason: "STOP", index: 1 }] }) });
    expect(last.map((c) => [c.choices[0]!.index, c.choices[0]!.finish_reason])).toEqual([[1, "stop"]]);
    expect(t.done).toBe(true);
  });
});

describe("parseError", () => {
  it.each([
    ["error-invalid-argument.json", 400, 400, "invalid_request_error", "invalid_argument"],
    ["error-invalid-key.json", 400, 401, "authentication_error", "invalid_api_key"],
    ["error-permission-denied.json", 403, 403, "permission_error", "permission_denied"],
    ["error-not-found.json", 404, 404, "invalid_request_error", "not_found"],
    ["error-rate-limit.json", 429, 429, "rate_limit_error", "resource_exhausted"],
    ["error-internal.json", 500, 500, "server_error", "internal"],
    ["error-overloaded.json", 503, 503, "server_error", "unavailable"],
    ["error-deadline.json", 504, 504, "server_error", "deadline_exceeded"],
  ])("%s (HTTP %i) -> %i %s", (file, http, status, type, code) => {
    const text = raw(file);
    const info = geminiAdapter.parseError(http, text, {});
    const expected = (JSON.parse(text) as { error: { message: string } }).error.message;
    expect(info).toEqual({ status, type, code, message: expected });
  });

  it("maps UNAUTHENTICATED to 401", () => {
    const body = JSON.stringify({
      error: { code: 401, message: "Request had invalid credentials.", status: "UNAUTHENTICATED" },
    });
    expect(geminiAdapter.parseError(401, body, {})).toMatchObject({
      status: 401,
      type: "authentication_error",
    });
  });

  it("reads an error wrapped in an array (streamGenerateContent without alt=sse)", () => {
    const body = `[${raw("error-overloaded.json")}]`;
    expect(geminiAdapter.parseError(503, body, {})).toMatchObject({ status: 503, code: "unavailable" });
  });

  it("handles bodies that are not JSON", () => {
    expect(geminiAdapter.parseError(502, "<html>Bad Gateway</html>", {})).toEqual({
      status: 502,
      type: "server_error",
      code: null,
      message: "Gemini returned HTTP 502: <html>Bad Gateway</html>",
    });
    expect(geminiAdapter.parseError(429, "", {})).toEqual({
      status: 429,
      type: "rate_limit_error",
      code: null,
      message: "Gemini returned HTTP 429.",
    });
  });
});

describe("embeddings", () => {
  const embedTarget = { ...target, upstreamModel: "gemini-embedding-001" };

  it("sends one batchEmbedContents request per input", () => {
    const req = geminiAdapter.buildEmbeddingsRequest!(
      {
        model: "embed",
        input: ["What is the meaning of life?", "How does the brain work?"],
        dimensions: 4,
        encoding_format: "float",
      },
      embedTarget,
    );
    expect(req.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(req.headers["x-goog-api-key"]).toBe("AIza-test");
    expect(JSON.parse(req.body)).toEqual(fixture("batch-embed.request.json"));
    const single = geminiAdapter.buildEmbeddingsRequest!({ model: "embed", input: "hi" }, embedTarget);
    expect(JSON.parse(single.body)).toEqual({
      requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "hi" }] } }],
    });
  });

  it("rejects token-array input", () => {
    expect(() =>
      geminiAdapter.buildEmbeddingsRequest!({ model: "e", input: [1, 2, 3] }, embedTarget),
    ).toThrow(AppError);
  });

  it("returns floats in input order with an estimated usage", () => {
    const req = { model: "embed", input: ["What is the meaning of life?", "How does the brain work?"] };
    const { response, usage } = geminiAdapter.parseEmbeddingsResponse!(
      fixture("batch-embed.response.json"),
      req,
    );
    expect(response).toEqual({
      object: "list",
      model: "embed",
      data: [
        { object: "embedding", index: 0, embedding: [0.015625, -0.5, 0.25, 0.75] },
        { object: "embedding", index: 1, embedding: [-0.125, 0.0625, 0.5, -0.375] },
      ],
      usage: { prompt_tokens: 7 + 6, total_tokens: 13 }, // ceil(28/4) + ceil(24/4)
    });
    expect(usage).toMatchObject({ inputTokens: 13, outputTokens: 0 });
  });

  it("returns base64 little-endian float32 when asked (the openai SDK's default)", () => {
    const req = { model: "embed", input: ["a", "b"], encoding_format: "base64" as const };
    const { response } = geminiAdapter.parseEmbeddingsResponse!(fixture("batch-embed.response.json"), req);
    const decoded = response.data.map((d) => {
      const buf = Buffer.from(d.embedding as string, "base64");
      return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
    });
    expect(decoded).toEqual([
      [0.015625, -0.5, 0.25, 0.75],
      [-0.125, 0.0625, 0.5, -0.375],
    ]);
    expect(float32Base64([1])).toBe("AACAPw=="); // 0x3f800000, little-endian
  });
});

describe("toGeminiSchema", () => {
  it("keeps property names that collide with dropped keywords", () => {
    expect(
      toGeminiSchema({
        type: "object",
        properties: { additionalProperties: { type: "string" }, strict: {} },
      }),
    ).toEqual({ type: "object", properties: { additionalProperties: { type: "string" }, strict: {} } });
  });
});
