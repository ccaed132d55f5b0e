// The fake Gemini API checked against the relay's Gemini adapter: every request the adapter builds must be one
// the fake accepts, and every answer the fake renders must translate back to what the shared plan says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SseParser } from "@/lib/gateway/sse";
import { geminiAdapter } from "@/lib/gateway/providers/gemini";
import {
  UpstreamStreamError,
  type ChatCompletionChunk,
  type ChatRequest,
  type TranslateContext,
  type UpstreamTarget,
} from "@/lib/gateway/providers/types";
import { fakeEmbedding, geminiFake, type GeminiRoute } from "./gemini";
import { makePlan } from "./plan";
import { startFakeUpstream, type FakeUpstream } from "./server";
import type { FakePlan } from "./types";

const target: UpstreamTarget = {
  baseUrl: "http://fake",
  apiKey: "AIza-fake",
  upstreamModel: "gemini-2.5-flash",
};
const ctx = (includeReasoning = false): TranslateContext => ({
  id: "chatcmpl-rt1",
  model: "client-model",
  created: 1,
  includeReasoning,
});
const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: {
      type: "object",
      additionalProperties: false,
      properties: { city: { type: "string" }, unit: { type: ["string", "null"] } },
      required: ["city"],
    },
  },
};

/** adapter request -> fake route, auth and view -> shared plan. */
function toFake(req: Partial<ChatRequest>, stream: boolean) {
  const up = geminiAdapter.buildChatRequest({ model: "client-model", messages: [], ...req }, target, {
    stream,
  });
  const route = geminiFake.route(up.path) as GeminiRoute;
  expect(route).not.toBeNull();
  expect(geminiFake.checkAuth(up.headers)).toBeNull();
  const view = geminiFake.parseChat(JSON.parse(up.body), route);
  return { view, plan: makePlan(view) };
}

/** Fake SSE frames -> SSE parser (frames cut at arbitrary points) -> the adapter's translator. */
function translateFrames(frames: string[], includeReasoning = false) {
  const t = geminiAdapter.createStreamTranslator(ctx(includeReasoning));
  const parser = new SseParser();
  const bytes = Buffer.from(frames.join(""));
  const chunks: ChatCompletionChunk[] = [];
  for (let i = 0; i < bytes.length; i += 7) {
    for (const event of parser.push(bytes.subarray(i, i + 7))) chunks.push(...t.push(event));
  }
  for (const event of parser.end()) chunks.push(...t.push(event));
  return { t, chunks };
}

function streamRoundTrip(req: Partial<ChatRequest>, includeReasoning = false) {
  const { view, plan } = toFake(req, true);
  const frames = geminiFake.renderChatStream(plan, view);
  return { view, plan, frames, ...translateFrames(frames, includeReasoning) };
}

function chatRoundTrip(req: Partial<ChatRequest>, includeReasoning = false) {
  const { view, plan } = toFake(req, false);
  const wire = JSON.parse(JSON.stringify(geminiFake.renderChat(plan, view)));
  return { view, plan, wire, ...geminiAdapter.parseChatResponse(wire, ctx(includeReasoning)) };
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]!.delta.content ?? "").join("");
const finish = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]!.finish_reason).filter(Boolean);

function expectedUsage(plan: FakePlan) {
  return {
    inputTokens: plan.usage.input,
    cachedInputTokens: plan.usage.cacheRead,
    cacheWriteTokens: 0,
    outputTokens: plan.usage.output,
    reasoningTokens: plan.usage.reasoning,
  };
}

