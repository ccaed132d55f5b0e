import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SseParser } from "../sse";
import {
  clientWantsStreamUsage,
  decodeEmbeddingBase64,
  encodeEmbeddingBase64,
  formatClientChunk,
  isUsageChunk,
  openaiAdapter,
} from "./openai";
import {
  type ChatCompletionChunk,
  type ChatRequest,
  type TranslateContext,
  type UpstreamTarget,
  UpstreamStreamError,
} from "./types";

const FIXTURES = path.join(import.meta.dirname, "fixtures", "openai");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");
const json = (name: string) => JSON.parse(fixture(name)) as unknown;

const ctx: TranslateContext = {
  id: "chatcmpl-relay1",
  model: "my-model",
  created: 1_700_000_000,
  includeReasoning: false,
};
const target: UpstreamTarget = {
  baseUrl: "https://api.openai.com/v1",
  apiKey: "sk-test",
  upstreamModel: "gpt-4o-mini",
};

/** Feeds a .sse fixture through the SSE parser and a fresh translator. */
function translate(name: string, c: TranslateContext = ctx) {
  const translator = openaiAdapter.createStreamTranslator(c);
  const parser = new SseParser();
  const chunks: ChatCompletionChunk[] = [];
  for (const event of [...parser.push(fixture(name)), ...parser.end()])
    chunks.push(...translator.push(event));
  return { translator, chunks };
}

const baseReq = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "my-model",
  messages: [{ role: "user", content: "Hello!" }],
  ...over,
});

describe("openaiAdapter.buildChatRequest", () => {
  it("posts /chat/completions with bearer auth, the target's headers and the upstream model", () => {
    const r = openaiAdapter.buildChatRequest(
      baseReq({ temperature: 0.2 }),
      { ...target, headers: { "OpenAI-Organization": "org-1" } },
      { stream: false },
    );
    expect(r.path).toBe("/chat/completions");
    expect(r.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer sk-test",
      "OpenAI-Organization": "org-1",
    });
    expect(JSON.parse(r.body)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello!" }],
      temperature: 0.2,
    });
  });

  it("omits Authorization when the key is empty (local Ollama)", () => {
    const r = openaiAdapter.buildChatRequest(baseReq(), { ...target, apiKey: "" }, { stream: false });
    expect(r.headers.authorization).toBeUndefined();
  });

  it("always asks for usage on streams, keeping the client's other stream options", () => {
    const r = openaiAdapter.buildChatRequest(
      baseReq({ stream: true, stream_options: { include_obfuscation: false } as never }),
      target,
      { stream: true },
    );
    const body = JSON.parse(r.body);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
  });

  it("does not send stream_options when the vendor does not understand them", () => {
    const r = openaiAdapter.buildChatRequest(
      baseReq({ stream: true }),
      { ...target, quirks: { supportsStreamUsage: false } },
      { stream: true },
    );
    expect(JSON.parse(r.body)).not.toHaveProperty("stream_options");
  });

  it("drops stream fields from non-stream calls and null values everywhere", () => {
    const r = openaiAdapter.buildChatRequest(
      baseReq({ stream: false, stream_options: { include_usage: true }, max_tokens: null, stop: null }),
      target,
      { stream: false },
    );
    expect(Object.keys(JSON.parse(r.body)).sort()).toEqual(["messages", "model"]);
  });

  it("passes unknown fields by default and strips the relay's reasoning_content from assistant turns", () => {
    const messages = [
      { role: "user" as const, content: "hi" },
      { role: "assistant" as const, content: "yo", reasoning_content: "thought" },
    ];
    const r = openaiAdapter.buildChatRequest(baseReq({ messages, top_k: 5 }), target, { stream: false });
    const body = JSON.parse(r.body);
    expect(body.top_k).toBe(5);
    expect(body.messages[1]).toEqual({ role: "assistant", content: "yo" });
    expect(messages[1]).toHaveProperty("reasoning_content"); // the client's request is not mutated
  });

  it("tells whether the client itself asked for the usage chunk", () => {
    expect(clientWantsStreamUsage(baseReq({ stream: true, stream_options: { include_usage: true } }))).toBe(
      true,
    );
    expect(clientWantsStreamUsage(baseReq({ stream: true }))).toBe(false);
    expect(clientWantsStreamUsage(baseReq({ stream: false, stream_options: { include_usage: true } }))).toBe(
      false,
    );
  });
});

