// Billing as the relay pipeline sees it, in three calls per request:
//   preflight(ctx)              before routing: spend limits and budget (402 when exhausted), and the share of
//                               the monthly budget used (for the routing policy's spend rules);
//   hold(ctx, route, estimate)  before any provider is called: holds the worst case (402 when credit is short);
//   charge(bill, rec, d)        when usage is known: prices it (rec.costMicros...), for usage.cost in the answer;
//   settle(bill, rec)           however the request ended: releases the hold into the real charge, counts spend,
//                               raises budget alerts.
// Everything here is in memory on the request path; the database is touched only to lease credit in chunks
// (lib/billing/credit-book.ts), to load a spend figure once per key and period, and off the path for alerts.
import type { CatalogDeployment } from "@/lib/catalog/catalog";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { crossedThresholds, raiseBudgetAlert } from "./alerts";
import { computeCost, worstCaseCharge } from "./cost";
import { CreditBook, type CreditHold } from "./credit-book";
import { formatUsd } from "./ledger";
import { loadModelMarkups, resolveMarkupBps } from "./markup";
import { DEFAULT_BILLING_SETTINGS, loadBillingSettings, type BillingSettings } from "./settings";
import { SpendTracker, type SpendPeriod } from "./spend";

/** What billing needs to know about the caller (from the API key cache). */
export interface BillingCtx {
  key: { id: string; spendLimitMicros?: bigint | null; spendLimitPeriod?: string | null };
  tenant: {
    id: string;
    markupBps?: number | null;
    monthlyBudgetMicros?: bigint | null;
    budgetHardLimit?: boolean;
  };
}

/** A request's billing state, from hold to settlement. */
export interface Bill {
  tenantId: string;
  keyId: string;
  markupBps: number;
  hold: CreditHold | null;
  /** Budget and limit figures seen at preflight, for alerts at settlement. */
  limits: { scope: "workspace" | "key"; id: string; period: SpendPeriod; limit: bigint }[];
}

/** Usage fields of a usage record that billing reads and fills. */
export interface BilledRecord {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  cacheHit: boolean;
  costMicros: bigint;
  providerCostMicros: bigint;
  markupBps: number;
  settledHere?: boolean;
}

export interface RelayBillingOptions {
  getDb: () => Db | Promise<Db>;
  book?: CreditBook;
  spend?: SpendTracker;
  /** How often the operator's settings and markups are re-read. */
  refreshMs?: number;
}

