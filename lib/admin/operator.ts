// The operator console's authority: platform admins (User.isPlatformAdmin), a role separate from workspace roles.
// Every console verb is declared with defineQuery/defineAction, which re-reads the actor's flag from the database
// on each call (a revoked admin loses access at once, whatever their session says) and answers 404 to anyone
// else, exactly like a page that does not exist. Actions are audited by the same wrapper, after they succeed.
// The registry of declared verbs lets a test prove that every one of them refuses a non-admin.
import { recordAudit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Email } from "@/lib/tenancy/users";

export interface OperatorCtx {
  db: Db;
  user: { id: string; email: string };
}

/** The platform admin's ctx; a 404 for anyone else (no hint that the console exists). */
export async function getOperatorCtxForUser(db: Db, userId: string): Promise<OperatorCtx> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, isPlatformAdmin: true },
  });
  if (!user?.isPlatformAdmin) throw new AppError("not_found", "Not found.");
  return { db, user: { id: user.id, email: user.email } };
}

export async function isPlatformAdmin(db: Db, userId: string | null | undefined): Promise<boolean> {
  if (!userId) return false;
  const user = await db.user.findUnique({ where: { id: userId }, select: { isPlatformAdmin: true } });
  return user?.isPlatformAdmin === true;
}

/** What an action asks the wrapper to write to the audit log. */
export interface AuditNote {
  action: string;
  tenantId?: string | null;
  target?: string | null;
  details?: Record<string, unknown>;
}

/** A registered verb, callable with any arguments (the registry only knows its name and kind). */
type Verb = (op: OperatorCtx, ...args: unknown[]) => Promise<unknown>;

/** Every console verb by name, filled as modules declare them (tests iterate it). */
export const OPERATOR_VERBS = new Map<string, { kind: "query" | "action"; fn: Verb }>();

function register(name: string, kind: "query" | "action", fn: unknown): void {
  if (OPERATOR_VERBS.has(name)) throw new Error(`Operator verb ${name} declared twice`);
  OPERATOR_VERBS.set(name, { kind, fn: fn as Verb });
}

/** A read of platform-wide data: platform admins only. */
export function defineQuery<A extends unknown[], R>(
  name: string,
  fn: (op: OperatorCtx, ...args: A) => Promise<R>,
): (op: OperatorCtx, ...args: A) => Promise<R> {
  const verb = async (op: OperatorCtx, ...args: A): Promise<R> => {
    const fresh = await getOperatorCtxForUser(op.db, op.user.id);
    return fn(fresh, ...args);
  };
  register(name, "query", verb);
  return verb;
}

/**
 * A change: platform admins only, audited. `fn` returns its result and the audit note; the note is written after
 * the change succeeded (a failed change leaves no audit row; null: nothing changed, as for a replayed grant).
 */
export function defineAction<A extends unknown[], R>(
  name: string,
  fn: (op: OperatorCtx, ...args: A) => Promise<{ result: R; audit: AuditNote | null }>,
): (op: OperatorCtx, ...args: A) => Promise<R> {
  const verb = async (op: OperatorCtx, ...args: A): Promise<R> => {
    const fresh = await getOperatorCtxForUser(op.db, op.user.id);
    const { result, audit } = await fn(fresh, ...args);
    if (!audit) return result; // nothing changed (an idempotent replay)
    await recordAudit(fresh.db, {
      tenantId: audit.tenantId ?? null,
      actorUserId: fresh.user.id,
      action: audit.action,
      target: audit.target ?? null,
      details: audit.details,
    });
    return result;
  };
  register(name, "action", verb);
  return verb;
}

/**
 * Grants or revokes the platform admin role by email (operator CLI, first run). Audited with the CLI as actor.
 * Returns the user as now stored.
 */
export async function setPlatformAdmin(
  db: Db,
  emailRaw: string,
  admin: boolean,
  actorUserId: string | null = null,
) {
  const email = Email.parse(emailRaw);
  const found = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (!found) throw new AppError("not_found", `No user with email ${email}.`, { param: "email" });
  const user = await db.user.update({
    where: { id: found.id },
    data: { isPlatformAdmin: admin },
    select: { id: true, email: true, isPlatformAdmin: true },
  });
  await recordAudit(db, {
    tenantId: null,
    actorUserId,
    action: admin ? "operator.grant" : "operator.revoke",
    target: user.id,
    details: { email: user.email },
  });
  return user;
}

/**
 * First run: SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL names the person who becomes the first platform admin when they sign
 * up. Only while the installation has no platform admin at all, so the variable cannot mint a second one later.
 */
export async function promoteBootstrapAdmin(
  db: Db,
  user: { id: string; email: string },
  bootstrapEmail?: string,
) {
  if (!bootstrapEmail || user.email !== bootstrapEmail.trim().toLowerCase()) return false;
  if ((await db.user.count({ where: { isPlatformAdmin: true } })) > 0) return false;
  await db.user.update({ where: { id: user.id }, data: { isPlatformAdmin: true } });
  await recordAudit(db, {
    tenantId: null,
    actorUserId: null,
    action: "operator.bootstrap",
    target: user.id,
    details: { email: user.email },
  });
  return true;
}
