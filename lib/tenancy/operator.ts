// What the operator CLI does that the dashboard does not: name users by email and act on a workspace without being
// a member of it. The operator's ctx is an owner's (getOperatorCtx), so the usual tenant verbs apply unchanged.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getOperatorCtx, type TenantCtx } from "./context";
import { Email } from "./users";
import { createWorkspace } from "./workspaces";

/** Creates a workspace owned by the user with this email. */
export async function createWorkspaceForEmail(db: Db, input: { name: string; ownerEmail: string }) {
  const email = Email.parse(input.ownerEmail);
  const owner = await db.user.findUnique({ where: { email }, select: { id: true, email: true } });
  if (!owner) throw new AppError("not_found", `No user with email ${email}.`, { param: "owner" });
  const tenant = await createWorkspace(db, owner.id, input.name);
  return { tenant, owner };
}

/** The operator's ctx on the workspace that holds this API key, for revoking a key by its id alone. */
export async function getOperatorCtxForApiKey(db: Db, keyId: string): Promise<TenantCtx> {
  const key = await db.apiKey.findUnique({ where: { id: keyId }, select: { tenantId: true } });
  if (!key) throw new AppError("not_found", `API key ${keyId} not found.`);
  return getOperatorCtx(db, key.tenantId);
}
