import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { SseParser } from "../sse";
import {
  anthropicAdapter,
  DEFAULT_MAX_TOKENS,
  JSON_TOOL_NAME,
  normalizeUsage,
  type MessagesBody,
} from "./anthropic";
import {
  UpstreamStreamError,
  type ChatCompletionChunk,
  type ChatRequest,
  type SseEvent,
  type TranslateContext,
  type UpstreamTarget,
} from "./types";

// ---------- helpers ----------

const FIXTURES = path.join(import.meta.dirname, "fixtures", "anthropic");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are free-form JSON
function fixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8"));
}

function sseEvents(name: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(readFileSync(path.join(FIXTURES, name))), ...parser.end()];
}

const target: UpstreamTarget = {
  baseUrl: "https://api.anthropic.com",
  apiKey: "sk-ant-test",
  upstreamModel: "claude-sonnet-4-5",
  headers: { "anthropic-beta": "fine-grained-tool-streaming-2025-05-14" },
};

const ctx: TranslateContext = {
  id: "chatcmpl-abc",
  model: "claude-client-alias",
  created: 1_700_000_000,
  includeReasoning: false,
};

function build(req: Partial<ChatRequest>, stream = false): MessagesBody {
  const full: ChatRequest = { model: "claude-client-alias", messages: [], ...req };
  return JSON.parse(anthropicAdapter.buildChatRequest(full, target, { stream }).body) as MessagesBody;
}

function translate(events: SseEvent[], c: TranslateContext = ctx) {
  const translator = anthropicAdapter.createStreamTranslator(c);
  const perEvent = events.map((e) => translator.push(e));
  return { translator, perEvent, chunks: perEvent.flat() };
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
const reasoningOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("");
const finishesOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.finish_reason).filter((f) => f !== null);

/** Tool calls as the client reassembles them from deltas: by index, arguments concatenated. */
function reassembleToolCalls(chunks: ChatCompletionChunk[]) {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const c of chunks) {
    for (const d of c.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[d.index] ??= { id: "", name: "", arguments: "" });
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name = d.function.name;
      call.arguments += d.function?.arguments ?? "";
    }
  }
  return calls;
}

const ev = (event: string, data: unknown): SseEvent => ({ event, data: JSON.stringify(data) });

// ---------- request ----------

