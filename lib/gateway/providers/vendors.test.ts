import { describe, expect, it } from "vitest";
import { openaiAdapter } from "./openai";
import type { ChatRequest, EmbeddingsRequest } from "./types";
import { VENDORS } from "./vendors";

/** A client request using most of OpenAI's surface plus one non-OpenAI field. */
const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi", name: "alice" },
    { role: "assistant", content: "Hello", reasoning_content: "greet back" },
    { role: "user", content: "Weather?" },
  ],
  temperature: 0.3,
  max_completion_tokens: 256,
  seed: 7,
  user: "end-user-1",
  logprobs: true,
  top_logprobs: 2,
  logit_bias: { "50256": -100 },
  n: 1,
  top_k: 40, // not an OpenAI field
  ...over,
});

function body(vendor: string, req: ChatRequest, stream = false, apiKey = "key") {
  const v = VENDORS[vendor]!;
  const r = openaiAdapter.buildChatRequest(
    req,
    { baseUrl: v.baseUrl, apiKey, upstreamModel: "up", quirks: v.quirks },
    { stream },
  );
  return { ...r, json: JSON.parse(r.body) as Record<string, unknown> };
}

function embeddingsBody(vendor: string, req: EmbeddingsRequest) {
  const v = VENDORS[vendor]!;
  const r = openaiAdapter.buildEmbeddingsRequest!(req, {
    baseUrl: v.baseUrl,
    apiKey: "key",
    upstreamModel: "up",
    quirks: v.quirks,
  });
  return JSON.parse(r.body) as Record<string, unknown>;
}

const messageKeys = (b: Record<string, unknown>) =>
  (b.messages as Array<Record<string, unknown>>).map((m) => Object.keys(m).sort());

describe("VENDORS", () => {
  it("lists the nine OpenAI-compatible vendors with a versioned base URL and a cited source", () => {
    expect(Object.keys(VENDORS).sort()).toEqual(
      ["deepseek", "groq", "mistral", "ollama", "openai", "openrouter", "qwen", "together", "vllm"].sort(),
    );
    for (const [name, v] of Object.entries(VENDORS)) {
      expect(v.baseUrl, name).toMatch(/^https?:\/\/[^/]+\/.*v1$/);
      expect(v.docs, name).toMatch(/^https:\/\//);
    }
  });

  it("openai: unknown fields are dropped (OpenAI rejects unrecognized arguments), stream usage is requested", () => {
    const { json } = body("openai", request(), true);
    expect(json).not.toHaveProperty("top_k");
    expect(json).toMatchObject({
      model: "up",
      max_completion_tokens: 256,
      seed: 7,
      user: "end-user-1",
      logprobs: true,
      n: 1,
    });
    expect(json.stream_options).toEqual({ include_usage: true });
    expect(messageKeys(json)[2]).toEqual(["content", "role"]); // the relay's reasoning_content is not OpenAI's
  });

  it("deepseek: max_tokens instead of max_completion_tokens, no reasoning_content in messages, stream usage", () => {
    const { json } = body("deepseek", request(), true);
    expect(json.max_tokens).toBe(256);
    expect(json).not.toHaveProperty("max_completion_tokens");
    expect(messageKeys(json)[2]).toEqual(["content", "role"]);
    expect(json.stream_options).toEqual({ include_usage: true });
    expect(VENDORS.deepseek!.quirks.reasoningField).toBe("reasoning_content");
  });

  it("an explicit max_tokens wins over a renamed max_completion_tokens", () => {
    expect(body("deepseek", request({ max_tokens: 100 })).json.max_tokens).toBe(100);
  });

  it("qwen: DashScope's own fields pass, stream usage is requested, embeddings are asked as floats", () => {
    const { json } = body("qwen", request({ enable_thinking: true }), true);
    expect(json.enable_thinking).toBe(true);
    expect(json.max_tokens).toBe(256);
    expect(json.stream_options).toEqual({ include_usage: true });
    expect(messageKeys(json)[2]).toEqual(["content", "reasoning_content", "role"]); // DashScope speaks reasoning_content
    expect(
      embeddingsBody("qwen", { model: "m", input: "x", encoding_format: "base64" }).encoding_format,
    ).toBe("float");
  });

  it("mistral: random_seed and max_tokens, unsupported and unknown fields dropped, no stream_options", () => {
    const { json } = body("mistral", request({ safe_prompt: true, parallel_tool_calls: false }), true);
    expect(json.random_seed).toBe(7);
    expect(json.max_tokens).toBe(256);
    for (const f of [
      "seed",
      "max_completion_tokens",
      "user",
      "logprobs",
      "top_logprobs",
      "logit_bias",
      "top_k",
      "safe_prompt",
      "stream_options",
    ]) {
      expect(json, f).not.toHaveProperty(f);
    }
    expect(json).toMatchObject({ stream: true, temperature: 0.3, n: 1, parallel_tool_calls: false });
    expect(embeddingsBody("mistral", { model: "m", input: ["a"], dimensions: 256, user: "u" })).toEqual({
      model: "up",
      input: ["a"],
      output_dimension: 256,
    });
  });

  it("groq: logprobs, logit_bias, top_logprobs, n and messages[].name are not sent (documented 400s)", () => {
    const { json } = body("groq", request(), true);
    for (const f of ["logprobs", "logit_bias", "top_logprobs", "n"]) expect(json, f).not.toHaveProperty(f);
    expect(messageKeys(json)).toEqual([
      ["content", "role"],
      ["content", "role"],
      ["content", "role"],
      ["content", "role"],
    ]);
    expect(json).toMatchObject({ max_completion_tokens: 256, seed: 7, top_k: 40 });
    expect(json.stream_options).toEqual({ include_usage: true });
  });

  it("together: embeddings are asked as floats and encoded by the relay", () => {
    expect(
      embeddingsBody("together", { model: "m", input: "x", encoding_format: "base64" }).encoding_format,
    ).toBe("float");
    expect(body("together", request()).json.max_tokens).toBe(256);
  });

  it("openrouter: its routing and reasoning fields pass through", () => {
    const { json } = body("openrouter", request({ models: ["a", "b"], reasoning: { effort: "high" } }), true);
    expect(json.models).toEqual(["a", "b"]);
    expect(json.reasoning).toEqual({ effort: "high" });
    expect(json.stream_options).toEqual({ include_usage: true });
  });

  it("vllm: extra sampling parameters pass through; base64 embeddings are requested as such", () => {
    const { json } = body("vllm", request({ guided_choice: ["yes", "no"] }), true);
    expect(json.guided_choice).toEqual(["yes", "no"]);
    expect(json.top_k).toBe(40);
    expect(
      embeddingsBody("vllm", { model: "m", input: "x", encoding_format: "base64" }).encoding_format,
    ).toBe("base64");
  });

  it("ollama: no Authorization without a key, max_tokens, stream usage", () => {
    const r = body("ollama", request(), true, "");
    expect(r.headers).not.toHaveProperty("authorization");
    expect(r.json.max_tokens).toBe(256);
    expect(r.json.stream_options).toEqual({ include_usage: true });
  });
});
