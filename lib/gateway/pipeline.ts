// The relay's request pipeline, as its steps:
//   resolve model -> candidates (routing seam) -> dispatch with failover -> stream through -> usage record.
// Invariants:
//  - failover only before the first byte reaches the client; after that a failure ends the stream with an SSE
//    error event and [DONE], never a clean-looking end;
//  - never retry the client's own 4xx;
//  - usage is always captured: requested upstream, or counted with a tokenizer over what was delivered (estimated);
//  - one usage record per request, however it ends, written off the request path;
//  - no buffering of a stream: each upstream event is translated and written as it arrives.
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/errors";
import { randomBase62 } from "@/lib/ids";
import type { Catalog, CatalogDeployment } from "@/lib/catalog/catalog";
import { log } from "@/lib/observability/log";
import { recordRelayOutcome } from "@/lib/observability/metrics";
import { observationFromAttempt, type HealthTracker } from "@/lib/routing/health";
import type { RoutingPolicy } from "@/lib/routing/policy";
import { parseRequestPreferences } from "@/lib/routing/preferences";
import { NO_HEALTH, requiredCapabilities, routeRequest, type Route } from "@/lib/routing/route";
import { estimateTokensForLimit, type Admission, type RateLimiter } from "@/lib/routing/rate-limit";
import {
  cacheHeaders,
  CompletionAccumulator,
  completionToSseFrames,
  planCache,
  replayCompletion,
  type CachePlan,
  type ResponseCache,
} from "@/lib/routing/cache";
import type { UsageRecordInput, UsageRecorder } from "@/lib/usage/recorder";
import { microsToUsd } from "@/lib/billing/cost";
import { holdPromptTokens, type Bill, type RelayBilling } from "@/lib/billing/relay-billing";
import {
  callUpstream,
  classifyFailure,
  DEFAULT_TIMEOUTS,
  type DispatchTimeouts,
  type FailureClass,
  type RelayTimeouts,
  type UpstreamResponse,
} from "./dispatch";
import { adapterFor } from "./providers";
import type {
  ChatAdapter,
  ChatCompletionChunk,
  ChatRequest,
  EmbeddingsRequest,
  NormalizedUsage,
  TranslateContext,
  UpstreamErrorInfo,
  UpstreamRequest,
  UpstreamTarget,
} from "./providers/types";
import { toOpenAIUsage, UpstreamStreamError } from "./providers/types";
import { SSE_DONE, SseParser } from "./sse";
import { estimatePromptTokens, estimateTextTokens } from "./tokens";
import type { ApiKeyContext } from "./types";

export interface PipelineDeps {
  catalog: () => Catalog;
  usage: UsageRecorder;
  timeouts?: Partial<RelayTimeouts>;
  /** Live health per deployment (circuit breaker, cooldowns, scores); none: every deployment is healthy. */
  health?: Pick<HealthTracker, "isAvailable" | "snapshot" | "observe" | "tryAcquireTrial" | "releaseTrial">;
  /** The routing policies in force for a workspace; none: the default (priority order). */
  policies?: {
    get(tenantId: string): Promise<{ tenant: RoutingPolicy | null; platform: RoutingPolicy | null }>;
  };
  /** Per-key and per-workspace RPM/TPM limits; none: unlimited. */
  rateLimiter?: RateLimiter;
  /** The exact-match response cache (workspaces opt in); none: no caching. */
  cache?: ResponseCache;
  /** Credit holds, charges and spend limits (lib/billing); none: requests are not billed. */
  billing?: RelayBilling;
}

const NO_POLICIES = { tenant: null, platform: null };

export interface Attempt {
  deploymentId: string;
  provider: string;
  upstreamModel: string;
  outcome: "ok" | "http_error" | FailureClass | "stream_error";
  status?: number;
  message?: string;
  /** Seconds, from a 429's Retry-After. */
  retryAfter?: number;
  ms: number;
}

interface Call {
  ctx: ApiKeyContext;
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  deps: PipelineDeps;
}

/** Fields that steer the relay itself (OpenRouter-style routing preferences): never forwarded to a provider. */
const RELAY_ONLY_FIELDS = ["provider", "models", "route", "transforms"];

function withoutRelayFields(body: ChatRequest): ChatRequest {
  if (!RELAY_ONLY_FIELDS.some((f) => f in body)) return body;
  const copy = { ...body };
  for (const f of RELAY_ONLY_FIELDS) delete copy[f];
  return copy;
}

