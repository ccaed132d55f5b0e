// npm run fake-stripe -- [--port 12111] [--webhook http://127.0.0.1:3000/api/stripe/webhook] [--secret whsec_...]
// A local stand-in for Stripe's API (lib/fake-stripe): Checkout with a hosted "Pay" page, payment intents,
// charges, refunds, and signed webhooks to --webhook. Controls: GET /__fake/{requests,events,deliveries},
// POST /__fake/events/<evt_id>/resend[?bad_signature], POST /__fake/decline {"decline":true}.
import { parseArgs } from "node:util";
import { startFakeStripe } from "@/lib/fake-stripe";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "12111" },
    host: { type: "string", default: "127.0.0.1" },
    webhook: { type: "string" },
    secret: { type: "string", default: "whsec_switchyard_local_stand_in" },
  },
});

const fake = await startFakeStripe({
  port: Number(values.port),
  host: values.host,
  webhookUrl: values.webhook ?? null,
  webhookSecret: values.secret!,
});
console.log(`Stripe stand-in listening on ${fake.url}`);
console.log(
  values.webhook ? `Webhooks go to ${values.webhook}` : "No --webhook given: events are recorded, not sent.",
);
console.log(
  [
    "Point Switchyard at it with:",
    `  STRIPE_API_BASE=${fake.url}`,
    "  STRIPE_SECRET_KEY=sk_test_local",
    `  STRIPE_WEBHOOK_SECRET=${values.secret}`,
  ].join("\n"),
);
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
