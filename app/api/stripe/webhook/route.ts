// POST: Stripe's webhook. No session and no CSRF check (Stripe is not a browser): the signature is the check.
// 400 on a bad signature, 503 when Stripe is not configured, 500 (Stripe retries) when processing failed.
import { getDb } from "@/lib/db/client";
import { handleStripeWebhook } from "@/lib/billing/webhook";
import { errorResponse, json } from "@/lib/http/with-session";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  return handleStripeWebhook(await getDb(), await req.text(), req.headers.get("stripe-signature")).then(
    (result) => json({ received: true, ...result }),
    (err: unknown) => errorResponse(err, req),
  );
}