describe("openaiAdapter.parseChatResponse", () => {
  it("translates the documented completion field by field", () => {
    const { completion, usage } = openaiAdapter.parseChatResponse(json("chat-completion.json"), ctx);
    expect(completion.id).toBe("chatcmpl-relay1");
    expect(completion.object).toBe("chat.completion");
    expect(completion.created).toBe(1_700_000_000);
    expect(completion.model).toBe("my-model");
    expect(completion.system_fingerprint).toBe("fp_44709d6fcb");
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.index).toBe(0);
    expect(completion.choices[0]!.message).toEqual({
      role: "assistant",
      content: "\n\nHello there, how may I assist you today?",
      refusal: null,
    });
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.choices[0]!.logprobs).toBeNull();
    expect(usage).toEqual({
      inputTokens: 9,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 12,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("keeps tool calls", () => {
    const { completion, usage } = openaiAdapter.parseChatResponse(
      json("chat-completion-tool-calls.json"),
      ctx,
    );
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: "call_abc123",
        type: "function",
        function: { name: "get_current_weather", arguments: '{\n"location": "Boston, MA"\n}' },
      },
    ]);
    expect(usage?.inputTokens).toBe(82);
    expect(usage?.outputTokens).toBe(17);
  });

  it("drops DeepSeek's reasoning_content unless the client asked for reasoning", () => {
    const hidden = openaiAdapter.parseChatResponse(json("deepseek-reasoner-completion.json"), ctx);
    expect(hidden.completion.choices[0]!.message).toEqual({
      role: "assistant",
      content: "Hello! How can I assist you today?",
      refusal: null,
    });
    expect(hidden.usage).toEqual({
      inputTokens: 6,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 92,
      reasoningTokens: 81,
    });
    const shown = openaiAdapter.parseChatResponse(json("deepseek-reasoner-completion.json"), {
      ...ctx,
      includeReasoning: true,
    });
    expect(shown.completion.choices[0]!.message.reasoning_content).toMatch(/^Okay, the user wrote "hello"/);
  });

  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool_calls"],
    ["content_filter", "content_filter"],
    ["function_call", "function_call"],
    ["eos", "stop"],
    ["end_turn", "stop"],
    ["max_tokens", "length"],
    ["model_length", "length"],
    ["tool_use", "tool_calls"],
    ["something_new", "stop"],
  ])("maps finish_reason %s to %s", (upstream, expected) => {
    const body = {
      choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: upstream }],
    };
    expect(openaiAdapter.parseChatResponse(body, ctx).completion.choices[0]!.finish_reason).toBe(expected);
  });

  it.each([
    ["error", 502],
    ["insufficient_system_resource", 503],
  ])("treats finish_reason %s as an upstream failure (%i)", (reason, status) => {
    const body = {
      choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: reason }],
    };
    expect(() => openaiAdapter.parseChatResponse(body, ctx)).toThrow(UpstreamStreamError);
    try {
      openaiAdapter.parseChatResponse(body, ctx);
    } catch (err) {
      expect((err as UpstreamStreamError).info).toMatchObject({ status, code: reason });
    }
  });

  it("counts DeepSeek's prompt_cache_hit_tokens as cached input", () => {
    const body = {
      choices: [{ index: 0, message: { content: "x" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 5,
        total_tokens: 105,
        prompt_cache_hit_tokens: 64,
        prompt_cache_miss_tokens: 36,
      },
    };
    const { usage, completion } = openaiAdapter.parseChatResponse(body, ctx);
    expect(usage?.cachedInputTokens).toBe(64);
    expect(completion.usage?.prompt_tokens_details).toEqual({ cached_tokens: 64 });
    expect(completion.usage).not.toHaveProperty("prompt_cache_hit_tokens");
  });
});

