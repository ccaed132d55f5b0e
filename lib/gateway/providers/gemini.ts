// Google Gemini (generativelanguage v1beta): the whole translation between OpenAI's chat completions and
// embeddings shapes and Gemini's generateContent / streamGenerateContent / batchEmbedContents, in one module.
//
// Facts this module is built on (lib/gateway/providers/fixtures/gemini holds documented examples of each):
//  - roles are user and model; system text goes to systemInstruction; consecutive same-role turns are merged;
//  - Gemini matches a functionResponse to its functionCall by function NAME and sends calls without ids, so the
//    relay invents distinct ids for the client and maps a tool message's tool_call_id back to the name;
//  - streamGenerateContent?alt=sse sends `data: {GenerateContentResponse}` events (CRLF) and no [DONE]: the event
//    carrying finishReason is the last one;
//  - promptTokenCount already includes cachedContentTokenCount; candidatesTokenCount excludes
//    thoughtsTokenCount, so completion tokens = candidates + thoughts;
//  - a blocked answer (SAFETY...) or a blocked prompt (promptFeedback.blockReason) may carry no content at all;
//  - errors are {"error":{"code","message","status"}}.
import { AppError } from "@/lib/errors";
import {
  UpstreamStreamError,
  toOpenAIUsage,
  type AssistantMessage,
  type ChatAdapter,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatMessage,
  type ChatRequest,
  type ChunkToolCallDelta,
  type ContentPart,
  type EmbeddingsRequest,
  type FinishReason,
  type NormalizedUsage,
  type SseEvent,
  type StreamTranslator,
  type ToolCall,
  type ToolChoice,
  type TranslateContext,
  type UpstreamErrorInfo,
  type UpstreamRequest,
  type UpstreamTarget,
} from "./types";

// ---------- Gemini wire shapes (the parts the relay reads or writes) ----------

interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
}

interface GeminiContent {
  role?: "user" | "model";
  parts?: GeminiPart[];
}

interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
}

interface GenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

interface GeminiError {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ "@type"?: string; reason?: string }>;
}

// ---------- Data tables ----------

/** Gemini finishReason -> OpenAI finish_reason. STOP becomes tool_calls when the answer calls functions. */
const FINISH_REASONS: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  LANGUAGE: "content_filter", // unsupported language: the answer was withheld
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
  IMAGE_RECITATION: "content_filter",
  // OTHER, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, FINISH_REASON_UNSPECIFIED...: a plain stop.
};

/** Gemini's canonical error status -> what it means for an OpenAI client. */
const ERROR_STATUSES: Record<string, { status: number; type: string }> = {
  INVALID_ARGUMENT: { status: 400, type: "invalid_request_error" },
  FAILED_PRECONDITION: { status: 400, type: "invalid_request_error" },
  OUT_OF_RANGE: { status: 400, type: "invalid_request_error" },
  UNAUTHENTICATED: { status: 401, type: "authentication_error" },
  PERMISSION_DENIED: { status: 403, type: "permission_error" },
  NOT_FOUND: { status: 404, type: "invalid_request_error" },
  RESOURCE_EXHAUSTED: { status: 429, type: "rate_limit_error" },
  INTERNAL: { status: 500, type: "server_error" },
  UNAVAILABLE: { status: 503, type: "server_error" },
  DEADLINE_EXCEEDED: { status: 504, type: "server_error" },
};

/** OpenAI tool_choice -> Gemini functionCallingConfig.mode. */
const TOOL_CHOICE_MODES: Record<"none" | "auto" | "required", "NONE" | "AUTO" | "ANY"> = {
  none: "NONE",
  auto: "AUTO",
  required: "ANY",
};

/**
 * reasoning_effort -> thinkingBudget (tokens), the mapping Google's own OpenAI-compatible endpoint documents for
 * low/medium/high. "minimal" gets 512, the smallest budget every 2.5 model accepts; "none" turns thinking off.
 */
