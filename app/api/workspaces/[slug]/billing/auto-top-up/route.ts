// PUT {enabled, thresholdUsd, amountUsd}: auto top-up settings (owners).
import { z } from "zod";
import { setAutoTopUp } from "@/lib/billing/topups";
import { UsdAmount } from "@/lib/billing/usd-input";
import { withWorkspace } from "@/lib/http/with-session";

const AutoTopUpInput = z.object({ enabled: z.boolean(), thresholdUsd: UsdAmount, amountUsd: UsdAmount });

export const PUT = withWorkspace(
  async ({ ctx, body }) => {
    const input = AutoTopUpInput.parse(body);
    return setAutoTopUp(ctx.db, ctx, {
      enabled: input.enabled,
      thresholdMicros: input.thresholdUsd,
      amountMicros: input.amountUsd,
    });
  },
  { role: "owner", action: "change auto top-up" },
);
