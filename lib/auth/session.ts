// The signed-in user, for server components and route handlers. The session is a next-auth JWT whose `sub` is our
// `usr_` id (lib/auth/options.ts).
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getAuthOptions } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
}

/** The signed-in user, or null. Deduplicated per request (layout and page both ask). */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(getAuthOptions());
  const user = session?.user as { id?: unknown; email?: unknown; name?: unknown } | undefined;
  if (!user || typeof user.id !== "string" || !user.id.startsWith("usr_")) return null;
  return {
    id: user.id,
    email: typeof user.email === "string" ? user.email : "",
    name: typeof user.name === "string" ? user.name : null,
  };
});

/** The signed-in user; otherwise a redirect to sign-in that comes back to `returnTo`. */
export async function requireSessionUser(returnTo: string): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
