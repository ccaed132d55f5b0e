// Exact-match response cache for chat completions, on the shared store (in process, or Redis for every instance).
//
// Decisions:
//  - Opt-in per workspace: `CacheSettings.enabled`, passed by the pipeline. A request header never turns on a
//    cache its workspace has not enabled.
//  - Per request, header `x-switchyard-cache`:
//      (absent)  read and write, for deterministic requests only (temperature explicitly 0);
//      use       read and write even for a sampling request: the client accepts a repeated answer;
//      refresh   do not read, call the provider, store the new answer in place of the old one;
//      skip      neither read nor write.
//    Any other value is a 400.
//  - Key: sha256 of the tenant id and the canonical JSON (sorted keys) of the request body without the fields
//    that cannot change the answer (NO_ANSWER_FIELDS: stream, stream_options, user, metadata...). Everything
//    else counts, unknown fields and routing preferences included: an unforeseen field makes a miss, never a
//    wrong answer (safer than a list of the fields that matter).
//  - TTL: the workspace's `ttlSeconds`, default 1 h, capped at 24 h.
//  - Stored: the non-stream completion (with its usage and who served it), at most 256 KB as JSON; larger
//    answers are not cached. A streamed answer is stored once assembled (CompletionAccumulator).
//  - A hit is answered without a provider call, marked `x-switchyard-cache: hit` (plus `age`) and, in the usage
//    record, as a cache hit; billed per the billing rule. Streamed requests get it replayed as a short SSE stream.
//  - The store failing never fails a request: a lookup becomes a miss, a save is skipped.
import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { getStore, type Store } from "@/lib/store";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  FinishReason,
  ToolCall,
  Usage,
} from "@/lib/gateway/providers/types";

export const CACHE_HEADER = "x-switchyard-cache";
export const DEFAULT_CACHE_TTL_SECONDS = 3_600;
export const MAX_CACHE_TTL_SECONDS = 86_400;
export const MAX_CACHED_BYTES = 256 * 1024;

/** Request fields that do not change the answer, left out of the key. */
const NO_ANSWER_FIELDS = new Set([
  "stream",
  "stream_options",
  "user",
  "metadata",
  "store",
  "service_tier",
  "safety_identifier",
  "prompt_cache_key",
]);

const DIRECTIVES = ["use", "refresh", "skip"] as const;
export type CacheDirective = (typeof DIRECTIVES)[number];

/** The workspace's cache setting. */
export interface CacheSettings {
  enabled: boolean;
  ttlSeconds?: number | null;
}

/** What to do with the cache for one request; null from planCache means "not at all". */
export interface CachePlan {
  key: string;
  read: boolean;
  write: boolean;
  ttlMs: number;
}

export interface ServedBy {
  provider: string;
  deploymentId: string;
  upstreamModel: string;
}

export interface CachedAnswer {
  completion: ChatCompletion;
  servedBy?: ServedBy;
  /** Epoch ms. */
  storedAt: number;
}

/** JSON with object keys sorted at every level, so equal requests serialize equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The cache key: sha256 (hex) of the tenant id and the answer-determining fields of the request. */
export function cacheKey(tenantId: string, body: Record<string, unknown>): string {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v !== null && v !== undefined && !NO_ANSWER_FIELDS.has(k)) fields[k] = v;
  }
  return createHash("sha256").update(tenantId).update("\n").update(canonicalJson(fields)).digest("hex");
}

/** The `x-switchyard-cache` request header; undefined when absent, a 400 when not use, refresh or skip. */
export function parseCacheDirective(header: string | string[] | undefined): CacheDirective | undefined {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  if (!raw) return undefined;
  if ((DIRECTIVES as readonly string[]).includes(raw)) return raw as CacheDirective;
  throw new AppError(
    "invalid_request",
    `Invalid ${CACHE_HEADER} header "${raw.slice(0, 40)}": expected one of ${DIRECTIVES.join(", ")}.`,
  );
}

/** Whether (and how) this request uses the cache; null when it does not. Throws a 400 on a bad header. */
export function planCache(input: {
  tenantId: string;
  body: ChatRequest;
  settings: CacheSettings | null | undefined;
  header: string | string[] | undefined;
}): CachePlan | null {
  const directive = parseCacheDirective(input.header);
  if (!input.settings?.enabled || directive === "skip") return null;
  if (directive === undefined && input.body.temperature !== 0) return null;
  const ttlSeconds = Math.min(
    MAX_CACHE_TTL_SECONDS,
    Math.max(1, Math.floor(input.settings.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS)),
  );
  return {
    key: cacheKey(input.tenantId, input.body),
    read: directive !== "refresh",
    write: true,
    ttlMs: ttlSeconds * 1_000,
  };
}

