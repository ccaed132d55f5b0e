// Operator adjustments: credit granted (or taken back) by hand, e.g. `npm run cli -- credit grant`. One
// "adjustment" ledger entry with a fresh unique reference, audited.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { TenantCtx } from "@/lib/tenancy/context";
import { postEntry } from "./ledger";

export async function adjustCredit(
  db: Db,
  ctx: TenantCtx,
  input: { amountMicros: bigint; note?: string | null; via: "cli" | "console" },
): Promise<{ entryId: string; balanceMicros: bigint; reference: string }> {
  if (input.amountMicros === 0n)
    throw new AppError("invalid_request", "The amount must not be 0.", { param: "usd" });
  const reference = `adj_${newId("led").slice(4)}`;
  const note = input.note?.trim() || null;
  const res = await postEntry(db, {
    tenantId: ctx.tenant.id,
    kind: "adjustment",
    amountMicros: input.amountMicros,
    reference,
    description: note ? `Adjustment: ${note}` : input.amountMicros > 0n ? "Credit granted" : "Credit removed",
    createdById: ctx.user?.id ?? null,
    metadata: { via: input.via },
  });
  await recordAudit(db, {
    tenantId: ctx.tenant.id,
    actorUserId: ctx.user?.id ?? null,
    action: "credit.grant",
    target: res.entryId,
    details: { amountMicros: input.amountMicros, note, via: input.via, reference },
  });
  return { entryId: res.entryId!, balanceMicros: res.balanceMicros!, reference };
}