const THINKING_BUDGETS: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** JSON-schema keywords Gemini's Schema (an OpenAPI 3.0 subset) accepts; anything else is dropped. */
const SCHEMA_KEYWORDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "items",
  "properties",
  "required",
  "anyOf",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "default",
  "example",
  "propertyOrdering",
]);

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
};

const AUDIO_TYPES: Record<string, string> = { wav: "audio/wav", mp3: "audio/mp3" };

// ---------- Small helpers ----------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((p) => (p.type === "text" ? (p as { text?: unknown }).text : undefined))
    .filter((t): t is string => typeof t === "string")
    .join("");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
function modelPath(model: string): string {
  return model.startsWith("models/") ? model.slice("models/".length) : model;
}

function headersFor(target: UpstreamTarget): Record<string, string> {
  return { "content-type": "application/json", ...target.headers, "x-goog-api-key": target.apiKey };
}

// ---------- Request: messages -> contents ----------

function dataUrlPart(url: string): GeminiPart | null {
  const m = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return m ? { inlineData: { mimeType: m[1]!, data: m[2]! } } : null;
}

function guessImageType(url: string): string {
  const path = url.split(/[?#]/)[0] ?? "";
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && IMAGE_TYPES[ext]) || "image/jpeg";
}

function imagePart(url: string): GeminiPart {
  return dataUrlPart(url) ?? { fileData: { mimeType: guessImageType(url), fileUri: url } };
}

/** One OpenAI user content part -> one Gemini part (null for parts Gemini cannot take). */
function userPart(part: ContentPart): GeminiPart | null {
  switch (part.type) {
    case "text": {
      const text = (part as { text?: unknown }).text;
      return typeof text === "string" && text !== "" ? { text } : null;
    }
    case "image_url": {
      const url = (part as { image_url?: { url?: string } }).image_url?.url;
      return url ? imagePart(url) : null;
    }
    case "input_audio": {
      const audio = (part as { input_audio?: { data?: string; format?: string } }).input_audio;
      if (!audio?.data) return null;
      return { inlineData: { mimeType: AUDIO_TYPES[audio.format ?? ""] ?? "audio/wav", data: audio.data } };
    }
    case "file": {
      const data = (part as { file?: { file_data?: string } }).file?.file_data;
      return data ? dataUrlPart(data) : null;
    }
    default:
      return null;
  }
}

function userParts(content: string | ContentPart[]): GeminiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  return content.map(userPart).filter((p): p is GeminiPart => p !== null);
}

function functionCallPart(call: ToolCall): GeminiPart {
  const args = parseJson(call.function.arguments || "{}");
  return { functionCall: { name: call.function.name, args: isObject(args) ? args : {} } };
}

function assistantParts(msg: Extract<ChatMessage, { role: "assistant" }>): GeminiPart[] {
  const text = textOf(msg.content);
  return [...(text ? [{ text }] : []), ...(msg.tool_calls ?? []).map(functionCallPart)];
}

/** A tool result: JSON objects go as they are, anything else as {result: text}. */
function functionResponsePart(name: string, content: string | ContentPart[]): GeminiPart {
  const text = textOf(content);
  const parsed = parseJson(text);
  return { functionResponse: { name, response: isObject(parsed) ? parsed : { result: text } } };
}

/** tool_call_id -> function name, from every assistant tool call in the conversation. */
function toolNamesById(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === "assistant") for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
  }
  return names;
}

