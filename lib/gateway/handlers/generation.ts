// GET /api/v1/generation?id=<request id>: what one request cost and how it was served (OpenRouter-style), for
// the key's own workspace only. The id is the x-request-id of the response. A request whose usage record is not
// written yet is answered from the writer's queue, so the lookup works the moment the response is complete.
import { AppError } from "@/lib/errors";
import type { UsageRecordInput } from "@/lib/usage/recorder";
import { microsToUsd } from "@/lib/billing/cost";
import { withApiKey } from "../auth";
import { sendJson } from "../http";

type Row = Pick<
  UsageRecordInput,
  | "id"
  | "tenantId"
  | "apiKeyId"
  | "requestedModel"
  | "upstreamModel"
  | "deploymentId"
  | "providerId"
  | "stream"
  | "attempts"
  | "inputTokens"
  | "cachedInputTokens"
  | "cacheWriteTokens"
  | "outputTokens"
  | "reasoningTokens"
  | "estimated"
  | "cacheHit"
  | "ttfbMs"
  | "totalMs"
  | "status"
  | "errorCode"
  | "costMicros"
  | "providerCostMicros"
  | "markupBps"
  | "createdAt"
>;

function toGeneration(r: Row) {
  return {
    id: r.id,
    created_at: r.createdAt.toISOString(),
    model: r.requestedModel,
    upstream_model: r.upstreamModel,
    deployment_id: r.deploymentId,
    provider_id: r.providerId,
    api_key_id: r.apiKeyId,
    streamed: r.stream,
    attempts: r.attempts,
    status: r.status,
    error_code: r.errorCode,
    cache_hit: r.cacheHit,
    tokens_prompt: r.inputTokens,
    tokens_cached: r.cachedInputTokens,
    tokens_cache_write: r.cacheWriteTokens,
    tokens_completion: r.outputTokens,
    tokens_reasoning: r.reasoningTokens,
    usage_estimated: r.estimated,
    latency_ms: r.totalMs,
    time_to_first_byte_ms: r.ttfbMs,
    // USD for display; the micro-dollar integers are exact.
    total_cost: microsToUsd(r.costMicros),
    provider_cost: microsToUsd(r.providerCostMicros),
    cost_micros: r.costMicros.toString(),
    provider_cost_micros: r.providerCostMicros.toString(),
    markup_bps: r.markupBps,
  };
}

export const getGeneration = withApiKey(async ({ req, res, deps, ctx }) => {
  const id = new URL(req.url ?? "/", "http://relay").searchParams.get("id");
  if (!id || !/^req_[A-Za-z0-9]{10,40}$/.test(id)) {
    throw new AppError(
      "invalid_request",
      "Pass the request id as ?id=req_... (the x-request-id of its response).",
      {
        param: "id",
      },
    );
  }
  const queued = deps.pipeline.usage.find(id);
  const row: Row | null =
    queued && queued.tenantId === ctx.tenant.id
      ? queued
      : await (await deps.getDb()).usageRecord.findFirst({ where: { id, tenantId: ctx.tenant.id } });
  if (!row) throw new AppError("not_found", `No request ${id} in this workspace.`, { param: "id" });
  sendJson(res, 200, { data: toGeneration(row) });
});
