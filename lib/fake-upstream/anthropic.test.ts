// The fake Anthropic API checked against the relay's adapter: request built by the adapter -> fake.parseChat ->
// makePlan -> rendered by the fake -> parsed / translated by the adapter. Both sides must agree.
import { describe, expect, it } from "vitest";
import { SseParser } from "@/lib/gateway/sse";
import { anthropicAdapter, JSON_TOOL_NAME } from "@/lib/gateway/providers/anthropic";
import {
  UpstreamStreamError,
  type ChatCompletionChunk,
  type ChatRequest,
  type TranslateContext,
  type UpstreamTarget,
} from "@/lib/gateway/providers/types";
import { AnthropicRequestError, anthropicFake, checkAnthropicHeaders } from "./anthropic";
import { makePlan } from "./plan";
import { startFakeUpstream } from "./server";

const target: UpstreamTarget = {
  baseUrl: "http://fake",
  apiKey: "sk-ant-fake",
  upstreamModel: "claude-fake-1",
};
const ctx: TranslateContext = {
  id: "chatcmpl-1",
  model: "client-model",
  created: 1,
  includeReasoning: false,
};
const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

function chat(over: Partial<ChatRequest> & { text?: string } = {}): ChatRequest {
  const { text = "hi there", ...rest } = over;
  return { model: "client-model", messages: [{ role: "user", content: text }], ...rest };
}

/** The adapter's request as the fake receives it. */
function toFake(req: ChatRequest, stream: boolean) {
  const upstream = anthropicAdapter.buildChatRequest(req, target, { stream });
  const route = anthropicFake.route(upstream.path);
  expect(route).toEqual({ kind: "chat" });
  expect(anthropicFake.checkAuth(upstream.headers)).toBeNull();
  const view = anthropicFake.parseChat(JSON.parse(upstream.body), route!);
  return { view, plan: makePlan(view) };
}

function nonStream(req: ChatRequest, c: TranslateContext = ctx) {
  const { view, plan } = toFake(req, false);
  const rendered = anthropicFake.renderChat(plan, view);
  return {
    view,
    plan,
    rendered,
    ...anthropicAdapter.parseChatResponse(JSON.parse(JSON.stringify(rendered)), c),
  };
}

function stream(req: ChatRequest, c: TranslateContext = ctx) {
  const { view, plan } = toFake(req, true);
  const frames = anthropicFake.renderChatStream(plan, view);
  const parser = new SseParser();
  const translator = anthropicAdapter.createStreamTranslator(c);
  const chunks = frames.flatMap((f) => parser.push(f)).flatMap((e) => translator.push(e));
  return { view, plan, frames, chunks, translator };
}

const contentOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
const finishesOf = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.finish_reason).filter((f) => f !== null);

function toolCallsOf(chunks: ChatCompletionChunk[]) {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const d of chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) {
    const call = (calls[d.index] ??= { id: "", name: "", arguments: "" });
    call.id ||= d.id ?? "";
    call.name ||= d.function?.name ?? "";
    call.arguments += d.function?.arguments ?? "";
  }
  return calls;
}

function rejects(body: unknown): AnthropicRequestError {
  try {
    anthropicFake.parseChat(body, {});
  } catch (err) {
    expect(err).toBeInstanceOf(AnthropicRequestError);
    return err as AnthropicRequestError;
  }
  throw new Error("expected the fake to reject the request");
}

describe("anthropicFake: routing and headers", () => {
  it("serves POST /v1/messages only", () => {
    expect(anthropicFake.route("/v1/messages")).toEqual({ kind: "chat" });
    expect(anthropicFake.route("/v1/messages?beta=true")).toEqual({ kind: "chat" });
    expect(anthropicFake.route("/v1/messages/count_tokens")).toBeNull();
    expect(anthropicFake.route("/v1/chat/completions")).toBeNull();
  });

  it("requires x-api-key (401) and anthropic-version (400)", () => {
    expect(checkAnthropicHeaders({ "anthropic-version": "2023-06-01" })).toEqual({
      status: 401,
      message: "x-api-key header is required",
    });
    expect(checkAnthropicHeaders({ "x-api-key": "k" })).toEqual({
      status: 400,
      message: "anthropic-version: header is required",
    });
    expect(anthropicFake.checkAuth({ authorization: "Bearer k", "anthropic-version": "2023-06-01" })).toBe(
      "x-api-key header is required",
    );
    expect(anthropicFake.checkAuth({ "x-api-key": "k", "anthropic-version": "2023-06-01" })).toBeNull();
  });
});

