// Which markup applies to a request: the most specific one set. Precedence, first found wins:
//   workspace + model  >  workspace  >  platform + model  >  platform default.
// resolveMarkupBps is pure (the relay calls it per request with maps it loaded in the background);
// loadModelMarkups reads every ModelMarkup row into the map it takes.
import type { Db } from "@/lib/db/client";

/** Markups are basis points: 1000 = 10%. 0..100000 (up to 1000%). */
export const MAX_MARKUP_BPS = 100_000;

/** The map key of a model markup: `${tenantId}:${modelId}` for a workspace's, `*:${modelId}` for the platform's. */
export function modelMarkupKey(tenantId: string | null, modelId: string): string {
  return `${tenantId ?? "*"}:${modelId}`;
}

export interface MarkupInputs {
  /** Tenant.markupBps (null: none set). */
  tenantBps: number | null | undefined;
  /** The billing settings' defaultMarkupBps. */
  platformDefaultBps: number;
  /** From loadModelMarkups. */
  modelMarkups: ReadonlyMap<string, number>;
  tenantId: string;
  /** Model.id of the model the request resolved to (null when it resolved to none). */
  modelId: string | null | undefined;
}

export function resolveMarkupBps(m: MarkupInputs): number {
  if (m.modelId) {
    const own = m.modelMarkups.get(modelMarkupKey(m.tenantId, m.modelId));
    if (own !== undefined) return own;
  }
  if (m.tenantBps !== null && m.tenantBps !== undefined) return m.tenantBps;
  if (m.modelId) {
    const platform = m.modelMarkups.get(modelMarkupKey(null, m.modelId));
    if (platform !== undefined) return platform;
  }
  return m.platformDefaultBps;
}

/** Every model markup, keyed as resolveMarkupBps reads them. */
export async function loadModelMarkups(db: Pick<Db, "modelMarkup">): Promise<Map<string, number>> {
  const rows = await db.modelMarkup.findMany({ select: { tenantId: true, modelId: true, markupBps: true } });
  return new Map(rows.map((r) => [modelMarkupKey(r.tenantId, r.modelId), r.markupBps]));
}
