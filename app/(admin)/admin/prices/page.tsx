// Operator console: the price book. Every deployment's price in force, the next scheduled one and its history,
// with an inline form for a new version. Platform admins only (404 for anyone else).
import { getDb } from "@/lib/db/client";
import { listPriceBook, type PriceVersion } from "@/lib/billing/price-book";
import { PRICE_DATA_TAKEN_AT } from "@/lib/billing/price-data";
import { formatPriceUsd } from "@/lib/billing/price-format";
import { requireOperatorPage } from "@/lib/http/with-operator";
import { PageHeader } from "@/components/ui/card";
import { PricesTable, type PriceBookItem, type VersionView } from "@/components/admin/prices-table";

export const metadata = { title: "Prices" };
export const dynamic = "force-dynamic";

// hourCycle h23: midnight reads 00:00 (hour12: false alone gives "24:00" in some ICU versions).
const WHEN = new Intl.DateTimeFormat("en-US", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

function view(v: PriceVersion | null): VersionView | null {
  if (!v) return null;
  return {
    id: v.id,
    effectiveFrom: v.effectiveFrom.toISOString(),
    effectiveLabel: `${WHEN.format(v.effectiveFrom)} UTC`,
    input: formatPriceUsd(v.input),
    cachedInput: formatPriceUsd(v.cachedInput),
    cacheWrite: formatPriceUsd(v.cacheWrite),
    output: formatPriceUsd(v.output),
    source: v.source ?? "unknown",
  };
}

export default async function PricesPage() {
  const db = await getDb();
  await requireOperatorPage(db);
  const items: PriceBookItem[] = (await listPriceBook(db)).map((r) => ({
    deploymentId: r.deploymentId,
    model: r.model.name,
    provider: r.provider.name,
    upstreamModel: r.upstreamModel,
    enabled: r.enabled,
    current: view(r.current),
    next: view(r.next),
    history: r.history.map((v) => view(v)!),
  }));
  return (
    <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6 md:py-10">
      <PageHeader
        title="Prices"
        description={`What each deployment costs, in USD per million tokens. A change is a new version, effective now or at a future date; the relay applies it within seconds of it starting. Prices without an operator source come from the config or the shipped price data (taken ${PRICE_DATA_TAKEN_AT}; verify them).`}
      />
      <PricesTable items={items} />
    </main>
  );
}
