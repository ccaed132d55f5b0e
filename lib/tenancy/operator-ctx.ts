// The platform operator: a signed-in user with User.isPlatformAdmin (the console), or the CLI at the shell.
// Platform-wide verbs (prices, markups) take an OperatorCtx, which only exists for one of those two, so a
// workspace member can never reach them. Anyone else gets a 404: the console does not admit it exists.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

export interface OperatorCtx {
  /** null when the operator CLI acts. */
  user: { id: string; email: string } | null;
}

export const CLI_OPERATOR: OperatorCtx = { user: null };

/** The actor id recorded in the audit log and on created rows (null: the CLI). */
export function actorId(op: OperatorCtx): string | null {
  return op.user?.id ?? null;
}

/** The operator ctx of a platform admin; a 404 for anyone else. */
export async function getOperatorForUser(db: Pick<Db, "user">, userId: string): Promise<OperatorCtx> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, isPlatformAdmin: true },
  });
  if (!user?.isPlatformAdmin) throw new AppError("not_found", "Not found.");
  return { user: { id: user.id, email: user.email } };
}