describe("openaiAdapter.createStreamTranslator", () => {
  it("rewrites every chunk and turns the include_usage chunk into the trailing usage chunk", () => {
    const { translator, chunks } = translate("stream-include-usage.sse");
    expect(translator.done).toBe(true);
    expect(chunks).toHaveLength(8);
    for (const c of chunks) {
      expect(c.id).toBe("chatcmpl-relay1");
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.model).toBe("my-model");
      expect(c.created).toBe(1_700_000_000);
      expect(c.system_fingerprint).toBe("fp_44709d6fcb");
    }
    expect(chunks[0]!.choices[0]).toEqual({
      index: 0,
      delta: { role: "assistant", content: "" },
      finish_reason: null,
      logprobs: null,
    });
    expect(
      chunks
        .slice(1, 6)
        .map((c) => c.choices[0]!.delta.content)
        .join(""),
    ).toBe("Hello! How can I assist you today?");
    expect(chunks[6]!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop", logprobs: null });
    for (const c of chunks.slice(0, 7)) expect(c).not.toHaveProperty("usage");
    const last = chunks[7]!;
    expect(isUsageChunk(last)).toBe(true);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 12,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(translator.usage).toEqual({
      inputTokens: 9,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
  });

  it("formats chunks for clients that did and did not ask for usage", () => {
    const { chunks } = translate("stream-include-usage.sse");
    const without = chunks.map((c) => formatClientChunk(structuredClone(c), false));
    expect(without[7]).toBeNull();
    expect(without[1]).toBe(`data: ${JSON.stringify(chunks[1])}\n\n`);
    expect(without[1]).not.toContain('"usage"');
    const withUsage = chunks.map((c) => formatClientChunk(structuredClone(c), true));
    expect(JSON.parse(withUsage[1]!.slice(6)).usage).toBeNull();
    expect(JSON.parse(withUsage[7]!.slice(6)).usage.total_tokens).toBe(21);
  });

  it("passes parallel tool call deltas (index 0 and 1) through unchanged", () => {
    const { chunks, translator } = translate("stream-tool-calls-parallel.sse");
    const calls: Record<number, { id?: string; name?: string; args: string }> = {};
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[t.index] ??= { args: "" });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name = t.function.name;
        call.args += t.function?.arguments ?? "";
      }
    }
    expect(calls[0]).toEqual({
      id: "call_DdmO9pD3xa9XTPNJ32zg2hcA",
      name: "get_weather",
      args: '{"location":"Paris, France"}',
    });
    expect(calls[1]).toEqual({
      id: "call_PieqNSej6kM9hgYbcQdbZSaC",
      name: "get_weather",
      args: '{"location": "Bogotá, Colombia"}',
    });
    const first = chunks[1]!.choices[0]!.delta.tool_calls![0]!;
    expect(first).toEqual({
      index: 0,
      id: "call_DdmO9pD3xa9XTPNJ32zg2hcA",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(translator.usage).toEqual({
      inputTokens: 85,
      cachedInputTokens: 64,
      cacheWriteTokens: 0,
      outputTokens: 46,
      reasoningTokens: 0,
    });
  });

  it("hides DeepSeek reasoning deltas unless asked, and counts prompt_cache_hit_tokens", () => {
    const hidden = translate("deepseek-reasoner-stream.sse");
    const deltas = hidden.chunks.filter((c) => c.choices.length).map((c) => c.choices[0]!.delta);
    expect(deltas).toEqual([
      { role: "assistant", content: null },
      { content: "9.8" },
      { content: " is greater." },
      { content: "" },
    ]);
    expect(hidden.translator.usage).toEqual({
      inputTokens: 18,
      cachedInputTokens: 12,
      cacheWriteTokens: 0,
      outputTokens: 40,
      reasoningTokens: 36,
    });

    const shown = translate("deepseek-reasoner-stream.sse", { ...ctx, includeReasoning: true });
    const reasoning = shown.chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("");
    expect(reasoning).toBe("Okay, 9.11 vs 9.8.");
  });

  it("captures usage sent on the finish chunk (Mistral) and still emits one trailing usage chunk", () => {
    const { chunks, translator } = translate("mistral-stream.sse");
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toEqual({ index: 0, delta: { content: " cited." }, finish_reason: "length" });
    expect(finish).not.toHaveProperty("usage");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 7, total_tokens: 22 });
    expect(translator.usage?.outputTokens).toBe(7);
  });

  it("throws UpstreamStreamError for an error event inside the stream (OpenRouter)", () => {
    const translator = openaiAdapter.createStreamTranslator(ctx);
    const events = new SseParser().push(fixture("openrouter-stream-error.sse"));
    expect(events).toHaveLength(2); // the ': OPENROUTER PROCESSING' comment is not an event
    expect(translator.push(events[0]!)[0]!.choices[0]!.delta.content).toBe("The tallest");
    let error: unknown;
    try {
      translator.push(events[1]!);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect((error as UpstreamStreamError).info).toEqual({
      status: 502,
      message: "Provider disconnected unexpectedly",
      type: "server_error",
      code: "server_error",
      param: null,
    });
    expect(translator.done).toBe(false);
  });

  it("throws for an OpenAI-style error chunk and for data that is not JSON", () => {
    const t = openaiAdapter.createStreamTranslator(ctx);
    expect(() =>
      t.push({
        data: '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}',
      }),
    ).toThrow("The server had an error");
    expect(() => openaiAdapter.createStreamTranslator(ctx).push({ data: "{oops" })).toThrow(
      UpstreamStreamError,
    );
  });

  it("reads vendor variants: empty finish_reason, content parts, reasoning_details, x_groq usage", () => {
    const t = openaiAdapter.createStreamTranslator(ctx);
    const [a] = t.push({
      data: JSON.stringify({
        choices: [
          {
            index: 0,
            delta: {
              content: [{ type: "text", text: "Hi" }],
              reasoning: "hmm",
              reasoning_details: [{ type: "reasoning.text" }],
            },
            finish_reason: "",
          },
        ],
      }),
    });
    expect(a!.choices[0]).toEqual({ index: 0, delta: { content: "Hi" }, finish_reason: null });
    t.push({
      data: JSON.stringify({
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        x_groq: { id: "req_1", usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } },
      }),
    });
    expect(t.usage).toMatchObject({ inputTokens: 4, outputTokens: 2 });
  });

  it("ignores what comes after [DONE] and emits nothing for a stream without usage", () => {
    const t = openaiAdapter.createStreamTranslator(ctx);
    expect(t.push({ data: "[DONE]" })).toEqual([]);
    expect(t.done).toBe(true);
    expect(t.usage).toBeNull();
    expect(t.push({ data: '{"choices":[{"index":0,"delta":{"content":"late"}}]}' })).toEqual([]);
  });
});

