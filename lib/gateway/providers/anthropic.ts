// Anthropic Messages adapter: OpenAI chat completions <-> POST /v1/messages, streaming included. All Anthropic
// translation lives here; the wire facts it relies on are in /work/shared/PROVIDERS.md and fixtures/anthropic/.
//
// Invariants (see types.ts):
//  - Anthropic rejects unknown fields, so the request body is built field by field: nothing is passed through;
//  - usage: Anthropic's input_tokens excludes cache reads and writes, so prompt = input + cache read + cache write;
//    message_delta usage is cumulative and replaces (never adds to) what message_start said;
//  - an `error` event mid-stream throws UpstreamStreamError: the client must see an error, not a finish.
//
// JSON mode (response_format json_object / json_schema) uses Anthropic's documented technique for JSON output: a
// tool whose input_schema is the wanted schema, forced with tool_choice. The tool's input IS the answer, so the
// client receives it as plain JSON text in `content` with finish_reason "stop" (streamed from input_json_delta
// pieces as they arrive). A forced tool is valid JSON by construction, unlike a prompt + "{" prefill, and it
// streams. Extended thinking cannot be combined with a forced tool, so with reasoning the choice is "auto" plus a
// system instruction to answer through the tool.
import { AppError } from "@/lib/errors";
import {
  toOpenAIUsage,
  UpstreamStreamError,
  type ChatAdapter,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatMessage,
  type ChatRequest,
  type ChunkToolCallDelta,
  type ContentPart,
  type FinishReason,
  type NormalizedUsage,
  type SseEvent,
  type StreamTranslator,
  type TextPart,
  type ToolCall,
  type TranslateContext,
  type UpstreamErrorInfo,
} from "./types";

export const ANTHROPIC_VERSION = "2023-06-01";
/** max_tokens is required by Anthropic; most OpenAI clients omit it. */
export const DEFAULT_MAX_TOKENS = 4096;
/** The tool that carries a JSON-mode answer (see the header comment). */
export const JSON_TOOL_NAME = "json_response";

const JSON_TOOL_DESCRIPTION =
  "Give your final answer to the user by calling this tool exactly once. Its input is the answer, as a JSON object.";
const JSON_SYSTEM_INSTRUCTION = `Answer only by calling the ${JSON_TOOL_NAME} tool; its input is your final answer.`;

/** reasoning_effort -> thinking.budget_tokens (Anthropic's minimum budget is 1024). */
const THINKING_BUDGETS: Record<NonNullable<ChatRequest["reasoning_effort"]>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
};

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/** Anthropic error type -> the status it comes with and the OpenAI-style type the client sees. */
const ERROR_TYPES: Record<string, { status: number; type: string }> = {
  invalid_request_error: { status: 400, type: "invalid_request_error" },
  authentication_error: { status: 401, type: "authentication_error" },
  billing_error: { status: 402, type: "insufficient_quota" },
  permission_error: { status: 403, type: "permission_error" },
  not_found_error: { status: 404, type: "invalid_request_error" },
  request_too_large: { status: 413, type: "invalid_request_error" },
  rate_limit_error: { status: 429, type: "rate_limit_error" },
  api_error: { status: 500, type: "server_error" },
  timeout_error: { status: 504, type: "server_error" },
  // 529: failover treats it like 503.
  overloaded_error: { status: 529, type: "server_error" },
};

// ---------- Anthropic wire shapes (only what the relay reads or writes) ----------

type CacheControl = { cache_control?: unknown };
type TextBlock = { type: "text"; text: string } & CacheControl;
type ImageSource = { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
type ImageBlock = { type: "image"; source: ImageSource } & CacheControl;
type ToolUseBlock = { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };
type ToolResultBlock = { type: "tool_result"; tool_use_id: string; content: string | TextBlock[] };
type RequestBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock;

interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | RequestBlock[];
}

interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