function toContents(messages: ChatMessage[]): { contents: GeminiContent[]; system: GeminiPart[] } {
  const names = toolNamesById(messages);
  const system: GeminiPart[] = [];
  const turns: Array<{ role: "user" | "model"; parts: GeminiPart[] }> = [];
  messages.forEach((m, i) => {
    if (m.role === "system" || m.role === "developer") {
      const text = textOf(m.content);
      if (text) system.push({ text });
    } else if (m.role === "user") {
      turns.push({ role: "user", parts: userParts(m.content) });
    } else if (m.role === "assistant") {
      turns.push({ role: "model", parts: assistantParts(m) });
    } else if (m.role === "tool") {
      const name = names.get(m.tool_call_id);
      if (!name) {
        throw new AppError("invalid_request", `No assistant tool call has the id '${m.tool_call_id}'.`, {
          param: `messages[${i}].tool_call_id`,
        });
      }
      turns.push({ role: "user", parts: [functionResponsePart(name, m.content)] });
    }
  });
  return { contents: mergeTurns(turns.filter((t) => t.parts.length > 0)), system };
}

/** Gemini wants alternating turns: consecutive same-role turns become one (parallel tool results included). */
function mergeTurns(turns: Array<{ role: "user" | "model"; parts: GeminiPart[] }>): GeminiContent[] {
  const out: Array<{ role: "user" | "model"; parts: GeminiPart[] }> = [];
  for (const t of turns) {
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.parts.push(...t.parts);
    else out.push({ role: t.role, parts: [...t.parts] });
  }
  return out;
}

// ---------- Request: tools and JSON schemas ----------

/** Resolves a local `#/$defs/X` or `#/definitions/X` reference against the root schema. */
function resolveRef(ref: string, root: Record<string, unknown>): unknown {
  const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const defs = m ? root[m[1]!] : undefined;
  return m && isObject(defs) ? defs[m[2]!] : undefined;
}

/**
 * JSON schema (as OpenAI clients write it) -> Gemini Schema: local $refs inlined, `type: [T, "null"]` becomes
 * `type: T, nullable: true`, `const` becomes a one-value enum, unsupported keywords (additionalProperties,
 * $schema, strict, $defs...) dropped.
 */
export function toGeminiSchema(schema: unknown, root = schema, depth = 0): Record<string, unknown> {
  if (!isObject(schema) || depth > 32) return {};
  const ref =
    typeof schema.$ref === "string" ? resolveRef(schema.$ref, root as Record<string, unknown>) : null;
  if (ref) return toGeminiSchema(ref, root, depth + 1);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [name, toGeminiSchema(s, root, depth + 1)]),
      );
    } else if (key === "items") {
      out.items = toGeminiSchema(value, root, depth + 1);
    } else if (key === "anyOf" && Array.isArray(value)) {
      out.anyOf = value.map((s) => toGeminiSchema(s, root, depth + 1));
    } else if (key === "type" && Array.isArray(value)) {
      const types = value.filter((t) => t !== "null");
      if (types.length > 0) out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else if (key === "const") {
      out.enum = [value];
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = value;
    }
  }
  return out;
}

/** Gemini rejects an OBJECT schema with no properties: a function without parameters omits them. */
function functionParameters(
  parameters: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!parameters) return undefined;
  const schema = toGeminiSchema(parameters);
  const props = schema.properties;
  if (schema.type === "object" && (!isObject(props) || Object.keys(props).length === 0)) return undefined;
  return schema;
}

function toTools(req: ChatRequest): Record<string, unknown> {
  if (!req.tools?.length) return {};
  const functionDeclarations = req.tools.map(({ function: f }) => {
    const parameters = functionParameters(f.parameters);
    return {
      name: f.name,
      ...(f.description ? { description: f.description } : {}),
      ...(parameters ? { parameters } : {}),
    };
  });
  return { tools: [{ functionDeclarations }], ...toToolConfig(req.tool_choice) };
}

function toToolConfig(choice: ToolChoice | undefined): Record<string, unknown> {
  if (!choice) return {};
  const functionCallingConfig =
    typeof choice === "string"
      ? { mode: TOOL_CHOICE_MODES[choice] }
      : { mode: "ANY", allowedFunctionNames: [choice.function.name] };
  return { toolConfig: { functionCallingConfig } };
}

// ---------- Request: generationConfig ----------

