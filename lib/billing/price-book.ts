// The price book: per deployment, a list of price versions, each in force from its effectiveFrom until the next
// one starts. Versions are never edited or deleted once in force (a charge can always be explained by the
// version that was in force when it was made); a change is a new version, effective now or scheduled for later.
// The relay's catalog (lib/catalog/catalog.ts) picks the version in force each time it reloads.
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { actorId, type OperatorCtx } from "@/lib/tenancy/operator-ctx";
import type { PriceSet } from "./price-data";

/** How far in the past an effective date may be (clock skew, form round trips): older is refused. */
export const PAST_TOLERANCE_MS = 60_000;

export interface PriceVersion extends PriceSet {
  id: string;
  effectiveFrom: Date;
  source: string | null;
  createdById: string | null;
  createdAt: Date;
}

export interface PriceBookRow {
  deploymentId: string;
  model: { id: string; name: string };
  provider: { id: string; name: string; protocol: string; vendor: string | null };
  upstreamModel: string;
  enabled: boolean;
  /** The version in force now (null: none, the deployment is free). */
  current: PriceVersion | null;
  /** The next scheduled version (the earliest one starting after now), if any. */
  next: PriceVersion | null;
  /** Every version, newest effectiveFrom first. */
  history: PriceVersion[];
}

type PriceRow = {
  id: string;
  effectiveFrom: Date;
  inputMicros: bigint;
  cachedInputMicros: bigint;
  cacheWriteMicros: bigint;
  outputMicros: bigint;
  source: string | null;
  createdById: string | null;
  createdAt: Date;
};

function toVersion(r: PriceRow): PriceVersion {
  return {
    id: r.id,
    effectiveFrom: r.effectiveFrom,
    input: r.inputMicros,
    cachedInput: r.cachedInputMicros,
    cacheWrite: r.cacheWriteMicros,
    output: r.outputMicros,
    source: r.source,
    createdById: r.createdById,
    createdAt: r.createdAt,
  };
}

/** Splits a deployment's versions (any order) into the one in force at `now`, the next one and the history. */
export function splitVersions(versions: PriceVersion[], now: Date) {
  const history = [...versions].sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
  const current = history.find((v) => v.effectiveFrom <= now) ?? null;
  const future = history.filter((v) => v.effectiveFrom > now);
  return { current, next: future.at(-1) ?? null, history };
}

/** Every deployment (enabled or not) with its prices, by model name then priority. */
export async function listPriceBook(
  db: Pick<Db, "deployment">,
  opts: { model?: string; now?: Date } = {},
): Promise<PriceBookRow[]> {
  const now = opts.now ?? new Date();
  const deployments = await db.deployment.findMany({
    where: opts.model ? { model: { OR: [{ name: opts.model }, { id: opts.model }] } } : {},
    include: { model: true, provider: true, prices: true },
    orderBy: [{ model: { name: "asc" } }, { priority: "asc" }, { createdAt: "asc" }],
  });
  return deployments.map((d) => ({
    deploymentId: d.id,
    model: { id: d.model.id, name: d.model.name },
    provider: {
      id: d.provider.id,
      name: d.provider.name,
      protocol: d.provider.protocol,
      vendor: d.provider.vendor,
    },
    upstreamModel: d.upstreamModel,
    enabled: d.enabled && d.provider.enabled,
    ...splitVersions(d.prices.map(toVersion), now),
  }));
}

const Micros = z
  .union([z.bigint(), z.number().int().safe(), z.string().regex(/^-?\d+$/, "Must be whole micro-dollars.")])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, "Prices cannot be negative.")
  .refine((v) => v <= 1_000_000_000_000n, "Price is implausibly large (over $1,000,000 per million tokens).");

export const SetPriceInput = z.object({
  deploymentId: z.string().min(1, "Choose a deployment."),
  /** Micro-dollars per million tokens; cachedInput and cacheWrite default to input. */
  prices: z.object({
    input: Micros,
    cachedInput: Micros.optional(),
    cacheWrite: Micros.optional(),
    output: Micros,
  }),
  effectiveFrom: z.coerce.date({ error: "Enter a valid date and time." }).optional(),
});
export type SetPriceInput = z.input<typeof SetPriceInput>;

