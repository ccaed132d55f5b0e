// The request log (one UsageRecord per relay request, metadata only) and one request's detail with its attempt
// log and, where the workspace opted in, its stored body. Scoped by tenantId; the log walks the
// (tenantId, createdAt) index newest first with a keyset cursor on (createdAt, id), so page 1000 costs what
// page 1 costs.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { loadNames } from "./names";

export const STATUS_CLASSES = [
  "success",
  "error",
  "client_error",
  "rate_limited",
  "upstream_error",
  "client_closed",
] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The HTTP statuses of each class, as the rollups count them (499: the client went away). */
export function statusWhere(c: StatusClass): Prisma.IntFilter {
  switch (c) {
    case "success":
      return { lt: 400 };
    case "error":
      return { gte: 400 };
    case "client_error":
      return { gte: 400, lt: 500, notIn: [429, 499] };
    case "rate_limited":
      return { equals: 429 };
    case "client_closed":
      return { equals: 499 };
    case "upstream_error":
      return { gte: 500 };
  }
}

export function statusClassOf(status: number): Exclude<StatusClass, "error"> {
  if (status < 400) return "success";
  if (status === 429) return "rate_limited";
  if (status === 499) return "client_closed";
  return status >= 500 ? "upstream_error" : "client_error";
}

