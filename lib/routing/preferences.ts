// Per-request routing preferences. They may narrow the workspace's policy, never widen it: the planner applies them
// only to deployments the policy already allows. Two sources, so OpenRouter clients work unchanged:
//  - the header `x-switchyard-route: cost|latency` (reorder the allowed deployments by price or latency);
//  - OpenRouter's body fields `models` (fallback model names) and `provider` { order, only, ignore,
//    allow_fallbacks, sort, max_price, data_collection, zdr }. Unknown OpenRouter fields are ignored.
import { z } from "zod";
import type { CatalogDeployment } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import { selectorIndex } from "./policy";

export const ROUTE_HEADER = "x-switchyard-route";

/** The most fallback models a request may list. */
export const MAX_FALLBACK_MODELS = 8;

export interface RequestPreferences {
  /** Reorder within the allowed set. From `provider.sort`, else the header (`cost` is `price`). */
  sort?: "price" | "latency" | "throughput";
  /** Models to fall back to after the requested one, in order, without it or duplicates. */
  fallbackModels: string[];
  /** Selectors (provider names, provider/upstreamModel, deployment ids) to try first, in this order. */
  order: string[];
  /** Only these selectors may serve the request. */
  only?: string[];
  /** These selectors may not serve the request. */
  ignore: string[];
  /** false: only the first candidate is tried. */
  allowFallbacks: boolean;
  /** USD per million tokens; deployments priced above are excluded. */
  maxPrice?: { prompt?: number; completion?: number };
  /** deny: only providers marked `noDataRetention` in the catalog (also set by OpenRouter's `zdr: true`). */
  dataCollection: "allow" | "deny";
}

export const NO_PREFERENCES: RequestPreferences = Object.freeze({
  fallbackModels: [],
  order: [],
  ignore: [],
  allowFallbacks: true,
  dataCollection: "allow",
}) as RequestPreferences;

type Issue = { input?: unknown };
const expect = (expected: string) => ({
  error: (iss: Issue) => (iss.input === undefined ? "is required" : `must be ${expected}`),
});

const Names = z
  .array(z.string(expect("a string")).trim().min(1, "must not be empty"), expect("an array of strings"))
  .max(50, "lists at most 50 entries");

/** USD per million tokens: a number or a numeric string ("0.5"). */
const Usd = z
  .union(
    [
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/),
    ],
    expect("a price in USD per million tokens"),
  )
  .transform(Number)
  .refine((n) => Number.isFinite(n) && n >= 0, "must be a price of 0 or more (USD per million tokens)");

const ProviderPrefs = z.looseObject(
  {
    order: Names.optional(),
    only: Names.optional(),
    ignore: Names.optional(),
    allow_fallbacks: z.boolean(expect("true or false")).nullish(),
    sort: z
      .enum(["price", "throughput", "latency"], { error: 'must be "price", "throughput" or "latency"' })
      .nullish(),
    max_price: z
      .looseObject(
        { prompt: Usd.optional(), completion: Usd.optional() },
        expect("an object { prompt, completion }"),
      )
      .nullish(),
    data_collection: z.enum(["allow", "deny"], { error: 'must be "allow" or "deny"' }).nullish(),
    /** OpenRouter: only zero-data-retention endpoints. Same effect as data_collection "deny". */
    zdr: z.boolean(expect("true or false")).nullish(),
  },
  expect("an object"),
);

const BodyPrefs = z.looseObject({
  models: Names.max(MAX_FALLBACK_MODELS, `lists at most ${MAX_FALLBACK_MODELS} models`).nullish(),
  provider: ProviderPrefs.nullish(),
});

const HeaderRoute = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["cost", "latency"], { error: 'must be "cost" or "latency"' }));

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

function invalid(param: string, error: z.ZodError): AppError {
  const issue = error.issues[0];
  const path = [param, ...(issue?.path ?? []).map(String)].filter(Boolean);
  const at = path.reduce((acc, k) => (/^\d+$/.test(k) ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), "");
  return new AppError("invalid_request", `Invalid \`${at}\`: ${issue?.message ?? "invalid value"}.`, {
    param: at,
  });
}

/**
 * The request's routing preferences from its headers (a fetch Headers or node's IncomingHttpHeaders) and JSON body.
 * Throws a 400 AppError naming the offending param (`provider.sort`, `models[2]`, `x-switchyard-route`, ...).
 */
