// Prepaid credit bought through Stripe: Checkout top-ups (a person pays on Stripe's page) and auto top-ups (an
// off-session charge of the card saved by the first Checkout, when the balance falls below a threshold).
//
// Invariants:
//  - never credit from a client or webhook payload: amounts come from Stripe's API (a re-read), in cents, x10,000;
//  - a payment is credited at most once: the ledger reference is the payment intent id (postEntry is a no-op on a
//    repeated reference), whichever event or code path gets there first;
//  - the credit, the TopUp status and the processed-event record commit in one transaction (creditTopUp);
//  - at most one auto top-up is in flight per workspace, across instances (an atomic claim on the Tenant row).
import type Stripe from "stripe";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/observability/log";
import { requireRole, type TenantCtx } from "@/lib/tenancy/context";
import { formatUsd, postEntry } from "./ledger";
import { loadBillingSettings, type BillingSettings } from "./settings";
import { MICROS_PER_CENT, getStripe } from "./stripe";

/** Auto top-ups stop for this long after a declined charge (so a dead card is not retried on every request). */
export const AUTO_TOP_UP_BACKOFF_MS = 60 * 60 * 1000;

export function requireStripe(): Stripe {
  const stripe = getStripe();
  if (!stripe) {
    throw new AppError(
      "service_unavailable",
      "Stripe is not configured on this installation (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET).",
    );
  }
  return stripe;
}

/** A top-up amount the operator allows: whole cents, between the configured minimum and maximum. */
export function checkTopUpAmount(settings: BillingSettings, micros: bigint, param = "amountUsd"): bigint {
  const min = BigInt(settings.topUp.minUsd) * 1_000_000n;
  const max = BigInt(settings.topUp.maxUsd) * 1_000_000n;
  if (micros % MICROS_PER_CENT !== 0n) {
    throw new AppError("invalid_request", "Enter an amount in whole cents.", { param });
  }
  if (micros < min || micros > max) {
    throw new AppError("invalid_request", `Top-ups are between ${formatUsd(min)} and ${formatUsd(max)}.`, {
      param,
    });
  }
  return micros;
}

const centsOf = (micros: bigint) => Number(micros / MICROS_PER_CENT);

/** The workspace's Stripe customer, created once (metadata.tenantId); concurrent first calls keep one. */
async function ensureCustomer(stripe: Stripe, ctx: TenantCtx): Promise<string> {
  const { db, tenant } = ctx;
  const row = await db.tenant.findUniqueOrThrow({
    where: { id: tenant.id },
    select: { stripeCustomerId: true },
  });
  if (row.stripeCustomerId) return row.stripeCustomerId;
  // The idempotency key makes concurrent first top-ups create one customer on Stripe's side too.
  const customer = await stripe.customers.create(
    { name: tenant.name, metadata: { tenantId: tenant.id, slug: tenant.slug } },
    { idempotencyKey: `customer-${tenant.id}` },
  );
  await db.tenant.updateMany({
    where: { id: tenant.id, stripeCustomerId: null },
    data: { stripeCustomerId: customer.id },
  });
  const stored = await db.tenant.findUniqueOrThrow({
    where: { id: tenant.id },
    select: { stripeCustomerId: true },
  });
  return stored.stripeCustomerId!;
}

/**
 * Starts a Checkout top-up (owners only): a pending TopUp row, then a Checkout Session that carries its id.
 * Returns the URL of Stripe's payment page. The credit happens when Stripe's webhook reports the payment.
 */