describe("openaiAdapter.parseError", () => {
  it("keeps the documented 401 body and the request id", () => {
    const info = openaiAdapter.parseError(401, fixture("error-invalid-api-key.json"), {
      "x-request-id": "req_123",
    });
    expect(info).toEqual({
      status: 401,
      message:
        "Incorrect API key provided: sk-abc***. You can find your API key at https://platform.openai.com/account/api-keys.",
      type: "invalid_request_error",
      code: "invalid_api_key",
      param: null,
      providerRequestId: "req_123",
    });
  });

  it("keeps a 429 faithfully", () => {
    const info = openaiAdapter.parseError(429, fixture("error-rate-limit.json"), {});
    expect(info).toMatchObject({ status: 429, type: "tokens", code: "rate_limit_exceeded" });
    expect(info.message).toMatch(/^Rate limit reached for gpt-4o/);
  });

  it("handles non-JSON bodies without echoing HTML", () => {
    expect(openaiAdapter.parseError(502, "<html><body>Bad gateway</body></html>", {})).toEqual({
      status: 502,
      message: "Upstream returned HTTP 502.",
      type: "server_error",
      code: null,
      param: null,
    });
    expect(openaiAdapter.parseError(503, "upstream connect error", {}).message).toBe(
      "upstream connect error",
    );
  });

  it("reads vendor variants: Mistral 422 detail, Ollama string errors, vLLM top-level errors, param", () => {
    const mistral = JSON.stringify({
      object: "error",
      message: {
        detail: [{ type: "extra_forbidden", loc: ["body", "user"], msg: "Extra inputs are not permitted" }],
      },
      type: "invalid_request_error",
      param: null,
      code: null,
    });
    expect(openaiAdapter.parseError(422, mistral, {})).toMatchObject({
      status: 422,
      message: "body.user: Extra inputs are not permitted",
      type: "invalid_request_error",
    });
    expect(openaiAdapter.parseError(404, '{"error":"model \\"llama9\\" not found"}', {})).toMatchObject({
      status: 404,
      message: 'model "llama9" not found',
      type: "not_found_error",
    });
    expect(
      openaiAdapter.parseError(
        400,
        '{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":"max_tokens","code":400}',
        {},
      ),
    ).toMatchObject({
      message: "max_tokens is too large",
      type: "BadRequestError",
      param: "max_tokens",
      code: null,
    });
  });
});