type AnthropicToolChoice = {
  type: "auto" | "any" | "none" | "tool";
  name?: string;
  disable_parallel_tool_use?: boolean;
};

export interface MessagesBody {
  model: string;
  messages: AnthropicMessage[];
  max_tokens: number;
  system?: string | TextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: { type: "enabled"; budget_tokens: number };
  metadata?: { user_id: string };
  stream?: true;
}

/** A content block as it comes back (response content or content_block_start). */
interface ResponseBlock {
  type: string;
  text?: string;
  thinking?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

interface MessageResponse {
  content?: ResponseBlock[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

interface AnthropicErrorBody {
  type?: string;
  error?: { type?: string; message?: string };
  request_id?: string;
}

// ---------- Request ----------

function toTextBlocks(content: string | TextPart[] | null | undefined): TextBlock[] {
  if (content == null) return [];
  // Anthropic rejects empty text blocks.
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return content
    .filter((p) => p.type === "text" && p.text)
    .map((p) => withCacheControl({ type: "text", text: p.text }, p));
}

/** Clients that know Anthropic put cache_control on content parts; keep it so prompt caching works through us. */
function withCacheControl<B extends object>(block: B, part: object): B {
  const cc = (part as CacheControl).cache_control;
  return cc === undefined ? block : { ...block, cache_control: cc };
}

function toImageSource(url: string): ImageSource {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: "base64", media_type: data[1]!, data: data[2]! };
  if (/^https?:\/\//i.test(url)) return { type: "url", url };
  throw new AppError("invalid_request", "Image URLs must be http(s) URLs or base64 data URLs.", {
    param: "messages",
  });
}

function toUserBlocks(content: string | ContentPart[]): RequestBlock[] {
  if (typeof content === "string") return toTextBlocks(content);
  return content.flatMap((part): RequestBlock[] => {
    if (part.type === "text") return toTextBlocks([part as TextPart]);
    if (part.type === "image_url") {
      const { image_url } = part as { image_url: { url: string } };
      return [withCacheControl({ type: "image", source: toImageSource(image_url.url) }, part)];
    }
    const message = `Content part type "${part.type}" is not supported by this model.`;
    throw new AppError("invalid_request", message, { param: "messages" });
  });
}

/** Tool arguments as Anthropic's tool_use input: the parsed JSON object, or {} when it is not one. */
function parseArguments(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function toAssistantBlocks(m: Extract<ChatMessage, { role: "assistant" }>): RequestBlock[] {
  // reasoning_content from earlier turns is dropped: Anthropic only takes thinking back with its signature.
  const calls: ToolUseBlock[] = (m.tool_calls ?? []).map((c) => ({
    type: "tool_use",
    id: c.id,
    name: c.function.name,
    input: parseArguments(c.function.arguments),
  }));
  return [...toTextBlocks(m.content), ...calls];
}

function toToolResult(m: Extract<ChatMessage, { role: "tool" }>): ToolResultBlock {
  const content = typeof m.content === "string" ? m.content : toTextBlocks(m.content);
  return { type: "tool_result", tool_use_id: m.tool_call_id, content };
}

/** One text block without extras reads better (and is what the docs show) as a plain string. */
function compact(blocks: TextBlock[] | RequestBlock[]): string | RequestBlock[] {
  const only = blocks[0];
  return blocks.length === 1 && only?.type === "text" && !("cache_control" in only) ? only.text : blocks;
}

/**
 * OpenAI messages -> Anthropic `system` + alternating `messages`: system/developer messages go to `system`, tool
 * results become tool_result blocks in a user message, and consecutive same-role messages are merged.
 */
export function toAnthropicMessages(input: ChatMessage[]): {
  system?: string | TextBlock[];
  messages: AnthropicMessage[];
} {
  const system: TextBlock[] = [];
  const merged: Array<{ role: "user" | "assistant"; content: RequestBlock[] }> = [];
  const push = (role: "user" | "assistant", blocks: RequestBlock[]) => {
    if (blocks.length === 0) return;
    const last = merged.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else merged.push({ role, content: blocks });
  };
  for (const m of input) {
    if (m.role === "system" || m.role === "developer") system.push(...toTextBlocks(m.content));
    else if (m.role === "user") push("user", toUserBlocks(m.content));
    else if (m.role === "assistant") push("assistant", toAssistantBlocks(m));
    else if (m.role === "tool") push("user", [toToolResult(m)]);
  }
  const messages = merged.map((m) => ({ role: m.role, content: compact(m.content) }));
  return system.length > 0 ? { system: compact(system) as string | TextBlock[], messages } : { messages };
}

function toStopSequences(stop: ChatRequest["stop"]): string[] | undefined {
  if (stop == null) return undefined;
  const list = (Array.isArray(stop) ? stop : [stop]).filter((s) => s !== "");
  return list.length > 0 ? list : undefined;
}

/**
 * Thinking from reasoning_effort. Skipped mid tool loop (the last assistant turn called tools): Anthropic then
 * requires that turn's signed thinking block, which an OpenAI client cannot send back.
 */
function toThinking(req: ChatRequest): MessagesBody["thinking"] {
  if (!req.reasoning_effort) return undefined;
  const lastAssistant = req.messages.findLast((m) => m.role === "assistant");
  const midToolLoop =
    req.messages.at(-1)?.role === "tool" &&
    lastAssistant?.role === "assistant" &&
    !!lastAssistant.tool_calls?.length;
  if (midToolLoop) return undefined;
  return { type: "enabled", budget_tokens: THINKING_BUDGETS[req.reasoning_effort] };
}

/** max_tokens covers thinking too, so it is raised above the budget to leave the client's room for the answer. */
function toMaxTokens(req: ChatRequest, thinking: MessagesBody["thinking"]): number {
  const max = req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS;
  return thinking && max <= thinking.budget_tokens ? thinking.budget_tokens + max : max;
}

function toJsonTool(format: ChatRequest["response_format"]): AnthropicTool | null {
  if (format?.type === "json_object") {
    return { name: JSON_TOOL_NAME, description: JSON_TOOL_DESCRIPTION, input_schema: { type: "object" } };
  }
  if (format?.type === "json_schema") {
    const { name, description, schema } = format.json_schema;
    return {
      name: JSON_TOOL_NAME,
      description: [JSON_TOOL_DESCRIPTION, `Schema: ${name}.`, description].filter(Boolean).join(" "),
      input_schema: schema ?? { type: "object" },
    };
  }
  return null;
}

const TOOL_CHOICES: Record<"auto" | "required" | "none", AnthropicToolChoice["type"]> = {
  auto: "auto",
  required: "any",
  none: "none",
};

function toToolChoice(
  req: ChatRequest,
  hasClientTools: boolean,
  json: boolean,
  thinking: boolean,
): AnthropicToolChoice | undefined {
  const choice = hasClientTools ? req.tool_choice : undefined;
  const parallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (json) {
    if (thinking) return { type: "auto", ...parallel }; // thinking forbids forced tool use
    if (typeof choice === "object") return { type: "tool", name: choice.function.name, ...parallel };
    // With client tools, "any": call one of them, or answer through the JSON tool.
    if (hasClientTools && choice !== "none") return { type: "any", ...parallel };
    return { type: "tool", name: JSON_TOOL_NAME, disable_parallel_tool_use: true };
  }
  if (!hasClientTools) return undefined;
  if (choice === "none") return { type: "none" };
  if (typeof choice === "object") return { type: "tool", name: choice.function.name, ...parallel };
  if (choice === undefined && req.parallel_tool_calls !== false) return undefined;
  return { type: TOOL_CHOICES[choice ?? "auto"], ...parallel };
}

function toTools(req: ChatRequest, thinking: boolean): Pick<MessagesBody, "tools" | "tool_choice"> {
  const tools: AnthropicTool[] = (req.tools ?? [])
    .filter((t) => t.type === "function")
    .map(({ function: f }) => ({
      name: f.name,
      ...(f.description ? { description: f.description } : {}),
      input_schema: f.parameters ?? { type: "object", properties: {} },
    }));
  const jsonTool = toJsonTool(req.response_format);
  const choice = toToolChoice(req, tools.length > 0, jsonTool !== null, thinking);
  if (jsonTool) tools.push(jsonTool);
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice ? { tool_choice: choice } : {}),
  };
}

function appendSystem(system: string | TextBlock[] | undefined, text: string): string | TextBlock[] {
  if (system === undefined) return text;
  if (typeof system === "string") return `${system}\n\n${text}`;
  return [...system, { type: "text", text }];
}

/** The whole OpenAI request as an Anthropic Messages body. Fields Anthropic lacks (n, seed, logprobs...) are dropped. */
export function toMessagesBody(req: ChatRequest, model: string, stream: boolean): MessagesBody {
  const { system, messages } = toAnthropicMessages(req.messages);
  const thinking = toThinking(req);
  const body: MessagesBody = { model, messages, max_tokens: toMaxTokens(req, thinking) };
  const json = toJsonTool(req.response_format) !== null;
  const fullSystem = json && thinking ? appendSystem(system, JSON_SYSTEM_INSTRUCTION) : system;
  if (fullSystem !== undefined) body.system = fullSystem;
  const stop = toStopSequences(req.stop);
  if (stop) body.stop_sequences = stop;
  // Anthropic's temperature range is 0-1 (OpenAI's 0-2). Thinking allows no temperature and top_p only >= 0.95.
  if (req.temperature != null && !thinking) body.temperature = Math.min(Math.max(req.temperature, 0), 1);
  if (req.top_p != null && (!thinking || req.top_p >= 0.95)) body.top_p = req.top_p;
  Object.assign(body, toTools(req, thinking !== undefined));
  if (thinking) body.thinking = thinking;
  if (req.user) body.metadata = { user_id: req.user };
  if (stream) body.stream = true;
  return body;
}

// ---------- Response ----------

export function normalizeUsage(u: AnthropicUsage): NormalizedUsage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (u.input_tokens ?? 0) + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: u.output_tokens ?? 0,
    reasoningTokens: 0, // Anthropic bills thinking inside output_tokens without a separate count
  };
}