function responseFormatConfig(req: ChatRequest): Record<string, unknown> {
  const format = req.response_format;
  if (format?.type === "json_object") return { responseMimeType: "application/json" };
  if (format?.type === "json_schema") {
    const schema = format.json_schema.schema;
    return {
      responseMimeType: "application/json",
      ...(schema ? { responseSchema: toGeminiSchema(schema) } : {}),
    };
  }
  return {};
}

function thinkingConfig(effort: string | null | undefined): Record<string, unknown> {
  if (!effort) return {};
  const thinkingBudget = THINKING_BUDGETS[effort];
  if (thinkingBudget === undefined) return {};
  return { thinkingConfig: { thinkingBudget, includeThoughts: thinkingBudget > 0 } };
}

/** Present values only: Gemini applies its own defaults to whatever is left out. */
function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function toGenerationConfig(req: ChatRequest): Record<string, unknown> {
  const stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  const config = definedOnly({
    temperature: req.temperature,
    topP: req.top_p,
    maxOutputTokens: req.max_completion_tokens ?? req.max_tokens,
    stopSequences: stop?.length ? stop : undefined,
    candidateCount: req.n,
    seed: req.seed,
    ...responseFormatConfig(req),
    ...thinkingConfig(req.reasoning_effort),
  });
  return Object.keys(config).length > 0 ? { generationConfig: config } : {};
}

function buildChatBody(req: ChatRequest): Record<string, unknown> {
  const { contents, system } = toContents(req.messages);
  return {
    ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}),
    contents,
    ...toTools(req),
    ...toGenerationConfig(req),
  };
}

// ---------- Response: usage, finish reasons, tool calls ----------

export function normalizeUsage(u: GeminiUsageMetadata): NormalizedUsage {
  const thoughts = u.thoughtsTokenCount ?? 0;
  return {
    // promptTokenCount already includes the cached part. Tool-use prompt tokens (built-in tools) are input too.
    inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
    cachedInputTokens: u.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    // candidatesTokenCount excludes the thoughts, which are billed as output.
    outputTokens: (u.candidatesTokenCount ?? 0) + thoughts,
    reasoningTokens: thoughts,
  };
}

function finishReasonOf(reason: string, calledFunctions: boolean): FinishReason {
  const mapped = FINISH_REASONS[reason] ?? "stop";
  return mapped === "stop" && calledFunctions ? "tool_calls" : mapped;
}

/** Relay-invented tool call id: distinct per request (ctx.id) and per call (n), even for the same function. */
function toolCallId(ctx: TranslateContext, n: number): string {
  return `call_${ctx.id.replace(/^chatcmpl-/, "")}_${n}`;
}