describe("openai embeddings", () => {
  const embReq = {
    model: "my-embed",
    input: "The food was delicious and the waiter...",
    encoding_format: "base64" as const,
  };

  it("posts /embeddings with the requested encoding, or floats where the vendor has no base64", () => {
    const r = openaiAdapter.buildEmbeddingsRequest!(embReq, {
      ...target,
      upstreamModel: "text-embedding-ada-002",
    });
    expect(r.path).toBe("/embeddings");
    expect(JSON.parse(r.body)).toEqual({
      model: "text-embedding-ada-002",
      input: embReq.input,
      encoding_format: "base64",
    });
    const noB64 = openaiAdapter.buildEmbeddingsRequest!(embReq, {
      ...target,
      quirks: { embeddingsBase64: false } as never,
    });
    expect(JSON.parse(noB64.body).encoding_format).toBe("float");
    const unspecified = openaiAdapter.buildEmbeddingsRequest!({ model: "m", input: ["a", "b"] }, target);
    expect(JSON.parse(unspecified.body)).not.toHaveProperty("encoding_format");
  });

  it("encodes floats to base64 (little-endian float32) when the client asked for base64", () => {
    const { response, usage } = openaiAdapter.parseEmbeddingsResponse!(json("embeddings-float.json"), embReq);
    expect(response).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: "ZicXO4DRGLw4BT27" }],
      model: "my-embed",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    expect(usage).toEqual({
      inputTokens: 8,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });

  it("passes base64 through and decodes it for float clients", () => {
    const b64 = openaiAdapter.parseEmbeddingsResponse!(json("embeddings-base64.json"), embReq).response;
    expect(b64.data[0]!.embedding).toBe("ZicXO4DRGLw4BT27");
    const floats = openaiAdapter.parseEmbeddingsResponse!(json("embeddings-base64.json"), {
      ...embReq,
      encoding_format: "float",
    }).response;
    const values = floats.data[0]!.embedding as number[];
    expect(values).toHaveLength(3);
    [0.0023064255, -0.009327292, -0.0028842222].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 9));
  });

  it("round-trips encodeEmbeddingBase64 / decodeEmbeddingBase64", () => {
    const values = [0.5, -1, 0.25, 3.75];
    expect(decodeEmbeddingBase64(encodeEmbeddingBase64(values))).toEqual(values);
  });
});