const RETRYABLE_STATUS = (s: number) => s === 408 || s === 409 || s === 429 || s >= 500;
const MAX_ERROR_BODY = 64 * 1024;

// ---------- step 1-2: model and candidates ----------

/** Plans the request: policy, preferences, fallbacks and health decide the deployments to try (lib/routing). */
async function planCall(
  call: Call,
  kind: "chat" | "embeddings",
  model: string,
  need: string[],
  body: unknown,
  budgetUsedPercent: number | undefined,
) {
  const prefs = parseRequestPreferences(call.req.headers, body);
  const policies = call.deps.policies ? await call.deps.policies.get(call.ctx.tenant.id) : NO_POLICIES;
  const route = routeRequest({
    catalog: call.deps.catalog(),
    kind,
    requestedModel: model,
    need,
    prefs,
    policies,
    health: call.deps.health ?? NO_HEALTH,
    budgetUsedPercent,
  });
  const allowed = call.ctx.key.allowedModels;
  if (allowed && allowed.length > 0) {
    const refused = route.models.find((m) => !allowed.includes(m.name) && !allowed.includes(m.model.name));
    if (refused) {
      throw new AppError(
        "permission_denied",
        `This API key may not use the model \`${refused.name}\` (allowed: ${allowed.join(", ")}).`,
        { param: "model" },
      );
    }
  }
  return route;
}

// ---------- billing ----------

/** Spend limits before routing (402 when used up); the budget share feeds the routing policy's spend rules. */
async function preflight(
  call: Call,
): Promise<{ budgetUsedPercent?: number; limits: Bill["limits"] } | undefined> {
  return call.deps.billing?.preflight(call.ctx);
}

/** Holds the request's worst case before any provider is called (402 when credit is short). */
async function holdCredit(
  call: Call,
  route: Route,
  estimate: { promptTokens: number; maxOutputTokens: number | null },
  limits: Bill["limits"] | undefined,
): Promise<Bill | null> {
  const { billing } = call.deps;
  if (!billing) return null;
  return billing.hold(call.ctx, route.candidates, route.modelId, estimate, limits);
}

/** The output tokens a chat request may produce at most, as far as the client said (null: it did not). */
function maxOutputTokens(body: ChatRequest): number | null {
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (typeof max !== "number" || !(max > 0)) return null;
  const n = typeof body.n === "number" && body.n > 1 ? body.n : 1;
  return max * n;
}

/** Prices the record's usage at the deployment `d`; the USD figure for `usage.cost` (undefined: not billed). */
function priceUsage(
  call: Call,
  bill: Bill | null,
  rec: UsageRecordInput,
  d: CatalogDeployment | null,
): number | undefined {
  if (!bill || !call.deps.billing) return undefined;
  call.deps.billing.charge(bill, rec, d);
  return microsToUsd(rec.costMicros);
}

function timeoutsFor(call: Call, route: Route): RelayTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...call.deps.timeouts, ...route.models[0]!.plan.timeouts };
}

/** Feeds an attempt's outcome to the health tracker (the client's own errors and aborts say nothing). */
function observe(call: Call, attempt: Attempt, ttftMs?: number): void {
  const o = observationFromAttempt(attempt, ttftMs);
  if (o) call.deps.health?.observe(o);
  else call.deps.health?.releaseTrial(attempt.deploymentId);
}

function targetOf(d: CatalogDeployment): UpstreamTarget {
  const p = d.provider;
  return {
    baseUrl: p.baseUrl,
    apiKey: p.apiKey,
    upstreamModel: d.upstreamModel,
    headers: p.headers,
    quirks: p.quirks,
  };
}

/**
 * Rate limits, before any provider is called: a 429 with Retry-After and x-ratelimit-* when a limit is reached;
 * otherwise the headers go on the response. The prompt is only tokenized when a token limit applies.
 */
async function admit(
  call: Call,
  body: { messages?: ChatRequest["messages"] },
  extra: object,
): Promise<Admission | null> {
  const { rateLimiter } = call.deps;
  if (!rateLimiter) return null;
  const { key, tenant } = call.ctx;
  const limits = {
    keyRpm: key.rpmLimit,
    keyTpm: key.tpmLimit,
    tenantRpm: tenant.rpmLimit,
    tenantTpm: tenant.tpmLimit,
  };
  const countTokens = Boolean(limits.keyTpm || limits.tenantTpm);
  const estimatedTokens = countTokens
    ? estimateTokensForLimit(estimatePromptTokens(body.messages ?? []), extra)
    : 0;
  const admission = await rateLimiter.admit({ keyId: key.id, tenantId: tenant.id, limits, estimatedTokens });
  for (const [k, v] of Object.entries(admission.headers)) call.res.setHeader(k, v);
  return admission;
}

