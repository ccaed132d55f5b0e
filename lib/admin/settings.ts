// Platform billing settings in the operator console (the default markup is edited on the Markups page).
import { z } from "zod";
import { loadBillingSettings, saveBillingSettings } from "@/lib/billing/settings";
import { usdToMicrosExact } from "@/lib/billing/ledger";
import { defineAction, defineQuery } from "./operator";

export const getBillingSettings = defineQuery("settings.get", async (op) => loadBillingSettings(op.db));

const WholeUsd = z.number().int().positive().max(1_000_000);

export const BillingSettingsForm = z
  .object({
    signupCreditUsd: z
      .string()
      .trim()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, "Enter a USD amount such as 5 or 0.50."),
    defaultHoldOutputTokens: z.number().int().min(1).max(1_000_000),
    topUpPresetsUsd: z.array(WholeUsd).min(1, "Offer at least one preset.").max(8, "At most 8 presets."),
    topUpMinUsd: WholeUsd,
    topUpMaxUsd: WholeUsd,
  })
  .superRefine((v, ctx) => {
    if (v.topUpMinUsd > v.topUpMaxUsd)
      ctx.addIssue({
        code: "custom",
        path: ["topUpMaxUsd"],
        message: "The maximum must be at least the minimum.",
      });
    const outside = v.topUpPresetsUsd.find((p) => p < v.topUpMinUsd || p > v.topUpMaxUsd);
    if (outside !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["topUpPresetsUsd"],
        message: `Preset $${outside} is outside the minimum and maximum.`,
      });
  });
export type BillingSettingsForm = z.input<typeof BillingSettingsForm>;

export const updateBillingSettings = defineAction("settings.save", async (op, input: unknown) => {
  const f = BillingSettingsForm.parse(input);
  const before = await loadBillingSettings(op.db);
  const saved = await saveBillingSettings(
    op.db,
    {
      signupCreditMicros: usdToMicrosExact(f.signupCreditUsd),
      defaultHoldOutputTokens: f.defaultHoldOutputTokens,
      topUp: { presetsUsd: f.topUpPresetsUsd, minUsd: f.topUpMinUsd, maxUsd: f.topUpMaxUsd },
    },
    op.user.id,
  );
  const pick = (s: typeof saved) => ({
    signupCreditMicros: s.signupCreditMicros,
    defaultHoldOutputTokens: s.defaultHoldOutputTokens,
    topUp: s.topUp,
  });
  return {
    result: saved,
    audit: { action: "settings.billing", details: { from: pick(before), to: pick(saved) } },
  };
});
