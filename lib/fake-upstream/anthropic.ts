// The fake Anthropic Messages API: POST /v1/messages as Anthropic's documentation shows it (docs.anthropic.com:
// api/messages, build-with-claude/streaming, api/errors). It checks what the real API checks and the relay could
// get wrong (x-api-key, anthropic-version, max_tokens, alternating roles starting with user, tool_result right
// after tool_use, unknown fields), then renders the shared plan as a Message object or an SSE event stream.
import { randomBytes } from "node:crypto";
import { JSON_TOOL_NAME } from "@/lib/gateway/providers/anthropic";
import { estimateTokens, splitPieces } from "./plan";
import type { FakePlan, FakeProtocol, FakeRequestView } from "./types";

/** A request the real API would refuse; server.ts answers it with `status` and renderError. */
export class AnthropicRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "AnthropicRequestError";
  }
}

/** HTTP status -> Anthropic error type (docs: api/errors). Other 4xx use invalid_request_error, other 5xx api_error. */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const STOP_REASONS: Record<FakePlan["finish"], string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/** Top-level fields the Messages API accepts; anything else is "Extra inputs are not permitted". */
const KNOWN_FIELDS = new Set([
  "model",
  "messages",
  "max_tokens",
  "system",
  "stop_sequences",
  "stream",
  "temperature",
  "top_p",
  "top_k",
  "tools",
  "tool_choice",
  "thinking",
  "metadata",
  "service_tier",
  "container",
  "mcp_servers",
  "context_management",
]);

const FAKE_SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

// ---------- request ----------

interface Block {
  type: string;
  text?: string;
  id?: string;
  tool_use_id?: string;
}
interface Message {
  role: string;
  content: string | Block[];
}
interface MessagesRequest {
  model?: unknown;
  messages?: unknown;
  max_tokens?: unknown;
  system?: string | Block[];
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  tools?: Array<{ name: string }>;
  tool_choice?: { type: string; name?: string };
  thinking?: { type: string; budget_tokens?: number };
}

const invalid = (message: string) => new AnthropicRequestError(400, message);

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The header check the real API does first: a missing key is a 401, a missing version a 400. */
export function checkAnthropicHeaders(
  headers: Record<string, string | string[] | undefined>,
): { status: number; message: string } | null {
  if (!header(headers, "x-api-key")) return { status: 401, message: "x-api-key header is required" };
  if (!header(headers, "anthropic-version"))
    return { status: 400, message: "anthropic-version: header is required" };
  return null;
}

const blocksOf = (content: string | Block[]): Block[] =>
  typeof content === "string" ? [{ type: "text", text: content }] : content;

function validateMessages(messages: unknown): Message[] {
  if (!Array.isArray(messages)) throw invalid("messages: Field required");
  if (messages.length === 0) throw invalid("messages: at least one message is required");
  const list = messages as Message[];
  list.forEach((m, i) => {
    if (m.role !== "user" && m.role !== "assistant") {
      throw invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (i === 0 && m.role !== "user") throw invalid('messages: first message must use the "user" role');
    if (i > 0 && list[i - 1]!.role === m.role) {
      throw invalid(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`,
      );
    }
    if (typeof m.content !== "string" && !Array.isArray(m.content))
      throw invalid(`messages.${i}.content: Field required`);
    if (Array.isArray(m.content) && m.content.some((b) => b.type === "text" && !b.text)) {
      throw invalid(`messages.${i}: text content blocks must be non-empty`);
    }
  });
  // Every tool_use must be answered by a tool_result in the very next message.
  list.forEach((m, i) => {
    const next = list[i + 1];
    if (m.role !== "assistant" || !next) return;
    const answered = new Set(blocksOf(next.content).map((b) => b.tool_use_id));
    const missing = blocksOf(m.content).filter((b) => b.type === "tool_use" && !answered.has(b.id));
    if (missing.length > 0) {
      throw invalid(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.map((b) => b.id).join(", ")}. Each \`tool_use\` block must have a corresponding ` +
          "`tool_result` block in the next message.",
      );
    }
  });
  return list;
}

/** Extended thinking's documented constraints. */
function validateThinking(req: MessagesRequest, maxTokens: number): void {
  const budget = req.thinking?.budget_tokens ?? 0;
  if (budget < 1024) {
    throw invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
  }
  if (budget >= maxTokens) throw invalid("`max_tokens` must be greater than `thinking.budget_tokens`");
  if (req.temperature !== undefined && req.temperature !== 1) {
    throw invalid("`temperature` may only be set to 1 when thinking is enabled.");
  }
  if (req.tool_choice?.type === "any" || req.tool_choice?.type === "tool") {
    throw invalid("Thinking may not be enabled when tool_choice forces tool use.");
  }
}

function validate(
  body: unknown,
): MessagesRequest & { messages: Message[]; max_tokens: number; model: string } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalid("Request body must be a JSON object");
  }
  const req = body as MessagesRequest;
  const extra = Object.keys(req).find((k) => !KNOWN_FIELDS.has(k));
  if (extra) throw invalid(`${extra}: Extra inputs are not permitted`);
  if (typeof req.model !== "string" || !req.model) throw invalid("model: Field required");
  const messages = validateMessages(req.messages);
  if (req.max_tokens === undefined) throw invalid("max_tokens: Field required");
  if (!Number.isInteger(req.max_tokens) || (req.max_tokens as number) < 1) {
    throw invalid("max_tokens: Input should be a valid integer greater than or equal to 1");
  }
  const maxTokens = req.max_tokens as number;
  if (req.temperature !== undefined && (req.temperature < 0 || req.temperature > 1)) {
    throw invalid("temperature: Input should be less than or equal to 1");
  }
  if (req.thinking?.type === "enabled") validateThinking(req, maxTokens);
  return { ...req, model: req.model, messages, max_tokens: maxTokens };
}

