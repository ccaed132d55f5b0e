// The Stripe stand-in wired to a test database: the SDK points at it through the same env variables the app reads,
// and its webhooks go to a small receiver that does exactly what app/api/stripe/webhook/route.ts does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/lib/db/client";
import { handleStripeWebhook } from "@/lib/billing/webhook";
import { resetEnvCache } from "@/lib/env";
import { toErrorResponse } from "@/lib/errors";
import { startFakeStripe, type FakeStripe } from "@/lib/fake-stripe";

export const WEBHOOK_SECRET = "whsec_integration_test_secret";

export interface StripeHarness {
  fake: FakeStripe;
  webhookUrl: string;
  close(): Promise<void>;
}

export async function startStripeHarness(getDb: () => Db): Promise<StripeHarness> {
  const receiver: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const sig = (req.headers["stripe-signature"] as string | undefined) ?? null;
      handleStripeWebhook(getDb(), body, sig).then(
        (result) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ received: true, ...result }));
        },
        (err: unknown) => {
          const { status, body: errBody } = toErrorResponse(err);
          if (status === 500) console.error("webhook error", err);
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(errBody));
        },
      );
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/stripe/webhook`;
  const fake = await startFakeStripe({ webhookUrl, webhookSecret: WEBHOOK_SECRET });
  process.env.STRIPE_SECRET_KEY = "sk_test_integration";
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  process.env.STRIPE_API_BASE = fake.url;
  process.env.APP_URL = "http://app.test";
  resetEnvCache();
  return {
    fake,
    webhookUrl,
    async close() {
      await fake.close();
      await new Promise<void>((r) => receiver.close(() => r()));
      for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "APP_URL"]) {
        delete process.env[name];
      }
      resetEnvCache();
    },
  };
}