/** Response headers saying what the cache did: hit (with age in seconds), miss or refresh; none without a plan. */
export function cacheHeaders(
  plan: CachePlan | null,
  hit: CachedAnswer | null,
  now = Date.now(),
): Record<string, string> {
  if (!plan) return {};
  if (hit)
    return { [CACHE_HEADER]: "hit", age: String(Math.max(0, Math.floor((now - hit.storedAt) / 1_000))) };
  return { [CACHE_HEADER]: plan.read ? "miss" : "refresh" };
}

/**
 * The cached completion as a fresh response: the given id and time, the stored choices and usage (without a
 * stored cost: the pipeline charges a hit per the billing rule and sets usage.cost itself).
 */
export function replayCompletion(
  entry: CachedAnswer,
  id: string,
  created = Math.floor(Date.now() / 1000),
): ChatCompletion {
  const completion = structuredClone(entry.completion);
  completion.id = id;
  completion.created = created;
  if (completion.usage) delete (completion.usage as Usage & { cost?: unknown }).cost;
  return completion;
}

/**
 * A completion replayed as server-sent events, as OpenAI streams it: per choice a role chunk, the content (and
 * reasoning, refusal, tool calls) in one chunk each, a finish chunk; then the usage chunk when the client asked
 * for it (stream_options.include_usage), then [DONE]. Returns the frames ("data: ...\n\n"), in order.
 */
export function completionToSseFrames(completion: ChatCompletion, opts: { includeUsage: boolean }): string[] {
  const frames: string[] = [];
  const emit = (choices: ChatCompletionChunk["choices"], usage?: Usage) => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: "chat.completion.chunk",
      created: completion.created,
      model: completion.model,
      ...(completion.system_fingerprint !== undefined
        ? { system_fingerprint: completion.system_fingerprint }
        : {}),
      choices,
      ...(opts.includeUsage ? { usage: usage ?? null } : {}),
    };
    frames.push(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  for (const c of completion.choices) {
    const m = c.message;
    const delta = (d: ChatCompletionChunk["choices"][number]["delta"]) =>
      emit([{ index: c.index, delta: d, finish_reason: null, logprobs: null }]);
    delta({ role: "assistant", content: "", refusal: null });
    if (m.reasoning_content) delta({ reasoning_content: m.reasoning_content });
    if (m.content) delta({ content: m.content });
    if (m.refusal) delta({ refusal: m.refusal });
    if (m.tool_calls?.length) {
      delta({
        tool_calls: m.tool_calls.map((t, index) => ({
          index,
          id: t.id,
          type: "function" as const,
          function: { name: t.function.name, arguments: t.function.arguments },
        })),
      });
    }
    emit([{ index: c.index, delta: {}, finish_reason: c.finish_reason, logprobs: null }]);
  }
  if (opts.includeUsage && completion.usage) emit([], completion.usage);
  frames.push("data: [DONE]\n\n");
  return frames;
}

interface ChoiceParts {
  content: string;
  reasoning: string;
  refusal: string;
  tools: ToolCall[];
  finish: FinishReason | null;
}

/**
 * Assembles a streamed answer into the completion a non-stream request would have got, so a streamed miss can be
 * cached. Push every translated chunk; stops collecting (and yields null) past `maxBytes` of text.
 */
export class CompletionAccumulator {
  private head: Pick<ChatCompletion, "id" | "created" | "model" | "system_fingerprint"> | undefined;
  private readonly choices = new Map<number, ChoiceParts>();
  private bytes = 0;
  private overflow = false;

  constructor(private readonly maxBytes = MAX_CACHED_BYTES) {}