function toolCallOf(call: NonNullable<GeminiPart["functionCall"]>, id: string): ToolCall {
  return { id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
}

/** Splits a candidate's parts into answer text, thought text and function calls. */
function splitParts(parts: GeminiPart[] | undefined) {
  let text = "";
  let thoughts = "";
  const calls: Array<NonNullable<GeminiPart["functionCall"]>> = [];
  for (const p of parts ?? []) {
    if (p.functionCall) calls.push(p.functionCall);
    else if (typeof p.text === "string") {
      if (p.thought) thoughts += p.text;
      else text += p.text;
    }
  }
  return { text, thoughts, calls };
}

function parseBody(body: unknown): GenerateContentResponse {
  return isObject(body) ? (body as GenerateContentResponse) : {};
}

function parseChatResponse(body: unknown, ctx: TranslateContext) {
  const res = parseBody(body);
  let callCount = 0;
  const choices: ChatCompletion["choices"] = (res.candidates ?? []).map((c, i) => {
    const { text, thoughts, calls } = splitParts(c.content?.parts);
    const message: AssistantMessage = { role: "assistant", content: text || null, refusal: null };
    if (calls.length > 0)
      message.tool_calls = calls.map((call) => toolCallOf(call, toolCallId(ctx, callCount++)));
    if (ctx.includeReasoning && thoughts) message.reasoning_content = thoughts;
    const finish = finishReasonOf(c.finishReason ?? "STOP", calls.length > 0);
    return { index: c.index ?? i, message, finish_reason: finish, logprobs: null };
  });
  if (choices.length === 0) {
    // A blocked prompt (promptFeedback.blockReason) comes without any candidate.
    const finish: FinishReason = res.promptFeedback?.blockReason ? "content_filter" : "stop";
    choices.push({
      index: 0,
      message: { role: "assistant", content: null, refusal: null },
      finish_reason: finish,
      logprobs: null,
    });
  }
  const usage = res.usageMetadata ? normalizeUsage(res.usageMetadata) : null;
  const completion: ChatCompletion = {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices,
    ...(usage ? { usage: toOpenAIUsage(usage) } : {}),
  };
  return { completion, usage };
}

// ---------- Streaming ----------

class GeminiStreamTranslator implements StreamTranslator {
  done = false;
  usage: NormalizedUsage | null = null;
  /** Per candidate index: tool calls sent so far (the next delta index) and whether it finished. */
  private readonly candidates = new Map<number, { tools: number; finished: boolean }>();
  private callCount = 0;

  constructor(private readonly ctx: TranslateContext) {}

  push(event: SseEvent): ChatCompletionChunk[] {
    const data = event.data.trim();
    if (!data) return [];
    const parsed = parseJson(data);
    if (!isObject(parsed)) throw new UpstreamStreamError(malformedEvent(data));
    if (isObject(parsed.error)) throw new UpstreamStreamError(errorInfo(parsed.error as GeminiError, 500));
    const res = parsed as GenerateContentResponse;
    if (res.usageMetadata) this.usage = normalizeUsage(res.usageMetadata);

    const candidates = res.candidates ?? [];
    if (candidates.length === 0 && res.promptFeedback?.blockReason) {
      // A blocked prompt: no candidate at all, and nothing follows.
      this.done = true;
      return [...this.start(0), this.chunk(0, {}, "content_filter")];
    }
    const out = candidates.flatMap((c, i) => this.candidate(c, c.index ?? i));
    const states = [...this.candidates.values()];
    if (states.length > 0 && states.every((s) => s.finished)) this.done = true;
    return out;
  }

  private candidate(c: GeminiCandidate, index: number): ChatCompletionChunk[] {
    const out = this.start(index);
    const state = this.candidates.get(index)!;
    const { text, thoughts, calls } = splitParts(c.content?.parts);
    if (thoughts && this.ctx.includeReasoning) out.push(this.chunk(index, { reasoning_content: thoughts }));
    if (text) out.push(this.chunk(index, { content: text }));
    if (calls.length > 0) {
      const tool_calls: ChunkToolCallDelta[] = calls.map((call) => {
        const { id, type, function: fn } = toolCallOf(call, toolCallId(this.ctx, this.callCount++));
        return { index: state.tools++, id, type, function: fn };
      });
      out.push(this.chunk(index, { tool_calls }));
    }
    if (c.finishReason && !state.finished) {
      state.finished = true;
      out.push(this.chunk(index, {}, finishReasonOf(c.finishReason, state.tools > 0)));
    }
    return out;
  }

  /** The role chunk, the first time a candidate shows up. */
  private start(index: number): ChatCompletionChunk[] {
    if (this.candidates.has(index)) return [];
    this.candidates.set(index, { tools: 0, finished: false });
    return [this.chunk(index, { role: "assistant", content: "" })];
  }

  private chunk(
    index: number,
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: FinishReason | null = null,
  ): ChatCompletionChunk {
    return {
      id: this.ctx.id,
      object: "chat.completion.chunk",
      created: this.ctx.created,
      model: this.ctx.model,
      choices: [{ index, delta, finish_reason: finish, logprobs: null }],
    };
  }
}

function malformedEvent(data: string): UpstreamErrorInfo {
  return {
    status: 502,
    type: "server_error",
    code: "bad_upstream_event",
    message: `Gemini sent an event that is not a JSON object: ${data.slice(0, 200)}`,
  };
}

// ---------- Errors ----------

function typeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

function errorInfo(err: GeminiError, httpStatus: number): UpstreamErrorInfo {
  const known = err.status ? ERROR_STATUSES[err.status] : undefined;
  // A bad API key is INVALID_ARGUMENT on the wire; for the relay it is the provider credential failing.
  if (err.details?.some((d) => d.reason === "API_KEY_INVALID")) {
    return { status: 401, type: "authentication_error", code: "invalid_api_key", message: err.message ?? "" };
  }
  const status = known?.status ?? (typeof err.code === "number" && err.code >= 400 ? err.code : httpStatus);
  return {
    status,
    type: known?.type ?? typeForStatus(status),
    code: err.status ? err.status.toLowerCase() : null,
    message: err.message || `Gemini returned HTTP ${status}.`,
  };
}

function parseError(status: number, body: string): UpstreamErrorInfo {
  const parsed = parseJson(body);
  // streamGenerateContent without alt=sse wraps the error in an array.
  const envelope = Array.isArray(parsed) ? parsed[0] : parsed;
  if (isObject(envelope) && isObject(envelope.error)) return errorInfo(envelope.error as GeminiError, status);
  const text = body.trim().slice(0, 500);
  return {
    status,
    type: typeForStatus(status),
    code: null,
    message: text ? `Gemini returned HTTP ${status}: ${text}` : `Gemini returned HTTP ${status}.`,
  };
}

// ---------- Embeddings ----------

function embeddingInputs(input: EmbeddingsRequest["input"]): string[] {
  const inputs = Array.isArray(input) ? input : [input];
  if (!inputs.every((i): i is string => typeof i === "string")) {
    throw new AppError("invalid_request", "Gemini embeddings take text input only, not token arrays.", {
      param: "input",
    });
  }
  return inputs;
}

/** The encoding OpenAI's `encoding_format: "base64"` means: the little-endian float32 array, base64. */
export function float32Base64(values: number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString("base64");
}

function buildEmbeddingsRequest(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest {
  const model = modelPath(target.upstreamModel);
  const requests = embeddingInputs(req.input).map((text) => ({
    model: `models/${model}`,
    content: { parts: [{ text }] },
    ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}),
  }));
  return {
    path: `/v1beta/models/${model}:batchEmbedContents`,
    headers: headersFor(target),
    body: JSON.stringify({ requests }),
  };
}