/** tool_use stops for the JSON-mode tool alone are a finished answer, not a tool call. */
function toFinishReason(stopReason: string | null | undefined, onlyJsonTool: boolean): FinishReason {
  if (stopReason === "tool_use" && onlyJsonTool) return "stop";
  return (stopReason && STOP_REASONS[stopReason]) || "stop";
}

function parseMessage(
  body: unknown,
  ctx: TranslateContext,
): { completion: ChatCompletion; usage: NormalizedUsage | null } {
  const msg = (body ?? {}) as MessageResponse;
  const blocks = msg.content ?? [];
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  let json: string | null = null;
  for (const b of blocks) {
    if (b.type === "text") text.push(b.text ?? "");
    else if (b.type === "thinking") reasoning.push(b.thinking ?? "");
    else if (b.type === "tool_use" && b.name === JSON_TOOL_NAME) json = JSON.stringify(b.input ?? {});
    else if (b.type === "tool_use") {
      const args = JSON.stringify(b.input ?? {});
      toolCalls.push({ id: b.id ?? "", type: "function", function: { name: b.name ?? "", arguments: args } });
    }
  }
  const content = json ?? text.join("");
  const usage = msg.usage ? normalizeUsage(msg.usage) : null;
  const completion: ChatCompletion = {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: content === "" && toolCalls.length > 0 ? null : content,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(ctx.includeReasoning && reasoning.length > 0 ? { reasoning_content: reasoning.join("") } : {}),
        },
        finish_reason: toFinishReason(msg.stop_reason, json !== null && toolCalls.length === 0),
        logprobs: null,
      },
    ],
    ...(usage ? { usage: toOpenAIUsage(usage) } : {}),
  };
  return { completion, usage };
}