/** The status and code of a request that ended in an error the wrapper will answer with. */
function failRecord(rec: UsageRecordInput, err: unknown): void {
  rec.status = err instanceof AppError ? err.status : 500;
  rec.errorCode = err instanceof AppError ? err.code : "internal_error";
}

/**
 * However the request ended: the charge (priced at the deployment that last answered, from whatever usage was
 * captured, 0 when none), the credit hold settled, the usage record (off the request path), metrics, and the
 * rate-limit buckets.
 */
function closeRecord(
  call: Call,
  rec: UsageRecordInput,
  attempts: Attempt[],
  started: number,
  admission: Admission | null,
  bill: Bill | null = null,
  route: Route | null = null,
): void {
  rec.attempts = attempts.length;
  rec.attemptLog = attempts;
  rec.totalMs = Math.round(performance.now() - started);
  if (bill && call.deps.billing) {
    const served = route?.candidates.find((d) => d.id === rec.deploymentId) ?? null;
    call.deps.billing.charge(bill, rec, served);
    call.deps.billing.settle(bill, rec);
  }
  call.deps.usage.record(rec);
  recordRelayOutcome(rec);
  settle(admission, rec);
}

/** Settles the rate-limit buckets with what the request really used (everything back if no provider was called). */
function settle(admission: Admission | null, rec: UsageRecordInput): void {
  if (!admission) return;
  if (rec.attempts === 0 && !rec.cacheHit) void admission.release();
  else void admission.reconcile(rec.inputTokens + rec.outputTokens);
}

// ---------- request bodies (opt-in per workspace) ----------

/** Bodies are kept only when the workspace opted in, and never under zero data retention. */
function storesBodies(call: Call): boolean {
  const t = call.ctx.tenant;
  return t.storeBodies === true && t.zeroDataRetention !== true;
}

const MAX_STORED_BODY = 256 * 1024;

/** Hands the request and its answer to the usage writer (stored beside the record until the retention ends). */
function keepBodies(call: Call, rec: UsageRecordInput, request: unknown, response: unknown): void {
  const days = call.ctx.tenant.bodyRetentionDays ?? 7;
  const cap = (v: unknown) => {
    const text = JSON.stringify(v);
    return text.length <= MAX_STORED_BODY
      ? v
      : { truncated: true, bytes: text.length, head: text.slice(0, 4096) };
  };
  rec.body = {
    request: cap(withoutRelayFields(request as ChatRequest)),
    response: response === null ? null : cap(response),
    expiresAt: new Date(Date.now() + days * 86_400_000),
  };
}

// ---------- helpers ----------

async function readText(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    if (size < limit) chunks.push(c);
    size += c.length;
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, limit);
}

/**
 * Headers naming what served the request and summarizing the attempt log, e.g.
 * `x-switchyard-route: fake-openai/a-model=reset, fake-backup/b-model=ok`.
 */
function relayHeaders(d: CatalogDeployment | null, attempts: Attempt[]): Record<string, string> {
  const h: Record<string, string> = { "x-switchyard-attempts": String(attempts.length) };
  if (attempts.length > 1 || (attempts.length === 1 && attempts[0]!.outcome !== "ok")) {
    h["x-switchyard-route"] = attempts
      .map((a) => `${a.provider}/${a.upstreamModel}=${a.status ?? ""}${a.status ? ":" : ""}${a.outcome}`)
      .join(", ")
      .replace(/[^\x20-\x7e]/g, "?");
  }
  if (d) {
    h["x-switchyard-provider"] = d.provider.name;
    h["x-switchyard-upstream-model"] = d.upstreamModel;
    h["x-switchyard-deployment"] = d.id;
  }
  return h;
}

/**
 * The client's error when every candidate failed: 429 (with the shortest Retry-After) if every provider rate
 * limited us, 504 if they all timed out, 503 if all were overloaded, else 502; the message lists the attempts.
 */
