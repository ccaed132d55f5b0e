// The OpenAI protocol: OpenAI itself and every OpenAI-compatible vendor (DeepSeek, Qwen, Mistral, Groq, Together,
// OpenRouter, vLLM, Ollama). The wire format is already the canonical one, so translation is mostly hygiene:
//  - requests: the vendor's quirks (vendors.ts) are applied as data (dropped, renamed, unknown params), streams
//    ALWAYS ask for usage (stream_options.include_usage) so the relay can bill; one JSON.stringify per request;
//  - answers: the client sees the relay's id/model/created, standard finish reasons only (a vendor's own reason is
//    mapped, never passed through), reasoning text only when it asked for it, and normalized usage;
//  - streams: one upstream event in, at most one chunk out, parsed once; usage wherever the vendor puts it (the
//    include_usage chunk, the finish chunk, Groq's x_groq) is captured and re-emitted as ONE trailing usage chunk
//    (`choices: []`) when [DONE] arrives. Whether the client sees it is the pipeline's call: see formatClientChunk.
import { endianness } from "node:os";
import {
  type ChatAdapter,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  type FinishReason,
  type NormalizedUsage,
  type StreamTranslator,
  type ToolCall,
  type TranslateContext,
  type UpstreamErrorInfo,
  type UpstreamRequest,
  type UpstreamTarget,
  type VendorQuirks,
  UpstreamStreamError,
  toOpenAIUsage,
} from "./types";

// ---------- Quirks beyond the shared VendorQuirks ----------

/** OpenAI-protocol quirks that VendorQuirks does not (yet) name. */
export interface OpenAIVendorQuirks extends VendorQuirks {
  /** Whether /embeddings honours encoding_format "base64" (default true). When false the relay asks for floats and
   * encodes them itself (little-endian float32, as OpenAI does). */
  embeddingsBase64?: boolean;
}

/** Translation options beyond TranslateContext: the vendor's quirks, when the caller has them at hand. */
export type OpenAITranslateContext = TranslateContext & { quirks?: VendorQuirks };

// ---------- Data: known fields, finish reasons, reasoning and usage locations ----------

/** Request fields of OpenAI's chat completions API. Anything else is "unknown" (VendorQuirks.passUnknownParams). */
const KNOWN_CHAT_FIELDS = new Set([
  "model",
  "messages",
  "audio",
  "frequency_penalty",
  "function_call",
  "functions",
  "logit_bias",
  "logprobs",
  "max_completion_tokens",
  "max_tokens",
  "metadata",
  "modalities",
  "n",
  "parallel_tool_calls",
  "prediction",
  "presence_penalty",
  "prompt_cache_key",
  "prompt_cache_retention",
  "reasoning_effort",
  "response_format",
  "safety_identifier",
  "seed",
  "service_tier",
  "stop",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "user",
  "verbosity",
  "web_search_options",
]);

/** Request fields of OpenAI's embeddings API. */
const KNOWN_EMBEDDING_FIELDS = new Set(["model", "input", "encoding_format", "dimensions", "user"]);

/** A finish reason that means the generation failed: surfaced as an error, never as a normal finish. */
interface FinishError {
  error: { status: number; message: string };
}

/** Every finish reason seen on the OpenAI protocol, mapped to OpenAI's set. Unknown values map to "stop". */
const FINISH_REASONS: Record<string, FinishReason | FinishError> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
  function_call: "function_call", // legacy, still in OpenAI's set (PROVIDERS.md)
  eos: "stop", // vLLM / TGI style
  eos_token: "stop",
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_length: "length", // Mistral: the model's context is full
  tool_use: "tool_calls",
  tool_call: "tool_calls",
  safety: "content_filter",
  recitation: "content_filter",
  sensitive: "content_filter",
  error: { error: { status: 502, message: "The upstream model stopped with an error." } }, // Mistral, OpenRouter
  abort: { error: { status: 502, message: "The upstream model aborted the generation." } }, // vLLM
  insufficient_system_resource: {
    error: { status: 503, message: "The upstream provider ran out of capacity while generating." }, // DeepSeek
  },
};

