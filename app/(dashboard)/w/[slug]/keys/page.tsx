import { hasRole } from "@/lib/tenancy/context";
import { listApiKeys } from "@/lib/tenancy/api-keys";
import { listModelNames } from "@/lib/catalog/model-names";
import { formatUsd } from "@/lib/billing/ledger";
import { formatPriceUsd } from "@/lib/billing/price-format";
import { getKeyUsage } from "@/lib/usage/key-usage";
import { PageHeader } from "@/components/ui/card";
import { formatDate, formatDateTime, formatRelative } from "@/components/ui/format";
import { KeysPanel, type KeyRow } from "@/components/dashboard/keys-panel";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "API keys" };

/** Two decimals, or four for amounts under a dollar so a little spend does not read as $0.00. */
function formatSpend(micros: bigint): string {
  return formatUsd(micros, micros > 0n && micros < 1_000_000n ? 4 : 2);
}

export default async function KeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const now = new Date();
  const list = await listApiKeys(ctx);
  const [usage, models] = await Promise.all([
    getKeyUsage(ctx, {
      now,
      totalFor: list.filter((k) => k.spendLimitMicros !== null && k.spendLimitPeriod === "total").map((k) => k.id),
    }),
    listModelNames(ctx.db),
  ]);

  const keys: KeyRow[] = list.map((k) => {
    const u = usage.get(k.id);
    const period = k.spendLimitPeriod === "total" ? "total" : "monthly";
    const spentThisMonth = u?.spendThisMonthMicros ?? 0n;
    const spentInPeriod = period === "total" ? (u?.spendTotalMicros ?? 0n) : spentThisMonth;
    const limit = k.spendLimitMicros;
    return {
      id: k.id,
      name: k.name,
      hint: k.hint,
      created: formatDate(k.createdAt),
      lastUsed: k.lastUsedAt ? formatRelative(k.lastUsedAt, now) : "Never",
      lastUsedAt: k.lastUsedAt ? formatDateTime(k.lastUsedAt) : null,
      expires: k.expiresAt ? formatDate(k.expiresAt) : "Never",
      expiresAt: k.expiresAt?.toISOString() ?? null,
      status: k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt <= now ? "expired" : "active",
      rpmLimit: k.rpmLimit,
      tpmLimit: k.tpmLimit,
      spendLimit: limit === null ? null : formatPriceUsd(limit),
      spendLimitPeriod: period,
      allowedModels: k.allowedModels,
      requestsThisMonth: (u?.requestsThisMonth ?? 0).toLocaleString("en-US"),
      spendThisMonth: formatSpend(spentThisMonth),
      budget:
        limit === null
          ? null
          : {
              spent: formatSpend(spentInPeriod),
              limit: formatUsd(limit),
              percent: limit > 0n ? Math.min(100, Number((spentInPeriod * 1000n) / limit) / 10) : 100,
            },
    };
  });

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate requests to the OpenAI-compatible API of this workspace. Send one as a Bearer token."
      />
      <KeysPanel slug={ctx.tenant.slug} canManage={hasRole(ctx, "admin")} keys={keys} models={models} />
    </>
  );
}