export function parseRequestPreferences(headers: HeaderSource, body: unknown): RequestPreferences {
  const raw = headerValue(headers, ROUTE_HEADER);
  let headerSort: "price" | "latency" | undefined;
  if (raw !== undefined && raw.trim() !== "") {
    const h = HeaderRoute.safeParse(raw);
    if (!h.success) throw invalid(ROUTE_HEADER, h.error);
    headerSort = h.data === "cost" ? "price" : "latency";
  }
  // The common case, on every relay request: nothing to parse.
  const fields = body && typeof body === "object" ? (body as { models?: unknown; provider?: unknown }) : {};
  if (headerSort === undefined && fields.models === undefined && fields.provider === undefined) {
    return NO_PREFERENCES;
  }
  const b = BodyPrefs.safeParse(fields);
  if (!b.success) throw invalid("", b.error);
  const p = b.data.provider ?? {};
  const requested = (body as { model?: unknown } | null)?.model;
  const fallbackModels = [...new Set(b.data.models ?? [])].filter((m) => m !== requested);
  const sort = p.sort ?? headerSort;
  const maxPrice =
    p.max_price && (p.max_price.prompt !== undefined || p.max_price.completion !== undefined)
      ? {
          ...(p.max_price.prompt !== undefined ? { prompt: p.max_price.prompt } : {}),
          ...(p.max_price.completion !== undefined ? { completion: p.max_price.completion } : {}),
        }
      : undefined;
  return {
    ...(sort ? { sort } : {}),
    fallbackModels,
    order: p.order ?? [],
    ...(p.only ? { only: p.only } : {}),
    ignore: p.ignore ?? [],
    allowFallbacks: p.allow_fallbacks ?? true,
    ...(maxPrice ? { maxPrice } : {}),
    dataCollection: p.data_collection === "deny" || p.zdr === true ? "deny" : "allow",
  };
}

/** The model names to try, in order: the requested model, then the request's `models` fallbacks. */
export function modelsToTry(requested: string, prefs: RequestPreferences): string[] {
  return [requested, ...prefs.fallbackModels.filter((m) => m !== requested)];
}

/** True when the preferences would change nothing (for logging and the route explanation). */
export function isNeutral(prefs: RequestPreferences): boolean {
  return (
    !prefs.sort &&
    prefs.fallbackModels.length === 0 &&
    prefs.order.length === 0 &&
    !prefs.only &&
    prefs.ignore.length === 0 &&
    prefs.allowFallbacks &&
    !prefs.maxPrice &&
    prefs.dataCollection === "allow"
  );
}

const usd = (micros: bigint) => `$${Number(micros) / 1e6}/M`;
const micros = (usdPerM: number | undefined) =>
  usdPerM === undefined ? undefined : BigInt(Math.round(usdPerM * 1e6));

/** A narrowing step: `exclude` says why a deployment is out, or null; `param` is named if nothing is left. */
export interface PreferenceFilter {
  param: string;
  exclude(d: CatalogDeployment): string | null;
}

/**
 * The request's narrowing steps, in order. The planner applies them after the policy's own constraints, so they
 * can only remove deployments. data_collection "deny" keeps providers marked `noDataRetention` in the catalog.
 */
export function preferenceFilters(prefs: RequestPreferences): PreferenceFilter[] {
  const out: PreferenceFilter[] = [];
  const { only, ignore, maxPrice } = prefs;
  if (only) {
    const why = `not in request provider.only [${only.join(", ")}]`;
    out.push({ param: "provider.only", exclude: (d) => (selectorIndex(only, d) < 0 ? why : null) });
  }
  if (ignore.length) {
    const why = "excluded by request provider.ignore";
    out.push({ param: "provider.ignore", exclude: (d) => (selectorIndex(ignore, d) >= 0 ? why : null) });
  }
  if (prefs.dataCollection === "deny") {
    out.push({
      param: "provider.data_collection",
      exclude: (d) =>
        d.provider.noDataRetention
          ? null
          : `provider ${d.provider.name} is not marked no-data-retention (request data_collection deny)`,
    });
  }
  if (maxPrice) {
    const [prompt, completion] = [micros(maxPrice.prompt), micros(maxPrice.completion)];
    out.push({
      param: "provider.max_price",
      exclude: (d) =>
        prompt !== undefined && d.prices.input > prompt
          ? `above max_price: input ${usd(d.prices.input)} > ${usd(prompt)}`
          : completion !== undefined && d.prices.output > completion
            ? `above max_price: output ${usd(d.prices.output)} > ${usd(completion)}`
            : null,
    });
  }
  return out;
}
