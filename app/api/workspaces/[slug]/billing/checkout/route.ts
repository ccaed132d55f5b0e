// POST {amountUsd}: starts a Stripe Checkout top-up (owners) and returns {url} of Stripe's payment page.
import { z } from "zod";
import { createCheckout } from "@/lib/billing/topups";
import { UsdAmount } from "@/lib/billing/usd-input";
import { withWorkspace } from "@/lib/http/with-session";

const CheckoutInput = z.object({ amountUsd: UsdAmount });

export const POST = withWorkspace(
  async ({ ctx, body }) => {
    const { url } = await createCheckout(ctx.db, ctx, { amountMicros: CheckoutInput.parse(body).amountUsd });
    return { url };
  },
  { role: "owner", action: "buy credit" },
);