/** Where OpenAI-compatible vendors put reasoning text, when the quirks do not say. */
const DEFAULT_REASONING_FIELDS = ["reasoning_content", "reasoning"];

/** Error status by OpenAI-style error type, for errors that carry no HTTP status (mid-stream). */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  requests: 429,
  tokens: 429,
  insufficient_quota: 429,
  server_error: 500,
  api_error: 500,
  overloaded_error: 503,
};

/** OpenAI-style error type for an HTTP status, when the body does not say. */
function typeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/** Headers that carry the provider's request id, first match wins. */
const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-generation-id"];

// ---------- Helpers the pipeline uses ----------

/** Whether the client asked for the trailing usage chunk (stream_options.include_usage). The relay always asks the
 * upstream for usage; the client sees it only when this is true. */
export function clientWantsStreamUsage(req: ChatRequest): boolean {
  return req.stream === true && req.stream_options?.include_usage === true;
}

/** The trailing usage-only chunk (`choices: []` with usage). */
export function isUsageChunk(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.length === 0 && chunk.usage != null;
}

/**
 * Serializes one translated chunk as the client should see it (`data: {...}\n\n`), or returns null to skip it.
 * `includeUsage` is clientWantsStreamUsage(req): without it the usage chunk is skipped; with it every other chunk
 * carries `"usage": null`, exactly as OpenAI sends it. The single JSON.stringify of the chunk happens here.
 */
export function formatClientChunk(chunk: ChatCompletionChunk, includeUsage: boolean): string | null {
  if (!includeUsage) return isUsageChunk(chunk) ? null : `data: ${JSON.stringify(chunk)}\n\n`;
  if (chunk.usage === undefined) chunk.usage = null;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

// ---------- Request ----------

type Json = Record<string, unknown>;

function authHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  return target.headers ? Object.assign(headers, target.headers) : headers;
}

/** Message-level fields named in dropParams as `messages[].field`. */
function messageDrops(quirks: VendorQuirks): string[] {
  const out: string[] = [];
  for (const p of quirks.dropParams ?? []) if (p.startsWith("messages[].")) out.push(p.slice(11));
  // The relay's canonical reasoning_content on assistant turns means nothing to a vendor without that field.
  if (quirks.reasoningField !== "reasoning_content" && !out.includes("reasoning_content"))
    out.push("reasoning_content");
  return out;
}

/** Copies only the messages that carry a dropped field; the others are passed by reference. */
function cleanMessages(messages: unknown, drops: string[]): unknown {
  if (!Array.isArray(messages)) return messages;
  let out: unknown[] | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Json | null;
    if (!m || typeof m !== "object" || !drops.some((f) => f in m)) continue;
    const copy: Json = { ...m };
    for (const f of drops) delete copy[f];
    out ??= messages.slice();
    out[i] = copy;
  }
  return out ?? messages;
}

/**
 * Applies quirks to a request body: null/undefined values and dropped fields go, unknown fields go unless the vendor
 * passes them, renamed fields move (an explicitly set target wins). Model and stream fields are the caller's.
 */
function applyQuirks(
  req: Record<string, unknown>,
  quirks: VendorQuirks,
  known: Set<string>,
  skip: Set<string>,
): Json {
  const drop = quirks.dropParams;
  const rename = quirks.renameParams;
  const passUnknown = quirks.passUnknownParams !== false;
  const body: Json = {};
  for (const key in req) {
    const value = req[key];
    if (value === undefined || value === null || skip.has(key)) continue;
    if (drop && drop.includes(key)) continue;
    if (!passUnknown && !known.has(key)) continue;
    const to = rename?.[key];
    if (to !== undefined) {
      if (req[to] === undefined || req[to] === null) body[to] = value;
      continue;
    }
    body[key] = value;
  }
  return body;
}

const CHAT_SKIP = new Set(["model", "stream", "stream_options"]);
const EMBEDDINGS_SKIP = new Set(["model", "encoding_format"]);

