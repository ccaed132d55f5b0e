// The workspace a dashboard page shows, for the signed-in member: one lookup per request (layout and page share
// it through React's cache). A workspace the user is not a member of is a 404, exactly like one that does not
// exist.
import { cache } from "react";
import { notFound } from "next/navigation";
import { requireSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getTenantCtx } from "@/lib/tenancy/context";

export const loadWorkspace = cache(async (slug: string) => {
  const user = await requireSessionUser(`/w/${slug}`);
  try {
    const ctx = await getTenantCtx(await getDb(), user.id, slug);
    return { user, ctx };
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
});
