// What the dashboard (and the operator CLI) shows about a workspace's routing: the policy in force with its
// history, the editor's inline validation, and the route explanation for a sample request.
// Invariants:
//  - the explanation runs routeRequest, the relay's own planning, on the same catalog snapshot and the same
//    process-wide health tracker, so it says what the relay would do now; its errors are the relay's errors;
//  - explaining never sends anything upstream and never takes a half-open trial slot;
//  - everything is read through a TenantCtx (or for a tenantId the caller already resolved from one).
import { z } from "zod";
import { loadCatalog, type Catalog } from "@/lib/catalog/catalog";
import { getProcessCatalog, quirksFor } from "@/lib/catalog/runtime";
import type { Db } from "@/lib/db/client";
import type { ErrorBody } from "@/lib/errors";
import { getSecrets } from "@/lib/secrets";
import { requireRole, type TenantCtx } from "@/lib/tenancy/context";
import { getHealthTracker, type HealthSnapshot, type HealthTracker } from "./health";
import { listPolicyVersions, loadPolicy, loadWorkspaceRouting } from "./policies";
import { mergePolicies, policyIssues, RoutingPolicy } from "./policy";
import { isNeutral, parseRequestPreferences, ROUTE_HEADER, type RequestPreferences } from "./preferences";
import { requiredCapabilities, routeRequest, type RouteInput } from "./route";

// ---------- the policy in force and its history ----------

/** The workspace's policy, the platform default, their merge (what the relay applies) and every version with its document. */
export async function describeWorkspaceRouting(ctx: TenantCtx) {
  const [versions, platformDefault] = await Promise.all([listPolicyVersions(ctx), loadPolicy(ctx.db, null)]);
  const current = versions[0];
  const policy = current ? RoutingPolicy.parse(current.document) : null;
  const authorIds = [
    ...new Set(versions.map((v) => v.createdById).filter((id): id is string => id !== null)),
  ];
  const authors = authorIds.length
    ? await ctx.db.user.findMany({ where: { id: { in: authorIds } }, select: { id: true, email: true } })
    : [];
  const emailOf = new Map(authors.map((u) => [u.id, u.email]));
  return {
    policy,
    version: current?.version ?? null,
    platformDefault,
    effective: mergePolicies(platformDefault, policy),
    versions: versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt,
      /** The author's email; null when the operator CLI saved it or the user is gone. */
      createdBy: (v.createdById && emailOf.get(v.createdById)) ?? null,
      note: v.note,
      /** The version's document as stored, for the editor's diff against the current one. */
      document: v.document as RoutingPolicy,
    })),
  };
}

// ---------- editing ----------

/** PUT body of the policy editor: the document (validated with its own inline issues) and an optional note. */
export const SavePolicyRequest = z.strictObject({
  policy: z.unknown().refine((v) => v !== undefined, "is required"),
  note: z.string({ error: "must be a string" }).trim().max(500, "must be at most 500 characters").optional(),
});

export const RollbackRequest = z.strictObject({
  version: z
    .number({ error: "must be a version number" })
    .int("must be a whole version number")
    .positive("must be a version number (1 or more)"),
});

/**
 * Every problem with a policy edit, as `{ path, message }` for inline display; [] when it can be saved. Throws
 * permission_denied first for members and viewers (they learn nothing from validating a document).
 */
export function checkPolicyEdit(ctx: Pick<TenantCtx, "role">, input: unknown) {
  requireRole(ctx, "admin", "change the routing policy");
  return policyIssues(input);
}

/** The 400 body for an invalid policy: the usual OpenAI-shaped error, plus every issue with its path. */
export function invalidPolicyBody(issues: Array<{ path: string; message: string }>): ErrorBody & {
  issues: typeof issues;
} {
  const first = issues[0];
  const at = first ? (first.path ? `${first.path}: ` : "") : "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return {
    error: {
      message: `The routing policy is invalid: ${at}${first?.message ?? "invalid"}${more}.`,
      type: "invalid_request_error",
      code: "invalid_request",
      param: first?.path ? `policy.${first.path}` : "policy",
    },
    issues,
  };
}

// ---------- route explanation ----------

/**
 * A sample chat request: the fields that steer routing (the rest is ignored). `route` stands for the
 * `x-switchyard-route` header. Messages are optional; only image parts in user messages matter (vision).
 */
export const ExplainRequest = z.looseObject({
  model: z.string({ error: "is required" }).trim().min(1, "is required"),
  messages: z
    .array(z.looseObject({ role: z.string(), content: z.unknown().optional() }), {
      error: "must be an array of messages",
    })
    .optional(),
  tools: z.array(z.unknown(), { error: "must be an array of tools" }).optional(),
  response_format: z.looseObject({ type: z.string() }, { error: "must be an object with a type" }).optional(),
  route: z.string({ error: 'must be "cost" or "latency"' }).optional(),
});
export type ExplainRequest = z.input<typeof ExplainRequest>;

/** What the explanation reads from health: the process-wide HealthTracker fits. */
export type ExplainHealth = Pick<HealthTracker, "isAvailable" | "snapshot" | "snapshots">;

export interface DeploymentHealthView {
  /** False when no traffic has reached it on this instance yet (and no circuit or cooldown was shared). */
  seen: boolean;
  available: boolean;
  circuit: HealthSnapshot["circuit"];
  openUntil: string | null;
  cooldownUntil: string | null;
  score: number;
  p95TtftMs: number | null;
  p50TtftMs: number | null;
  errorRate: number;
  errorRates: HealthSnapshot["errorRates"];
  /** Recent requests (decayed count) and latency samples in the window. */
  requests: number;
  samples: number;
}