function buildChatRequest(
  req: ChatRequest,
  target: UpstreamTarget,
  opts: { stream: boolean },
): UpstreamRequest {
  const quirks = target.quirks ?? {};
  const body = applyQuirks(req, quirks, KNOWN_CHAT_FIELDS, CHAT_SKIP);
  body.model = target.upstreamModel;
  const drops = messageDrops(quirks);
  if (drops.length > 0 && body.messages !== undefined) body.messages = cleanMessages(body.messages, drops);
  if (opts.stream) {
    body.stream = true;
    // Usage is always requested upstream (billing); the client's own wish is honoured by formatClientChunk.
    if (quirks.supportsStreamUsage !== false && !quirks.dropParams?.includes("stream_options")) {
      body.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
    }
  }
  return { path: "/chat/completions", headers: authHeaders(target), body: JSON.stringify(body) };
}

// ---------- Usage ----------

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** OpenAI usage (plus DeepSeek's prompt_cache_hit_tokens) to the relay's normalized usage. */
export function normalizeOpenAIUsage(raw: unknown): NormalizedUsage | null {
  if (!raw || typeof raw !== "object") return null;
  const u = raw as Json;
  const promptDetails = u.prompt_tokens_details as Json | null | undefined;
  const completionDetails = u.completion_tokens_details as Json | null | undefined;
  const input = num(u.prompt_tokens);
  let output = num(u.completion_tokens);
  if (output === 0 && u.completion_tokens === undefined && typeof u.total_tokens === "number") {
    output = Math.max(0, u.total_tokens - input); // embeddings-style or terse vendors
  }
  return {
    inputTokens: input,
    cachedInputTokens: Math.max(num(promptDetails?.cached_tokens), num(u.prompt_cache_hit_tokens)),
    cacheWriteTokens: 0, // the OpenAI protocol does not report cache writes
    outputTokens: output,
    reasoningTokens: num(completionDetails?.reasoning_tokens),
  };
}

/** Usage wherever the vendor puts it: `usage`, or Groq's `x_groq.usage`. */
function rawUsage(obj: Json): unknown {
  if (obj.usage) return obj.usage;
  const groq = obj.x_groq as Json | undefined;
  return groq?.usage ?? null;
}

// ---------- Errors ----------

function statusFromError(err: Json, fallback: number): number {
  const code = err.code;
  if (typeof code === "number" && code >= 400 && code <= 599) return code;
  const byType = typeof err.type === "string" ? STATUS_BY_ERROR_TYPE[err.type] : undefined;
  return byType ?? fallback;
}

function messageOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    // Mistral 422: {"message": {"detail": [{"loc": [...], "msg": "..."}]}}
    const detail = (value as Json).detail;
    if (Array.isArray(detail)) {
      return detail
        .map((d) => {
          const e = d as Json;
          const loc = Array.isArray(e.loc) ? `${e.loc.join(".")}: ` : "";
          return `${loc}${typeof e.msg === "string" ? e.msg : JSON.stringify(d)}`;
        })
        .join("; ");
    }
    if (typeof detail === "string") return detail;
    return JSON.stringify(value);
  }
  return null;
}

