// The fake upstream: one local server that speaks the OpenAI, Anthropic and Gemini wire formats exactly as their
// public documentation shows, so the relay can be tested and benchmarked without the real providers.
//
// Each protocol module parses its own request format into a protocol-neutral FakeRequestView, the shared planner
// (plan.ts) decides deterministically what the "model" answers (FakePlan), and the protocol module renders that
// plan in its own wire format, as one JSON body or as a list of SSE frames written with pacing by server.ts.

export interface FakeRequestView {
  model: string;
  stream: boolean;
  /** Text of the last user message (text parts joined). */
  lastUserText: string;
  /** Whether any user message carried an image (URL or inline data). */
  hasImage: boolean;
  /** Function tools offered, by name. */
  tools: string[];
  /** The model may call tools (tool choice is not "none"). */
  toolsAllowed: boolean;
  /** The client asked for JSON output (json_object / json_schema / responseMimeType json / documented technique). */
  json: boolean;
  stop: string[];
  maxTokens: number | null;
  /** The client sent tool results back (the second turn of a tool conversation). */
  hasToolResults: boolean;
  /** Reasoning / thinking requested. */
  reasoning: boolean;
  /** Estimated prompt tokens (the fake's own count). */
  promptTokens: number;
  /** Whether the client asked for usage in the stream (OpenAI protocol: stream_options.include_usage). */
  includeUsage: boolean;
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** The complete arguments JSON. */
  arguments: string;
  /** The same JSON cut in pieces, as a streaming provider sends argument deltas. */
  argumentPieces: string[];
}

export type FakeFinish = "stop" | "length" | "tool_calls" | "content_filter";

export interface FakePlan {
  id: string;
  /** Full answer text ("" when the answer is only tool calls, or blocked). */
  text: string;
  /** The text cut in streaming pieces (concatenation === text). */
  pieces: string[];
  thinking: string | null;
  toolCalls: FakeToolCall[];
  finish: FakeFinish;
  /** The stop sequence that ended the text, if one did. */
  stopSequence: string | null;
  usage: { input: number; output: number; cacheRead: number; cacheWrite: number; reasoning: number };
}

/** One protocol the fake speaks. */
export interface FakeProtocol {
  readonly name: "openai" | "anthropic" | "gemini";
  /** Does this protocol serve the path (method POST)? Returns what kind of call it is. */
  route(path: string): { kind: "chat" | "embeddings"; model?: string; stream?: boolean } | null;
  /** Checks authentication headers the way the provider does; returns an error message or null. */
  checkAuth(headers: Record<string, string | string[] | undefined>): string | null;
  parseChat(body: unknown, route: { model?: string; stream?: boolean }): FakeRequestView;
  renderChat(plan: FakePlan, view: FakeRequestView): unknown;
  /** SSE frames, each written as one network write (server.ts paces them). Ends the way the provider ends. */
  renderChatStream(plan: FakePlan, view: FakeRequestView): string[];
  /** An error body in the provider's documented format. */
  renderError(status: number, message: string): unknown;
  /** A mid-stream error event in the provider's format (Anthropic `event: error`); null if it has none. */
  renderStreamError?(message: string): string | null;
  renderEmbeddings?(body: unknown, route: { model?: string }): unknown;
  /** The provider's list-models answer (GET), in its documented shape. */
  renderModels?(): unknown;
}
