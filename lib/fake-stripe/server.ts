// A local stand-in for the part of Stripe's API Switchyard uses, driven by the real `stripe` SDK pointed at it
// (`new Stripe(key, { host, port, protocol: "http" })`). Objects have Stripe's shapes; requests are form-encoded
// as the SDK sends them; webhooks are signed with Stripe's scheme (`t=<unix>,v1=<hmac-sha256("t.payload")>`).
//
//   POST /v1/customers, GET /v1/customers/:id
//   POST /v1/checkout/sessions, GET /v1/checkout/sessions/:id   (expand payment_intent[.latest_charge])
//   POST /v1/payment_intents (off_session + confirm with a saved card), GET /v1/payment_intents/:id
//   GET /v1/charges/:id (expand refunds), POST /v1/refunds, GET /v1/refunds/:id
//   GET  /checkout/pay/:id   the hosted Checkout page; POST pays, GET /checkout/cancel/:id goes back
//   GET  /receipts/:chargeId a charge's receipt
//   /__fake/*                controls over HTTP for manual runs (see `controls`)
//
// Webhook deliveries are awaited by the Checkout page before it redirects (so the app has credited the payment
// when the browser comes back) and run in the background after API calls (like Stripe); `controls.settle()`
// waits for those.
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "@/lib/http/read-body";
import { expandPaths, parseStripeForm, type FormObject, type FormValue } from "./form";
import { checkoutPage, receiptPage } from "./pages";

type Obj = Record<string, unknown> & { id: string };

export interface RecordedRequest {
  method: string;
  path: string;
  params: FormObject;
  idempotencyKey: string | null;
}

export interface Delivery {
  eventId: string;
  type: string;
  status: number;
  body: string;
}

export interface FakeStripeControls {
  /** API requests received (not pages or controls), oldest first. */
  requests(): RecordedRequest[];
  /** Events created so far, oldest first. */
  events(): Obj[];
  /** Webhook deliveries attempted, oldest first. */
  deliveries(): Delivery[];
  /** Sends an event again (a replay), optionally with a signature made with the wrong secret. */
  resend(eventId: string, opts?: { badSignature?: boolean }): Promise<Delivery>;
  /** Creates and delivers an event with any object (to test what the app does with a payload it must not trust). */
  emit(type: string, object: Obj, opts?: { badSignature?: boolean }): Promise<Delivery>;
  /** Pays an open Checkout Session exactly as the page's Pay button does; resolves after the webhook delivery. */
  pay(sessionId: string): Promise<Delivery | null>;
  /** Off-session payment intents fail with card_declined while set. */
  setDeclineOffSession(decline: boolean): void;
  /** Holds off-session payment intent creation for `ms` (to widen race windows in tests). */
  setPaymentIntentDelayMs(ms: number): void;
  setWebhookUrl(url: string | null): void;
  /** Waits for background webhook deliveries. */
  settle(): Promise<void>;
  /** A stored object by id (sessions, intents, charges, refunds, customers), as the API would return it. */
  get(id: string): Obj | undefined;
}

export interface FakeStripe {
  url: string;
  host: string;
  port: number;
  controls: FakeStripeControls;
  close(): Promise<void>;
}

export interface FakeStripeOptions {
  port?: number;
  host?: string;
  webhookUrl?: string | null;
  webhookSecret: string;
}

const API_VERSION = "2026-10-28.endive";
const now = () => Math.floor(Date.now() / 1000);
const id = (prefix: string) =>
  `${prefix}_test_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const invalid = (message: string, param?: string) =>
  new StripeApiError(400, { type: "invalid_request_error", message, ...(param ? { param } : {}) });
const missing = (kind: string, objId: string) =>
  new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${objId}'`,
    param: "id",
  });

function str(v: FormValue | undefined): string | null {
  return typeof v === "string" ? v : null;
}
function int(v: FormValue | undefined, param: string): number {
  if (typeof v !== "string" || !/^\d+$/.test(v)) throw invalid(`Invalid integer: ${String(v)}`, param);
  return Number(v);
}
function meta(v: FormValue | undefined): Record<string, string> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}
const bool = (v: FormValue | undefined) => v === "true";