describe("anthropicFake: validation like the real API", () => {
  const ok = { model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };

  it.each([
    [{ model: "m", messages: ok.messages }, "max_tokens: Field required"],
    [{ max_tokens: 10, messages: ok.messages }, "model: Field required"],
    [{ model: "m", max_tokens: 10 }, "messages: Field required"],
    [{ ...ok, n: 2 }, "n: Extra inputs are not permitted"],
    [
      { ...ok, messages: [{ role: "system", content: "x" }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { ...ok, messages: [{ role: "assistant", content: "x" }] },
      'messages: first message must use the "user" role',
    ],
    [
      {
        ...ok,
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
      },
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    ],
    [{ ...ok, temperature: 1.5 }, "temperature: Input should be less than or equal to 1"],
    [
      { ...ok, thinking: { type: "enabled", budget_tokens: 2048 } },
      "`max_tokens` must be greater than `thinking.budget_tokens`",
    ],
    [
      {
        ...ok,
        max_tokens: 5000,
        thinking: { type: "enabled", budget_tokens: 2048 },
        tool_choice: { type: "any" },
      },
      "Thinking may not be enabled when tool_choice forces tool use.",
    ],
  ])("rejects %j", (body, message) => {
    const err = rejects(body);
    expect(err.status).toBe(400);
    expect(err.message).toBe(message);
  });

  it("rejects a tool_use not answered by a tool_result in the next message", () => {
    const err = rejects({
      ...ok,
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "w", input: {} }] },
        { role: "user", content: "well?" },
      ],
    });
    expect(err.message).toMatch(
      /^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\./,
    );
  });

  it("renders errors in Anthropic's shape, with the documented type per status", () => {
    for (const [status, type] of [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [413, "request_too_large"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [529, "overloaded_error"],
      [503, "api_error"],
      [422, "invalid_request_error"],
    ] as const) {
      const body = anthropicFake.renderError(status, "boom") as {
        type: string;
        error: { type: string };
        request_id: string;
      };
      expect(body).toMatchObject({ type: "error", error: { type, message: "boom" } });
      expect(body.request_id).toMatch(/^req_/);
    }
  });
});