describe("geminiFake routes and auth", () => {
  it("serves the three documented methods", () => {
    expect(geminiFake.route("/v1beta/models/gemini-2.5-flash:generateContent")).toEqual({
      kind: "chat",
      model: "gemini-2.5-flash",
      stream: false,
      sse: false,
    });
    expect(geminiFake.route("/v1beta/models/g:streamGenerateContent?alt=sse")).toMatchObject({
      stream: true,
      sse: true,
    });
    expect(geminiFake.route("/v1beta/models/g:streamGenerateContent")).toMatchObject({
      stream: true,
      sse: false,
    });
    expect(geminiFake.route("/v1beta/models/e:batchEmbedContents")).toEqual({
      kind: "embeddings",
      model: "e",
    });
    expect(geminiFake.route("/v1/chat/completions")).toBeNull();
  });

  it("takes the key from x-goog-api-key or the key query parameter", () => {
    expect(geminiFake.checkAuth({ "x-goog-api-key": "k" })).toBeNull();
    expect(geminiFake.checkAuth({}, "/v1beta/models/g:generateContent?key=k")).toBeNull();
    expect(geminiFake.checkAuth({})).toMatch(/unregistered callers/);
    expect(geminiFake.renderError(403, "nope")).toEqual({
      error: { code: 403, message: "nope", status: "PERMISSION_DENIED" },
    });
  });
});

describe("geminiFake rejects what the real API rejects", () => {
  const route = { kind: "chat" as const, model: "g", stream: false };
  const parse = (body: unknown) => () => geminiFake.parseChat(body, route);

  it("unknown fields, OpenAI roles, empty parts and JSON-schema keywords Gemini lacks", () => {
    const contents = [{ role: "user", parts: [{ text: "hi" }] }];
    expect(parse({ contents, max_tokens: 5 })).toThrow('Unknown name "max_tokens"');
    expect(parse({ contents, generationConfig: { maxTokens: 5 } })).toThrow("generation_config");
    expect(parse({ contents: [{ role: "assistant", parts: [{ text: "x" }] }] })).toThrow("valid role");
    expect(parse({ contents: [{ role: "user", parts: [] }] })).toThrow("must not be empty");
    expect(parse({ contents: [] })).toThrow("contents is not specified");
    const tools = [
      { functionDeclarations: [{ name: "f", parameters: { type: "object", additionalProperties: false } }] },
    ];
    expect(parse({ contents, tools })).toThrow('Unknown name "additionalProperties"');
  });

  it("accepts everything the adapter builds, however rich", () => {
    const { view } = toFake(
      {
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "Describe" },
              { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            ],
          },
        ],
        tools: [WEATHER_TOOL],
        tool_choice: "required",
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 50,
        stop: "END",
        seed: 7,
        n: 1,
        response_format: {
          type: "json_schema",
          json_schema: { name: "x", schema: { type: "object", additionalProperties: false, properties: {} } },
        },
        reasoning_effort: "medium",
        user: "someone",
        parallel_tool_calls: true,
      },
      false,
    );
    expect(view).toMatchObject({
      lastUserText: "Describe",
      hasImage: true,
      tools: ["get_weather"],
      toolsAllowed: true,
      json: true,
      stop: ["END"],
      maxTokens: 50,
      reasoning: true,
      includeThoughts: true,
      includeUsage: true,
    });
  });
});