// ---------- Errors ----------

function typeForStatus(status: number): string {
  if (status === 429) return "rate_limit_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** An Anthropic error (HTTP body or stream `error` event) as the relay's error info. */
function toErrorInfo(
  httpStatus: number | null,
  anthropicType: string | undefined,
  message: string,
  providerRequestId: string | undefined,
): UpstreamErrorInfo {
  const known = anthropicType ? ERROR_TYPES[anthropicType] : undefined;
  // The HTTP status is the truth when there is one; a stream error only has its type.
  const status = httpStatus !== null && httpStatus >= 400 ? httpStatus : (known?.status ?? 502);
  return {
    status,
    message,
    type: known?.type ?? typeForStatus(status),
    code: anthropicType ?? null,
    param: null,
    ...(providerRequestId ? { providerRequestId } : {}),
  };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseErrorBody(body: string): AnthropicErrorBody | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === "object" ? (parsed as AnthropicErrorBody) : null;
  } catch {
    return null;
  }
}

/** Text for a body that is not Anthropic's JSON (Cloudflare HTML, a proxy's plain text): tags stripped, short. */
function describeRawBody(status: number, body: string): string {
  const text = body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
  return text
    ? `Anthropic returned HTTP ${status}: ${text}`
    : `Anthropic returned HTTP ${status} with an empty body.`;
}

