import { describe, expect, it } from "vitest";
import { openaiAdapter } from "@/lib/gateway/providers/openai";
import type { ChatCompletionChunk, ChatRequest, TranslateContext } from "@/lib/gateway/providers/types";
import { UpstreamStreamError } from "@/lib/gateway/providers/types";
import { SseParser } from "@/lib/gateway/sse";
import { FAKE_OPENAI_INVALID_KEY, FakeOpenAIError, openaiFake, renderOpenAIError } from "./openai";
import { makePlan } from "./plan";

const target = { baseUrl: "http://127.0.0.1:1/v1", apiKey: "sk-fake", upstreamModel: "gpt-fake" };
const ctx: TranslateContext = {
  id: "chatcmpl-relay",
  model: "client-model",
  created: 1,
  includeReasoning: false,
};

/** The relay's request as the fake receives it: adapter -> JSON body -> fake.parseChat. */
function viaAdapter(req: ChatRequest, stream: boolean) {
  const up = openaiAdapter.buildChatRequest(req, target, { stream });
  const path = `/v1${up.path}`;
  const route = openaiFake.route(path);
  expect(route).toEqual({ kind: "chat" });
  expect(openaiFake.checkAuth({ authorization: up.headers.authorization })).toBeNull();
  return openaiFake.parseChat(JSON.parse(up.body), route!);
}

function streamThrough(req: ChatRequest, c: TranslateContext = ctx) {
  const view = viaAdapter(req, true);
  const plan = makePlan(view);
  const frames = openaiFake.renderChatStream(plan, view);
  const parser = new SseParser();
  const translator = openaiAdapter.createStreamTranslator(c);
  const chunks: ChatCompletionChunk[] = [];
  for (const frame of frames) for (const e of parser.push(frame)) chunks.push(...translator.push(e));
  return { view, plan, frames, chunks, translator };
}

const user = (content: string): ChatRequest["messages"] => [{ role: "user", content }];

describe("openaiFake routes and auth", () => {
  it("serves the two documented paths", () => {
    expect(openaiFake.route("/v1/chat/completions")).toEqual({ kind: "chat" });
    expect(openaiFake.route("/v1/embeddings?x=1")).toEqual({ kind: "embeddings" });
    expect(openaiFake.route("/v1/messages")).toBeNull();
  });

  it("rejects missing and invalid keys with OpenAI's documented 401 body", () => {
    expect(openaiFake.checkAuth({})).toMatch(/^You didn't provide an API key/);
    const message = openaiFake.checkAuth({
      authorization: `Bearer ${FAKE_OPENAI_INVALID_KEY}-abcdefgh1234`,
    })!;
    expect(message).toBe(
      "Incorrect API key provided: sk-***1234. You can find your API key at https://platform.openai.com/account/api-keys.",
    );
    expect(openaiFake.renderError(401, message)).toEqual({
      error: { message, type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });
  });

  it("validates chat requests like OpenAI, naming the parameter", () => {
    const reject = (body: unknown) => {
      try {
        openaiFake.parseChat(body, {});
      } catch (err) {
        return err as FakeOpenAIError;
      }
      throw new Error("accepted");
    };
    expect(reject({ model: "m" })).toMatchObject({
      status: 400,
      param: "messages",
      code: "missing_required_parameter",
    });
    expect(reject({ model: "m", messages: [] })).toMatchObject({
      status: 400,
      param: "messages",
      code: "empty_array",
    });
    expect(reject({ messages: user("hi") }).message).toBe("you must provide a model parameter");
    expect(
      reject({ model: "m", messages: user("hi"), stream_options: { include_usage: true } }),
    ).toMatchObject({ param: "stream_options" });
    const err = reject({ model: "m" });
    expect(renderOpenAIError(err.status, err.message, err.param, err.code)).toEqual({
      error: {
        message: "Missing required parameter: 'messages'.",
        type: "invalid_request_error",
        param: "messages",
        code: "missing_required_parameter",
      },
    });
  });
});

describe("openaiFake round trip through the OpenAI adapter", () => {
  it("always sees include_usage from the relay and reads the request into the planner's view", () => {
    const view = viaAdapter(
      {
        model: "client-model",
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "weather in Paris " },
              { type: "image_url", image_url: { url: "https://x/y.png" } },
            ],
          },
        ],
        tools: [{ type: "function", function: { name: "get_weather", parameters: {} } }],
        stop: "END",
        max_completion_tokens: 50,
        response_format: { type: "json_object" },
      },
      true,
    );
    expect(view).toMatchObject({
      model: "gpt-fake",
      stream: true,
      includeUsage: true,
      lastUserText: "weather in Paris ",
      hasImage: true,
      tools: ["get_weather"],
      toolsAllowed: true,
      json: true,
      stop: ["END"],
      maxTokens: 50,
      hasToolResults: false,
      reasoning: false,
    });
    expect(view.promptTokens).toBeGreaterThan(0);
  });

  it("streams text with the usage chunk last and usage null elsewhere, and the translator rebuilds it", () => {
    const { plan, frames, chunks, translator } = streamThrough({
      model: "client-model",
      messages: user("count to 12"),
    });
    expect(frames.at(-1)).toBe("data: [DONE]\n\n");
    const wire = frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)));
    expect(wire[0].choices[0].delta).toEqual({ role: "assistant", content: "", refusal: null });
    for (const c of wire.slice(0, -1)) expect(c.usage).toBeNull();
    expect(wire.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: plan.usage.input, completion_tokens: 12 },
    });

    expect(translator.done).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("1 2 3 4 5 6 7 8 9 10 11 12");
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(translator.usage).toEqual({
      inputTokens: plan.usage.input,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 12,
      reasoningTokens: 0,
    });
  });

  it("streams parallel tool calls: index/id/name first, then argument pieces", () => {
    const { plan, chunks } = streamThrough({
      model: "client-model",
      messages: user("What's the weather in Paris and Tokyo?"),
      tools: [{ type: "function", function: { name: "get_weather", parameters: {} } }],
    });
    const calls: Array<{ id?: string; name?: string; args: string }> = [];
    let firstDeltas = 0;
    for (const c of chunks) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        const call = (calls[t.index] ??= { args: "" });
        if (t.id) {
          firstDeltas++;
          expect(t.function).toEqual({ name: "get_weather", arguments: "" });
          call.id = t.id;
          call.name = t.function?.name;
        }
        call.args += t.function?.arguments ?? "";
      }
    }
    expect(firstDeltas).toBe(2);
    expect(calls).toEqual(plan.toolCalls.map((t) => ({ id: t.id, name: "get_weather", args: t.arguments })));
    expect(calls.map((c) => JSON.parse(c.args).city)).toEqual(["Paris", "Tokyo"]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
  });

  it("reports cached prompt tokens and reasoning as OpenAI-compatible vendors do", () => {
    const hidden = streamThrough({
      model: "client-model",
      messages: user("[cached] think hard"),
      reasoning_effort: "high",
    });
    expect(hidden.translator.usage?.cachedInputTokens).toBe(Math.floor(hidden.view.promptTokens / 2));
    expect(hidden.translator.usage?.reasoningTokens).toBe(hidden.plan.usage.reasoning);
    expect(hidden.chunks.some((c) => c.choices[0]?.delta.reasoning_content)).toBe(false);
    const shown = streamThrough(
      { model: "client-model", messages: user("think hard"), reasoning_effort: "high" },
      { ...ctx, includeReasoning: true },
    );
    expect(shown.chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      shown.plan.thinking,
    );
  });

  it("renders non-stream answers the adapter translates", () => {
    const view = viaAdapter({ model: "client-model", messages: user("something forbidden") }, false);
    expect(view.includeUsage).toBe(false);
    const plan = makePlan(view);
    const body = openaiFake.renderChat(plan, view) as { choices: Array<{ message: { content: unknown } }> };
    expect(body.choices[0]!.message.content).toBeNull();
    const { completion, usage } = openaiAdapter.parseChatResponse(body, ctx);
    expect(completion.choices[0]!.finish_reason).toBe("content_filter");
    expect(completion.model).toBe("client-model");
    expect(usage?.inputTokens).toBe(view.promptTokens);

    const hello = viaAdapter({ model: "client-model", messages: user("hi"), max_tokens: 3 }, false);
    const cut = openaiAdapter.parseChatResponse(
      openaiFake.renderChat(makePlan(hello), hello),
      ctx,
    ).completion;
    expect(cut.choices[0]!.finish_reason).toBe("length");
    expect(cut.choices[0]!.message.content).toBe("Hello from gpt-fake! ");
  });

  it("ends a failing stream with an error event the translator raises", () => {
    const frame = openaiFake.renderStreamError!("Overloaded")!;
    const [event] = new SseParser().push(frame);
    const t = openaiAdapter.createStreamTranslator(ctx);
    expect(() => t.push(event!)).toThrow(UpstreamStreamError);
  });
});