function exhaustedError(attempts: Attempt[]): AppError {
  if (attempts.length === 0) {
    // Every candidate was skipped before a call (circuits open, cooldowns, half-open trials taken).
    return new AppError(
      "service_unavailable",
      "Every deployment of this model is cooling down after recent failures; retry in a few seconds.",
      { headers: { "retry-after": "2" } },
    );
  }
  const summary = attempts
    .map(
      (a, i) =>
        `#${i + 1} ${a.provider}/${a.upstreamModel}: ${a.status ? `${a.status} ` : ""}${a.outcome}${a.message ? ` (${a.message.slice(0, 120)})` : ""}`,
    )
    .join("; ");
  const message = `All ${attempts.length} upstream attempt(s) failed: ${summary}`;
  if (attempts.every((a) => a.status === 429)) {
    const waits = attempts.map((a) => a.retryAfter).filter((s): s is number => s !== undefined);
    const headers: Record<string, string> = waits.length ? { "retry-after": String(Math.min(...waits)) } : {};
    return new AppError("rate_limit_exceeded", message, { headers });
  }
  if (attempts.every((a) => a.outcome === "timeout")) return new AppError("upstream_timeout", message);
  if (attempts.every((a) => a.status === 429 || a.status === 503 || a.status === 529)) {
    return new AppError("service_unavailable", message);
  }
  return new AppError("upstream_error", message);
}

function retryAfterSeconds(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const secs = /^\d+$/.test(v) ? Number(v) : Math.ceil((Date.parse(v) - Date.now()) / 1000);
  return Number.isFinite(secs) && secs >= 0 ? secs : undefined;
}

function upstreamErrorResponse(info: UpstreamErrorInfo): { status: number; body: unknown } {
  return {
    status: info.status >= 400 && info.status < 600 ? info.status : 502,
    body: { error: { message: info.message, type: info.type, code: info.code, param: info.param ?? null } },
  };
}

function newRecord(
  call: Call,
  endpoint: "chat" | "embeddings",
  requestedModel: string,
  stream: boolean,
): UsageRecordInput {
  return {
    id: call.requestId,
    tenantId: call.ctx.tenant.id,
    apiKeyId: call.ctx.key.id,
    endpoint,
    requestedModel: requestedModel.slice(0, 200),
    modelId: null,
    deploymentId: null,
    providerId: null,
    upstreamModel: null,
    stream,
    attempts: 0,
    attemptLog: [],
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    estimated: false,
    cacheHit: false,
    ttfbMs: null,
    totalMs: 0,
    status: 0,
    errorCode: null,
    costMicros: 0n,
    providerCostMicros: 0n,
    markupBps: 0,
    createdAt: new Date(),
  };
}

function applyUsage(rec: UsageRecordInput, u: NormalizedUsage): void {
  rec.inputTokens = u.inputTokens;
  rec.cachedInputTokens = u.cachedInputTokens;
  rec.cacheWriteTokens = u.cacheWriteTokens;
  rec.outputTokens = u.outputTokens;
  rec.reasoningTokens = u.reasoningTokens;
}

function recordDeployment(rec: UsageRecordInput, d: CatalogDeployment): void {
  rec.modelId = d.modelId;
  rec.deploymentId = d.id;
  rec.providerId = d.provider.id;
  rec.upstreamModel = d.upstreamModel;
}

/** Aborts the upstream call when the client goes away before the response is complete. */
function abortOnClientClose(res: ServerResponse): AbortController {
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  return abort;
}

/** How one call to one deployment went, as far as failover is concerned. */
type Tried =
  | { kind: "ok"; response: UpstreamResponse; attempt: Attempt; t0: number }
  /** It failed in a way that lets the next candidate try (connection, timeout, 5xx, 429...). */
  | { kind: "next" }
  /** The provider refused the client's own request: the error was sent back as it is, no failover. */
  | { kind: "answered" };