/**
 * Adds a price version (source "operator"): in force from `effectiveFrom` (default now; a future date schedules
 * the change). A version already scheduled at exactly that instant, and not yet in force, is replaced.
 */
export async function setPrice(db: Db, op: OperatorCtx, input: SetPriceInput, now = new Date()) {
  const { deploymentId, prices, effectiveFrom: requested } = SetPriceInput.parse(input);
  const effectiveFrom = requested ?? now;
  if (effectiveFrom.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
    throw new AppError("invalid_request", "effectiveFrom: A price change cannot start in the past.", {
      param: "effectiveFrom",
    });
  }
  const set: PriceSet = {
    input: prices.input,
    cachedInput: prices.cachedInput ?? prices.input,
    cacheWrite: prices.cacheWrite ?? prices.input,
    output: prices.output,
  };
  const deployment = await db.deployment.findUnique({
    where: { id: deploymentId },
    include: { model: true, provider: true },
  });
  if (!deployment)
    throw new AppError("not_found", `Deployment ${deploymentId} not found.`, { param: "deploymentId" });

  const data = {
    inputMicros: set.input,
    cachedInputMicros: set.cachedInput,
    cacheWriteMicros: set.cacheWrite,
    outputMicros: set.output,
    source: "operator",
    createdById: actorId(op),
  };
  const existing = await db.price.findUnique({
    where: { deploymentId_effectiveFrom: { deploymentId, effectiveFrom } },
  });
  if (existing && existing.effectiveFrom <= now) {
    throw new AppError("conflict", "A version already starts at that instant; pick another time.", {
      param: "effectiveFrom",
    });
  }
  const row = existing
    ? await db.price.update({ where: { id: existing.id }, data })
    : await db.price.create({ data: { id: newId("prc"), deploymentId, effectiveFrom, ...data } });

  await recordAudit(db, {
    tenantId: null,
    actorUserId: actorId(op),
    action: "price.set",
    target: deploymentId,
    details: {
      model: deployment.model.name,
      provider: deployment.provider.name,
      upstreamModel: deployment.upstreamModel,
      effectiveFrom: effectiveFrom.toISOString(),
      scheduled: effectiveFrom > now,
      replacedScheduled: Boolean(existing),
      prices: set,
    },
  });
  return { version: toVersion(row), scheduled: effectiveFrom > now };
}

const FIELD_LABEL = {
  input: "Input",
  cachedInput: "Cached input",
  cacheWrite: "Cache write",
  output: "Output",
} as const;

/**
 * The console's form (USD per million tokens as typed, an optional ISO effective date) to setPrice's input; a 400
 * naming the field for anything that is not a non-negative USD amount. Blank cached input / cache write: the
 * input price.
 */
export function priceInputFromForm(body: Record<string, unknown>): SetPriceInput {
  const usd = (name: keyof typeof FIELD_LABEL, optional: boolean): bigint | undefined => {
    const raw = body[name];
    const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (text === "" && optional) return undefined;
    const m = /^\$?(\d+)(?:\.(\d{0,6}))?$/.exec(text);
    if (!m) {
      const why = text.startsWith("-")
        ? "cannot be negative"
        : "must be a USD amount with at most 6 decimals";
      throw new AppError("invalid_request", `${name}: ${FIELD_LABEL[name]} price ${why}.`, { param: name });
    }
    return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
  };
  const effective = typeof body.effectiveFrom === "string" ? body.effectiveFrom.trim() : "";
  let effectiveFrom: Date | undefined;
  if (effective) {
    effectiveFrom = new Date(effective);
    if (Number.isNaN(effectiveFrom.getTime())) {
      throw new AppError("invalid_request", "effectiveFrom: Enter a valid date and time.", {
        param: "effectiveFrom",
      });
    }
  }
  return {
    deploymentId: typeof body.deploymentId === "string" ? body.deploymentId : "",
    prices: {
      input: usd("input", false)!,
      cachedInput: usd("cachedInput", true),
      cacheWrite: usd("cacheWrite", true),
      output: usd("output", false)!,
    },
    effectiveFrom,
  };
}
