// Stripe top-ups end to end on both databases: the real `stripe` SDK against the local stand-in, its hosted
// Checkout page, signed webhooks into handleStripeWebhook, refunds and off-session auto top-ups. Every scenario
// ends with the ledger check: balance = sum of entries.
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkLedger, postEntry } from "@/lib/billing/ledger";
import { clientTarget } from "@/lib/billing/stripe";
import { createCheckout, maybeAutoTopUp, setAutoTopUp } from "@/lib/billing/topups";
import { newId } from "@/lib/ids";
import { getTenantCtx, type TenantCtx } from "@/lib/tenancy/context";
import { createUserWithWorkspace } from "@/lib/tenancy/users";
import { describeEachDatabase } from "./helpers/db";
import { startStripeHarness, type StripeHarness } from "./helpers/stripe";

const USD = 1_000_000n;

describeEachDatabase("Stripe top-ups", (getDb) => {
  const db = () => getDb().prisma;
  let h: StripeHarness;
  let stripe: Stripe;
  let ctx: TenantCtx;

  beforeAll(async () => {
    h = await startStripeHarness(db);
    stripe = new Stripe("sk_test_integration", { ...clientTarget(h.fake.url), telemetry: false });
    const { user, tenant } = await createUserWithWorkspace(db(), {
      email: `owner-${newId("usr")}@example.test`,
      password: "Correct-Horse-42",
    });
    ctx = await getTenantCtx(db(), user.id, tenant.slug);
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await h.fake.controls.settle();
    expect(await checkLedger(db())).toEqual([]);
  });

  const balance = async () =>
    (await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenant.id } })).balanceMicros;
  const sessionIdOf = (url: string) => /\/checkout\/pay\/([^/?]+)/.exec(url)![1]!;
  const lastEvent = (type: string) =>
    h.fake.controls
      .events()
      .filter((e) => e.type === type)
      .at(-1)!;

  async function payInBrowserStyle(url: string): Promise<string> {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(">Pay<");
    const paid = await fetch(url, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    return paid.headers.get("location")!;
  }

  it("refuses non-owners and amounts outside the operator's limits", async () => {
    await expect(
      createCheckout(db(), { ...ctx, role: "admin" }, { amountMicros: 25n * USD }),
    ).rejects.toMatchObject({
      code: "permission_denied",
    });
    await expect(createCheckout(db(), ctx, { amountMicros: 1n * USD })).rejects.toMatchObject({
      code: "invalid_request",
      message: "Top-ups are between $5.00 and $5,000.00.",
    });
    await expect(createCheckout(db(), ctx, { amountMicros: 10n * USD + 1n })).rejects.toMatchObject({
      message: "Enter an amount in whole cents.",
    });
    expect(await db().topUp.count({ where: { tenantId: ctx.tenant.id } })).toBe(0);
  });

  it("checkout -> pay -> signed webhook credits the paid amount exactly once", async () => {
    const before = await balance();
    const { url, topUpId } = await createCheckout(db(), ctx, { amountMicros: 25n * USD });
    const sent = h.fake.controls.requests().find((r) => r.path === "/v1/checkout/sessions")!;
    expect(sent.params).toMatchObject({
      mode: "payment",
      client_reference_id: ctx.tenant.id,
      line_items: [
        { price_data: { unit_amount: "2500", currency: "usd", product_data: { name: "Switchyard credit" } } },
      ],
      payment_intent_data: { setup_future_usage: "off_session" },
      metadata: { tenantId: ctx.tenant.id, topUpId },
    });
    expect(sent.idempotencyKey).toBe(topUpId);

    const location = await payInBrowserStyle(url);
    expect(location).toBe(
      `http://app.test/w/${ctx.tenant.slug}/billing?topup=success&session_id=${sessionIdOf(url)}`,
    );
    await h.fake.controls.settle();

    expect(await balance()).toBe(before + 25n * USD);
    const entries = await db().ledgerEntry.findMany({ where: { tenantId: ctx.tenant.id, kind: "topup" } });
    expect(entries).toHaveLength(1);
    const topUp = await db().topUp.findUniqueOrThrow({ where: { id: topUpId } });
    expect(topUp).toMatchObject({ status: "paid", stripeCheckoutSessionId: sessionIdOf(url) });
    expect(entries[0]!.reference).toBe(topUp.stripePaymentIntentId);
    expect((await fetch(topUp.receiptUrl!)).status).toBe(200);
    const tenant = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenant.id } });
    expect(tenant.stripeCustomerId).toMatch(/^cus_/);
    expect(tenant.stripePaymentMethodId).toMatch(/^pm_/);
    // Both Stripe events about this payment were delivered and accepted; only one moved money.
    const deliveries = h.fake.controls.deliveries();
    expect(deliveries.map((d) => [d.type, d.status]).sort()).toEqual([
      ["checkout.session.completed", 200],
      ["payment_intent.succeeded", 200],
    ]);
    expect(await db().auditLog.count({ where: { tenantId: ctx.tenant.id, action: "topup.credit" } })).toBe(1);
  });

  it("a replayed webhook (5 times, some at once) credits nothing more", async () => {
    const before = await balance();
    const event = lastEvent("checkout.session.completed");
    const results = await Promise.all([1, 2, 3].map(() => h.fake.controls.resend(event.id)));
    results.push(await h.fake.controls.resend(event.id), await h.fake.controls.resend(event.id));
    for (const r of results) expect(r.status).toBe(200);
    expect(await balance()).toBe(before);
    expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(1);
  });

  it("the same payment reported by an event not yet seen cannot credit twice", async () => {
    // A new event id (as Stripe would send for a second notification) about the already credited session.
    const before = await balance();
    const session = lastEvent("checkout.session.completed").data as { object: { id: string } };
    const stored = h.fake.controls.get(session.object.id)!;
    const d = await h.fake.controls.emit("checkout.session.completed", stored);
    expect(d.status).toBe(200);
    expect(JSON.parse(d.body)).toMatchObject({ outcome: "already credited" });
    expect(await balance()).toBe(before);
  });

  it("a bad signature is a 400 and credits nothing; the genuine delivery then credits", async () => {
    const before = await balance();
    const { url, topUpId } = await createCheckout(db(), ctx, { amountMicros: 10n * USD });
    h.fake.controls.setWebhookUrl(null); // pay without delivering, then deliver by hand
    await h.fake.controls.pay(sessionIdOf(url));
    await h.fake.controls.settle();
    h.fake.controls.setWebhookUrl(h.webhookUrl);
    const event = lastEvent("checkout.session.completed");

    const bad = await h.fake.controls.resend(event.id, { badSignature: true });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/Invalid Stripe signature/);
    expect(await balance()).toBe(before);
    expect((await db().topUp.findUniqueOrThrow({ where: { id: topUpId } })).status).toBe("pending");
    expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(0);

    const good = await h.fake.controls.resend(event.id);
    expect(good.status).toBe(200);
    expect(await balance()).toBe(before + 10n * USD);
  });

  it("a webhook whose session re-reads as unpaid credits nothing", async () => {
    const before = await balance();
    const { url, topUpId } = await createCheckout(db(), ctx, { amountMicros: 50n * USD });
    const session = h.fake.controls.get(sessionIdOf(url))!;
    // A correctly signed event claiming payment (the payload is never trusted): Stripe's API says unpaid.
    const d = await h.fake.controls.emit("checkout.session.completed", {
      ...session,
      payment_status: "paid",
      status: "complete",
      amount_total: 5_000_000,
    });
    expect(d.status).toBe(200);
    expect(JSON.parse(d.body)).toMatchObject({ outcome: "ignored: session is unpaid" });
    expect(await balance()).toBe(before);
    expect((await db().topUp.findUniqueOrThrow({ where: { id: topUpId } })).status).toBe("pending");
  });

  it("refunds debit once per Stripe refund, replays included", async () => {
    const topUp = await db().topUp.findFirstOrThrow({
      where: { tenantId: ctx.tenant.id, status: "paid", amountMicros: 25n * USD },
    });
    const before = await balance();
    await stripe.refunds.create({ payment_intent: topUp.stripePaymentIntentId!, amount: 1000 });
    await h.fake.controls.settle();
    expect(await balance()).toBe(before - 10n * USD);
    expect(await db().topUp.findUniqueOrThrow({ where: { id: topUp.id } })).toMatchObject({
      status: "partially_refunded",
      refundedMicros: 10n * USD,
    });

    for (const type of ["charge.refunded", "refund.created"]) {
      const event = lastEvent(type);
      for (let i = 0; i < 5; i++) expect((await h.fake.controls.resend(event.id)).status).toBe(200);
    }
    expect(await balance()).toBe(before - 10n * USD);

    await stripe.refunds.create({ payment_intent: topUp.stripePaymentIntentId! });
    await h.fake.controls.settle();
    expect(await balance()).toBe(before - 25n * USD);
    expect(await db().topUp.findUniqueOrThrow({ where: { id: topUp.id } })).toMatchObject({
      status: "refunded",
      refundedMicros: 25n * USD,
    });
    const refunds = await db().ledgerEntry.findMany({ where: { tenantId: ctx.tenant.id, kind: "refund" } });
    expect(refunds.map((r) => r.amountMicros).sort((a, b) => Number(a - b))).toEqual([
      -15n * USD,
      -10n * USD,
    ]);
    expect(refunds.every((r) => r.reference?.startsWith("re_"))).toBe(true);
  });

  /** Moves the balance to `target` with an adjustment entry (as an operator's grant would). */
  async function setBalance(target: bigint) {
    const current = await balance();
    if (current !== target) {
      await postEntry(db(), {
        tenantId: ctx.tenant.id,
        kind: "adjustment",
        amountMicros: target - current,
        reference: newId("led"),
        description: "test: set balance",
      });
    }
  }

  it("auto top-up: settings need a saved card and sane amounts", async () => {
    await expect(
      setAutoTopUp(db(), ctx, { enabled: true, thresholdMicros: 0n, amountMicros: 20n * USD }),
    ).rejects.toMatchObject({ param: "thresholdUsd" });
    await expect(
      setAutoTopUp(db(), ctx, { enabled: true, thresholdMicros: 5n * USD, amountMicros: 1n * USD }),
    ).rejects.toMatchObject({ param: "amountUsd" });
    await expect(
      setAutoTopUp(
        db(),
        { ...ctx, role: "admin" },
        { enabled: true, thresholdMicros: 5n * USD, amountMicros: 20n * USD },
      ),
    ).rejects.toMatchObject({ code: "permission_denied" });
  });

  it("auto top-up: concurrent triggers start one charge, which credits once", async () => {
    await setAutoTopUp(db(), ctx, { enabled: true, thresholdMicros: 10n * USD, amountMicros: 20n * USD });
    // Above the threshold: nothing happens.
    await setBalance(15n * USD);
    expect(await maybeAutoTopUp(db(), ctx.tenant.id)).toEqual({ started: false });

    await setBalance(3n * USD);
    h.fake.controls.setPaymentIntentDelayMs(150);
    const intentsBefore = h.fake.controls.requests().filter((r) => r.path === "/v1/payment_intents").length;
    const results = await Promise.all(Array.from({ length: 6 }, () => maybeAutoTopUp(db(), ctx.tenant.id)));
    h.fake.controls.setPaymentIntentDelayMs(0);
    expect(results.filter((r) => r.started)).toHaveLength(1);
    const intents = h.fake.controls
      .requests()
      .filter((r) => r.path === "/v1/payment_intents")
      .slice(intentsBefore);
    expect(intents).toHaveLength(1);
    expect(intents[0]!.params).toMatchObject({ off_session: "true", confirm: "true", amount: "2000" });
    expect(intents[0]!.idempotencyKey).toBe(results.find((r) => r.started)!.topUpId);

    await h.fake.controls.settle(); // payment_intent.succeeded arrives after the direct credit: a no-op
    expect(await balance()).toBe(23n * USD);
    const topUp = await db().topUp.findUniqueOrThrow({
      where: { id: results.find((r) => r.started)!.topUpId! },
    });
    expect(topUp).toMatchObject({ kind: "auto", status: "paid" });
    expect(topUp.receiptUrl).toMatch(/\/receipts\/ch_/);
    const tenant = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenant.id } });
    expect(tenant.autoTopUpPendingAt).toBeNull();
  });

  it("auto top-up: a declined card is recorded, frees the slot and backs off", async () => {
    await setBalance(2n * USD);
    h.fake.controls.setDeclineOffSession(true);
    const r = await maybeAutoTopUp(db(), ctx.tenant.id);
    h.fake.controls.setDeclineOffSession(false);
    expect(r.started).toBe(true);
    await h.fake.controls.settle();
    const failed = await db().topUp.findUniqueOrThrow({ where: { id: r.topUpId! } });
    expect(failed).toMatchObject({
      kind: "auto",
      status: "failed",
      failureMessage: "Your card has insufficient funds.",
    });
    expect(await balance()).toBe(2n * USD);
    const failedEvent = h.fake.controls
      .deliveries()
      .filter((d) => d.type === "payment_intent.payment_failed")
      .at(-1)!;
    expect(failedEvent.status).toBe(200);
    const tenant = await db().tenant.findUniqueOrThrow({ where: { id: ctx.tenant.id } });
    expect(tenant.autoTopUpPendingAt).toBeNull();
    // No retry storm against a dead card: the next trigger waits out the back-off.
    expect(await maybeAutoTopUp(db(), ctx.tenant.id)).toEqual({ started: false });
  });
});

describe("Stripe stand-in", () => {
  it("answers the SDK with Stripe's error shape for unknown objects", async () => {
    const { startFakeStripe } = await import("@/lib/fake-stripe");
    const fake = await startFakeStripe({ webhookSecret: "whsec_x" });
    try {
      const client = new Stripe("sk_test_x", { ...clientTarget(fake.url), telemetry: false });
      await expect(client.charges.retrieve("ch_missing")).rejects.toMatchObject({
        type: "StripeInvalidRequestError",
        code: "resource_missing",
        statusCode: 404,
      });
      const customer = await client.customers.create({ metadata: { tenantId: "tnt_1" } });
      expect(await client.customers.retrieve(customer.id)).toMatchObject({
        object: "customer",
        metadata: { tenantId: "tnt_1" },
      });
    } finally {
      await fake.close();
    }
  });
});