const UNSEEN: Omit<DeploymentHealthView, "seen"> = {
  available: true,
  circuit: "closed",
  openUntil: null,
  cooldownUntil: null,
  score: 1,
  p95TtftMs: null,
  p50TtftMs: null,
  errorRate: 0,
  errorRates: { timeout: 0, "5xx": 0, "429": 0, connection: 0 },
  requests: 0,
  samples: 0,
};

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A snapshot as the dashboard shows it (rounded rates, ISO times); `undefined` is a deployment with no traffic yet. */
export function healthView(s: HealthSnapshot | undefined): DeploymentHealthView {
  if (!s) return { seen: false, ...UNSEEN };
  const rates = { ...s.errorRates };
  for (const k of Object.keys(rates) as Array<keyof typeof rates>) rates[k] = round(rates[k]);
  return {
    seen: true,
    available: s.available,
    circuit: s.circuit,
    openUntil: iso(s.openUntil),
    cooldownUntil: iso(s.cooldownUntil),
    score: round(s.score),
    p95TtftMs: s.ttft?.p95 ?? null,
    p50TtftMs: s.ttft?.p50 ?? null,
    errorRate: round(s.errorRate),
    errorRates: rates,
    requests: round(s.requests, 2),
    samples: s.samples,
  };
}

export interface PlanExplanationInput {
  catalog: Catalog;
  health: ExplainHealth;
  policies: RouteInput["policies"];
  body: unknown;
  now?: Date;
}

/** Where a rule of the merged policy came from: the workspace's own, the platform default, or the built-in one. */
function ruleSource(match: string | null, policies: PlanExplanationInput["policies"]) {
  if (match === null) return null;
  if (policies.tenant?.rules.some((r) => r.match === match)) return "workspace";
  if (policies.platform) return "platform";
  return "default";
}

/**
 * The explanation for a sample request under the given policies: per model considered (the requested one, then
 * the request's `models` fallbacks), the strategy and where it came from, and every deployment, included (with its
 * try position) or excluded, with the reason and its live health. Throws what the relay would (AppError, ZodError).
 */
export function planExplanation(input: PlanExplanationInput) {
  const { catalog, health, policies } = input;
  const req = ExplainRequest.parse(input.body);
  const prefs: RequestPreferences = parseRequestPreferences({ [ROUTE_HEADER]: req.route }, req);
  const need = requiredCapabilities(req);
  const route = routeRequest({
    catalog,
    kind: "chat",
    requestedModel: req.model,
    need,
    prefs,
    policies,
    health,
    now: input.now,
  });

  // Read after planning: each deployment's score is judged against the peers it competes with.
  const peers = new Map<string, string[]>();
  for (const m of route.models) {
    const included = m.plan.explain.filter((e) => e.included).map((e) => e.deploymentId);
    for (const e of m.plan.explain)
      peers.set(
        e.deploymentId,
        included.filter((id) => id !== e.deploymentId),
      );
  }
  const known = new Map(health.snapshots((id) => peers.get(id) ?? []).map((s) => [s.deploymentId, s]));

  return {
    model: req.model,
    need,
    preferences: isNeutral(prefs) ? null : prefs,
    /** Deployment ids in the order the relay would try them, across models. */
    tryOrder: route.candidates.map((d) => d.id),
    models: route.models.map((m) => ({
      model: m.model.name,
      requestedAs: m.name,
      via: m.via ?? null,
      rule: m.plan.rule,
      ruleSource: ruleSource(m.plan.rule, policies),
      strategy: m.plan.strategy,
      strategySource: m.plan.strategySource,
      maxAttempts: m.plan.maxAttempts,
      region: m.plan.region,
      timeouts: m.plan.timeouts,
      deployments: m.plan.explain.map((e) => ({
        ...e,
        position: e.position ?? null,
        health: healthView(known.get(e.deploymentId)),
      })),
    })),
  };
}

export type RouteExplanation = ReturnType<typeof planExplanation>;

export interface ExplainRouteInput {
  db: Db;
  tenantId: string;
  catalog: Catalog;
  health: ExplainHealth;
  body: unknown;
  now?: Date;
}

/**
 * The route explanation for a workspace: its policies as stored now (every instance applies a saved policy within
 * seconds), the given catalog snapshot and health.
 */
export async function explainRoute(input: ExplainRouteInput): Promise<RouteExplanation> {
  const [workspace, platform] = await Promise.all([
    loadWorkspaceRouting(input.db, input.tenantId),
    loadPolicy(input.db, null),
  ]);
  return planExplanation({
    ...input,
    policies: { tenant: workspace.policy, platform, workspace: workspace.constraints },
  });
}

/** The explanation on this process's catalog snapshot and health tracker (loading a catalog outside the server). */
export async function explainWorkspaceRoute(ctx: TenantCtx, body: unknown): Promise<RouteExplanation> {
  const catalog =
    getProcessCatalog()?.get() ?? (await loadCatalog(ctx.db, getSecrets().keyring, quirksFor));
  return explainRoute({ db: ctx.db, tenantId: ctx.tenant.id, catalog, health: getHealthTracker(), body });
}
