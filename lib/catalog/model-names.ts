// The public model names a workspace can name (API key allow-lists, forms): the relay's live catalog snapshot when
// this process runs one, else the database (CLI, tests), with the same rule: models with an enabled deployment on
// an enabled provider.
import type { Db } from "@/lib/db/client";
import { getProcessCatalog } from "./runtime";

export async function listModelNames(db: Db): Promise<string[]> {
  const live = getProcessCatalog()?.get();
  if (live) return live.models.map((m) => m.name).sort();
  const rows = await db.model.findMany({
    where: { deployments: { some: { enabled: true, provider: { enabled: true } } } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => r.name);
}
