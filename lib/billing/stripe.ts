// The Stripe client, when Stripe is configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET). Without them the
// app runs without top-ups: the billing page says how to enable them and the operator grants credit by CLI.
// STRIPE_API_BASE points the SDK at another server (the local stand-in in tests and development).
import Stripe from "stripe";
import { env } from "@/lib/env";

export function stripeConfigured(): boolean {
  const e = env();
  return Boolean(e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET);
}

const g = globalThis as { __switchyardStripe?: { config: string; client: Stripe } };

/** One client per configuration (kept on globalThis: Next bundles route handlers separately). Null: not configured. */
export function getStripe(): Stripe | null {
  if (!stripeConfigured()) return null;
  const { STRIPE_SECRET_KEY: key, STRIPE_API_BASE: base } = env();
  const config = `${key}|${base ?? ""}`;
  if (g.__switchyardStripe?.config !== config) {
    g.__switchyardStripe = { config, client: new Stripe(key!, { ...clientTarget(base), telemetry: false }) };
  }
  return g.__switchyardStripe.client;
}

/** SDK options for a base URL (`http://127.0.0.1:12111`); none for api.stripe.com. */
export function clientTarget(base: string | undefined): Partial<Stripe.StripeConfig> {
  if (!base) return { maxNetworkRetries: 2 };
  const u = new URL(base);
  const protocol = u.protocol === "http:" ? "http" : "https";
  return {
    host: u.hostname,
    port: Number(u.port || (protocol === "http" ? 80 : 443)),
    protocol,
    maxNetworkRetries: 0,
  };
}

export function webhookSecret(): string | null {
  return env().STRIPE_WEBHOOK_SECRET ?? null;
}

/** Stripe amounts are integer cents; the ledger counts micro-dollars. */
export const MICROS_PER_CENT = 10_000n;
export const centsToMicros = (cents: number): bigint => BigInt(cents) * MICROS_PER_CENT;