/** Calls one deployment and logs the attempt; answers the client's own 4xx itself. */
async function tryDeployment(
  call: Call,
  rec: UsageRecordInput,
  attempts: Attempt[],
  d: CatalogDeployment,
  up: UpstreamRequest,
  opts: { signal: AbortSignal; adapter: ChatAdapter; timeouts: DispatchTimeouts },
): Promise<Tried> {
  // A half-open circuit admits a few trial requests; the others skip it.
  if (call.deps.health && !call.deps.health.tryAcquireTrial(d.id)) return { kind: "next" };
  const t0 = performance.now();
  const attempt: Attempt = {
    deploymentId: d.id,
    provider: d.provider.name,
    upstreamModel: d.upstreamModel,
    outcome: "ok",
    ms: 0,
  };
  attempts.push(attempt);
  recordDeployment(rec, d);
  let response: UpstreamResponse;
  try {
    response = await callUpstream(d.provider.baseUrl, up, { signal: opts.signal, timeouts: opts.timeouts });
  } catch (err) {
    Object.assign(attempt, {
      outcome: classifyFailure(err),
      message: (err as Error).message,
      ms: Math.round(performance.now() - t0),
    });
    observe(call, attempt);
    return { kind: "next" };
  }
  if (response.statusCode < 400) return { kind: "ok", response, attempt, t0 };

  const text = await readText(response.body, MAX_ERROR_BODY).catch(() => "");
  const info = opts.adapter.parseError(response.statusCode, text, response.headers);
  Object.assign(attempt, {
    outcome: "http_error",
    status: response.statusCode,
    message: info.message,
    retryAfter: retryAfterSeconds(response.headers["retry-after"]),
    ms: Math.round(performance.now() - t0),
  });
  log.info("upstream error", {
    requestId: call.requestId,
    provider: d.provider.name,
    status: response.statusCode,
    providerRequestId: info.providerRequestId,
  });
  observe(call, attempt);
  if (RETRYABLE_STATUS(response.statusCode)) return { kind: "next" };
  const { status, body } = upstreamErrorResponse(info);
  rec.status = status;
  rec.errorCode = info.code ?? info.type;
  sendJsonWith(call.res, status, body, relayHeaders(d, attempts));
  return { kind: "answered" };
}

// ---------- chat completions ----------

export async function proxyChatCompletion(call: Call, body: ChatRequest): Promise<void> {
  const started = performance.now();
  const stream = body.stream === true;
  const rec = newRecord(call, "chat", body.model, stream);
  const attempts: Attempt[] = [];
  let admission: Admission | null = null;
  let bill: Bill | null = null;
  let route: Route | null = null;
  try {
    const limits = await preflight(call);
    route = await planCall(
      call,
      "chat",
      body.model,
      requiredCapabilities(body),
      body,
      limits?.budgetUsedPercent,
    );
    rec.modelId = route.modelId;
    admission = await admit(call, body, body);
    bill = await holdCredit(
      call,
      route,
      { promptTokens: holdPromptTokens(body.messages, body.tools), maxOutputTokens: maxOutputTokens(body) },
      limits?.limits,
    );
    const tctx: TranslateContext = {
      id: `chatcmpl-${randomBase62(24)}`,
      model: body.model,
      created: Math.floor(Date.now() / 1000),
      includeReasoning: body.reasoning_effort != null,
    };
    const cachePlan = await serveFromCache(call, body, tctx, rec);
    if (cachePlan === "served") return;

    const abort = abortOnClientClose(call.res);
    const timeouts = timeoutsFor(call, route);
    const upstreamBody = withoutRelayFields(body);

    for (const d of route.candidates) {
      if (abort.signal.aborted) break;
      const adapter = adapterFor(d.provider.protocol);
      const tried = await tryDeployment(
        call,
        rec,
        attempts,
        d,
        adapter.buildChatRequest(upstreamBody, targetOf(d), { stream }),
        {
          signal: abort.signal,
          adapter,
          timeouts: {
            connectMs: timeouts.connectMs,
            headersMs: stream ? timeouts.firstTokenMs : timeouts.totalMs,
            idleMs: stream ? timeouts.idleMs : timeouts.totalMs,
          },
        },
      );
      if (tried.kind === "next") continue;
      if (tried.kind === "answered") return;
      const { response, attempt, t0 } = tried;

      if (!stream) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readText(response.body, 64 * 1024 * 1024));
        } catch (err) {
          Object.assign(attempt, {
            outcome: classifyFailure(err),
            message: (err as Error).message,
            ms: Math.round(performance.now() - t0),
          });
          observe(call, attempt);
          continue;
        }
        const { completion, usage } = adapter.parseChatResponse(parsed, tctx);
        const u =
          usage ?? estimateUsage(body, completion.choices.map((c) => c.message.content ?? "").join(""));
        applyUsage(rec, u);
        rec.estimated = usage === null;
        completion.usage = { ...toOpenAIUsage(u), cost: priceUsage(call, bill, rec, d) };
        attempt.ms = Math.round(performance.now() - t0);
        observe(call, attempt, attempt.ms);
        rec.ttfbMs = attempt.ms;
        rec.status = 200;
        if (storesBodies(call)) keepBodies(call, rec, body, completion);
        sendJsonWith(call.res, 200, completion, relayHeaders(d, attempts));
        if (cachePlan?.write) void call.deps.cache!.save(cachePlan, { completion, servedBy: servedBy(d) });
        return;
      }

      const outcome = await streamThrough(
        call,
        adapter,
        response.body,
        tctx,
        body,
        d,
        attempts,
        rec,
        started,
        timeouts,
        cachePlan,
        () => priceUsage(call, bill, rec, d),
      );
      attempt.ms = Math.round(performance.now() - t0);
      if (outcome.failure) {
        Object.assign(attempt, {
          outcome: outcome.failure.outcome,
          status: outcome.failure.status,
          message: outcome.failure.message,
        });
      }
      if (outcome.clientGone) call.deps.health?.releaseTrial(d.id);
      else observe(call, attempt, outcome.firstChunkAt ? Math.round(outcome.firstChunkAt - t0) : undefined);
      if (outcome.committed) return;
      if (outcome.failure?.status !== undefined && !RETRYABLE_STATUS(outcome.failure.status)) {
        const { status, body: errBody } = upstreamErrorResponse(outcome.failure.info!);
        rec.status = status;
        sendJsonWith(call.res, status, errBody, relayHeaders(d, attempts));
        return;
      }
    }
    if (abort.signal.aborted) {
      rec.status = 499;
      rec.errorCode = "client_closed";
      return;
    }
    throw exhaustedError(attempts);
  } catch (err) {
    failRecord(rec, err);
    if (!call.res.headersSent) {
      for (const [k, v] of Object.entries(relayHeaders(null, attempts))) call.res.setHeader(k, v);
    }
    throw err;
  } finally {
    closeRecord(call, rec, attempts, started, admission, bill, route);
  }
}