export const RequestLogQuery = z.object({
  modelId: z.string().min(1).max(100).optional(),
  apiKeyId: z.string().min(1).max(100).optional(),
  status: z.enum(STATUS_CLASSES).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type RequestLogQuery = z.input<typeof RequestLogQuery>;

export interface RequestLogRow {
  id: string;
  createdAt: Date;
  endpoint: string;
  requestedModel: string;
  model: string;
  provider: string;
  keyName: string;
  status: number;
  statusClass: Exclude<StatusClass, "error">;
  errorCode: string | null;
  stream: boolean;
  attempts: number;
  cacheHit: boolean;
  inputTokens: number;
  outputTokens: number;
  costMicros: bigint;
  ttfbMs: number | null;
  totalMs: number;
}

export interface RequestLogPage {
  rows: RequestLogRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.getTime()}:${id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const m = /^(\d{1,15}):([\w-]{1,100})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new AppError("invalid_request", "The cursor is not valid.", { param: "cursor" });
  return { createdAt: new Date(Number(m[1])), id: m[2]! };
}

export async function requestLog(db: Db, tenantId: string, query: RequestLogQuery): Promise<RequestLogPage> {
  const q = RequestLogQuery.parse(query);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const records = await db.usageRecord.findMany({
    where: {
      tenantId,
      ...(q.modelId ? { modelId: q.modelId } : {}),
      ...(q.apiKeyId ? { apiKeyId: q.apiKeyId } : {}),
      ...(q.status ? { status: statusWhere(q.status) } : {}),
      AND: [
        q.from ? { createdAt: { gte: q.from } } : {},
        q.to ? { createdAt: { lt: q.to } } : {},
        after
          ? {
              OR: [
                { createdAt: { lt: after.createdAt } },
                { createdAt: after.createdAt, id: { lt: after.id } },
              ],
            }
          : {},
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: {
      id: true,
      createdAt: true,
      endpoint: true,
      requestedModel: true,
      modelId: true,
      providerId: true,
      apiKeyId: true,
      status: true,
      errorCode: true,
      stream: true,
      attempts: true,
      cacheHit: true,
      inputTokens: true,
      outputTokens: true,
      costMicros: true,
      ttfbMs: true,
      totalMs: true,
    },
  });
  const page = records.slice(0, q.limit);
  const names = await loadNames(db, tenantId, {
    model: page.map((r) => r.modelId),
    provider: page.map((r) => r.providerId),
    key: page.map((r) => r.apiKeyId),
  });
  const last = page[page.length - 1];
  return {
    rows: page.map(({ modelId, providerId, apiKeyId, ...r }) => ({
      ...r,
      model: modelId ? names.model(modelId) : r.requestedModel,
      provider: names.provider(providerId),
      keyName: names.key(apiKeyId),
      statusClass: statusClassOf(r.status),
    })),
    nextCursor: records.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** One upstream attempt as the relay logged it (lib/gateway/pipeline.ts Attempt). */
export interface AttemptEntry {
  deploymentId: string;
  provider: string;
  upstreamModel: string;
  outcome: string;
  status: number | null;
  message: string | null;
  retryAfter: number | null;
  ms: number;
  /** Why the relay moved on from (or stopped at) this attempt, in words. */
  reason: string;
}

const OUTCOME_WORDS: Record<string, string> = {
  ok: "Served the response",
  connect: "Could not connect",
  timeout: "Timed out",
  reset: "Connection reset",
  aborted: "Aborted",
  stream_error: "Failed mid-stream",
  other: "Failed",
};

/** The attempt log, tolerant of older or partial entries, each with a one-line reason. */
export function parseAttemptLog(log: unknown): AttemptEntry[] {
  if (!Array.isArray(log)) return [];
  return log.map((raw, i) => {
    const a = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const str = (v: unknown) => (typeof v === "string" && v ? v : null);
    const entry = {
      deploymentId: str(a.deploymentId) ?? "",
      provider: str(a.provider) ?? "unknown",
      upstreamModel: str(a.upstreamModel) ?? "",
      outcome: str(a.outcome) ?? "other",
      status: num(a.status),
      message: str(a.message),
      retryAfter: num(a.retryAfter),
      ms: num(a.ms) ?? 0,
    };
    return { ...entry, reason: describeAttempt(entry, i === log.length - 1) };
  });
}

export function describeAttempt(a: Omit<AttemptEntry, "reason">, isLast: boolean): string {
  let what: string;
  if (a.outcome === "http_error") {
    what =
      a.status === 429
        ? `Rate limited (429${a.retryAfter !== null ? `, retry after ${a.retryAfter}s` : ""})`
        : `Answered ${a.status ?? "an error"}`;
  } else {
    what = OUTCOME_WORDS[a.outcome] ?? a.outcome;
  }
  if (a.outcome === "ok") return what;
  return isLast ? `${what}; no deployment left to try` : `${what}; failed over to the next deployment`;
}

export interface RequestDetail extends RequestLogRow {
  upstreamModel: string | null;
  deployment: string;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  estimated: boolean;
  providerCostMicros: bigint;
  markupBps: number;
  attemptLog: AttemptEntry[];
  /** stored: shown below; off: the workspace does not store bodies; missing: none stored (or expired). */
  bodyStatus: "stored" | "off" | "missing";
  body: { request: unknown; response: unknown; expiresAt: Date } | null;
}

export async function requestDetail(
  db: Db,
  tenantId: string,
  requestId: string,
  now = new Date(),
): Promise<RequestDetail> {
  const [r, tenant] = await Promise.all([
    db.usageRecord.findFirst({ where: { id: requestId, tenantId } }),
    db.tenant.findUnique({ where: { id: tenantId }, select: { storeBodies: true, zeroDataRetention: true } }),
  ]);
  if (!r || !tenant) throw new AppError("not_found", "Request not found.");
  const names = await loadNames(db, tenantId, {
    model: [r.modelId],
    provider: [r.providerId],
    deployment: [r.deploymentId],
    key: [r.apiKeyId],
  });
  const bodiesOn = tenant.storeBodies && !tenant.zeroDataRetention;
  const body = bodiesOn
    ? await db.requestBody.findFirst({
        where: { requestId, tenantId, expiresAt: { gt: now } },
        select: { request: true, response: true, expiresAt: true },
      })
    : null;
  return {
    id: r.id,
    createdAt: r.createdAt,
    endpoint: r.endpoint,
    requestedModel: r.requestedModel,
    model: r.modelId ? names.model(r.modelId) : r.requestedModel,
    provider: names.provider(r.providerId),
    deployment: names.deployment(r.deploymentId),
    keyName: names.key(r.apiKeyId),
    upstreamModel: r.upstreamModel,
    status: r.status,
    statusClass: statusClassOf(r.status),
    errorCode: r.errorCode,
    stream: r.stream,
    attempts: r.attempts,
    cacheHit: r.cacheHit,
    estimated: r.estimated,
    inputTokens: r.inputTokens,
    cachedInputTokens: r.cachedInputTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    costMicros: r.costMicros,
    providerCostMicros: r.providerCostMicros,
    markupBps: r.markupBps,
    ttfbMs: r.ttfbMs,
    totalMs: r.totalMs,
    attemptLog: parseAttemptLog(r.attemptLog),
    bodyStatus: !bodiesOn ? "off" : body ? "stored" : "missing",
    body: body ? { request: body.request, response: body.response, expiresAt: body.expiresAt } : null,
  };
}
