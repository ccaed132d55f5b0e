// The fake OpenAI: POST /v1/chat/completions (JSON and SSE) and /v1/embeddings, shaped as OpenAI's API reference
// shows them. Auth: `Authorization: Bearer <key>`; any non-empty key is accepted except one containing "invalid"
// (FAKE_OPENAI_INVALID_KEY), which gets OpenAI's documented 401. Streams follow the documented order: a role chunk,
// content pieces, tool call deltas (index/id/name first with empty arguments, then argument pieces), the finish
// chunk, with stream_options.include_usage a `choices: []` usage chunk (and `"usage": null` on every other chunk),
// then `data: [DONE]`. When the plan has thinking (reasoning_effort set) it is sent as `reasoning_content`, the
// field OpenAI-compatible reasoning vendors (DeepSeek, Qwen) use; OpenAI itself never returns reasoning text.
import { createHash } from "node:crypto";
import { estimateTokens } from "./plan";
import type { FakePlan, FakeProtocol, FakeRequestView } from "./types";

/** An API key the fake rejects with the documented 401. */
export const FAKE_OPENAI_INVALID_KEY = "sk-invalid";

type Json = Record<string, unknown>;

/** A request the fake refuses: status, message and the offending parameter, as OpenAI reports them. */
export class FakeOpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "FakeOpenAIError";
  }
}

const FINGERPRINT = "fp_fake0openai";

function typeAndCode(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 404) return { type: "invalid_request_error", code: "model_not_found" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

/** OpenAI's error body: {"error":{"message","type","param","code"}}. */
export function renderOpenAIError(
  status: number,
  message: string,
  param: string | null = null,
  code?: string | null,
) {
  const d = typeAndCode(status);
  return { error: { message, type: d.type, param, code: code === undefined ? d.code : code } };
}

function maskKey(key: string): string {
  return key.length <= 8 ? `${key.slice(0, 3)}***` : `${key.slice(0, 3)}***${key.slice(-4)}`;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) =>
      (p as Json)?.type === "text" && typeof (p as Json).text === "string"
        ? ((p as Json).text as string)
        : "",
    )
    .join("");
}

function requireObject(body: unknown): Json {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new FakeOpenAIError(
      400,
      "We could not parse the JSON body of your request. The body must be a JSON object.",
    );
  }
  return body as Json;
}

/** Validates a chat request the way OpenAI does (the cases tests need) and reduces it to the planner's view. */
function parseChat(raw: unknown): FakeRequestView {
  const body = requireObject(raw);
  if (typeof body.model !== "string" || !body.model) {
    throw new FakeOpenAIError(400, "you must provide a model parameter", null, null);
  }
  if (body.messages === undefined) {
    throw new FakeOpenAIError(
      400,
      "Missing required parameter: 'messages'.",
      "messages",
      "missing_required_parameter",
    );
  }
  if (!Array.isArray(body.messages)) {
    throw new FakeOpenAIError(
      400,
      "Invalid type for 'messages': expected an array, but got an object instead.",
      "messages",
      "invalid_type",
    );
  }
  if (body.messages.length === 0) {
    throw new FakeOpenAIError(
      400,
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  const stream = body.stream === true;
  if (body.stream_options != null && !stream) {
    throw new FakeOpenAIError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "stream_options",
      null,
    );
  }
  const messages = body.messages as Json[];
  messages.forEach((m, i) => {
    if (!m || typeof m !== "object" || typeof m.role !== "string") {
      throw new FakeOpenAIError(
        400,
        `Missing required parameter: 'messages[${i}].role'.`,
        `messages[${i}].role`,
        "missing_required_parameter",
      );
    }
  });

  let lastUserText = "";
  let hasImage = false;
  let hasToolResults = false;
  let promptText = "";
  for (const m of messages) {
    const text = textOf(m.content);
    promptText += text;
    if (m.role === "user") {
      lastUserText = text;
      if (Array.isArray(m.content) && m.content.some((p) => (p as Json)?.type === "image_url"))
        hasImage = true;
    }
    if (m.role === "tool") hasToolResults = true;
  }
  const tools = Array.isArray(body.tools)
    ? (body.tools as Json[])
        .map((t) => (t.function as Json | undefined)?.name)
        .filter((n): n is string => typeof n === "string")
    : [];
  if (tools.length) promptText += JSON.stringify(body.tools);
  const format = (body.response_format as Json | undefined)?.type;
  const stop =
    typeof body.stop === "string" ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: body.model,
    stream,
    lastUserText,
    hasImage,
    tools,
    toolsAllowed: body.tool_choice !== "none",
    json: format === "json_object" || format === "json_schema",
    stop,
    maxTokens: typeof maxTokens === "number" ? maxTokens : null,
    hasToolResults,
    reasoning: body.reasoning_effort != null,
    promptTokens: estimateTokens(promptText),
    includeUsage: stream && (body.stream_options as Json | undefined)?.include_usage === true,
  };
}