describe("anthropicFake <-> anthropicAdapter round trip", () => {
  it("answers a plain request; usage comes back as the whole prompt", () => {
    const { view, plan, rendered, completion, usage } = nonStream(chat({ text: "hello fake" }));
    expect(view).toMatchObject({
      model: "claude-fake-1",
      stream: false,
      lastUserText: "hello fake",
      maxTokens: 4096,
      json: false,
    });
    expect(rendered).toMatchObject({
      id: `msg_${plan.id}`,
      type: "message",
      role: "assistant",
      model: "claude-fake-1",
      content: [{ type: "text", text: plan.text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: view.promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(completion.choices[0]).toMatchObject({ message: { content: plan.text }, finish_reason: "stop" });
    expect(usage).toEqual({
      inputTokens: view.promptTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: plan.usage.output,
      reasoningTokens: 0,
    });
  });

  it("streams frames in Anthropic's documented order and format", () => {
    const { frames, plan, chunks, translator, view } = stream(chat({ text: "count to 5" }));
    const types = frames.map((f) => /^event: (\w+)\ndata: (.*)\n\n$/s.exec(f)!);
    for (const m of types) expect(JSON.parse(m[2]!).type).toBe(m[1]);
    expect(types.map((m) => m[1])).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...plan.pieces.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(contentOf(chunks)).toBe("1 2 3 4 5");
    expect(finishesOf(chunks)).toEqual(["stop"]);
    expect(translator.done).toBe(true);
    expect(translator.usage).toMatchObject({
      inputTokens: view.promptTokens,
      outputTokens: plan.usage.output,
    });
  });

  it("calls tools in parallel, streaming each call's arguments in pieces under its own index", () => {
    const req = chat({ text: "What is the weather in Paris and Tokyo?", tools: [weatherTool] });
    const { plan, chunks, frames } = stream(req);
    expect(plan.toolCalls).toHaveLength(2);
    expect(frames.some((f) => f.includes('"input_json_delta"'))).toBe(true);
    const calls = toolCallsOf(chunks);
    expect(calls.map((c) => c.name)).toEqual(["get_weather", "get_weather"]);
    expect(calls.map((c) => c.arguments)).toEqual(plan.toolCalls.map((c) => c.arguments));
    expect(calls.map((c) => JSON.parse(c.arguments).city)).toEqual(["Paris", "Tokyo"]);
    expect(calls.every((c) => c.id.startsWith("toolu_"))).toBe(true);
    expect(finishesOf(chunks)).toEqual(["tool_calls"]);

    const { completion } = nonStream(req);
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]!.message.tool_calls?.map((c) => JSON.parse(c.function.arguments))).toEqual(
      plan.toolCalls.map((c) => JSON.parse(c.arguments)),
    );
  });

  it("accepts the tool results the adapter sends back (one user message) and answers", () => {
    const { view, completion } = nonStream(
      chat({
        tools: [weatherTool],
        parallel_tool_calls: false,
        messages: [
          { role: "user", content: "What is the weather in Paris and Tokyo?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "toolu_a",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
              {
                id: "toolu_b",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Tokyo"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "toolu_a", content: "18C" },
          { role: "tool", tool_call_id: "toolu_b", content: "22C" },
        ],
      }),
    );
    expect(view).toMatchObject({
      hasToolResults: true,
      lastUserText: "What is the weather in Paris and Tokyo?",
    });
    expect(completion.choices[0]).toMatchObject({
      message: { content: "It is 21 degrees and sunny." },
      finish_reason: "stop",
    });
  });

  it("honours tool_choice none", () => {
    const { view, completion } = nonStream(
      chat({ text: "weather in Rome?", tools: [weatherTool], tool_choice: "none" }),
    );
    expect(view.toolsAllowed).toBe(false);
    expect(completion.choices[0]!.finish_reason).toBe("stop");
  });

  it("JSON mode: the fake sees the documented technique and the client gets plain JSON, finish stop", () => {
    const req = chat({ text: "give me json", response_format: { type: "json_object" } });
    const s = stream(req);
    expect(s.view).toMatchObject({ json: true, tools: [], toolsAllowed: false });
    expect(JSON.parse(contentOf(s.chunks))).toEqual(JSON.parse(s.plan.text));
    expect(finishesOf(s.chunks)).toEqual(["stop"]);

    const n = nonStream(req);
    expect((n.rendered as { content: Array<{ name?: string }> }).content[0]!.name).toBe(JSON_TOOL_NAME);
    expect(JSON.parse(n.completion.choices[0]!.message.content!)).toEqual(JSON.parse(n.plan.text));
    expect(n.completion.choices[0]!.finish_reason).toBe("stop");
  });

  it("JSON mode with client tools still lets the model call them", () => {
    const { view, chunks } = stream(
      chat({
        text: "weather in Berlin, as json",
        tools: [weatherTool],
        response_format: { type: "json_object" },
      }),
    );
    expect(view).toMatchObject({ json: true, tools: ["get_weather"], toolsAllowed: true });
    expect(toolCallsOf(chunks).map((c) => JSON.parse(c.arguments).city)).toEqual(["Berlin"]);
  });

  it("thinking: reasoning streams only when asked, and counts in completion tokens", () => {
    const req = chat({ text: "think first", reasoning_effort: "low" });
    const { view, plan, chunks, translator } = stream(req, { ...ctx, includeReasoning: true });
    expect(view.reasoning).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(plan.thinking);
    expect(contentOf(chunks)).toBe(plan.text);
    expect(translator.usage!.outputTokens).toBe(plan.usage.output);
    expect(stream(req).chunks.some((c) => c.choices[0]?.delta.reasoning_content)).toBe(false);
  });

  it.each([
    ["[cached]", "cachedInputTokens"],
    ["[cache-write]", "cacheWriteTokens"],
  ] as const)("reports %s prompts: prompt tokens stay the whole prompt", (marker, field) => {
    const { view, usage, completion } = nonStream(chat({ text: `long document ${marker} please` }));
    const half = Math.floor(view.promptTokens / 2);
    expect(usage).toMatchObject({ inputTokens: view.promptTokens, [field]: half });
    expect(completion.usage!.prompt_tokens).toBe(view.promptTokens);
    const s = stream(chat({ text: `long document ${marker} please` }));
    expect(s.translator.usage).toMatchObject({
      inputTokens: s.view.promptTokens,
      [field]: Math.floor(s.view.promptTokens / 2),
    });
  });

  it("stops at a stop sequence (stop_sequence) and at max_tokens (length)", () => {
    const stopped = nonStream(chat({ text: "count to 10", stop: "5" }));
    expect(stopped.rendered).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: "5" });
    expect(stopped.completion.choices[0]).toMatchObject({
      message: { content: "1 2 3 4 " },
      finish_reason: "stop",
    });

    const cut = stream(chat({ text: "count to 100", max_tokens: 7 }));
    expect(cut.view.maxTokens).toBe(7);
    expect(finishesOf(cut.chunks)).toEqual(["length"]);
    expect(contentOf(cut.chunks)).toBe(cut.plan.text);
  });

  it("refuses forbidden content: stop_reason refusal -> content_filter", () => {
    const { rendered, completion } = nonStream(chat({ text: "something forbidden" }));
    expect(rendered).toMatchObject({ content: [], stop_reason: "refusal" });
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
    expect(finishesOf(stream(chat({ text: "something forbidden" })).chunks)).toEqual(["content_filter"]);
  });

  it("sees images sent as data URLs and as URLs", () => {
    for (const url of ["data:image/png;base64,iVBORw0KGgo=", "https://example.com/cat.png"]) {
      const { view, completion } = nonStream(
        chat({
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this?" },
                { type: "image_url", image_url: { url } },
              ],
            },
          ],
        }),
      );
      expect(view.hasImage).toBe(true);
      expect(completion.choices[0]!.message.content).toBe("I see an image: a small red square.");
    }
  });

  it("HTTP errors rendered by the fake map back to the right status and type", () => {
    for (const [status, type] of [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [429, "rate_limit_error"],
      [500, "server_error"],
      [529, "server_error"],
    ] as const) {
      const body = JSON.stringify(anthropicFake.renderError(status, "nope"));
      const info = anthropicAdapter.parseError(status, body, {});
      expect(info).toMatchObject({ status, type, message: "nope" });
      expect(info.providerRequestId).toMatch(/^req_/);
    }
  });

  it("the fake's mid-stream error event makes the translator throw a 529", () => {
    const translator = anthropicAdapter.createStreamTranslator(ctx);
    const events = new SseParser().push(anthropicFake.renderStreamError!("Overloaded")!);
    expect(events).toHaveLength(1);
    expect(() => translator.push(events[0]!)).toThrow(UpstreamStreamError);
    try {
      translator.push(events[0]!);
    } catch (err) {
      expect((err as UpstreamStreamError).info).toMatchObject({
        status: 529,
        type: "server_error",
        code: "overloaded_error",
      });
    }
  });
});