function servedBy(d: CatalogDeployment) {
  return { provider: d.provider.name, deploymentId: d.id, upstreamModel: d.upstreamModel };
}

/**
 * The response cache (opt-in per workspace, steered by the x-switchyard-cache header): on a hit the stored answer
 * is replayed, as JSON or as a short stream, with no provider call. Returns "served", or the plan for storing the
 * answer that is about to be fetched (null: no caching for this request).
 */
async function serveFromCache(
  call: Call,
  body: ChatRequest,
  tctx: TranslateContext,
  rec: UsageRecordInput,
): Promise<CachePlan | null | "served"> {
  const { cache } = call.deps;
  if (!cache) return null;
  const { tenant } = call.ctx;
  const plan = planCache({
    tenantId: tenant.id,
    body,
    settings: { enabled: tenant.cacheEnabled ?? false, ttlSeconds: tenant.cacheTtlSeconds },
    header: call.req.headers["x-switchyard-cache"],
  });
  if (!plan) return null;
  const hit = await cache.lookup(plan);
  for (const [k, v] of Object.entries(cacheHeaders(plan, hit))) call.res.setHeader(k, v);
  if (!hit) return plan;

  const completion = replayCompletion(hit, tctx.id, tctx.created);
  completion.model = tctx.model;
  const u = completion.usage;
  // No provider was called: a cache hit is free (usage.cost 0 when billed; the stored cost is not replayed).
  if (u) u.cost = call.deps.billing ? 0 : undefined;
  rec.cacheHit = true;
  rec.status = 200;
  rec.ttfbMs = 0;
  rec.inputTokens = u?.prompt_tokens ?? 0;
  rec.cachedInputTokens = u?.prompt_tokens_details?.cached_tokens ?? 0;
  rec.outputTokens = u?.completion_tokens ?? 0;
  rec.reasoningTokens = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  if (body.stream === true) {
    call.res.writeHead(200, SSE_HEADERS);
    call.res.end(
      completionToSseFrames(completion, { includeUsage: body.stream_options?.include_usage === true }).join(
        "",
      ),
    );
  } else {
    sendJsonWith(call.res, 200, completion, {});
  }
  return "served";
}