describe("round trip: adapter -> fake -> plan -> adapter", () => {
  it("streams text piece by piece over CRLF SSE and ends on the finishReason event, without [DONE]", () => {
    const { plan, frames, chunks, t } = streamRoundTrip({
      messages: [{ role: "user", content: "count to 12" }],
    });
    expect(frames.length).toBe(plan.pieces.length);
    expect(frames.every((f) => f.startsWith("data: {") && f.endsWith("}\r\n\r\n"))).toBe(true);
    expect(frames.join("")).not.toContain("[DONE]");
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    expect(text(chunks)).toBe(plan.text);
    expect(text(chunks)).toBe("1 2 3 4 5 6 7 8 9 10 11 12");
    expect(finish(chunks)).toEqual(["stop"]);
    expect(t.done).toBe(true);
    expect(t.usage).toEqual(expectedUsage(plan));
  });

  it("answers non-stream with the same text and usage", () => {
    const { plan, wire, completion, usage } = chatRoundTrip({
      messages: [{ role: "user", content: "Hello" }],
    });
    expect(completion.choices[0]!.message.content).toBe(plan.text);
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(usage).toEqual(expectedUsage(plan));
    expect(wire).toMatchObject({ modelVersion: "gemini-2.5-flash", responseId: plan.id });
  });

  it("calls the same function twice with distinct invented ids, then takes the results back by name", () => {
    const messages: ChatRequest["messages"] = [
      { role: "user", content: "What is the weather in Paris and Tokyo?" },
    ];
    const first = streamRoundTrip({ messages, tools: [WEATHER_TOOL] });
    const calls = first.chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.function?.name, c.function?.arguments])).toEqual(
      first.plan.toolCalls.map((c, i) => [i, "get_weather", c.arguments]),
    );
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(finish(first.chunks)).toEqual(["tool_calls"]);
    expect(first.t.usage).toEqual(expectedUsage(first.plan));

    const second = chatRoundTrip({
      tools: [WEATHER_TOOL],
      messages: [
        ...messages,
        {
          role: "assistant",
          content: null,
          tool_calls: calls.map((c) => ({
            id: c.id!,
            type: "function" as const,
            function: { name: c.function!.name!, arguments: c.function!.arguments! },
          })),
        },
        { role: "tool", tool_call_id: calls[0]!.id!, content: '{"temp":21}' },
        { role: "tool", tool_call_id: calls[1]!.id!, content: "18 degrees" },
      ],
    });
    expect(second.view.hasToolResults).toBe(true);
    expect(second.view.lastUserText).toBe("What is the weather in Paris and Tokyo?");
    expect(second.completion.choices[0]!.message.content).toBe("It is 21 degrees and sunny.");
  });

  it("does not call tools when tool_choice is none", () => {
    const { chunks } = streamRoundTrip({
      messages: [{ role: "user", content: "weather in Rome?" }],
      tools: [WEATHER_TOOL],
      tool_choice: "none",
    });
    expect(finish(chunks)).toEqual(["stop"]);
  });

  it("reports thinking: thought text only when included, thought tokens always billed as output", () => {
    const req: Partial<ChatRequest> = {
      messages: [{ role: "user", content: "Think" }],
      reasoning_effort: "low",
    };
    const { plan, chunks, t } = streamRoundTrip(req, true);
    expect(chunks.map((c) => c.choices[0]!.delta.reasoning_content ?? "").join("")).toBe(plan.thinking);
    expect(text(chunks)).toBe(plan.text);
    expect(t.usage).toEqual(expectedUsage(plan));
    expect(t.usage!.reasoningTokens).toBeGreaterThan(0);

    const nonStream = chatRoundTrip(req, true);
    expect(nonStream.completion.choices[0]!.message.reasoning_content).toBe(nonStream.plan.thinking);
    expect(nonStream.wire.usageMetadata.totalTokenCount).toBe(
      nonStream.plan.usage.input + nonStream.plan.usage.output,
    );
  });

  it("keeps cached tokens inside the prompt", () => {
    const { plan, usage, wire } = chatRoundTrip({
      messages: [{ role: "user", content: "[cached] " + "x".repeat(400) }],
    });
    expect(plan.usage.cacheRead).toBeGreaterThan(0);
    expect(wire.usageMetadata.promptTokenCount).toBe(plan.usage.input);
    expect(usage).toEqual(expectedUsage(plan));
  });

  it("blocks without content: SAFETY -> content_filter, content null", () => {
    const streamed = streamRoundTrip({ messages: [{ role: "user", content: "something forbidden" }] });
    expect(streamed.frames).toHaveLength(1);
    expect(text(streamed.chunks)).toBe("");
    expect(finish(streamed.chunks)).toEqual(["content_filter"]);
    const { completion, wire } = chatRoundTrip({ messages: [{ role: "user", content: "forbidden" }] });
    expect(wire.candidates[0].content).toBeUndefined();
    expect(completion.choices[0]!.message.content).toBeNull();
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
  });

  it("cuts at max tokens (length) and at a stop sequence (stop)", () => {
    const long = streamRoundTrip({
      messages: [{ role: "user", content: "count to 20" }],
      max_completion_tokens: 5,
    });
    expect(text(long.chunks)).toBe("1 2 3 4 5 ");
    expect(finish(long.chunks)).toEqual(["length"]);
    const stopped = chatRoundTrip({ messages: [{ role: "user", content: "count to 9" }], stop: " 4" });
    expect(stopped.completion.choices[0]!.message.content).toBe("1 2 3");
    expect(stopped.completion.choices[0]!.finish_reason).toBe("stop");
  });

  it("streams a JSON array without alt=sse", () => {
    const { view, plan } = toFake({ messages: [{ role: "user", content: "count to 3" }] }, true);
    const arrayFrames = geminiFake.renderChatStream(plan, { ...view, sse: false } as typeof view);
    const items = JSON.parse(arrayFrames.join("")) as Array<{ candidates: Array<{ finishReason?: string }> }>;
    expect(items).toHaveLength(plan.pieces.length);
    expect(items.at(-1)!.candidates[0]!.finishReason).toBe("STOP");
  });

  it("maps its errors through the adapter: HTTP errors and the mid-stream error event", () => {
    const rateLimited = JSON.stringify(geminiFake.renderError(429, "Quota exceeded."));
    expect(geminiAdapter.parseError(429, rateLimited, {})).toEqual({
      status: 429,
      type: "rate_limit_error",
      code: "resource_exhausted",
      message: "Quota exceeded.",
    });
    const frame = geminiFake.renderStreamError("Overloaded");
    expect(() => translateFrames([frame])).toThrow(UpstreamStreamError);
  });
});