describe("anthropicFake behind the fake server", () => {
  it("streams over HTTP to the adapter's request, and refuses a request without x-api-key", async () => {
    const server = await startFakeUpstream([anthropicFake]);
    try {
      const upstream = anthropicAdapter.buildChatRequest(chat({ text: "count to 3" }), target, {
        stream: true,
      });
      const res = await fetch(server.url + upstream.path, {
        method: "POST",
        headers: upstream.headers,
        body: upstream.body,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const parser = new SseParser();
      const translator = anthropicAdapter.createStreamTranslator(ctx);
      const chunks = parser.push(await res.text()).flatMap((e) => translator.push(e));
      expect(contentOf(chunks)).toBe("1 2 3");
      expect(translator.done).toBe(true);

      const { "x-api-key": _omit, ...noKey } = upstream.headers;
      const denied = await fetch(server.url + upstream.path, {
        method: "POST",
        headers: noKey,
        body: upstream.body,
      });
      expect(denied.status).toBe(401);
      expect(anthropicAdapter.parseError(401, await denied.text(), {})).toMatchObject({
        status: 401,
        type: "authentication_error",
        message: "x-api-key header is required",
      });

      const bad = await fetch(server.url + upstream.path, {
        method: "POST",
        headers: upstream.headers,
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error", message: "max_tokens: Field required" },
      });
    } finally {
      await server.close();
    }
  });
});
