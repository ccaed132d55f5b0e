import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { dummyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from "@/lib/auth/password";
import { createWorkspaceFor } from "./workspaces";

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long.")
  .pipe(z.email("Enter a valid email address."));

export const SignUpInput = z.object({
  email: Email,
  password: z.string(),
  name: z.string().trim().max(100).optional(),
  workspaceName: z.string().trim().max(80).optional(),
});
export type SignUpInput = z.input<typeof SignUpInput>;

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/** Sign-up: the user and their own workspace, with them as owner, in one transaction. */
export async function createUserWithWorkspace(db: Db, input: SignUpInput) {
  const { email, password, name, workspaceName } = SignUpInput.parse(input);
  const weakness = passwordWeakness(password, email);
  if (weakness) throw new AppError("invalid_request", weakness, { param: "password" });
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) {
    throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
      param: "email",
    });
  }
  const passwordHash = await hashPassword(password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { id: newId("usr"), email, name: name || null, passwordHash },
      });
      const tenant = await createWorkspaceFor(tx, user.id, workspaceName || defaultWorkspaceName(name, email));
      return { user, tenant };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError("conflict", "An account with this email already exists. Sign in instead.", {
        param: "email",
      });
    }
    throw err;
  }
}

function defaultWorkspaceName(name: string | undefined, email: string): string {
  const who = name?.split(/\s+/)[0] || email.split("@")[0]!;
  return `${who}'s workspace`;
}

/** The user for these credentials, or null. Takes the same time whether or not the email exists. */
export async function verifyCredentials(db: Db, emailRaw: string, password: string) {
  const email = Email.safeParse(emailRaw);
  const user = email.success ? await db.user.findUnique({ where: { email: email.data } }) : null;
  if (!user?.passwordHash) {
    await verifyPassword(password, await dummyPasswordHash());
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

/**
 * Sign-in through GitHub or Google: the linked user, or the user with that (provider-verified) email, or a new
 * user with their own workspace.
 */
export async function findOrCreateOAuthUser(
  db: Db,
  input: { provider: string; providerAccountId: string; email: string; name?: string | null },
) {
  const linked = await db.oAuthAccount.findUnique({
    where: { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } },
    include: { user: true },
  });
  if (linked) return linked.user;
  const email = Email.parse(input.email);
  return db.$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email } });
    if (!user) {
      user = await tx.user.create({ data: { id: newId("usr"), email, name: input.name ?? null } });
      await createWorkspaceFor(tx, user.id, defaultWorkspaceName(input.name ?? undefined, email));
    }
    await tx.oAuthAccount.create({
      data: {
        id: newId("oac"),
        userId: user.id,
        provider: input.provider,
        providerAccountId: input.providerAccountId,
      },
    });
    return user;
  });
}

export async function getUserById(db: Db, id: string) {
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, isPlatformAdmin: true } });
}