function parseEmbeddingsResponse(body: unknown, req: EmbeddingsRequest) {
  const embeddings = (isObject(body) && Array.isArray(body.embeddings) ? body.embeddings : []) as Array<{
    values?: number[];
  }>;
  const base64 = req.encoding_format === "base64";
  const data = embeddings.map((e, index) => {
    const values = e.values ?? [];
    return { object: "embedding" as const, index, embedding: base64 ? float32Base64(values) : values };
  });
  // Gemini reports no token counts for embeddings: estimate one token per four characters, rounded up.
  const tokens = embeddingInputs(req.input).reduce((n, text) => n + Math.ceil(text.length / 4), 0);
  const usage: NormalizedUsage = {
    inputTokens: tokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  return {
    response: {
      object: "list" as const,
      data,
      model: req.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    usage,
  };
}

// ---------- The adapter ----------

export const geminiAdapter: ChatAdapter = {
  protocol: "gemini",

  buildChatRequest(req, target, { stream }) {
    const model = modelPath(target.upstreamModel);
    return {
      path: stream
        ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
        : `/v1beta/models/${model}:generateContent`,
      headers: headersFor(target),
      body: JSON.stringify(buildChatBody(req)),
    };
  },

  parseChatResponse,

  createStreamTranslator: (ctx) => new GeminiStreamTranslator(ctx),

  parseError: (status, body) => parseError(status, body),

  buildEmbeddingsRequest,
  parseEmbeddingsResponse,
};