export async function createCheckout(
  db: Db,
  ctx: TenantCtx,
  input: { amountMicros: bigint },
): Promise<{ url: string; topUpId: string }> {
  requireRole(ctx, "owner", "buy credit");
  const stripe = requireStripe();
  const amountMicros = checkTopUpAmount(await loadBillingSettings(db), input.amountMicros);
  const customer = await ensureCustomer(stripe, ctx);
  const topUp = await db.topUp.create({
    data: {
      id: newId("top"),
      tenantId: ctx.tenant.id,
      kind: "checkout",
      status: "pending",
      amountMicros,
      createdById: ctx.user?.id ?? null,
    },
  });
  const back = `${env().appUrl}/w/${encodeURIComponent(ctx.tenant.slug)}/billing`;
  const metadata = { tenantId: ctx.tenant.id, topUpId: topUp.id };
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.create(
      {
        mode: "payment",
        customer,
        client_reference_id: ctx.tenant.id,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: "usd",
              unit_amount: centsOf(amountMicros),
              product_data: {
                name: "Switchyard credit",
                description: `Prepaid credit for ${ctx.tenant.name}`,
              },
            },
          },
        ],
        payment_intent_data: {
          setup_future_usage: "off_session",
          description: "Switchyard credit",
          metadata: { ...metadata, kind: "checkout" },
        },
        metadata,
        success_url: `${back}?topup=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${back}?topup=cancelled`,
      },
      { idempotencyKey: topUp.id },
    );
  } catch (err) {
    await db.topUp.update({
      where: { id: topUp.id },
      data: {
        status: "failed",
        failureMessage: `Checkout could not start: ${(err as Error).message}`.slice(0, 500),
      },
    });
    log.error("billing.checkout_failed", { tenantId: ctx.tenant.id, topUpId: topUp.id, err });
    throw new AppError("upstream_error", "Stripe could not start the checkout. Try again in a moment.");
  }
  await db.topUp.update({ where: { id: topUp.id }, data: { stripeCheckoutSessionId: session.id } });
  await recordAudit(db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "topup.checkout",
    target: topUp.id,
    details: { amountMicros, sessionId: session.id },
  });
  if (!session.url) throw new AppError("upstream_error", "Stripe returned no checkout URL.");
  return { url: session.url, topUpId: topUp.id };
}

export interface PaidTopUp {
  topUpId: string;
  tenantId: string;
  paymentIntentId: string;
  /** What Stripe says was paid, in cents (the only amount ever credited). */
  amountCents: number;
  receiptUrl: string | null;
  paymentMethodId: string | null;
  checkoutSessionId?: string | null;
  /** The webhook event being processed, recorded in the same transaction (null: an API response). */
  event?: { id: string; type: string } | null;
}

/**
 * Credits a paid top-up exactly once, in one transaction: the ledger entry (reference = payment intent id), the
 * TopUp row, the saved card, the auto top-up flag, the processed event and the audit record. Replays and
 * concurrent deliveries find the reference taken and change nothing but missing details (receipt URL).
 */
export async function creditTopUp(db: Db, p: PaidTopUp): Promise<{ posted: boolean }> {
  return db.$transaction(async (tx) => {
    const topUp = await tx.topUp.findUniqueOrThrow({ where: { id: p.topUpId } });
    const micros = BigInt(p.amountCents) * MICROS_PER_CENT;
    if (micros !== topUp.amountMicros) {
      log.warn("billing.topup_amount_differs", {
        topUpId: topUp.id,
        expected: topUp.amountMicros,
        paid: micros,
      });
    }
    const { posted } = await postEntry(tx, {
      tenantId: p.tenantId,
      kind: "topup",
      amountMicros: micros,
      reference: p.paymentIntentId,
      description: topUp.kind === "auto" ? "Auto top-up" : "Top-up (Stripe Checkout)",
      createdById: topUp.createdById,
      metadata: { topUpId: topUp.id, paymentIntentId: p.paymentIntentId, eventId: p.event?.id ?? null },
    });
    await tx.topUp.update({
      where: { id: topUp.id },
      data: {
        ...(posted ? { status: "paid", failureMessage: null } : {}),
        stripePaymentIntentId: p.paymentIntentId,
        ...(p.checkoutSessionId && !topUp.stripeCheckoutSessionId
          ? { stripeCheckoutSessionId: p.checkoutSessionId }
          : {}),
        ...(p.receiptUrl ? { receiptUrl: p.receiptUrl } : {}),
      },
    });
    await tx.tenant.update({
      where: { id: p.tenantId },
      data: {
        ...(p.paymentMethodId && topUp.kind === "checkout"
          ? { stripePaymentMethodId: p.paymentMethodId }
          : {}),
        ...(topUp.kind === "auto" ? { autoTopUpPendingAt: null } : {}),
      },
    });
    if (p.event) {
      await tx.stripeEvent.createMany({
        data: [{ id: p.event.id, type: p.event.type, tenantId: p.tenantId }],
        skipDuplicates: true,
      });
    }
    if (posted) {
      await recordAudit(tx, {
        tenantId: p.tenantId,
        actorUserId: null,
        action: "topup.credit",
        target: topUp.id,
        details: { amountMicros: micros, paymentIntentId: p.paymentIntentId, eventId: p.event?.id ?? null },
      });
    }
    return { posted };
  });
}