function sendJsonWith(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

interface StreamOutcome {
  /** Bytes reached the client: no failover any more. */
  committed: boolean;
  /** When the first chunk went out (performance.now()). */
  firstChunkAt?: number;
  /** The client went away (says nothing about the provider's health). */
  clientGone?: boolean;
  /** What went wrong, before or after the first byte. */
  failure?: { outcome: Attempt["outcome"]; status?: number; message: string; info?: UpstreamErrorInfo };
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/**
 * Reads the upstream event stream, translating each event as it arrives. Nothing is written to the client until
 * the first translated chunk exists, so a failure before it (error status in the stream, cut, stall past the
 * first-token timeout) can still fail over; after it, failures end the stream with an error event.
 */
async function streamThrough(
  call: Call,
  adapter: ChatAdapter,
  upstream: AsyncIterable<Buffer> & { destroy(err?: Error): void },
  tctx: TranslateContext,
  body: ChatRequest,
  d: CatalogDeployment,
  attempts: Attempt[],
  rec: UsageRecordInput,
  started: number,
  timeouts: RelayTimeouts,
  cachePlan: CachePlan | null,
  /** Prices the captured usage; the USD cost for the final usage chunk (undefined: not billed). */
  price: () => number | undefined,
): Promise<StreamOutcome> {
  const { firstTokenMs, streamTotalMs } = timeouts;
  const { res } = call;
  const parser = new SseParser();
  const translator = adapter.createStreamTranslator(tctx);
  const clientWantsUsage = body.stream_options?.include_usage === true;
  const delivered: string[] = [];
  let committed = false;
  let firstChunkAt: number | undefined;
  const keepBody = storesBodies(call);
  const accumulator = cachePlan?.write || keepBody ? new CompletionAccumulator() : null;

  const firstToken = setTimeout(() => {
    if (!committed)
      upstream.destroy(
        Object.assign(new Error(`no first token within ${firstTokenMs} ms`), { name: "TimeoutError" }),
      );
  }, firstTokenMs);
  // The total deadline: however the stream is going, it ends (with an error event once bytes went out).
  const deadline = setTimeout(
    () =>
      upstream.destroy(
        Object.assign(new Error(`the stream exceeded its total deadline of ${streamTotalMs} ms`), {
          name: "TimeoutError",
        }),
      ),
    streamTotalMs,
  );

  const write = async (text: string) => {
    if (!res.write(text)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
  };

  const frame = (chunk: ChatCompletionChunk): string | null => {
    if (chunk.choices.length === 0) return null; // the usage chunk: re-emitted by us at the end when asked for
    accumulator?.push(chunk);
    for (const c of chunk.choices) {
      if (c.delta.content) delivered.push(c.delta.content);
      if (c.delta.tool_calls)
        for (const t of c.delta.tool_calls) if (t.function?.arguments) delivered.push(t.function.arguments);
    }
    if (clientWantsUsage) chunk.usage = null;
    else delete chunk.usage;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };

  const finishWithUsage = () => {
    const u = translator.usage ?? estimateUsage(body, delivered.join(""));
    rec.estimated = translator.usage === null;
    applyUsage(rec, u);
    return u;
  };

  try {
    for await (const raw of upstream) {
      let out = "";
      for (const ev of parser.push(raw)) {
        for (const chunk of translator.push(ev)) {
          const f = frame(chunk);
          if (f) out += f;
        }
      }
      if (!out) continue;
      if (!committed) {
        committed = true;
        clearTimeout(firstToken);
        firstChunkAt = performance.now();
        rec.ttfbMs = Math.round(firstChunkAt - started);
        res.writeHead(200, { ...SSE_HEADERS, ...relayHeaders(d, attempts) });
      }
      await write(out);
      if (res.destroyed) break;
    }
    for (const ev of parser.end())
      for (const chunk of translator.push(ev)) {
        const f = frame(chunk);
        if (f && committed) await write(f);
      }
    if (!translator.done)
      throw Object.assign(new Error("upstream stream ended before the answer was complete"), {
        code: "ECONNRESET",
      });
    if (!committed) {
      // A complete answer with no content at all (e.g. blocked): still a valid stream.
      committed = true;
      firstChunkAt = performance.now();
      rec.ttfbMs = Math.round(firstChunkAt - started);
      res.writeHead(200, { ...SSE_HEADERS, ...relayHeaders(d, attempts) });
    }
    const u = finishWithUsage();
    const cost = price();
    if (clientWantsUsage) {
      await write(
        `data: ${JSON.stringify({ id: tctx.id, object: "chat.completion.chunk", created: tctx.created, model: tctx.model, choices: [], usage: { ...toOpenAIUsage(u), cost } })}\n\n`,
      );
    }
    rec.status = 200;
    res.end(SSE_DONE);
    const completion = accumulator?.toCompletion(toOpenAIUsage(u));
    if (completion && keepBody) keepBodies(call, rec, body, completion);
    if (completion && cachePlan?.write)
      void call.deps.cache!.save(cachePlan, { completion, servedBy: servedBy(d) });
    return { committed: true, firstChunkAt };
  } catch (err) {
    clearTimeout(firstToken);
    const clientGone = res.destroyed || (res.writableEnded === false && res.socket?.destroyed === true);
    const info = err instanceof UpstreamStreamError ? err.info : undefined;
    if (!committed && !clientGone) {
      return {
        committed: false,
        failure: {
          outcome: info ? "stream_error" : classifyFailure(err),
          status: info?.status,
          message: info?.message ?? (err as Error).message,
          info,
        },
      };
    }
    finishWithUsage();
    if (clientGone) {
      rec.status = 499;
      rec.errorCode = "client_closed";
      return { committed: true, clientGone: true };
    }
    // Bytes already went out: end with an error event, never a clean-looking end.
    rec.status = 200;
    rec.errorCode = info ? (info.code ?? info.type) : `upstream_${classifyFailure(err)}`;
    const message = info?.message ?? `The upstream stream failed: ${(err as Error).message}`;
    res.end(
      `data: ${JSON.stringify({ error: { message, type: info?.type ?? "server_error", code: rec.errorCode, param: null } })}\n\n${SSE_DONE}`,
    );
    return {
      committed: true,
      firstChunkAt,
      failure: { outcome: info ? "stream_error" : classifyFailure(err), status: info?.status, message },
    };
  } finally {
    clearTimeout(firstToken);
    clearTimeout(deadline);
  }
}

function estimateUsage(body: ChatRequest, deliveredText: string): NormalizedUsage {
  return {
    inputTokens: estimatePromptTokens(body.messages),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: estimateTextTokens(deliveredText),
    reasoningTokens: 0,
  };
}

// ---------- embeddings ----------

export async function proxyEmbeddings(call: Call, body: EmbeddingsRequest): Promise<void> {
  const started = performance.now();
  const rec = newRecord(call, "embeddings", body.model, false);
  const attempts: Attempt[] = [];
  let admission: Admission | null = null;
  let bill: Bill | null = null;
  let route: Route | null = null;
  try {
    const limits = await preflight(call);
    route = await planCall(call, "embeddings", body.model, [], body, limits?.budgetUsedPercent);
    rec.modelId = route.modelId;
    admission = await admit(call, {}, {});
    bill = await holdCredit(
      call,
      route,
      { promptTokens: holdPromptTokens([], body.input), maxOutputTokens: 0 },
      limits?.limits,
    );
    const abort = abortOnClientClose(call.res);
    const timeouts = timeoutsFor(call, route);
    for (const d of route.candidates) {
      const adapter = adapterFor(d.provider.protocol);
      if (!adapter.buildEmbeddingsRequest || !adapter.parseEmbeddingsResponse) continue;
      const tried = await tryDeployment(
        call,
        rec,
        attempts,
        d,
        adapter.buildEmbeddingsRequest(body, targetOf(d)),
        {
          signal: abort.signal,
          adapter,
          timeouts: { connectMs: timeouts.connectMs, headersMs: timeouts.totalMs, idleMs: timeouts.totalMs },
        },
      );
      if (tried.kind === "next") continue;
      if (tried.kind === "answered") return;
      const text = await readText(tried.response.body, 256 * 1024 * 1024);
      tried.attempt.ms = Math.round(performance.now() - tried.t0);
      observe(call, tried.attempt, tried.attempt.ms);
      const { response: out, usage } = adapter.parseEmbeddingsResponse(JSON.parse(text), body);
      out.model = body.model;
      if (usage) applyUsage(rec, usage);
      const cost = priceUsage(call, bill, rec, d);
      if (cost !== undefined && out.usage) Object.assign(out.usage, { cost });
      rec.estimated = usage === null;
      rec.status = 200;
      rec.ttfbMs = tried.attempt.ms;
      sendJsonWith(call.res, 200, out, relayHeaders(d, attempts));
      return;
    }
    if (attempts.length === 0) {
      throw new AppError("invalid_request", `No deployment of \`${body.model}\` serves embeddings.`, {
        param: "model",
      });
    }
    throw exhaustedError(attempts);
  } catch (err) {
    failRecord(rec, err);
    throw err;
  } finally {
    closeRecord(call, rec, attempts, started, admission, bill, route);
  }
}