/** An OpenAI-style error object (or a vendor's variant) to UpstreamErrorInfo. */
function errorInfo(err: Json, status: number, providerRequestId?: string): UpstreamErrorInfo {
  const info: UpstreamErrorInfo = {
    status,
    message: messageOf(err.message) ?? messageOf(err.detail) ?? `Upstream returned HTTP ${status}.`,
    type: typeof err.type === "string" && err.type ? err.type : typeForStatus(status),
    code: typeof err.code === "string" ? err.code : null,
    param: typeof err.param === "string" ? err.param : null,
  };
  if (providerRequestId) info.providerRequestId = providerRequestId;
  return info;
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseError(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): UpstreamErrorInfo {
  let providerRequestId: string | undefined;
  for (const h of REQUEST_ID_HEADERS) {
    providerRequestId = headerValue(headers, h);
    if (providerRequestId) break;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const obj = parsed as Json;
    if (obj.error && typeof obj.error === "object")
      return errorInfo(obj.error as Json, status, providerRequestId);
    if (typeof obj.error === "string") return errorInfo({ message: obj.error }, status, providerRequestId); // Ollama
    return errorInfo(obj, status, providerRequestId); // vLLM {"object":"error","message",...}, FastAPI {"detail"}
  }
  const text = body.trim();
  const readable = text && !text.startsWith("<") ? text.slice(0, 500) : `Upstream returned HTTP ${status}.`;
  return errorInfo({ message: readable }, status, providerRequestId);
}

function throwIfError(obj: Json, fallbackStatus: number): void {
  const err = obj.error;
  if (err === undefined || err === null) return;
  const e: Json = typeof err === "object" ? (err as Json) : { message: String(err) };
  throw new UpstreamStreamError(errorInfo(e, statusFromError(e, fallbackStatus)));
}

// ---------- Responses ----------

/** A vendor finish reason to OpenAI's; throws for reasons that mean failure. */
function mapFinish(reason: unknown): FinishReason | null {
  if (reason === null || reason === undefined || reason === "") return null;
  const mapped = FINISH_REASONS[String(reason)];
  if (mapped === undefined) return "stop";
  if (typeof mapped === "string") return mapped;
  throw new UpstreamStreamError({
    status: mapped.error.status,
    message: mapped.error.message,
    type: "server_error",
    code: String(reason),
  });
}

function reasoningFields(ctx: TranslateContext): string[] {
  const field = (ctx as OpenAITranslateContext).quirks?.reasoningField;
  return field ? [field] : DEFAULT_REASONING_FIELDS;
}

/** Removes every vendor reasoning field from `obj`; returns the first non-empty text found. */
function takeReasoning(obj: Json, fields: string[]): string | undefined {
  let text: string | undefined;
  for (const f of fields) {
    if (!(f in obj)) continue;
    const v = obj[f];
    if (text === undefined && typeof v === "string" && v !== "") text = v;
    delete obj[f];
  }
  // Structured reasoning (OpenRouter's reasoning_details) never reaches the client: the text above is what it gets.
  if ("reasoning_details" in obj) delete obj.reasoning_details;
  return text;
}

/** Text of a content value: a string, or the text parts of a content array (Mistral's magistral sends parts). */
function contentText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  let text = "";
  for (const part of content) {
    const p = part as Json;
    if (p && p.type === "text" && typeof p.text === "string") text += p.text;
  }
  return text;
}

function toolCallsOf(raw: unknown, idPrefix: string): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((t, i) => {
    const call = t as Json;
    const fn = (call.function ?? {}) as Json;
    return {
      id: typeof call.id === "string" && call.id ? call.id : `call_${idPrefix}_${i}`,
      type: "function",
      function: {
        name: typeof fn.name === "string" ? fn.name : "",
        arguments: typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {}),
      },
    };
  });
}

const PASSTHROUGH_MESSAGE_FIELDS = ["function_call", "annotations", "audio"];