const textOf = (content: string | Block[]): string =>
  blocksOf(content)
    .filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("");

function toView(req: ReturnType<typeof validate>): FakeRequestView {
  const users = req.messages.filter((m) => m.role === "user");
  const blocks = users.flatMap((m) => blocksOf(m.content));
  const lastWithText = users.findLast((m) => textOf(m.content) !== "");
  const tools = (req.tools ?? []).map((t) => t.name);
  const forcedJson = req.tool_choice?.type === "tool" && req.tool_choice.name === JSON_TOOL_NAME;
  return {
    model: req.model,
    stream: req.stream === true,
    lastUserText: lastWithText ? textOf(lastWithText.content) : "",
    hasImage: blocks.some((b) => b.type === "image"),
    tools: tools.filter((t) => t !== JSON_TOOL_NAME),
    toolsAllowed: req.tool_choice?.type !== "none" && !forcedJson,
    json: tools.includes(JSON_TOOL_NAME),
    stop: req.stop_sequences ?? [],
    maxTokens: req.max_tokens,
    hasToolResults: blocks.some((b) => b.type === "tool_result"),
    reasoning: req.thinking?.type === "enabled",
    promptTokens: estimateTokens(JSON.stringify([req.system ?? "", req.messages, req.tools ?? []])),
    includeUsage: true, // Anthropic always reports usage
  };
}

// ---------- response ----------

const messageId = (plan: FakePlan) => `msg_${plan.id}`;
const toolUseId = (callId: string) => `toolu_${callId.replace(/^call_/, "")}`;

/** Anthropic's input_tokens excludes cache reads and writes; the plan's input is the whole prompt. */
function usageOf(plan: FakePlan, output: number) {
  const { input, cacheRead, cacheWrite } = plan.usage;
  return {
    input_tokens: Math.max(0, input - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: output,
  };
}

function jsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {}; // an answer cut by max_tokens
  }
}

type ContentBlock =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

/** The answer's content blocks, in the order the real API sends them: thinking, then text (or JSON tool), then tools. */
function contentOf(plan: FakePlan, view: FakeRequestView): Array<{ block: ContentBlock; pieces: string[] }> {
  const out: Array<{ block: ContentBlock; pieces: string[] }> = [];
  if (plan.thinking) {
    out.push({
      block: { type: "thinking", thinking: plan.thinking, signature: FAKE_SIGNATURE },
      pieces: splitPieces(plan.thinking),
    });
  }
  if (plan.text && view.json) {
    const block = {
      type: "tool_use" as const,
      id: `toolu_${plan.id}`,
      name: JSON_TOOL_NAME,
      input: jsonInput(plan.text),
    };
    out.push({ block, pieces: plan.pieces });
  } else if (plan.text) {
    out.push({ block: { type: "text", text: plan.text }, pieces: plan.pieces });
  }
  for (const call of plan.toolCalls) {
    const block = {
      type: "tool_use" as const,
      id: toolUseId(call.id),
      name: call.name,
      input: jsonInput(call.arguments),
    };
    out.push({ block, pieces: call.argumentPieces });
  }
  return out;
}