describe("anthropicAdapter.buildChatRequest", () => {
  it("posts /v1/messages with the documented headers plus the target's, and the documented body", () => {
    const f = fixture("text.json");
    const req = anthropicAdapter.buildChatRequest(
      { model: "alias", messages: [{ role: "user", content: "Hello, world" }], max_tokens: 1024 },
      target,
      { stream: false },
    );
    expect(req.path).toBe("/v1/messages");
    expect(req.headers).toEqual({
      "x-api-key": "sk-ant-test",
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      "anthropic-beta": "fine-grained-tool-streaming-2025-05-14",
    });
    expect(JSON.parse(req.body)).toEqual(f.request);
  });

  it("supplies max_tokens: max_completion_tokens, else max_tokens, else the default", () => {
    const messages: ChatRequest["messages"] = [{ role: "user", content: "hi" }];
    expect(build({ messages }).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
    expect(build({ messages, max_tokens: 300 }).max_tokens).toBe(300);
    expect(build({ messages, max_tokens: 300, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  it("moves a system message to the top-level system string", () => {
    const f = fixture("system.json");
    const body = build({
      max_tokens: 2048,
      messages: [
        { role: "system", content: f.request.system },
        { role: "user", content: f.request.messages[0].content },
      ],
    });
    expect(body).toEqual(f.request);
  });

  it("collects several system and developer messages, wherever they are, as text blocks", () => {
    const body = build({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
      ],
    });
    expect(body.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: "Answer in French." },
    ]);
    expect(body.messages).toEqual([{ role: "user", content: "Hi" }]);
  });

  it("keeps cache_control on system parts (prompt caching through the relay)", () => {
    const f = fixture("prompt-caching.json");
    const body = build({
      max_tokens: 1024,
      messages: [
        { role: "system", content: f.request.system },
        { role: "user", content: "Analyze the major themes in 'Pride and Prejudice'." },
      ],
    });
    expect(body).toEqual(f.request);
  });

  it("translates function tools to name/description/input_schema", () => {
    const f = fixture("tool-use.json");
    const tool = f.request.tools[0];
    const body = build({
      max_tokens: 1024,
      messages: [{ role: "user", content: "What is the weather like in San Francisco?" }],
      tools: [
        {
          type: "function",
          function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
        },
      ],
    });
    expect(body).toEqual(f.request);
  });

  it("defaults a tool's input_schema to an empty object schema", () => {
    const body = build({
      messages: [{ role: "user", content: "hi" }],
      tools: [{ type: "function", function: { name: "ping" } }],
    });
    expect(body.tools).toEqual([{ name: "ping", input_schema: { type: "object", properties: {} } }]);
  });

  it("turns assistant tool_calls into tool_use blocks and a tool result into a tool_result in a user message", () => {
    const f = fixture("tool-use.json");
    const [, assistant] = f.followup.messages;
    const call = assistant.content[1];
    const body = build({
      messages: [
        { role: "user", content: "What is the weather like in San Francisco?" },
        {
          role: "assistant",
          content: assistant.content[0].text,
          tool_calls: [
            {
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: JSON.stringify(call.input) },
            },
          ],
        },
        { role: "tool", tool_call_id: call.id, content: "15 degrees" },
      ],
    });
    expect(body.messages).toEqual(f.followup.messages);
  });

  it("puts consecutive tool results in ONE user message (parallel tool use)", () => {
    const f = fixture("tool-use-parallel.json");
    const body = build({
      messages: [
        { role: "user", content: "What's the weather in SF and what time is it there?" },
        {
          role: "assistant",
          content: "I'll check the weather and time for you.",
          tool_calls: [
            {
              id: "toolu_01",
              type: "function",
              function: { name: "get_weather", arguments: '{"location": "San Francisco"}' },
            },
            {
              id: "toolu_02",
              type: "function",
              function: { name: "get_time", arguments: '{"timezone":"America/Los_Angeles"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01", content: "15 degrees" },
        { role: "tool", tool_call_id: "toolu_02", content: [{ type: "text", text: "2:30 PM" }] },
      ],
    });
    expect(body.messages.slice(0, 2)).toEqual(f.followup.messages.slice(0, 2));
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_01", content: "15 degrees" },
        { type: "tool_result", tool_use_id: "toolu_02", content: [{ type: "text", text: "2:30 PM" }] },
      ],
    });
    expect(body.messages).toHaveLength(3);
  });

  it("merges consecutive same-role messages and sends invalid tool arguments as {}", () => {
    const body = build({
      messages: [
        { role: "user", content: "one" },
        { role: "user", content: [{ type: "text", text: "two" }] },
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{not json" } }],
        },
        { role: "tool", tool_call_id: "t1", content: "r" },
        { role: "user", content: "thanks" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "t2", type: "function", function: { name: "f", arguments: "[1]" } }],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "r" },
          { type: "text", text: "thanks" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_use", id: "t2", name: "f", input: {} }] },
    ]);
  });

  it("sends data-URL images as base64 sources and http(s) images as url sources", () => {
    const f = fixture("image.json");
    const [b64, url] = f.request.messages[0].content;
    const body = build({
      max_tokens: 1024,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "image_url",
              image_url: { url: `data:${b64.source.media_type};base64,${b64.source.data}` },
            },
            { type: "image_url", image_url: { url: url.source.url, detail: "high" } },
            { type: "text", text: "Describe these images." },
          ],
        },
      ],
    });
    expect(body).toEqual(f.request);
  });

  it("rejects content it cannot translate with a 400 naming messages", () => {
    const audio = () =>
      build({
        messages: [
          { role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] },
        ],
      });
    expect(audio).toThrow(AppError);
    expect(audio).toThrow(/input_audio/);
    const ftp = () =>
      build({
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }],
      });
    expect(ftp).toThrow(expect.objectContaining({ code: "invalid_request", param: "messages" }));
  });

  it("maps stop (string or array) to stop_sequences", () => {
    const f = fixture("stop-sequence.json");
    const messages: ChatRequest["messages"] = [
      { role: "user", content: "Count from 1 to 10, separated by spaces." },
    ];
    expect(build({ messages, max_tokens: 1024, stop: "4" })).toEqual(f.request);
    expect(build({ messages, stop: ["a", "b"] }).stop_sequences).toEqual(["a", "b"]);
    expect(build({ messages, stop: null })).not.toHaveProperty("stop_sequences");
  });

  it("clamps temperature to Anthropic's 0-1 and passes top_p", () => {
    const messages: ChatRequest["messages"] = [{ role: "user", content: "hi" }];
    expect(build({ messages, temperature: 1.7 }).temperature).toBe(1);
    expect(build({ messages, temperature: 0.3, top_p: 0.9 })).toMatchObject({ temperature: 0.3, top_p: 0.9 });
    expect(build({ messages, temperature: 0 }).temperature).toBe(0);
  });

  it.each([
    ["auto", undefined, { type: "auto" }],
    ["required", undefined, { type: "any" }],
    ["none", undefined, { type: "none" }],
    [
      { type: "function", function: { name: "get_weather" } },
      undefined,
      { type: "tool", name: "get_weather" },
    ],
    [undefined, false, { type: "auto", disable_parallel_tool_use: true }],
    ["required", false, { type: "any", disable_parallel_tool_use: true }],
    ["none", false, { type: "none" }],
    [undefined, undefined, undefined],
  ] as const)("maps tool_choice %j with parallel_tool_calls %j", (choice, parallel, expected) => {
    const body = build({
      messages: [{ role: "user", content: "hi" }],
      tools: [
        {
          type: "function",
          function: { name: "get_weather", parameters: { type: "object", properties: {} } },
        },
      ],
      ...(choice !== undefined ? { tool_choice: choice as ChatRequest["tool_choice"] } : {}),
      ...(parallel !== undefined ? { parallel_tool_calls: parallel } : {}),
    });
    expect(body.tool_choice).toEqual(expected);
  });

  it("drops tool_choice when no tools are offered", () => {
    const body = build({
      messages: [{ role: "user", content: "hi" }],
      tool_choice: "required",
      parallel_tool_calls: false,
    });
    expect(body).not.toHaveProperty("tool_choice");
    expect(body).not.toHaveProperty("tools");
  });

  it("asks for JSON through a forced tool whose input_schema is the client's schema", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const messages: ChatRequest["messages"] = [{ role: "user", content: "Where is the Eiffel tower?" }];
    const withSchema = build({
      messages,
      response_format: { type: "json_schema", json_schema: { name: "place", schema, strict: true } },
    });
    expect(withSchema.tools).toEqual([
      { name: JSON_TOOL_NAME, description: expect.any(String), input_schema: schema },
    ]);
    expect(withSchema.tool_choice).toEqual({
      type: "tool",
      name: JSON_TOOL_NAME,
      disable_parallel_tool_use: true,
    });

    const object = build({ messages, response_format: { type: "json_object" } });
    expect(object.tools?.[0]).toMatchObject({ name: JSON_TOOL_NAME, input_schema: { type: "object" } });

    // With client tools the model must either call one of them or answer through the JSON tool.
    const both = build({
      messages,
      response_format: { type: "json_object" },
      tools: [{ type: "function", function: { name: "lookup" } }],
    });
    expect(both.tools?.map((t) => t.name)).toEqual(["lookup", JSON_TOOL_NAME]);
    expect(both.tool_choice).toEqual({ type: "any" });
    expect(build({ messages, response_format: { type: "text" } })).not.toHaveProperty("tools");
  });

  it("maps reasoning_effort to thinking, raises max_tokens above the budget and drops temperature", () => {
    const messages: ChatRequest["messages"] = [{ role: "user", content: "What is 27 * 453?" }];
    const body = build({
      messages,
      reasoning_effort: "high",
      max_tokens: 1000,
      temperature: 0.2,
      top_p: 0.5,
    });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
    expect(body.max_tokens).toBe(16384 + 1000);
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_p");
    const roomy = build({ messages, reasoning_effort: "low", max_completion_tokens: 20000, top_p: 0.97 });
    expect(roomy).toMatchObject({ thinking: { budget_tokens: 2048 }, max_tokens: 20000, top_p: 0.97 });
  });

  it("with thinking, JSON mode cannot force the tool: auto plus a system instruction", () => {
    const body = build({
      messages: [
        { role: "system", content: "Be exact." },
        { role: "user", content: "hi" },
      ],
      reasoning_effort: "medium",
      response_format: { type: "json_object" },
    });
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(body.system).toMatch(/^Be exact\.\n\n.*json_response/s);
  });

  it("skips thinking mid tool loop, where Anthropic would demand the signed thinking block back", () => {
    const body = build({
      reasoning_effort: "low",
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          tool_calls: [{ id: "t", type: "function", function: { name: "w", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "t", content: "sunny" },
      ],
    });
    expect(body).not.toHaveProperty("thinking");
  });

  it("sets metadata.user_id and stream, and drops OpenAI-only fields Anthropic would reject", () => {
    const body = build(
      {
        messages: [{ role: "user", content: "hi" }],
        user: "user-42",
        n: 1,
        seed: 7,
        stream_options: { include_usage: true },
        frequency_penalty: 0.5,
        logprobs: true,
        some_vendor_field: "x",
      },
      true,
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: DEFAULT_MAX_TOKENS,
      metadata: { user_id: "user-42" },
      stream: true,
    });
  });
});