function parseChatResponse(
  body: unknown,
  ctx: TranslateContext,
): { completion: ChatCompletion; usage: NormalizedUsage | null } {
  if (!body || typeof body !== "object") {
    throw new UpstreamStreamError({
      status: 502,
      message: "Upstream returned no JSON object.",
      type: "server_error",
      code: null,
    });
  }
  const obj = body as Json;
  throwIfError(obj, 502); // OpenRouter reports some failures in a 200 body
  if (!Array.isArray(obj.choices)) {
    throw new UpstreamStreamError({
      status: 502,
      message: "Upstream returned no choices.",
      type: "server_error",
      code: null,
    });
  }
  const fields = reasoningFields(ctx);
  const idPrefix = ctx.id.slice(-8);
  const choices = (obj.choices as Json[]).map((c, i) => {
    const msg = { ...((c.message ?? {}) as Json) };
    const reasoning = takeReasoning(msg, fields);
    const message: ChatCompletion["choices"][number]["message"] = {
      role: "assistant",
      content: contentText(msg.content),
      refusal: typeof msg.refusal === "string" ? msg.refusal : null,
    };
    const toolCalls = toolCallsOf(msg.tool_calls, `${idPrefix}${i}`);
    if (toolCalls) message.tool_calls = toolCalls;
    if (ctx.includeReasoning && reasoning !== undefined) message.reasoning_content = reasoning;
    for (const f of PASSTHROUGH_MESSAGE_FIELDS) {
      if (msg[f] !== undefined && msg[f] !== null) (message as unknown as Json)[f] = msg[f];
    }
    return {
      index: typeof c.index === "number" ? c.index : i,
      message,
      finish_reason: mapFinish(c.finish_reason),
      logprobs: (c.logprobs ?? null) as null,
    };
  });
  const usage = normalizeOpenAIUsage(rawUsage(obj));
  const completion: ChatCompletion = {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices,
  };
  if (usage) completion.usage = toOpenAIUsage(usage);
  if (typeof obj.system_fingerprint === "string") completion.system_fingerprint = obj.system_fingerprint;
  return { completion, usage };
}

// ---------- Streams ----------

type ChunkChoice = ChatCompletionChunk["choices"][number];

function isEmptyDelta(d: Json): boolean {
  for (const k in d) {
    const v = d[k];
    if (v === null || v === undefined) continue;
    if (k === "content" && v === "") continue;
    if (k === "tool_calls" && Array.isArray(v) && v.length === 0) continue;
    return false;
  }
  return true;
}

class OpenAIStreamTranslator implements StreamTranslator {
  done = false;
  usage: NormalizedUsage | null = null;
  private readonly fields: string[];
  private fingerprint: string | undefined;

  constructor(private readonly ctx: TranslateContext) {
    this.fields = reasoningFields(ctx);
  }

  push(event: { event?: string; data: string }): ChatCompletionChunk[] {
    if (this.done) return [];
    const data = event.data;
    if (data === "[DONE]") {
      this.done = true;
      return this.usage ? [this.usageChunk(this.usage)] : [];
    }
    if (data === "") return [];
    let obj: Json;
    try {
      obj = JSON.parse(data) as Json;
    } catch {
      throw new UpstreamStreamError({
        status: 502,
        message: "Upstream sent an event that is not JSON.",
        type: "server_error",
        code: null,
      });
    }
    if (event.event === "error" && obj.error === undefined) obj = { error: obj };
    throwIfError(obj, 502);

    const u = rawUsage(obj);
    if (u) this.usage = normalizeOpenAIUsage(u); // cumulative where repeated: the latest wins
    if (typeof obj.system_fingerprint === "string") this.fingerprint = obj.system_fingerprint;

    const raw = obj.choices;
    if (!Array.isArray(raw) || raw.length === 0) return []; // usage-only, Azure prompt_filter_results, keep-alives
    const choices: ChunkChoice[] = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i] as Json;
      const delta = (c.delta ?? {}) as Json;
      const reasoning = takeReasoning(delta, this.fields);
      if (reasoning !== undefined && this.ctx.includeReasoning) delta.reasoning_content = reasoning;
      if (Array.isArray(delta.content)) delta.content = contentText(delta.content);
      const tools = delta.tool_calls;
      if (Array.isArray(tools)) {
        for (let t = 0; t < tools.length; t++) {
          const call = tools[t] as Json;
          if (typeof call.index !== "number") call.index = t;
        }
      }
      const finish = mapFinish(c.finish_reason);
      if (finish === null && isEmptyDelta(delta)) continue; // e.g. hidden reasoning: nothing for the client
      const choice: ChunkChoice = {
        index: typeof c.index === "number" ? c.index : i,
        delta: delta as ChunkChoice["delta"],
        finish_reason: finish,
      };
      if (c.logprobs !== undefined) choice.logprobs = c.logprobs as null;
      choices.push(choice);
    }
    if (choices.length === 0) return [];
    const chunk: ChatCompletionChunk = {
      id: this.ctx.id,
      object: "chat.completion.chunk",
      created: this.ctx.created,
      model: this.ctx.model,
      choices,
    };
    if (this.fingerprint !== undefined) chunk.system_fingerprint = this.fingerprint;
    return [chunk];
  }

  private usageChunk(usage: NormalizedUsage): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      id: this.ctx.id,
      object: "chat.completion.chunk",
      created: this.ctx.created,
      model: this.ctx.model,
      choices: [],
      usage: toOpenAIUsage(usage),
    };
    if (this.fingerprint !== undefined) chunk.system_fingerprint = this.fingerprint;
    return chunk;
  }
}

