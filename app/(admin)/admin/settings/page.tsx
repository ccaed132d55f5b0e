import Link from "next/link";
import { getBillingSettings } from "@/lib/admin";
import { formatUsd } from "@/lib/billing/ledger";
import { PageHeader } from "@/components/ui/card";
import { BillingSettingsForm } from "@/components/admin/billing-settings-form";
import { loadOperator } from "../operator";

export const metadata = { title: "Billing settings" };

export default async function BillingSettingsPage() {
  const { op } = await loadOperator("/admin/settings");
  const s = await getBillingSettings(op);
  return (
    <>
      <PageHeader
        title="Billing settings"
        description={
          <>
            Platform-wide credit rules; every instance applies a change within seconds. The default markup is
            on the{" "}
            <Link href="/admin/markups" className="text-accent underline-offset-2 hover:underline">
              Markups
            </Link>{" "}
            page.
          </>
        }
      />
      <BillingSettingsForm
        initial={{
          signupCreditUsd: formatUsd(s.signupCreditMicros, 6).replace(/[$,]/g, ""),
          defaultHoldOutputTokens: s.defaultHoldOutputTokens,
          topUpPresetsUsd: s.topUp.presetsUsd.join(", "),
          topUpMinUsd: s.topUp.minUsd,
          topUpMaxUsd: s.topUp.maxUsd,
        }}
      />
    </>
  );
}