function usageOf(plan: FakePlan) {
  return {
    prompt_tokens: plan.usage.input,
    completion_tokens: plan.usage.output,
    total_tokens: plan.usage.input + plan.usage.output,
    prompt_tokens_details: { cached_tokens: plan.usage.cacheRead, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: plan.usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const created = () => Math.floor(Date.now() / 1000);

function renderChat(plan: FakePlan, view: FakeRequestView) {
  const message: Json = {
    role: "assistant",
    content: plan.toolCalls.length > 0 || (plan.finish === "content_filter" && !plan.text) ? null : plan.text,
    refusal: null,
    annotations: [],
  };
  if (plan.thinking) message.reasoning_content = plan.thinking;
  if (plan.toolCalls.length) {
    message.tool_calls = plan.toolCalls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  return {
    id: `chatcmpl-${plan.id}`,
    object: "chat.completion",
    created: created(),
    model: view.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finish }],
    usage: usageOf(plan),
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
  };
}

function renderChatStream(plan: FakePlan, view: FakeRequestView): string[] {
  const base = {
    id: `chatcmpl-${plan.id}`,
    object: "chat.completion.chunk",
    created: created(),
    model: view.model,
  };
  const frames: string[] = [];
  const chunk = (delta: Json, finish: string | null = null) => {
    const c: Json = {
      ...base,
      service_tier: "default",
      system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (view.includeUsage) c.usage = null;
    frames.push(`data: ${JSON.stringify(c)}\n\n`);
  };
  chunk({ role: "assistant", content: "", refusal: null });
  if (plan.thinking)
    for (const piece of plan.thinking.match(/\S+\s*|\s+/g) ?? []) chunk({ reasoning_content: piece });
  for (const piece of plan.pieces) chunk({ content: piece });
  plan.toolCalls.forEach((call, index) => {
    chunk({
      tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
    });
    for (const piece of call.argumentPieces)
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  chunk({}, plan.finish);
  if (view.includeUsage) {
    const usage = {
      ...base,
      service_tier: "default",
      system_fingerprint: FINGERPRINT,
      choices: [],
      usage: usageOf(plan),
    };
    frames.push(`data: ${JSON.stringify(usage)}\n\n`);
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** Deterministic unit vector for one input: sha256 of the input, stretched with a counter. */
function vectorFor(input: unknown, dimensions: number): number[] {
  const seed = typeof input === "string" ? input : JSON.stringify(input);
  const out: number[] = [];
  for (let block = 0; out.length < dimensions; block++) {
    const hash = createHash("sha256").update(`${block}:${seed}`).digest();
    for (let i = 0; i + 1 < hash.length && out.length < dimensions; i += 2)
      out.push(hash.readUInt16LE(i) / 32767.5 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => Math.fround(v / norm));
}

function toBase64(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString("base64");
}

function renderEmbeddings(raw: unknown) {
  const body = requireObject(raw);
  if (typeof body.model !== "string" || !body.model)
    throw new FakeOpenAIError(400, "you must provide a model parameter");
  const input = body.input;
  if (input === undefined)
    throw new FakeOpenAIError(
      400,
      "Missing required parameter: 'input'.",
      "input",
      "missing_required_parameter",
    );
  const inputs: unknown[] =
    typeof input === "string"
      ? [input]
      : Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "number")
        ? [input] // one token array
        : Array.isArray(input)
          ? input
          : [];
  if (inputs.length === 0 || inputs.some((x) => x === "")) {
    throw new FakeOpenAIError(
      400,
      "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      "input",
    );
  }
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    throw new FakeOpenAIError(
      400,
      `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`,
      "encoding_format",
      "invalid_value",
    );
  }
  const dimensions = typeof body.dimensions === "number" && body.dimensions > 0 ? body.dimensions : 8;
  let tokens = 0;
  const data = inputs.map((x, index) => {
    tokens += Array.isArray(x) ? x.length : estimateTokens(String(x));
    const vector = vectorFor(x, dimensions);
    return { object: "embedding", index, embedding: format === "base64" ? toBase64(vector) : vector };
  });
  return { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

export const openaiFake: FakeProtocol = {
  name: "openai",

  route(path) {
    const p = path.split("?")[0];
    if (p === "/v1/chat/completions") return { kind: "chat" };
    if (p === "/v1/embeddings") return { kind: "embeddings" };
    return null;
  },

  checkAuth(headers) {
    const raw = headers.authorization;
    const value = Array.isArray(raw) ? raw[0] : raw;
    const key = value?.startsWith("Bearer ") ? value.slice(7).trim() : "";
    if (!key) {
      return "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.";
    }
    if (key.includes("invalid")) {
      return `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    }
    return null;
  },

  parseChat: (body) => parseChat(body),
  renderChat,
  renderChatStream,
  renderError: (status, message) => renderOpenAIError(status, message),

  renderStreamError(message) {
    // OpenAI ends a failing stream with one data event carrying an error object and no choices.
    return `data: ${JSON.stringify(renderOpenAIError(500, message))}\n\n`;
  },

  renderEmbeddings: (body) => renderEmbeddings(body),
  renderModels: () => ({
    object: "list",
    data: ["fake-gpt", "fake-embedding"].map((id) => ({
      id,
      object: "model",
      created: 0,
      owned_by: "switchyard-fake",
    })),
  }),
};