function stopReasonOf(plan: FakePlan, view: FakeRequestView): string {
  if (plan.finish === "stop" && plan.stopSequence !== null) return "stop_sequence";
  if (plan.finish === "stop" && view.json && plan.text) return "tool_use"; // the forced JSON tool
  return STOP_REASONS[plan.finish];
}

function renderMessage(plan: FakePlan, view: FakeRequestView) {
  return {
    id: messageId(plan),
    type: "message",
    role: "assistant",
    model: view.model,
    content: contentOf(plan, view).map((c) => c.block),
    stop_reason: stopReasonOf(plan, view),
    stop_sequence: plan.stopSequence,
    usage: usageOf(plan, plan.usage.output),
  };
}

// ---------- stream ----------

const frame = (data: { type: string; [k: string]: unknown }) =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

/** A block's start (with empty content, as the API sends it) and its deltas. */
function blockFrames(index: number, block: ContentBlock, pieces: string[]): string[] {
  const delta = (d: Record<string, string>) => frame({ type: "content_block_delta", index, delta: d });
  const start = (content_block: unknown) => frame({ type: "content_block_start", index, content_block });
  if (block.type === "thinking") {
    return [
      start({ type: "thinking", thinking: "" }),
      ...pieces.map((p) => delta({ type: "thinking_delta", thinking: p })),
      delta({ type: "signature_delta", signature: block.signature }),
    ];
  }
  if (block.type === "text") {
    return [start({ type: "text", text: "" }), ...pieces.map((p) => delta({ type: "text_delta", text: p }))];
  }
  return [
    start({ type: "tool_use", id: block.id, name: block.name, input: {} }),
    delta({ type: "input_json_delta", partial_json: "" }),
    ...pieces.map((p) => delta({ type: "input_json_delta", partial_json: p })),
  ];
}

function renderStream(plan: FakePlan, view: FakeRequestView): string[] {
  const start = {
    type: "message_start",
    message: {
      ...renderMessage(plan, view),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageOf(plan, 1),
    },
  };
  const frames = [frame(start)];
  const blocks = contentOf(plan, view);
  blocks.forEach(({ block, pieces }, index) => {
    const [first, ...rest] = blockFrames(index, block, pieces);
    frames.push(first!);
    if (index === 0) frames.push(frame({ type: "ping" })); // where the docs' examples have it
    frames.push(...rest, frame({ type: "content_block_stop", index }));
  });
  if (blocks.length === 0) frames.push(frame({ type: "ping" }));
  frames.push(
    frame({
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(plan, view), stop_sequence: plan.stopSequence },
      usage: usageOf(plan, plan.usage.output), // cumulative, input side repeated
    }),
    frame({ type: "message_stop" }),
  );
  return frames;
}

function errorBody(status: number, message: string) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type, message }, request_id: `req_${randomBytes(12).toString("hex")}` };
}

// ---------- the protocol ----------

export const anthropicFake: FakeProtocol = {
  name: "anthropic",

  route(path) {
    return new URL(path, "http://fake").pathname === "/v1/messages" ? { kind: "chat" } : null;
  },

  // server.ts answers any message from here with a 401; a missing anthropic-version is a 400 upstream
  // (checkAnthropicHeaders gives both statuses).
  checkAuth(headers) {
    return checkAnthropicHeaders(headers)?.message ?? null;
  },

  parseChat(body) {
    return toView(validate(body));
  },

  renderChat: renderMessage,
  renderChatStream: renderStream,
  renderError: errorBody,

  renderStreamError(message) {
    return frame({ type: "error", error: { type: "overloaded_error", message } });
  },
  renderModels: () => ({
    data: [
      { type: "model", id: "claude-fake", display_name: "Claude (fake)", created_at: "2026-01-01T00:00:00Z" },
    ],
    has_more: false,
    first_id: "claude-fake",
    last_id: "claude-fake",
  }),
};