export class RelayBilling {
  readonly book: CreditBook;
  readonly spend: SpendTracker;
  private settings: BillingSettings = DEFAULT_BILLING_SETTINGS;
  private markups: Map<string, number> = new Map();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: RelayBillingOptions) {
    this.book = opts.book ?? new CreditBook({ getDb: opts.getDb });
    this.spend = opts.spend ?? new SpendTracker({ getDb: opts.getDb });
  }

  /** Loads the settings once (awaited at start), then keeps them fresh; starts lease maintenance. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? 5_000);
    this.timer.unref();
    this.book.start();
  }

  async refresh(): Promise<void> {
    try {
      const db = await this.opts.getDb();
      [this.settings, this.markups] = await Promise.all([loadBillingSettings(db), loadModelMarkups(db)]);
    } catch (err) {
      log.warn("billing settings not refreshed", { error: (err as Error).message });
    }
  }

  billingSettings(): BillingSettings {
    return this.settings;
  }

  /**
   * Spend limits before routing: 402 when the key's limit, or a workspace budget set as a hard limit, is already
   * used up. Returns the share of the monthly budget used (for routing spend rules), if there is a budget.
   * Synchronous (undefined) when the key and workspace have no limits at all.
   */
  preflight(ctx: BillingCtx): Promise<{ budgetUsedPercent?: number; limits: Bill["limits"] }> | undefined {
    const keyLimit = ctx.key.spendLimitMicros ?? null;
    const budget = ctx.tenant.monthlyBudgetMicros ?? null;
    if (keyLimit === null && budget === null) return undefined;
    return this.checkLimits(ctx, keyLimit, budget);
  }

  private async checkLimits(ctx: BillingCtx, keyLimit: bigint | null, budget: bigint | null) {
    const limits: Bill["limits"] = [];
    let budgetUsedPercent: number | undefined;
    if (keyLimit !== null) {
      const period: SpendPeriod = ctx.key.spendLimitPeriod === "total" ? "total" : "monthly";
      const spent = await this.spend.spent("key", ctx.key.id, ctx.tenant.id, period);
      if (spent >= keyLimit) {
        throw new AppError(
          "insufficient_quota",
          `This API key's ${period === "total" ? "" : "monthly "}spend limit of ${formatUsd(keyLimit)} is used up (${formatUsd(spent)} spent). Raise it in the dashboard (API keys) or use another key.`,
        );
      }
      limits.push({ scope: "key", id: ctx.key.id, period, limit: keyLimit });
    }
    if (budget !== null) {
      const spent = await this.spend.spent("workspace", ctx.tenant.id, ctx.tenant.id, "monthly");
      budgetUsedPercent = budget > 0n ? Number((spent * 10_000n) / budget) / 100 : 100;
      if (ctx.tenant.budgetHardLimit && spent >= budget) {
        throw new AppError(
          "insufficient_quota",
          `The workspace's monthly budget of ${formatUsd(budget)} is used up (${formatUsd(spent)} spent) and set as a hard limit. An admin can raise it on the Billing page.`,
        );
      }
      limits.push({ scope: "workspace", id: ctx.tenant.id, period: "monthly", limit: budget });
    }
    return { budgetUsedPercent, limits };
  }

  /**
   * Holds the worst case of the request at the costliest candidate: `promptTokens` (an over-estimate) plus the
   * client's max tokens, or the operator's default when it sent none.
   */
  async hold(
    ctx: BillingCtx,
    candidates: readonly CatalogDeployment[],
    modelId: string | null,
    estimate: { promptTokens: number; maxOutputTokens: number | null },
    limits: Bill["limits"] = [],
  ): Promise<Bill> {
    const markupBps = resolveMarkupBps({
      tenantBps: ctx.tenant.markupBps,
      platformDefaultBps: this.settings.defaultMarkupBps,
      modelMarkups: this.markups,
      tenantId: ctx.tenant.id,
      modelId,
    });
    const amount = worstCaseCharge(
      estimate.promptTokens,
      estimate.maxOutputTokens ?? this.settings.defaultHoldOutputTokens,
      candidates.map((d) => d.prices),
      markupBps,
    );
    const hold = await this.book.hold(ctx.tenant.id, amount);
    return { tenantId: ctx.tenant.id, keyId: ctx.key.id, markupBps, hold, limits };
  }

  /** Prices the record's usage at the deployment that served it (a cache hit costs nothing). Idempotent. */
  charge(bill: Bill, rec: BilledRecord, d: CatalogDeployment | null | undefined): void {
    rec.markupBps = bill.markupBps;
    if (!d || rec.cacheHit) {
      rec.costMicros = 0n;
      rec.providerCostMicros = 0n;
      return;
    }
    const cost = computeCost(rec, d.prices, bill.markupBps);
    rec.costMicros = cost.chargeMicros;
    rec.providerCostMicros = cost.providerCostMicros;
  }

  /** However the request ended: the hold becomes the real charge; spend figures and alerts follow. */
  settle(bill: Bill, rec: BilledRecord): void {
    if (!bill.hold) return;
    bill.hold.settle(rec.costMicros);
    bill.hold = null;
    rec.settledHere = true;
    if (rec.costMicros <= 0n) return;
    const before = bill.limits.map((l) => this.spend.peek(l.scope, l.id, l.period));
    this.spend.add(bill.tenantId, bill.keyId, rec.costMicros);
    bill.limits.forEach((l, i) => {
      const was = before[i];
      if (was === null || was === undefined) return;
      for (const threshold of crossedThresholds(was, was + rec.costMicros, l.limit)) {
        void (async () =>
          raiseBudgetAlert(await this.opts.getDb(), {
            tenantId: bill.tenantId,
            scope: l.scope,
            scopeId: l.id,
            period: this.spend.periodKey(l.period),
            threshold,
            spentMicros: was + rec.costMicros,
            limitMicros: l.limit,
          }))();
      }
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.book.close();
  }
}

/** Tokens to hold for a prompt: UTF-8 bytes / 3 of its text (above the real count for most text), plus
 * per-message overhead and a flat allowance per image or audio part. */
export function holdPromptTokens(messages: readonly unknown[] | undefined, extraText?: unknown): number {
  let bytes = 0;
  let media = 0;
  const walk = (v: unknown): void => {
    if (typeof v === "string") bytes += Buffer.byteLength(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "image_url" || o.type === "input_audio" || o.type === "file") {
        media += 1;
        return;
      }
      for (const k in o) walk(o[k]);
    }
  };
  walk(messages);
  if (extraText !== undefined) walk(extraText);
  return Math.ceil(bytes / 3) + 8 * (messages?.length ?? 0) + 1_600 * media;
}