/** Stripe's webhook signature header for `payload` (the scheme `stripe.webhooks.constructEvent` verifies). */
export function signPayload(payload: string, secret: string, timestamp = now()): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export function startFakeStripe(opts: FakeStripeOptions): Promise<FakeStripe> {
  const objects = new Map<string, Obj>();
  const requests: RecordedRequest[] = [];
  const events: Obj[] = [];
  const deliveries: Delivery[] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const background = new Set<Promise<unknown>>();
  let webhookUrl = opts.webhookUrl ?? null;
  let declineOffSession = false;
  let intentDelayMs = 0;
  let baseUrl = "";

  const put = <T extends Obj>(o: T): T => {
    objects.set(o.id, o);
    return o;
  };
  const find = (kind: string, objId: string, prefix: string): Obj => {
    const o = objects.get(objId);
    if (!o || !objId.startsWith(prefix)) throw missing(kind, objId);
    return o;
  };

  // ---- expansion: ids become objects along the requested dotted paths ----
  function view(o: Obj, paths: string[]): Obj {
    const out: Obj = structuredClone(o);
    for (const path of paths) expandPath(out, path.split("."));
    // A charge's refunds are a list only when asked for (as in current API versions).
    if (out.object === "charge" && !paths.includes("refunds")) delete out.refunds;
    if (out.object === "charge" && paths.includes("refunds")) out.refunds = refundList(out.id);
    return out;
  }
  function expandPath(target: Record<string, unknown>, segs: string[]): void {
    const [head, ...rest] = segs;
    if (!head || head === "refunds") return;
    const value = target[head];
    if (typeof value === "string" && objects.has(value)) target[head] = structuredClone(objects.get(value)!);
    const child = target[head];
    if (rest.length && child && typeof child === "object") expandPath(child as Record<string, unknown>, rest);
  }
  function refundList(chargeId: string) {
    const data = [...objects.values()].filter((o) => o.object === "refund" && o.charge === chargeId);
    return {
      object: "list",
      data,
      has_more: false,
      total_count: data.length,
      url: `/v1/charges/${chargeId}/refunds`,
    };
  }

  // ---- events and webhooks ----
  function createEvent(type: string, object: Obj): Obj {
    const event: Obj = {
      id: id("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: webhookUrl ? 1 : 0,
      request: { id: null, idempotency_key: null },
      type,
    };
    events.push(event);
    return event;
  }
  async function deliver(event: Obj, badSignature = false): Promise<Delivery> {
    const payload = JSON.stringify(event, null, 2);
    const secret = badSignature ? `whsec_wrong_${randomBytes(8).toString("hex")}` : opts.webhookSecret;
    const record: Delivery = { eventId: event.id, type: String(event.type), status: 0, body: "" };
    if (webhookUrl) {
      try {
        const res = await fetch(webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json; charset=utf-8",
            "stripe-signature": signPayload(payload, secret),
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          },
          body: payload,
        });
        record.status = res.status;
        record.body = await res.text();
      } catch (err) {
        record.body = `delivery failed: ${(err as Error).message}`;
      }
    }
    deliveries.push(record);
    return record;
  }
  function deliverLater(event: Obj): void {
    const p = new Promise((r) => setImmediate(r)).then(() => deliver(event));
    background.add(p);
    void p.finally(() => background.delete(p));
  }

  // ---- payments ----
  function newPaymentMethod(customer: string | null): Obj {
    return put({
      id: id("pm"),
      object: "payment_method",
      type: "card",
      card: {
        brand: "visa",
        last4: "4242",
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        funding: "credit",
      },
      customer,
      created: now(),
      livemode: false,
      metadata: {},
    });
  }
  function succeedIntent(pi: Obj, paymentMethod: string): Obj {
    const chargeId = id("ch");
    const amount = pi.amount as number;
    put({
      id: chargeId,
      object: "charge",
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      captured: true,
      currency: pi.currency,
      customer: pi.customer,
      created: now(),
      description: pi.description ?? null,
      livemode: false,
      metadata: pi.metadata,
      paid: true,
      payment_intent: pi.id,
      payment_method: paymentMethod,
      receipt_url: `${baseUrl}/receipts/${chargeId}`,
      refunded: false,
      status: "succeeded",
    });
    Object.assign(pi, {
      status: "succeeded",
      amount_received: amount,
      latest_charge: chargeId,
      payment_method: paymentMethod,
      last_payment_error: null,
    });
    return pi;
  }
  function newIntent(p: {
    amount: number;
    currency: string;
    customer: string | null;
    metadata: Record<string, string>;
    description: string | null;
    setupFutureUsage: string | null;
  }): Obj {
    return put({
      id: id("pi"),
      object: "payment_intent",
      amount: p.amount,
      amount_capturable: 0,
      amount_received: 0,
      capture_method: "automatic",
      client_secret: `secret_${randomBytes(8).toString("hex")}`,
      confirmation_method: "automatic",
      created: now(),
      currency: p.currency,
      customer: p.customer,
      description: p.description,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: p.metadata,
      payment_method: null,
      payment_method_types: ["card"],
      setup_future_usage: p.setupFutureUsage,
      status: "requires_payment_method",
    });
  }

  async function payCheckout(sessionId: string): Promise<{ session: Obj; delivery: Delivery | null }> {
    const session = find("checkout.session", sessionId, "cs_");
    if (session.status !== "open") return { session, delivery: null };
    const pid = session.payment_intent_data as {
      setup_future_usage?: string;
      metadata?: Record<string, string>;
    };
    const customer = (session.customer as string | null) ?? null;
    const pm = newPaymentMethod(customer);
    const pi = newIntent({
      amount: session.amount_total as number,
      currency: session.currency as string,
      customer,
      metadata: pid.metadata ?? {},
      description: pid.metadata?.description ?? null,
      setupFutureUsage: pid.setup_future_usage ?? null,
    });
    succeedIntent(pi, pm.id);
    if (customer && pid.setup_future_usage) {
      const c = objects.get(customer);
      if (c) (c.invoice_settings as Record<string, unknown>).default_payment_method ??= pm.id;
    }
    Object.assign(session, { status: "complete", payment_status: "paid", payment_intent: pi.id, url: null });
    deliverLater(createEvent("payment_intent.succeeded", pi));
    const delivery = await deliver(createEvent("checkout.session.completed", session));
    return { session, delivery };
  }

  // ---- API handlers ----
  function createCustomer(p: FormObject): Obj {
    return put({
      id: id("cus"),
      object: "customer",
      created: now(),
      email: str(p.email),
      name: str(p.name),
      description: str(p.description),
      invoice_settings: { default_payment_method: null },
      livemode: false,
      metadata: meta(p.metadata),
    });
  }

  function createSession(p: FormObject): Obj {
    if (p.mode !== "payment") throw invalid("Only mode=payment is supported by the stand-in.", "mode");
    const success = str(p.success_url);
    if (!success) throw invalid("Missing required param: success_url.", "success_url");
    const items = Array.isArray(p.line_items) ? p.line_items : [];
    if (items.length === 0) throw invalid("Missing required param: line_items.", "line_items");
    let total = 0;
    let currency = "";
    let productName = "";
    items.forEach((item, i) => {
      const it = item as FormObject;
      const pd = it.price_data as FormObject | undefined;
      if (!pd) throw invalid("line_items need price_data in the stand-in.", `line_items[${i}][price_data]`);
      const qty = it.quantity === undefined ? 1 : int(it.quantity, `line_items[${i}][quantity]`);
      total += int(pd.unit_amount, `line_items[${i}][price_data][unit_amount]`) * qty;
      currency = str(pd.currency) ?? "";
      productName ||= str((pd.product_data as FormObject | undefined)?.name) ?? "Payment";
    });
    if (!currency) throw invalid("Missing required param: currency.", "line_items[0][price_data][currency]");
    const customer = str(p.customer);
    if (customer) find("customer", customer, "cus_");
    const sessionId = `cs_test_${randomBytes(24).toString("base64url").replace(/[-_]/g, "a")}`;
    const pid = (p.payment_intent_data ?? {}) as FormObject;
    return put({
      id: sessionId,
      object: "checkout.session",
      amount_subtotal: total,
      amount_total: total,
      cancel_url: str(p.cancel_url),
      client_reference_id: str(p.client_reference_id),
      created: now(),
      currency,
      customer,
      customer_email: str(p.customer_email),
      expires_at: now() + 24 * 3600,
      livemode: false,
      metadata: meta(p.metadata),
      mode: "payment",
      payment_intent: null,
      payment_intent_data: { setup_future_usage: str(pid.setup_future_usage), metadata: meta(pid.metadata) },
      payment_method_types: ["card"],
      payment_status: "unpaid",
      status: "open",
      success_url: success,
      url: `${baseUrl}/checkout/pay/${sessionId}`,
      line_items_summary: { product_name: productName },
    });
  }

  async function createIntent(p: FormObject): Promise<Obj> {
    const amount = int(p.amount, "amount");
    const currency = str(p.currency);
    if (!currency) throw invalid("Missing required param: currency.", "currency");
    const customer = str(p.customer);
    if (customer) find("customer", customer, "cus_");
    const pi = newIntent({
      amount,
      currency,
      customer,
      metadata: meta(p.metadata),
      description: str(p.description),
      setupFutureUsage: str(p.setup_future_usage),
    });
    if (!bool(p.confirm)) return pi;
    const pmId = str(p.payment_method);
    if (!pmId) throw invalid("A payment method is required to confirm.", "payment_method");
    const pm = find("payment_method", pmId, "pm_");
    if (customer && pm.customer !== customer) {
      throw invalid(
        `The payment method ${pmId} does not belong to the customer ${customer}.`,
        "payment_method",
      );
    }
    if (intentDelayMs > 0) await new Promise((r) => setTimeout(r, intentDelayMs));
    if (bool(p.off_session) && declineOffSession) {
      const error = {
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
        payment_method: structuredClone(pm),
      };
      Object.assign(pi, {
        status: "requires_payment_method",
        payment_method: null,
        last_payment_error: error,
      });
      deliverLater(createEvent("payment_intent.payment_failed", pi));
      throw new StripeApiError(402, { ...error, payment_intent: structuredClone(pi) });
    }
    succeedIntent(pi, pmId);
    deliverLater(createEvent("payment_intent.succeeded", pi));
    return pi;
  }

  function createRefund(p: FormObject): Obj {
    let charge: Obj;
    const chargeId = str(p.charge);
    const piId = str(p.payment_intent);
    if (chargeId) charge = find("charge", chargeId, "ch_");
    else if (piId) {
      const pi = find("payment_intent", piId, "pi_");
      if (!pi.latest_charge)
        throw invalid("This PaymentIntent has no successful charge to refund.", "payment_intent");
      charge = objects.get(pi.latest_charge as string)!;
    } else throw invalid("One of charge or payment_intent is required.", "charge");
    const left = (charge.amount as number) - (charge.amount_refunded as number);
    const amount = p.amount === undefined ? left : int(p.amount, "amount");
    if (amount <= 0 || amount > left) {
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        code: "charge_already_refunded",
        message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        param: "amount",
      });
    }
    const refund = put({
      id: id("re"),
      object: "refund",
      amount,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: meta(p.metadata),
      payment_intent: charge.payment_intent,
      reason: str(p.reason),
      status: "succeeded",
    });
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    deliverLater(createEvent("refund.created", refund));
    deliverLater(createEvent("charge.refunded", view(charge, ["refunds"])));
    return refund;
  }

  const routes: Array<{
    method: string;
    re: RegExp;
    run: (p: FormObject, m: RegExpExecArray) => Obj | Promise<Obj>;
  }> = [
    { method: "POST", re: /^\/v1\/customers$/, run: createCustomer },
    { method: "GET", re: /^\/v1\/customers\/([^/]+)$/, run: (_p, m) => find("customer", m[1]!, "cus_") },
    { method: "POST", re: /^\/v1\/checkout\/sessions$/, run: createSession },
    {
      method: "GET",
      re: /^\/v1\/checkout\/sessions\/([^/]+)$/,
      run: (_p, m) => find("checkout.session", m[1]!, "cs_"),
    },
    { method: "POST", re: /^\/v1\/payment_intents$/, run: createIntent },
    {
      method: "GET",
      re: /^\/v1\/payment_intents\/([^/]+)$/,
      run: (_p, m) => find("payment_intent", m[1]!, "pi_"),
    },
    { method: "GET", re: /^\/v1\/charges\/([^/]+)$/, run: (_p, m) => find("charge", m[1]!, "ch_") },
    { method: "POST", re: /^\/v1\/refunds$/, run: createRefund },
    { method: "GET", re: /^\/v1\/refunds\/([^/]+)$/, run: (_p, m) => find("refund", m[1]!, "re_") },
  ];

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = req.method === "GET" ? url.search.slice(1) : await readBody(req);
    const params = parseStripeForm(raw);
    const idem = (req.headers["idempotency-key"] as string | undefined) ?? null;
    requests.push({ method: req.method ?? "GET", path: url.pathname, params, idempotencyKey: idem });
    if (!/^sk_(test|live)_\S+$/.test(secretKeyOf(req.headers.authorization ?? ""))) {
      return send(res, 401, {
        error: {
          type: "invalid_request_error",
          message: "Invalid API Key provided (the stand-in wants sk_test_...).",
        },
      });
    }
    const cacheKey = idem && req.method === "POST" ? `${url.pathname} ${idem}` : null;
    const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
    if (cached) return send(res, cached.status, cached.body, { "idempotent-replayed": "true" });
    const route = routes.find((r) => r.method === req.method && r.re.test(url.pathname));
    let status = 200;
    let body: unknown;
    if (!route) {
      status = 404;
      body = {
        error: {
          type: "invalid_request_error",
          message: `Unrecognized request URL (${req.method}: ${url.pathname}).`,
        },
      };
    } else {
      try {
        body = view(await route.run(params, route.re.exec(url.pathname)!), expandPaths(params));
      } catch (err) {
        if (!(err instanceof StripeApiError)) throw err;
        status = err.status;
        body = { error: { ...err.body, request_log_url: null } };
      }
    }
    if (cacheKey && status !== 404) idempotent.set(cacheKey, { status, body });
    send(res, status, body, { "request-id": `req_${randomBytes(8).toString("hex")}` });
  }

  async function pages(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    let m: RegExpExecArray | null;
    if ((m = /^\/checkout\/pay\/([^/]+)$/.exec(url.pathname))) {
      const s = objects.get(m[1]!);
      if (!s || s.object !== "checkout.session") return html(res, 404, "<h1>No such checkout session</h1>");
      if (req.method === "POST") {
        const { session } = await payCheckout(s.id);
        res.writeHead(303, { location: String(session.success_url).replace("{CHECKOUT_SESSION_ID}", s.id) });
        res.end();
        return true;
      }
      return html(
        res,
        200,
        checkoutPage({
          id: s.id,
          amountTotal: s.amount_total as number,
          currency: s.currency as string,
          productName: (s.line_items_summary as { product_name: string }).product_name,
          cancelUrl: s.cancel_url as string | null,
          status: s.status as string,
        }),
      );
    }
    if ((m = /^\/checkout\/cancel\/([^/]+)$/.exec(url.pathname))) {
      const s = objects.get(m[1]!);
      if (!s?.cancel_url) return html(res, 404, "<h1>No such checkout session</h1>");
      res.writeHead(303, { location: String(s.cancel_url) });
      res.end();
      return true;
    }
    if ((m = /^\/receipts\/([^/]+)$/.exec(url.pathname))) {
      const c = objects.get(m[1]!);
      if (!c || c.object !== "charge") return html(res, 404, "<h1>No such receipt</h1>");
      return html(
        res,
        200,
        receiptPage({
          id: c.id,
          amount: c.amount as number,
          amountRefunded: c.amount_refunded as number,
          currency: c.currency as string,
          created: c.created as number,
          description: (c.description as string | null) ?? "Switchyard credit",
        }),
      );
    }
    return false;
  }

  const controls: FakeStripeControls = {
    requests: () => requests.slice(),
    events: () => events.map((e) => structuredClone(e)),
    deliveries: () => deliveries.slice(),
    async resend(eventId, o = {}) {
      const event = events.find((e) => e.id === eventId);
      if (!event) throw new Error(`No event ${eventId}`);
      return deliver(event, o.badSignature);
    },
    emit: (type, object, o = {}) => deliver(createEvent(type, object), o.badSignature),
    async pay(sessionId) {
      return (await payCheckout(sessionId)).delivery;
    },
    setDeclineOffSession: (d) => void (declineOffSession = d),
    setPaymentIntentDelayMs: (ms) => void (intentDelayMs = ms),
    setWebhookUrl: (u) => void (webhookUrl = u),
    async settle() {
      while (background.size) await Promise.allSettled([...background]);
    },
    get: (objId) => (objects.has(objId) ? view(objects.get(objId)!, []) : undefined),
  };

  // Controls over HTTP, for a stand-in started with `npm run fake-stripe`.
  async function fakeControls(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const p = url.pathname.slice("/__fake".length);
    let m: RegExpExecArray | null;
    if (p === "/requests") return send(res, 200, controls.requests());
    if (p === "/events") return send(res, 200, controls.events());
    if (p === "/deliveries") return send(res, 200, controls.deliveries());
    if (p === "/decline" && req.method === "POST") {
      const body = JSON.parse((await readBody(req)) || "{}") as { decline?: boolean };
      controls.setDeclineOffSession(body.decline !== false);
      return send(res, 200, { declineOffSession });
    }
    if ((m = /^\/events\/([^/]+)\/resend$/.exec(p)) && req.method === "POST") {
      return send(
        res,
        200,
        await controls.resend(m[1]!, { badSignature: url.searchParams.has("bad_signature") }),
      );
    }
    send(res, 404, { error: { message: `No control ${req.method} ${url.pathname}` } });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const run = async () => {
      if (url.pathname.startsWith("/v1/")) return api(req, res, url);
      if (url.pathname.startsWith("/__fake/")) return fakeControls(req, res, url);
      if (url.pathname === "/health") return send(res, 200, { ok: true });
      if (!(await pages(req, res, url))) html(res, 404, "<h1>Not found</h1>");
    };
    run().catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { type: "api_error", message: (err as Error).message } });
      else res.end();
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.host ?? "127.0.0.1";
      baseUrl = `http://${host}:${port}`;
      resolve({
        url: baseUrl,
        host,
        port,
        controls,
        close: async () => {
          await controls.settle();
          const closed = new Promise<void>((r) => server.close(() => r()));
          server.closeAllConnections();
          await closed;
        },
      });
    });
  });
}

/** The secret key of `Authorization: Bearer sk_...` (the SDK) or `Basic base64(sk_...:)` (curl -u sk_...:). */
function secretKeyOf(header: string): string {
  if (header.startsWith("Bearer ")) return header.slice(7).trim();
  if (header.startsWith("Basic "))
    return Buffer.from(header.slice(6), "base64").toString("utf8").split(":")[0]!;
  return "";
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", "stripe-version": API_VERSION, ...headers });
  res.end(JSON.stringify(body, null, 2));
}

function html(res: ServerResponse, status: number, body: string): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
  return true;
}
