// The platform admin a console page acts as: one lookup per request (layout and page share it through React's
// cache). Signed out: to sign-in and back. Signed in but not a platform admin: a 404, like a page that does not
// exist.
import { cache } from "react";
import { notFound } from "next/navigation";
import { getOperatorCtxForUser } from "@/lib/admin/operator";
import { requireSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

export const loadOperator = cache(async (returnTo = "/admin") => {
  const user = await requireSessionUser(returnTo);
  try {
    const op = await getOperatorCtxForUser(await getDb(), user.id);
    return { user, op };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
});
