// The canonical shapes every protocol adapter translates to and from: OpenAI's chat completions API (the
// client-facing contract), plus the adapter interface. Nothing outside an adapter branches on the provider.
//
// Invariants every adapter keeps:
//  - finish_reason is one of stop | length | tool_calls | content_filter (never a provider's own value);
//  - usage is normalized: prompt_tokens is the WHOLE prompt (cache reads and writes included), cached_tokens the
//    cache reads, completion_tokens includes reasoning tokens, total = prompt + completion;
//  - translation is incremental: a stream translator turns each upstream event into chunks as it arrives.

// ---------- OpenAI chat completions: request ----------

export type TextPart = { type: "text"; text: string };
export type ImagePart = { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };
export type ContentPart = TextPart | ImagePart | { type: string; [k: string]: unknown };

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system" | "developer"; content: string | TextPart[]; name?: string }
  | { role: "user"; content: string | ContentPart[]; name?: string }
  | {
      role: "assistant";
      content?: string | TextPart[] | null;
      tool_calls?: ToolCall[];
      name?: string;
      refusal?: string | null;
      reasoning_content?: string | null;
    }
  | { role: "tool"; content: string | TextPart[]; tool_call_id: string };

export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type ToolChoice = "none" | "auto" | "required" | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  n?: number | null;
  seed?: number | null;
  user?: string;
  reasoning_effort?: "minimal" | "low" | "medium" | "high" | null;
  /** Anything else the client sent: passed through to providers that accept it (per quirks), dropped otherwise. */
  [extra: string]: unknown;
}

// ---------- OpenAI chat completions: response ----------

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** What the request was charged, in USD (the relay's own field; absent when billing is off). */
  cost?: number;
}

/** Usage as the relay keeps it internally: OpenAI's fields plus what billing needs beyond them. */
export interface NormalizedUsage {
  inputTokens: number; // the whole prompt, cache reads and writes included (= OpenAI prompt_tokens)
  cachedInputTokens: number; // cache reads
  cacheWriteTokens: number; // cache writes (Anthropic cache_creation_input_tokens)
  outputTokens: number; // completion, reasoning included (= OpenAI completion_tokens)
  reasoningTokens: number;
}

export interface AssistantMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ToolCall[];
  reasoning_content?: string;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{ index: number; message: AssistantMessage; finish_reason: FinishReason | null; logprobs: null }>;
  usage?: Usage;
  system_fingerprint?: string | null;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ChunkToolCallDelta[];
      reasoning_content?: string;
    };
    finish_reason: FinishReason | null;
    logprobs?: null;
  }>;
  usage?: Usage | null;
  system_fingerprint?: string | null;
}

// ---------- Embeddings ----------

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  encoding_format?: "float" | "base64";
  dimensions?: number;
  user?: string;
  [extra: string]: unknown;
}

export interface EmbeddingsResponse {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

// ---------- The adapter contract ----------

/** Vendor differences within one protocol, as data (DeepSeek, Qwen, Mistral, Groq... on the OpenAI protocol). */
export interface VendorQuirks {
  /** Request fields the vendor rejects: removed before sending. */
  dropParams?: string[];
  /** Request fields renamed for the vendor, e.g. { max_completion_tokens: "max_tokens" }. */
  renameParams?: Record<string, string>;
  /** Whether unknown client fields are passed through (default true for the OpenAI protocol). */
  passUnknownParams?: boolean;
  /** Whether the vendor understands stream_options.include_usage (default true). */
  supportsStreamUsage?: boolean;
  /** Field in assistant messages / deltas that carries reasoning text (e.g. DeepSeek "reasoning_content"). */
  reasoningField?: string;
}

/** Where and how to call one deployment. */
export interface UpstreamTarget {
  baseUrl: string; // e.g. https://api.anthropic.com (no trailing slash)
  apiKey: string;
  upstreamModel: string;
  headers?: Record<string, string>;
  quirks?: VendorQuirks;
}

/** One HTTP request to a provider: always POST with a JSON body. `path` may include a query string. */
export interface UpstreamRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Context for translating a provider's answer back. */
export interface TranslateContext {
  /** The id the client sees (chatcmpl-...). */
  id: string;
  /** The model name the client asked for. */
  model: string;
  created: number;
  /** Whether the client asked for reasoning text (reasoning_effort set): otherwise thinking stays out of content. */
  includeReasoning: boolean;
}

/** One server-sent event as parsed from the upstream byte stream. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** What a provider's error means for the client and for failover. */
export interface UpstreamErrorInfo {
  status: number;
  message: string;
  /** OpenAI-style error type, e.g. invalid_request_error, rate_limit_error, server_error. */
  type: string;
  code: string | null;
  param?: string | null;
  /** The provider's own request id, for the log. */
  providerRequestId?: string;
}

/** Raised by a stream translator when the provider reports an error inside the stream. */
export class UpstreamStreamError extends Error {
  constructor(
    readonly info: UpstreamErrorInfo,
  ) {
    super(info.message);
    this.name = "UpstreamStreamError";
  }
}

export interface StreamTranslator {
  /** One upstream event in, the OpenAI chunks it produces out (often one, sometimes none). Throws UpstreamStreamError. */
  push(event: SseEvent): ChatCompletionChunk[];
  /** True once the provider signalled the end of the answer ([DONE], message_stop, final finishReason...). */
  readonly done: boolean;
  /** The usage the provider reported, normalized; null until (unless) it arrives. */
  readonly usage: NormalizedUsage | null;
}

export interface ChatAdapter {
  readonly protocol: "openai" | "anthropic" | "gemini";
  buildChatRequest(req: ChatRequest, target: UpstreamTarget, opts: { stream: boolean }): UpstreamRequest;
  /** Translates a non-stream success body (already JSON-parsed) to OpenAI's shape, with normalized usage. */
  parseChatResponse(body: unknown, ctx: TranslateContext): { completion: ChatCompletion; usage: NormalizedUsage | null };
  createStreamTranslator(ctx: TranslateContext): StreamTranslator;
  /** Maps an HTTP error from the provider (status and raw body text) to an OpenAI-style error. */
  parseError(status: number, body: string, headers: Record<string, string | string[] | undefined>): UpstreamErrorInfo;
  buildEmbeddingsRequest?(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest;
  parseEmbeddingsResponse?(
    body: unknown,
    req: EmbeddingsRequest,
  ): { response: EmbeddingsResponse; usage: NormalizedUsage | null };
}

/** OpenAI's usage object from normalized usage. */
export function toOpenAIUsage(u: NormalizedUsage): Usage {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}