describe("embeddings round trip", () => {
  it("returns deterministic vectors per input, in order, decoded from base64 by the adapter", () => {
    const req = { model: "embed", input: ["alpha", "beta"], encoding_format: "base64" as const };
    const up = geminiAdapter.buildEmbeddingsRequest!(req, {
      ...target,
      upstreamModel: "gemini-embedding-001",
    });
    const route = geminiFake.route(up.path)!;
    expect(route.kind).toBe("embeddings");
    const wire = JSON.parse(JSON.stringify(geminiFake.renderEmbeddings(JSON.parse(up.body))));
    const { response } = geminiAdapter.parseEmbeddingsResponse!(wire, req);
    const decoded = response.data.map((d) => {
      const buf = Buffer.from(d.embedding as string, "base64");
      return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
    });
    expect(decoded).toEqual([fakeEmbedding("alpha"), fakeEmbedding("beta")]);
    expect(decoded[0]).toHaveLength(8);
    expect(fakeEmbedding("alpha")).toEqual(fakeEmbedding("alpha"));
    expect(fakeEmbedding("alpha", 40)).toHaveLength(40);
  });
});

describe("over HTTP through the fake server", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeUpstream([geminiFake]);
  });
  afterAll(() => fake.close());

  it("streams CRLF SSE events that the adapter translates", async () => {
    const up = geminiAdapter.buildChatRequest(
      { model: "m", messages: [{ role: "user", content: "count to 4" }] },
      target,
      { stream: true },
    );
    const res = await fetch(fake.url + up.path, { method: "POST", headers: up.headers, body: up.body });
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).toContain("\r\n\r\n");
    const { chunks, t } = translateFrames([raw]);
    expect(text(chunks)).toBe("1 2 3 4");
    expect(t.done).toBe(true);
  });

  it("answers a request without a key with Gemini's error body", async () => {
    const res = await fetch(`${fake.url}/v1beta/models/g:generateContent`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    const body = await res.text();
    expect(res.status).toBe(401);
    expect(geminiAdapter.parseError(res.status, body, {})).toMatchObject({
      status: 401,
      type: "authentication_error",
      code: "unauthenticated",
    });
  });
});