describe("openaiFake embeddings", () => {
  it("returns deterministic unit vectors, honouring encoding_format base64 (little-endian float32)", () => {
    const req = { model: "text-embedding-3-small", input: ["hello", "world"] };
    const floats = openaiFake.renderEmbeddings!(req, {}) as {
      data: Array<{ embedding: number[]; index: number }>;
      usage: { prompt_tokens: number };
    };
    expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
    expect(floats.data[0]!.embedding).toHaveLength(8);
    expect(floats.data[0]!.embedding).toEqual(
      (openaiFake.renderEmbeddings!(req, {}) as typeof floats).data[0]!.embedding,
    );
    expect(floats.data[0]!.embedding).not.toEqual(floats.data[1]!.embedding);
    const norm = Math.hypot(...floats.data[0]!.embedding);
    expect(norm).toBeCloseTo(1, 5);
    expect(floats.usage.prompt_tokens).toBe(4);

    const up = openaiAdapter.buildEmbeddingsRequest!({ ...req, encoding_format: "base64" }, target);
    expect(openaiFake.route(`/v1${up.path}`)).toEqual({ kind: "embeddings" });
    const b64 = openaiFake.renderEmbeddings!(JSON.parse(up.body), {});
    const forFloatClient = openaiAdapter.parseEmbeddingsResponse!(b64, {
      ...req,
      encoding_format: "float",
    }).response;
    expect(forFloatClient.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
    const forB64Client = openaiAdapter.parseEmbeddingsResponse!(b64, {
      ...req,
      encoding_format: "base64",
    }).response;
    expect(typeof forB64Client.data[0]!.embedding).toBe("string");
  });

  it("honours dimensions and rejects a missing input", () => {
    const r = openaiFake.renderEmbeddings!({ model: "m", input: "x", dimensions: 20 }, {}) as {
      data: Array<{ embedding: number[] }>;
    };
    expect(r.data[0]!.embedding).toHaveLength(20);
    expect(() => openaiFake.renderEmbeddings!({ model: "m" }, {})).toThrow(FakeOpenAIError);
  });
});
