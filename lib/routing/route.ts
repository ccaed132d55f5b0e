// From a request to the deployments to try: the workspace's policy merged over the platform default, the
// request's own preferences (which only narrow), the requested model then its `models` fallbacks, each planned
// by planRoute with live health. Used by the relay pipeline and by the route explanation API, so both say the
// same thing.
import type { Catalog, CatalogDeployment, CatalogModel } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import { applyWorkspaceRegion, mergePolicies, type RoutingPolicy, type WorkspaceConstraints } from "./policy";
import { planRoute, type ExplainEntry, type HealthView, type RoutePlan } from "./plan";
import { modelsToTry, type RequestPreferences } from "./preferences";

export interface RouteInput {
  catalog: Catalog;
  kind: "chat" | "embeddings";
  requestedModel: string;
  need: string[];
  prefs: RequestPreferences;
  /**
   * The workspace's policy, the platform default and the workspace's settings constraints. The relay passes the
   * PolicyCache's answer through as is, so `workspace` arrives with it without the pipeline naming it.
   */
  policies: {
    tenant: RoutingPolicy | null;
    platform: RoutingPolicy | null;
    workspace?: WorkspaceConstraints;
  };
  health: HealthView;
  now?: Date;
  budgetUsedPercent?: number;
}

export interface RoutedModel {
  /** The model as the client named it (or the fallback / remap target). */
  name: string;
  model: CatalogModel;
  plan: RoutePlan;
  /** Why this model serves the request when it is not the requested one. */
  via?: string;
}

export interface Route {
  /** The first model's id: the one the usage record names. */
  modelId: string;
  models: RoutedModel[];
  /** Every candidate across models, in try order. */
  candidates: CatalogDeployment[];
  /** Explanations for every deployment considered, per model. */
  explain: Array<{ model: string; strategy?: string; via?: string; entries: ExplainEntry[] }>;
}

function notFound(name: string): AppError {
  return new AppError(
    "model_not_found",
    `The model \`${name}\` does not exist or you do not have access to it.`,
    {
      param: "model",
    },
  );
}

function resolve(catalog: Catalog, name: string, kind: RouteInput["kind"]): CatalogModel | undefined {
  const model = catalog.resolve(name);
  return model && model.kind === kind ? model : undefined;
}

/** Plans one model, following a spend rule's remap at most once. */
function planModel(input: RouteInput, policy: RoutingPolicy, model: CatalogModel, name: string): RoutedModel {
  const now = input.now ?? new Date();
  const base = {
    policy,
    need: input.need,
    prefs: input.prefs,
    health: input.health,
    now,
    zeroDataRetention: input.policies.workspace?.zeroDataRetention ?? false,
  };
  const decision = planRoute({ ...base, model, budgetUsedPercent: input.budgetUsedPercent });
  if (decision.remapTo === undefined) return { name, model, plan: decision };
  const target = resolve(input.catalog, decision.remapTo, input.kind);
  const planned = planRoute({ ...base, model: target ?? model, remappedFrom: model.name });
  if (planned.remapTo !== undefined) throw new AppError("internal_error", "A spend rule remapped twice.");
  return target
    ? { name: decision.remapTo, model: target, plan: planned, via: decision.reason }
    : { name, model, plan: planned };
}

export function routeRequest(input: RouteInput): Route {
  const policy = applyWorkspaceRegion(
    mergePolicies(input.policies.platform, input.policies.tenant),
    input.policies.workspace?.region,
  );
  const names = modelsToTry(input.requestedModel, input.prefs);
  const first = resolve(input.catalog, input.requestedModel, input.kind);
  if (!first) throw notFound(input.requestedModel);

  const models: RoutedModel[] = [];
  let firstError: unknown;
  for (const [i, name] of names.entries()) {
    const model = i === 0 ? first : resolve(input.catalog, name, input.kind);
    if (!model) continue; // an unknown fallback is skipped, as OpenRouter does
    try {
      const routed = planModel(input, policy, model, name);
      models.push(
        i === 0 ? routed : { ...routed, via: routed.via ?? `fallback model #${i} from the request` },
      );
    } catch (err) {
      firstError ??= err;
    }
  }
  if (models.length === 0) throw firstError;

  const seen = new Set<string>();
  const candidates: CatalogDeployment[] = [];
  for (const m of models) {
    for (const d of m.plan.candidates) {
      if (!seen.has(d.id)) candidates.push(d);
      seen.add(d.id);
    }
  }
  return {
    modelId: first.id,
    models,
    candidates,
    explain: models.map((m) => ({
      model: m.model.name,
      strategy: m.plan.strategy,
      via: m.via,
      entries: m.plan.explain,
    })),
  };
}

/** The request shape capabilities are read from: a chat request, or a sample one in the route explanation. */
export interface CapabilityInput {
  tools?: readonly unknown[] | null;
  response_format?: { type: string } | null;
  messages?: ReadonlyArray<{ role: string; content?: unknown }>;
}

/** What a request needs from a deployment: tools, a JSON schema, images in user messages. */
export function requiredCapabilities(body: CapabilityInput): string[] {
  const need: string[] = [];
  if (body.tools?.length) need.push("tools");
  if (body.response_format?.type === "json_schema") need.push("json_schema");
  const hasImage = (content: unknown) =>
    Array.isArray(content) &&
    content.some(
      (p) => typeof p === "object" && p !== null && (p as { type?: unknown }).type === "image_url",
    );
  if (body.messages?.some((m) => m.role === "user" && hasImage(m.content))) need.push("vision");
  return need;
}

/** No health information: every deployment available, score 1 (tests, and before any traffic). */
export const NO_HEALTH: HealthView = {
  isAvailable: () => true,
  snapshot: () => undefined,
};