function parseHttpError(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): UpstreamErrorInfo {
  const parsed = parseErrorBody(body);
  const requestId = parsed?.request_id ?? headerValue(headers["request-id"]);
  const message = parsed?.error?.message ?? describeRawBody(status, body);
  return toErrorInfo(status, parsed?.error?.type, message, requestId);
}

// ---------- Stream ----------

type BlockKind =
  | { kind: "text" }
  | { kind: "thinking" }
  | { kind: "tool"; toolIndex: number }
  | { kind: "json" } // the JSON-mode tool: its input streams as content
  | { kind: "other" };

interface StreamEventData {
  type?: string;
  index?: number;
  message?: { usage?: AnthropicUsage };
  content_block?: ResponseBlock;
  delta?: {
    type?: string;
    text?: string;
    partial_json?: string;
    thinking?: string;
    stop_reason?: string | null;
  };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
  request_id?: string;
}

function parseEventData(event: SseEvent): StreamEventData {
  try {
    return JSON.parse(event.data) as StreamEventData;
  } catch {
    throw new UpstreamStreamError({
      status: 502,
      type: "server_error",
      code: "bad_upstream_event",
      message: `Anthropic sent a malformed ${event.event ?? "stream"} event.`,
    });
  }
}

/** Keeps the latest value of each usage field: message_delta's counts are cumulative, never added. */
function mergeUsage(prev: AnthropicUsage, next: AnthropicUsage | undefined): AnthropicUsage {
  if (!next) return prev;
  const out = { ...prev };
  for (const [k, v] of Object.entries(next) as Array<[keyof AnthropicUsage, number | null | undefined]>) {
    if (typeof v === "number") out[k] = v;
  }
  return out;
}

class AnthropicStreamTranslator implements StreamTranslator {
  done = false;
  usage: NormalizedUsage | null = null;
  private raw: AnthropicUsage = {};
  private readonly blocks = new Map<number, BlockKind>();
  private tools = 0;
  private sawJson = false;
  private finished = false;

  constructor(private readonly ctx: TranslateContext) {}