// ---------- non-stream response ----------

describe("anthropicAdapter.parseChatResponse", () => {
  it("translates a text answer with the context's id, model and created", () => {
    const { completion, usage } = anthropicAdapter.parseChatResponse(fixture("text.json").response, ctx);
    expect(completion).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "claude-client-alias",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hi! My name is Claude.", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 2095,
        completion_tokens: 503,
        total_tokens: 2598,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(usage).toEqual({
      inputTokens: 2095,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 503,
      reasoningTokens: 0,
    });
  });

  it("joins several text blocks", () => {
    const { completion } = anthropicAdapter.parseChatResponse(fixture("system.json").response, ctx);
    expect(completion.choices[0]?.message.content).toBe(
      "I see three anomalies in this dataset. First, the March revenue spike is 4.2 standard deviations above the mean.",
    );
  });

  it("turns tool_use blocks into tool_calls (id kept, input as JSON arguments); no usage when none was sent", () => {
    const f = fixture("tool-use.json");
    const { completion, usage } = anthropicAdapter.parseChatResponse(f.response, ctx);
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBe(f.response.content[0].text);
    expect(choice.message.tool_calls).toEqual([
      {
        id: "toolu_01A09q90qw90lq917835lq9",
        type: "function",
        function: { name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      },
    ]);
    expect(usage).toBeNull();
    expect(completion).not.toHaveProperty("usage");
  });

  it("keeps parallel tool_use blocks in order", () => {
    const { completion } = anthropicAdapter.parseChatResponse(
      fixture("tool-use-parallel.json").response,
      ctx,
    );
    const calls = completion.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ["toolu_01", "get_weather", { location: "San Francisco" }],
      ["toolu_02", "get_time", { timezone: "America/Los_Angeles" }],
    ]);
  });

  it("gives null content for a tool-only answer", () => {
    const { completion } = anthropicAdapter.parseChatResponse(
      { content: [{ type: "tool_use", id: "toolu_x", name: "f", input: {} }], stop_reason: "tool_use" },
      ctx,
    );
    expect(completion.choices[0]!.message.content).toBeNull();
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["something_new", "stop"],
  ])("maps stop_reason %s to finish_reason %s", (stopReason, finish) => {
    const { completion } = anthropicAdapter.parseChatResponse({ content: [], stop_reason: stopReason }, ctx);
    expect(completion.choices[0]!.finish_reason).toBe(finish);
  });

  it("maps the stop_sequence and max_tokens fixtures", () => {
    const stop = anthropicAdapter.parseChatResponse(fixture("stop-sequence.json").response, ctx).completion;
    expect(stop.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "1 2 3 " } });
    const length = anthropicAdapter.parseChatResponse(fixture("max-tokens.json").response, ctx).completion;
    expect(length.choices[0]).toMatchObject({
      finish_reason: "length",
      message: { content: "The sea, the restless" },
    });
  });

  it("keeps thinking out of content, and gives it as reasoning_content only when asked", () => {
    const body = fixture("thinking.json").response;
    const plain = anthropicAdapter.parseChatResponse(body, ctx).completion.choices[0]!.message;
    expect(plain.content).toBe("Based on my analysis...");
    expect(plain).not.toHaveProperty("reasoning_content");
    const asked = anthropicAdapter.parseChatResponse(body, { ...ctx, includeReasoning: true }).completion
      .choices[0]!;
    expect(asked.message).toMatchObject({
      content: "Based on my analysis...",
      reasoning_content: "Let me analyze this step by step...",
    });
    expect(asked.finish_reason).toBe("stop");
  });

  it("normalizes prompt caching usage: prompt = input + cache read + cache write, cached = cache read", () => {
    const f = fixture("prompt-caching.json");
    const { completion, usage } = anthropicAdapter.parseChatResponse(f.response, ctx);
    // 50 new + 100,000 read from the cache + 1,248 written to it = 101,298; total = 101,298 + 393.
    expect(usage).toEqual({
      inputTokens: 101_298,
      cachedInputTokens: 100_000,
      cacheWriteTokens: 1_248,
      outputTokens: 393,
      reasoningTokens: 0,
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 101_298,
      completion_tokens: 393,
      total_tokens: 101_691,
      prompt_tokens_details: { cached_tokens: 100_000 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const { first_call, second_call, cached_100k } = f.documented_usage;
    expect(normalizeUsage(first_call)).toMatchObject({
      inputTokens: 188_107,
      cachedInputTokens: 0,
      cacheWriteTokens: 188_086,
    });
    expect(normalizeUsage(second_call)).toMatchObject({
      inputTokens: 188_107,
      cachedInputTokens: 188_086,
      cacheWriteTokens: 0,
    });
    // The docs: "Total input tokens processed: 100,050 tokens".
    expect(normalizeUsage(cached_100k).inputTokens).toBe(100_050);
  });

  it("returns a JSON-mode answer as plain JSON content with finish_reason stop", () => {
    const { completion } = anthropicAdapter.parseChatResponse(
      {
        content: [
          {
            type: "tool_use",
            id: "toolu_j",
            name: JSON_TOOL_NAME,
            input: { city: "Paris", country: "France" },
          },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 400, output_tokens: 20 },
      },
      ctx,
    );
    expect(completion.choices[0]).toMatchObject({
      message: { content: '{"city":"Paris","country":"France"}', refusal: null },
      finish_reason: "stop",
    });
    expect(completion.choices[0]!.message).not.toHaveProperty("tool_calls");
  });
});

// ---------- stream ----------

describe("anthropicAdapter.createStreamTranslator", () => {
  it("translates the documented basic stream event by event", () => {
    const { translator, perEvent, chunks } = translate(sseEvents("stream-text.sse"));
    // message_start, block start, ping, delta, delta, block stop, message_delta, message_stop
    expect(perEvent.map((c) => c.length)).toEqual([1, 0, 0, 1, 1, 0, 1, 0]);
    expect(chunks.map((c) => c.choices[0]!.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hello" },
      { content: "!" },
      {},
    ]);
    expect(finishesOf(chunks)).toEqual(["stop"]);
    expect(chunks[3]!.choices[0]!.finish_reason).toBe("stop");
    for (const c of chunks) {
      expect(c).toMatchObject({
        id: "chatcmpl-abc",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "claude-client-alias",
      });
    }
    expect(translator.done).toBe(true);
    // output_tokens 15 in message_delta is cumulative: it replaces message_start's 1, it is not added.
    expect(translator.usage).toEqual({
      inputTokens: 25,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 15,
      reasoningTokens: 0,
    });
  });

  it("is done only after message_stop", () => {
    const events = sseEvents("stream-text.sse");
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    for (const e of events.slice(0, -1)) translator.push(e);
    expect(translator.done).toBe(false);
    translator.push(events.at(-1)!);
    expect(translator.done).toBe(true);
  });

  it("streams a tool call: one start delta (id, name, empty arguments) then argument pieces, same index", () => {
    const { translator, chunks } = translate(sseEvents("stream-tool-use.sse"));
    expect(contentOf(chunks)).toBe("Okay, let's check the weather for San Francisco, CA:");
    const toolDeltas = chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(toolDeltas.slice(1).every((d) => d.index === 0 && d.id === undefined)).toBe(true);
    expect(toolDeltas).toHaveLength(1 + 8); // the empty first partial_json carries nothing
    const calls = reassembleToolCalls(chunks);
    expect(calls).toEqual([
      {
        id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        name: "get_weather",
        arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
      },
    ]);
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(finishesOf(chunks)).toEqual(["tool_calls"]);
    expect(translator.usage).toMatchObject({ inputTokens: 472, outputTokens: 89 });
  });

  it("numbers parallel tool calls 0 and 1 among tool blocks, not by content block index", () => {
    const { chunks } = translate(sseEvents("stream-parallel-tools.sse"));
    const starts = chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []).filter((d) => d.id);
    expect(starts.map((d) => [d.index, d.id, d.function?.name])).toEqual([
      [0, "toolu_01", "get_weather"],
      [1, "toolu_02", "get_time"],
    ]);
    const calls = reassembleToolCalls(chunks);
    expect(calls.map((c) => JSON.parse(c.arguments))).toEqual([
      { location: "San Francisco" },
      { timezone: "America/Los_Angeles" },
    ]);
    expect(contentOf(chunks)).toBe("I'll check the weather and time for you.");
    expect(finishesOf(chunks)).toEqual(["tool_calls"]);
  });

  it("drops thinking unless reasoning was asked for; signature deltas never reach the client", () => {
    const events = sseEvents("stream-thinking.sse");
    const plain = translate(events);
    expect(contentOf(plain.chunks)).toBe("27 * 453 = 12,231");
    expect(reasoningOf(plain.chunks)).toBe("");
    expect(plain.chunks).toHaveLength(3); // role, text, finish
    // The documented thinking stream carries no usage at all.
    expect(plain.translator.usage).toBeNull();

    const asked = translate(events, { ...ctx, includeReasoning: true });
    expect(reasoningOf(asked.chunks)).toBe(
      "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3\n3. 27 * 400 = 10,800" +
        "\n4. 27 * 50 = 1,350\n5. 27 * 3 = 81\n6. 10,800 + 1,350 + 81 = 12,231",
    );
    expect(contentOf(asked.chunks)).toBe("27 * 453 = 12,231");
    expect(JSON.stringify(asked.chunks)).not.toContain("EqQBCgIYAhIM");
    expect(finishesOf(asked.chunks)).toEqual(["stop"]);
  });

  it("reports cache usage from message_start and takes message_delta's cumulative counts without adding", () => {
    const events = sseEvents("stream-caching.sse");
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push(events[0]!);
    expect(translator.usage).toEqual({
      inputTokens: 101_298,
      cachedInputTokens: 100_000,
      cacheWriteTokens: 1_248,
      outputTokens: 1,
      reasoningTokens: 0,
    });
    for (const e of events.slice(1)) translator.push(e);
    expect(translator.usage).toEqual({
      inputTokens: 101_298, // not doubled by message_delta repeating the input side
      cachedInputTokens: 100_000,
      cacheWriteTokens: 1_248,
      outputTokens: 393, // not 394
      reasoningTokens: 0,
    });
  });

  it("takes input-side counts that only arrive in message_delta", () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    translator.push(
      ev("message_start", {
        type: "message_start",
        message: { usage: { input_tokens: 0, output_tokens: 1 } },
      }),
    );
    translator.push(
      ev("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: {
          input_tokens: 30,
          cache_read_input_tokens: 70,
          cache_creation_input_tokens: null,
          output_tokens: 9,
        },
      }),
    );
    expect(translator.usage).toEqual({
      inputTokens: 100,
      cachedInputTokens: 70,
      cacheWriteTokens: 0,
      outputTokens: 9,
      reasoningTokens: 0,
    });
  });

  it("ends with finish stop for a stop sequence", () => {
    const { chunks } = translate(sseEvents("stream-stop-sequence.sse"));
    expect(contentOf(chunks)).toBe("1 2 3 ");
    expect(finishesOf(chunks)).toEqual(["stop"]);
  });

  it("throws an overloaded_error mid-stream as a 529 server error, after the text already sent", () => {
    const events = sseEvents("stream-overloaded.sse");
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    const before = events.slice(0, -1).flatMap((e) => translator.push(e));
    expect(contentOf(before)).toBe("Hello");
    expect(finishesOf(before)).toEqual([]);
    let thrown: unknown;
    try {
      translator.push(events.at(-1)!);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UpstreamStreamError);
    expect((thrown as UpstreamStreamError).info).toEqual({
      status: 529,
      type: "server_error",
      code: "overloaded_error",
      message: "Overloaded",
      param: null,
    });
    expect(translator.done).toBe(false);
  });

  it("maps other stream error types by Anthropic's table", () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    expect(() =>
      translator.push(
        ev("error", { type: "error", error: { type: "rate_limit_error", message: "slow down" } }),
      ),
    ).toThrow(
      expect.objectContaining({ info: expect.objectContaining({ status: 429, type: "rate_limit_error" }) }),
    );
  });

  it("throws on a malformed event instead of finishing", () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    expect(() => translator.push({ event: "content_block_delta", data: "{not json" })).toThrow(
      UpstreamStreamError,
    );
  });

  it("ignores event types it does not know (the versioning policy adds some)", () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    expect(translator.push(ev("brand_new_event", { type: "brand_new_event", x: 1 }))).toEqual([]);
  });

  it("streams a JSON-mode answer as content and finishes with stop", () => {
    const events = [
      ev("message_start", {
        type: "message_start",
        message: { usage: { input_tokens: 10, output_tokens: 1 } },
      }),
      ev("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_j", name: JSON_TOOL_NAME, input: {} },
      }),
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: "" },
      }),
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"city": ' },
      }),
      ev("content_block_delta", {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '"Paris"}' },
      }),
      ev("content_block_stop", { type: "content_block_stop", index: 0 }),
      ev("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "tool_use" },
        usage: { output_tokens: 12 },
      }),
      ev("message_stop", { type: "message_stop" }),
    ];
    const { chunks } = translate(events);
    expect(contentOf(chunks)).toBe('{"city": "Paris"}');
    expect(chunks.some((c) => c.choices[0]!.delta.tool_calls)).toBe(false);
    expect(finishesOf(chunks)).toEqual(["stop"]);
  });
});

