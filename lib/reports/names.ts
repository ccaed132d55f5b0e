// Display names for the ids in reports: models, providers and deployments come from the operator's catalog
// (shared by all workspaces); API keys only from the workspace's own keys, so another workspace's key name can
// never be shown. '' (the rollups' "absent") and unknown ids get a readable stand-in.
import type { Db } from "@/lib/db/client";

export type Dimension = "model" | "provider" | "deployment" | "key";

export interface NameBook {
  model(id: string | null): string;
  provider(id: string | null): string;
  deployment(id: string | null): string;
  key(id: string | null): string;
  of(dimension: Dimension, id: string | null): string;
}

const ABSENT: Record<Dimension, string> = {
  model: "Unknown model",
  provider: "No provider",
  deployment: "No deployment",
  key: "No key",
};

export async function loadNames(
  db: Db,
  tenantId: string,
  ids: Partial<Record<Dimension, Iterable<string | null>>>,
): Promise<NameBook> {
  const list = (d: Dimension) => [...new Set([...(ids[d] ?? [])].filter((v): v is string => !!v))];
  const [models, providers, deployments, keys] = await Promise.all([
    list("model").length
      ? db.model.findMany({ where: { id: { in: list("model") } }, select: { id: true, name: true } })
      : [],
    list("provider").length
      ? db.provider.findMany({ where: { id: { in: list("provider") } }, select: { id: true, name: true } })
      : [],
    list("deployment").length
      ? db.deployment.findMany({
          where: { id: { in: list("deployment") } },
          select: { id: true, upstreamModel: true, provider: { select: { name: true } } },
        })
      : [],
    list("key").length
      ? db.apiKey.findMany({ where: { tenantId, id: { in: list("key") } }, select: { id: true, name: true } })
      : [],
  ]);
  const maps: Record<Dimension, Map<string, string>> = {
    model: new Map(models.map((m) => [m.id, m.name])),
    provider: new Map(providers.map((p) => [p.id, p.name])),
    deployment: new Map(deployments.map((d) => [d.id, `${d.provider.name} / ${d.upstreamModel}`])),
    key: new Map(keys.map((k) => [k.id, k.name])),
  };
  const of = (d: Dimension, id: string | null) => (id ? (maps[d].get(id) ?? `${id} (deleted)`) : ABSENT[d]);
  return {
    of,
    model: (id) => of("model", id),
    provider: (id) => of("provider", id),
    deployment: (id) => of("deployment", id),
    key: (id) => of("key", id),
  };
}