  push(event: SseEvent): ChatCompletionChunk[] {
    const data = parseEventData(event);
    switch (event.event ?? data.type) {
      case "message_start":
        this.updateUsage(data.message?.usage);
        return [this.chunk({ role: "assistant", content: "" })];
      case "content_block_start":
        return this.startBlock(data.index ?? 0, data.content_block ?? { type: "other" });
      case "content_block_delta":
        return this.delta(this.blocks.get(data.index ?? 0), data.delta ?? {});
      case "message_delta":
        this.updateUsage(data.usage);
        return data.delta?.stop_reason ? this.finish(data.delta.stop_reason) : [];
      case "message_stop":
        this.done = true;
        return this.finished ? [] : this.finish(null);
      case "error":
        throw new UpstreamStreamError(
          toErrorInfo(
            null,
            data.error?.type,
            data.error?.message ?? "Anthropic stream error",
            data.request_id,
          ),
        );
      default: // ping, content_block_stop, and event types added later
        return [];
    }
  }

  private updateUsage(u: AnthropicUsage | undefined): void {
    if (!u) return;
    this.raw = mergeUsage(this.raw, u);
    this.usage = normalizeUsage(this.raw);
  }

  private startBlock(index: number, block: ResponseBlock): ChatCompletionChunk[] {
    if (block.type === "tool_use" && block.name === JSON_TOOL_NAME) {
      this.blocks.set(index, { kind: "json" });
      this.sawJson = true;
      return [];
    }
    if (block.type === "tool_use") {
      const toolIndex = this.tools++;
      this.blocks.set(index, { kind: "tool", toolIndex });
      const call = { index: toolIndex, id: block.id ?? "", type: "function" as const };
      return [this.chunk({ tool_calls: [{ ...call, function: { name: block.name ?? "", arguments: "" } }] })];
    }
    if (block.type === "text") {
      this.blocks.set(index, { kind: "text" });
      return block.text ? [this.chunk({ content: block.text })] : [];
    }
    if (block.type === "thinking") {
      this.blocks.set(index, { kind: "thinking" });
      return this.reasoning(block.thinking);
    }
    this.blocks.set(index, { kind: "other" }); // redacted_thinking, server tools...
    return [];
  }

  private delta(
    block: BlockKind | undefined,
    d: NonNullable<StreamEventData["delta"]>,
  ): ChatCompletionChunk[] {
    if (d.type === "text_delta") return d.text ? [this.chunk({ content: d.text })] : [];
    if (d.type === "thinking_delta") return this.reasoning(d.thinking);
    if (d.type !== "input_json_delta" || !d.partial_json) return []; // signature_delta, citations_delta...
    if (block?.kind === "json") return [this.chunk({ content: d.partial_json })];
    if (block?.kind !== "tool") return [];
    const call: ChunkToolCallDelta = { index: block.toolIndex, function: { arguments: d.partial_json } };
    return [this.chunk({ tool_calls: [call] })];
  }

  private reasoning(text: string | undefined): ChatCompletionChunk[] {
    return this.ctx.includeReasoning && text ? [this.chunk({ reasoning_content: text })] : [];
  }

  private finish(stopReason: string | null): ChatCompletionChunk[] {
    this.finished = true;
    return [this.chunk({}, toFinishReason(stopReason, this.sawJson && this.tools === 0))];
  }

  private chunk(
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: FinishReason | null = null,
  ): ChatCompletionChunk {
    return {
      id: this.ctx.id,
      object: "chat.completion.chunk",
      created: this.ctx.created,
      model: this.ctx.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
  }
}

// ---------- The adapter ----------

export const anthropicAdapter: ChatAdapter = {
  protocol: "anthropic",

  buildChatRequest(req, target, { stream }) {
    return {
      path: "/v1/messages",
      headers: {
        "x-api-key": target.apiKey,
        "anthropic-version": ANTHROPIC_VERSION,
        "content-type": "application/json",
        ...target.headers,
      },
      body: JSON.stringify(toMessagesBody(req, target.upstreamModel, stream)),
    };
  },

  parseChatResponse: parseMessage,

  createStreamTranslator(ctx) {
    return new AnthropicStreamTranslator(ctx);
  },

  parseError: parseHttpError,
};