/** Records a declined or failed top-up (only while it is pending) and frees the auto top-up slot. */
export async function failTopUp(
  db: Db,
  p: { topUpId: string; tenantId: string; paymentIntentId: string | null; message: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.topUp.updateMany({
      where: { id: p.topUpId, tenantId: p.tenantId, status: "pending" },
      data: {
        status: "failed",
        failureMessage: p.message.slice(0, 500),
        ...(p.paymentIntentId ? { stripePaymentIntentId: p.paymentIntentId } : {}),
      },
    });
    const topUp = await tx.topUp.findUnique({ where: { id: p.topUpId }, select: { kind: true } });
    if (topUp?.kind === "auto") {
      await tx.tenant.update({ where: { id: p.tenantId }, data: { autoTopUpPendingAt: null } });
    }
    if (count > 0) {
      await recordAudit(tx, {
        tenantId: p.tenantId,
        actorUserId: null,
        action: "topup.failed",
        target: p.topUpId,
        details: { paymentIntentId: p.paymentIntentId, message: p.message },
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Auto top-up

/**
 * Charges the saved card when auto top-up is on and the balance is below the threshold. Called by the relay after
 * it writes charges; never throws (failures are logged and recorded on the TopUp). At most one in flight per
 * workspace: the claim is one conditional UPDATE, so concurrent callers on any instance get one winner; a claim
 * older than 15 minutes (a crashed instance) can be taken again.
 */
export async function maybeAutoTopUp(
  db: Db,
  tenantId: string,
): Promise<{ started: boolean; topUpId?: string }> {
  try {
    const stripe = getStripe();
    if (!stripe) return { started: false };
    const claimed = await db.$queryRawUnsafe<
      { stripeCustomerId: string; stripePaymentMethodId: string; autoTopUpAmountMicros: bigint }[]
    >(
      `UPDATE "Tenant" SET "autoTopUpPendingAt" = (now() AT TIME ZONE 'UTC')
        WHERE "id" = $1 AND "autoTopUpEnabled"
          AND "stripePaymentMethodId" IS NOT NULL AND "stripeCustomerId" IS NOT NULL
          AND "autoTopUpAmountMicros" > 0
          AND "balanceMicros" < "autoTopUpThresholdMicros"
          AND ("autoTopUpPendingAt" IS NULL
               OR "autoTopUpPendingAt" < (now() AT TIME ZONE 'UTC') - interval '15 minutes')
          AND NOT EXISTS (SELECT 1 FROM "TopUp" f WHERE f."tenantId" = $1 AND f."kind" = 'auto'
                           AND f."status" = 'failed' AND f."updatedAt" > $2::timestamp)
        RETURNING "stripeCustomerId", "stripePaymentMethodId", "autoTopUpAmountMicros"`,
      tenantId,
      // Prisma stores DateTime as UTC in "timestamp without time zone": compare in UTC whatever the session's zone.
      new Date(Date.now() - AUTO_TOP_UP_BACKOFF_MS).toISOString().replace("Z", ""),
    );
    if (claimed.length === 0) return { started: false };
    const t = claimed[0]!;
    const amountMicros = BigInt(t.autoTopUpAmountMicros);
    const topUp = await db.topUp.create({
      data: { id: newId("top"), tenantId, kind: "auto", status: "pending", amountMicros },
    });
    await chargeSavedCard(db, stripe, {
      tenantId,
      topUpId: topUp.id,
      amountMicros,
      customer: t.stripeCustomerId,
      paymentMethod: t.stripePaymentMethodId,
    });
    return { started: true, topUpId: topUp.id };
  } catch (err) {
    log.error("billing.auto_topup_error", { tenantId, err });
    return { started: false };
  }
}

async function chargeSavedCard(
  db: Db,
  stripe: Stripe,
  p: { tenantId: string; topUpId: string; amountMicros: bigint; customer: string; paymentMethod: string },
): Promise<void> {
  let pi: Stripe.PaymentIntent;
  try {
    pi = await stripe.paymentIntents.create(
      {
        amount: centsOf(p.amountMicros),
        currency: "usd",
        customer: p.customer,
        payment_method: p.paymentMethod,
        off_session: true,
        confirm: true,
        description: "Switchyard auto top-up",
        metadata: { tenantId: p.tenantId, topUpId: p.topUpId, kind: "auto_topup" },
        expand: ["latest_charge"],
      },
      { idempotencyKey: p.topUpId },
    );
  } catch (err) {
    const e = err as {
      type?: string;
      message?: string;
      payment_intent?: { id?: string };
      raw?: { payment_intent?: { id?: string } };
    };
    if (e.type === "StripeCardError") {
      // Declined: Stripe will also send payment_intent.payment_failed; both paths record the same failure once.
      await failTopUp(db, {
        topUpId: p.topUpId,
        tenantId: p.tenantId,
        paymentIntentId: e.payment_intent?.id ?? e.raw?.payment_intent?.id ?? null,
        message: e.message ?? "The card was declined.",
      });
      log.warn("billing.auto_topup_declined", {
        tenantId: p.tenantId,
        topUpId: p.topUpId,
        message: e.message,
      });
      return;
    }
    // Unknown outcome (network, Stripe down): the TopUp stays pending and the claim held; Stripe's webhook settles
    // it if the charge went through, and the claim expires after 15 minutes otherwise.
    log.error("billing.auto_topup_unknown", { tenantId: p.tenantId, topUpId: p.topUpId, err });
    return;
  }
  if (pi.status === "succeeded") {
    const charge = typeof pi.latest_charge === "object" ? pi.latest_charge : null;
    await creditTopUp(db, {
      topUpId: p.topUpId,
      tenantId: p.tenantId,
      paymentIntentId: pi.id,
      amountCents: pi.amount_received,
      receiptUrl: charge?.receipt_url ?? null,
      paymentMethodId: null,
    });
  } else {
    // requires_action and similar: a customer must act, which off-session cannot do.
    await failTopUp(db, {
      topUpId: p.topUpId,
      tenantId: p.tenantId,
      paymentIntentId: pi.id,
      message: `The payment needs the card holder (${pi.status}); top up through Checkout instead.`,
    });
  }
}

export async function setAutoTopUp(
  db: Db,
  ctx: TenantCtx,
  input: { enabled: boolean; thresholdMicros: bigint; amountMicros: bigint },
) {
  requireRole(ctx, "owner", "change auto top-up");
  const settings = await loadBillingSettings(db);
  if (input.enabled) {
    if (input.thresholdMicros <= 0n) {
      throw new AppError("invalid_request", "The threshold must be more than $0.", { param: "thresholdUsd" });
    }
    checkTopUpAmount(settings, input.amountMicros, "amountUsd");
    const t = await db.tenant.findUniqueOrThrow({
      where: { id: ctx.tenant.id },
      select: { stripePaymentMethodId: true },
    });
    if (!t.stripePaymentMethodId) {
      throw new AppError(
        "invalid_request",
        "Top up once through Checkout first: auto top-up charges the card saved by that payment.",
        { param: "enabled" },
      );
    }
  }
  const updated = await db.tenant.update({
    where: { id: ctx.tenant.id },
    data: {
      autoTopUpEnabled: input.enabled,
      autoTopUpThresholdMicros: input.thresholdMicros > 0n ? input.thresholdMicros : null,
      autoTopUpAmountMicros: input.amountMicros > 0n ? input.amountMicros : null,
    },
    select: { autoTopUpEnabled: true, autoTopUpThresholdMicros: true, autoTopUpAmountMicros: true },
  });
  await recordAudit(db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "topup.auto_settings",
    target: ctx.tenant.id,
    details: { ...input },
  });
  return updated;
}

/** The workspace's top-ups, newest first. */
export async function listTopUps(db: Db, ctx: TenantCtx, take = 50) {
  return db.topUp.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(take, 200),
  });
}