  push(chunk: ChatCompletionChunk): void {
    if (this.overflow) return;
    this.head ??= {
      id: chunk.id,
      created: chunk.created,
      model: chunk.model,
      system_fingerprint: chunk.system_fingerprint ?? undefined,
    };
    for (const c of chunk.choices) {
      let p = this.choices.get(c.index);
      if (!p)
        this.choices.set(c.index, (p = { content: "", reasoning: "", refusal: "", tools: [], finish: null }));
      const d = c.delta;
      if (d.content) p.content += d.content;
      if (d.reasoning_content) p.reasoning += d.reasoning_content;
      if (d.refusal) p.refusal += d.refusal;
      for (const t of d.tool_calls ?? []) {
        const call = (p.tools[t.index] ??= {
          id: "",
          type: "function",
          function: { name: "", arguments: "" },
        });
        if (t.id) call.id = t.id;
        if (t.function?.name) call.function.name += t.function.name;
        if (t.function?.arguments) call.function.arguments += t.function.arguments;
        this.bytes += (t.function?.arguments?.length ?? 0) + (t.function?.name?.length ?? 0);
      }
      if (c.finish_reason) p.finish = c.finish_reason;
      this.bytes += (d.content?.length ?? 0) + (d.reasoning_content?.length ?? 0) + (d.refusal?.length ?? 0);
    }
    if (this.bytes > this.maxBytes) {
      this.overflow = true;
      this.choices.clear();
    }
  }

  /** The whole answer with `usage`, or null when it is incomplete (a choice never finished) or too large. */
  toCompletion(usage: Usage): ChatCompletion | null {
    if (this.overflow || !this.head || this.choices.size === 0) return null;
    const choices: ChatCompletion["choices"] = [];
    for (const [index, p] of [...this.choices].sort(([a], [b]) => a - b)) {
      if (!p.finish) return null;
      const tools = p.tools.filter(Boolean);
      choices.push({
        index,
        message: {
          role: "assistant",
          content: p.content || (tools.length ? null : ""),
          refusal: p.refusal || null,
          ...(tools.length ? { tool_calls: tools } : {}),
          ...(p.reasoning ? { reasoning_content: p.reasoning } : {}),
        },
        finish_reason: p.finish,
        logprobs: null,
      });
    }
    const { system_fingerprint, ...head } = this.head;
    return {
      ...head,
      object: "chat.completion",
      choices,
      usage,
      ...(system_fingerprint !== undefined ? { system_fingerprint } : {}),
    };
  }
}

export interface ResponseCacheOptions {
  /** The shared store; the process-wide one by default. */
  store?: Store | (() => Store);
  /** Largest stored value, bytes of JSON. Default 256 KB. */
  maxValueBytes?: number;
  now?: () => number;
}

const KEY_PREFIX = "cache:chat:";

export class ResponseCache {
  private readonly store: () => Store;
  private readonly maxValueBytes: number;
  private readonly now: () => number;

  constructor(opts: ResponseCacheOptions = {}) {
    const s = opts.store;
    this.store = typeof s === "function" ? s : s ? () => s : getStore;
    this.maxValueBytes = opts.maxValueBytes ?? MAX_CACHED_BYTES;
    this.now = opts.now ?? Date.now;
  }

  /** The cached answer for a plan that reads, or null (miss, no read, unreadable entry, store failure). */
  async lookup(plan: CachePlan | null): Promise<CachedAnswer | null> {
    if (!plan?.read) return null;
    let raw: string | null;
    try {
      raw = await this.store().get(KEY_PREFIX + plan.key);
    } catch (err) {
      log.warn("response cache lookup failed", { err });
      return null;
    }
    if (raw === null) return null;
    try {
      const entry = JSON.parse(raw) as { v?: number } & CachedAnswer;
      if (entry.v !== 1 || !Array.isArray(entry.completion?.choices)) return null;
      return { completion: entry.completion, servedBy: entry.servedBy, storedAt: entry.storedAt };
    } catch {
      return null;
    }
  }

  /**
   * Stores a complete answer for a plan that writes. Skipped (false) without a plan, for an answer cut short or
   * refused (a choice without a finish reason, or finished by the content filter), past the size cap, or when
   * the store fails.
   */
  async save(
    plan: CachePlan | null,
    answer: { completion: ChatCompletion; servedBy?: ServedBy },
  ): Promise<boolean> {
    if (!plan?.write) return false;
    const { completion } = answer;
    if (completion.choices.some((c) => c.finish_reason === null || c.finish_reason === "content_filter"))
      return false;
    const value = JSON.stringify({ v: 1, completion, servedBy: answer.servedBy, storedAt: this.now() });
    if (Buffer.byteLength(value) > this.maxValueBytes) return false;
    try {
      await this.store().set(KEY_PREFIX + plan.key, value, plan.ttlMs);
      return true;
    } catch (err) {
      log.warn("response cache save failed", { err });
      return false;
    }
  }
}
