// Stripe's webhook (POST /api/stripe/webhook). The payload is only a hint of what changed: after the signature
// check, each handler re-reads the object from Stripe's API and acts on that. Events are processed at most once
// (StripeEvent), but the real guard is the ledger: credits are keyed by payment intent id and refunds by refund
// id, so a replay, a concurrent duplicate delivery or two different events about one payment move money once.
//
// Ordering: nothing marks an event processed before its effect commits. The effect and the StripeEvent row
// commit in one transaction where there is money to move, so a crash either leaves both or neither (and Stripe
// delivers again). An error re-reading from Stripe is a 500: Stripe retries later.
import type Stripe from "stripe";
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { postEntry } from "./ledger";
import { MICROS_PER_CENT, webhookSecret } from "./stripe";
import { creditTopUp, failTopUp, requireStripe } from "./topups";

export interface WebhookResult {
  eventId: string;
  type: string;
  /** What happened: credited, refunded, failed, duplicate (already processed), ignored (with a reason). */
  outcome: string;
}

type EventRef = { id: string; type: string };
type Outcome = { outcome: string; tenantId?: string | null; recorded?: boolean };

/** Verifies and processes one delivery. Throws AppError("invalid_request") for a bad signature (400). */
export async function handleStripeWebhook(
  db: Db,
  rawBody: string,
  signatureHeader: string | null,
): Promise<WebhookResult> {
  const stripe = requireStripe();
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(rawBody, signatureHeader ?? "", webhookSecret()!);
  } catch (err) {
    throw new AppError("invalid_request", `Invalid Stripe signature: ${(err as Error).message}`);
  }
  const ref = { id: event.id, type: event.type };
  if (await db.stripeEvent.findUnique({ where: { id: event.id } })) {
    return { eventId: event.id, type: event.type, outcome: "duplicate" };
  }
  const result = await dispatch(db, stripe, event, ref);
  if (!result.recorded) {
    await db.stripeEvent.createMany({
      data: [{ id: event.id, type: event.type, tenantId: result.tenantId ?? null }],
      skipDuplicates: true,
    });
  }
  log.info("billing.stripe_event", { eventId: event.id, type: event.type, outcome: result.outcome });
  return { eventId: event.id, type: event.type, outcome: result.outcome };
}

async function dispatch(db: Db, stripe: Stripe, event: Stripe.Event, ref: EventRef): Promise<Outcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return onCheckoutPaid(db, stripe, event.data.object.id, ref);
    case "checkout.session.expired":
      return onCheckoutExpired(db, stripe, event.data.object.id);
    case "payment_intent.succeeded":
      return onIntentSucceeded(db, stripe, event.data.object.id, ref);
    case "payment_intent.payment_failed":
      return onIntentFailed(db, stripe, event.data.object.id);
    case "charge.refunded":
      return syncRefunds(db, stripe, event.data.object.id, ref);
    case "refund.created":
    case "refund.updated": {
      const charge = event.data.object.charge;
      if (!charge) return { outcome: "ignored: refund without a charge" };
      return syncRefunds(db, stripe, typeof charge === "string" ? charge : charge.id, ref);
    }
    default:
      return { outcome: "ignored: event type not used" };
  }
}

/** The TopUp a Stripe object's metadata names, only if it belongs to the workspace the metadata also names. */
async function findTopUp(db: Db, metadata: Stripe.Metadata | null | undefined) {
  const topUpId = metadata?.topUpId;
  const tenantId = metadata?.tenantId;
  if (!topUpId || !tenantId) return null;
  return db.topUp.findFirst({ where: { id: topUpId, tenantId } });
}

function expanded<T extends { id: string }>(v: string | T | null | undefined): T | null {
  return v && typeof v === "object" ? v : null;
}

/** Credits a top-up paid by `pi`, with its receipt and card, through creditTopUp (exactly once per intent). */
async function creditPaidTopUp(
  db: Db,
  topUp: { id: string; tenantId: string },
  pi: Stripe.PaymentIntent,
  amountCents: number,
  ref: EventRef,
  checkoutSessionId?: string,
): Promise<Outcome> {
  const { posted } = await creditTopUp(db, {
    topUpId: topUp.id,
    tenantId: topUp.tenantId,
    paymentIntentId: pi.id,
    amountCents,
    receiptUrl: expanded(pi.latest_charge)?.receipt_url ?? null,
    paymentMethodId:
      typeof pi.payment_method === "string" ? pi.payment_method : (pi.payment_method?.id ?? null),
    checkoutSessionId,
    event: ref,
  });
  return { outcome: posted ? "credited" : "already credited", tenantId: topUp.tenantId, recorded: true };
}

async function onCheckoutPaid(db: Db, stripe: Stripe, sessionId: string, ref: EventRef): Promise<Outcome> {
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ["payment_intent", "payment_intent.latest_charge"],
  });
  if (session.payment_status !== "paid") return { outcome: `ignored: session is ${session.payment_status}` };
  if (session.currency !== "usd") return { outcome: `ignored: currency ${session.currency}` };
  const topUp = await findTopUp(db, session.metadata);
  if (!topUp || topUp.kind !== "checkout") return { outcome: "ignored: no matching top-up" };
  if (topUp.stripeCheckoutSessionId && topUp.stripeCheckoutSessionId !== session.id) {
    return { outcome: "ignored: session does not match the top-up", tenantId: topUp.tenantId };
  }
  const pi = expanded(session.payment_intent);
  if (!pi || session.amount_total === null) return { outcome: "ignored: no payment intent" };
  return creditPaidTopUp(db, topUp, pi, session.amount_total, ref, session.id);
}