// ---------- errors ----------

describe("anthropicAdapter.parseError", () => {
  interface ErrorCase {
    status: number;
    headers: Record<string, string>;
    body: string;
    expect: Record<string, unknown>;
  }
  const cases = (fixture("errors.json").cases as ErrorCase[]).map((c) => ({
    ...c,
    label: c.body.slice(0, 70),
  }));
  it.each(cases)("maps HTTP $status $label", (c) => {
    const info = anthropicAdapter.parseError(c.status, c.body, c.headers);
    expect(info).toMatchObject(c.expect);
    expect(info.message.length).toBeGreaterThan(0);
  });

  it("takes the request id from the request-id header when the body has none, array or not", () => {
    const body = '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}';
    expect(
      anthropicAdapter.parseError(500, body, { "request-id": ["req_1", "req_2"] }).providerRequestId,
    ).toBe("req_1");
    expect(anthropicAdapter.parseError(500, body, {})).not.toHaveProperty("providerRequestId");
  });

  it("derives the type from the status for an unknown error type", () => {
    const body = '{"type":"error","error":{"type":"brand_new_error","message":"?"}}';
    expect(anthropicAdapter.parseError(503, body, {})).toMatchObject({
      status: 503,
      type: "server_error",
      code: "brand_new_error",
    });
    expect(anthropicAdapter.parseError(409, body, {})).toMatchObject({
      status: 409,
      type: "invalid_request_error",
    });
  });
});