// ---------- Embeddings ----------

const LITTLE_ENDIAN = endianness() === "LE";

/** Floats to OpenAI's base64 embedding: little-endian float32. */
export function encodeEmbeddingBase64(values: number[]): string {
  const floats = Float32Array.from(values);
  if (LITTLE_ENDIAN)
    return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
  const view = new DataView(new ArrayBuffer(floats.length * 4));
  for (let i = 0; i < floats.length; i++) view.setFloat32(i * 4, floats[i]!, true);
  return Buffer.from(view.buffer).toString("base64");
}

/** OpenAI's base64 embedding (little-endian float32) to floats. */
export function decodeEmbeddingBase64(b64: string): number[] {
  const bytes = Buffer.from(b64, "base64");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.byteLength >> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function buildEmbeddingsRequest(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest {
  const quirks = (target.quirks ?? {}) as OpenAIVendorQuirks;
  const body = applyQuirks(req, quirks, KNOWN_EMBEDDING_FIELDS, EMBEDDINGS_SKIP);
  body.model = target.upstreamModel;
  if (req.encoding_format === "base64") {
    // Ask for floats where the vendor cannot encode; parseEmbeddingsResponse encodes them for the client.
    body.encoding_format = quirks.embeddingsBase64 === false ? "float" : "base64";
  } else if (req.encoding_format === "float") {
    body.encoding_format = "float";
  }
  return { path: "/embeddings", headers: authHeaders(target), body: JSON.stringify(body) };
}

function parseEmbeddingsResponse(
  body: unknown,
  req: EmbeddingsRequest,
): { response: EmbeddingsResponse; usage: NormalizedUsage | null } {
  const obj = (body ?? {}) as Json;
  throwIfError(obj, 502);
  if (!Array.isArray(obj.data)) {
    throw new UpstreamStreamError({
      status: 502,
      message: "Upstream returned no embeddings.",
      type: "server_error",
      code: null,
    });
  }
  const wantBase64 = req.encoding_format === "base64";
  const data = (obj.data as Json[]).map((d, i) => {
    let embedding = d.embedding as number[] | string;
    if (wantBase64 && Array.isArray(embedding)) embedding = encodeEmbeddingBase64(embedding);
    else if (!wantBase64 && typeof embedding === "string") embedding = decodeEmbeddingBase64(embedding);
    return { object: "embedding" as const, index: typeof d.index === "number" ? d.index : i, embedding };
  });
  const normalized = normalizeOpenAIUsage(obj.usage);
  const usage: NormalizedUsage | null = normalized && { ...normalized, outputTokens: 0, reasoningTokens: 0 };
  const response: EmbeddingsResponse = {
    object: "list",
    data,
    model: req.model,
    usage: { prompt_tokens: usage?.inputTokens ?? 0, total_tokens: usage?.inputTokens ?? 0 },
  };
  return { response, usage };
}

// ---------- The adapter ----------

export const openaiAdapter: ChatAdapter = {
  protocol: "openai",
  buildChatRequest,
  parseChatResponse,
  createStreamTranslator: (ctx) => new OpenAIStreamTranslator(ctx),
  parseError,
  buildEmbeddingsRequest,
  parseEmbeddingsResponse,
};