async function onCheckoutExpired(db: Db, stripe: Stripe, sessionId: string): Promise<Outcome> {
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  if (session.status !== "expired") return { outcome: `ignored: session is ${session.status}` };
  const topUp = await findTopUp(db, session.metadata);
  if (!topUp) return { outcome: "ignored: no matching top-up" };
  await db.topUp.updateMany({ where: { id: topUp.id, status: "pending" }, data: { status: "expired" } });
  return { outcome: "expired", tenantId: topUp.tenantId };
}

async function onIntentSucceeded(db: Db, stripe: Stripe, intentId: string, ref: EventRef): Promise<Outcome> {
  const pi = await stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] });
  if (pi.status !== "succeeded") return { outcome: `ignored: intent is ${pi.status}` };
  if (pi.currency !== "usd") return { outcome: `ignored: currency ${pi.currency}` };
  const topUp = await findTopUp(db, pi.metadata);
  if (!topUp) return { outcome: "ignored: no matching top-up" };
  return creditPaidTopUp(db, topUp, pi, pi.amount_received, ref);
}

async function onIntentFailed(db: Db, stripe: Stripe, intentId: string): Promise<Outcome> {
  const pi = await stripe.paymentIntents.retrieve(intentId);
  if (pi.status === "succeeded" || pi.status === "processing") {
    return { outcome: `ignored: intent is ${pi.status}` };
  }
  const topUp = await findTopUp(db, pi.metadata);
  if (!topUp) return { outcome: "ignored: no matching top-up" };
  await failTopUp(db, {
    topUpId: topUp.id,
    tenantId: topUp.tenantId,
    paymentIntentId: pi.id,
    message: pi.last_payment_error?.message ?? "The payment failed.",
  });
  return { outcome: "failed", tenantId: topUp.tenantId };
}

/**
 * Brings a top-up's refunds in line with Stripe: one negative "refund" entry per succeeded Stripe refund id.
 * A charge whose top-up has not been credited yet is an error (500), so Stripe retries after the credit lands.
 */
async function syncRefunds(db: Db, stripe: Stripe, chargeId: string, ref: EventRef): Promise<Outcome> {
  const charge = await stripe.charges.retrieve(chargeId, { expand: ["refunds"] });
  const piId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!piId) return { outcome: "ignored: charge without a payment intent" };
  const topUp = await db.topUp.findUnique({ where: { stripePaymentIntentId: piId } });
  if (!topUp) {
    const pi = await stripe.paymentIntents.retrieve(piId);
    if (!(await findTopUp(db, pi.metadata))) return { outcome: "ignored: not a Switchyard top-up" };
    throw new Error(`Refund for ${piId} arrived before its top-up was credited; Stripe will retry.`);
  }
  if (topUp.status !== "paid" && topUp.status !== "partially_refunded" && topUp.status !== "refunded") {
    throw new Error(`Refund for top-up ${topUp.id} in status ${topUp.status}; Stripe will retry.`);
  }
  const refunds = (charge.refunds?.data ?? []).filter((r) => r.status === "succeeded");
  if (charge.refunds?.has_more) log.warn("billing.refunds_truncated", { chargeId, topUpId: topUp.id });
  const refundedMicros = refunds.reduce((sum, r) => sum + BigInt(r.amount) * MICROS_PER_CENT, 0n);
  const posted = await db.$transaction(async (tx) => {
    let count = 0;
    for (const r of refunds) {
      const micros = BigInt(r.amount) * MICROS_PER_CENT;
      const res = await postEntry(tx, {
        tenantId: topUp.tenantId,
        kind: "refund",
        amountMicros: -micros,
        reference: r.id,
        description: "Refund of a top-up",
        metadata: { topUpId: topUp.id, chargeId, refundId: r.id, eventId: ref.id },
      });
      if (res.posted) {
        count += 1;
        await recordAudit(tx, {
          tenantId: topUp.tenantId,
          actorUserId: null,
          action: "topup.refund",
          target: topUp.id,
          details: { amountMicros: -micros, refundId: r.id, chargeId, eventId: ref.id },
        });
      }
    }
    // GREATEST: two events about one charge may be processed concurrently with different views of it.
    await tx.$executeRawUnsafe(
      `UPDATE "TopUp" SET "refundedMicros" = GREATEST("refundedMicros", $2::bigint), "updatedAt" = now(),
              "status" = CASE WHEN GREATEST("refundedMicros", $2::bigint) = 0 THEN "status"
                              WHEN GREATEST("refundedMicros", $2::bigint) >= "amountMicros" THEN 'refunded'
                              ELSE 'partially_refunded' END
        WHERE "id" = $1`,
      topUp.id,
      refundedMicros.toString(),
    );
    await tx.stripeEvent.createMany({
      data: [{ id: ref.id, type: ref.type, tenantId: topUp.tenantId }],
      skipDuplicates: true,
    });
    return count;
  });
  return {
    outcome: posted ? `refunded (${posted})` : "refunds already posted",
    tenantId: topUp.tenantId,
    recorded: true,
  };
}
