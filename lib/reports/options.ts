// The choices offered by the report filters: the catalog's models and providers, and the workspace's own keys.
import type { Db } from "@/lib/db/client";

export interface FilterOption {
  id: string;
  name: string;
}

export async function reportFilterOptions(
  db: Db,
  tenantId: string,
): Promise<{ models: FilterOption[]; providers: FilterOption[]; keys: FilterOption[] }> {
  const [models, providers, keys] = await Promise.all([
    db.model.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 }),
    db.provider.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 }),
    db.apiKey.findMany({
      where: { tenantId },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
      take: 500,
    }),
  ]);
  return { models, providers, keys };
}
