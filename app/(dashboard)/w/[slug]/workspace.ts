// The workspace a dashboard page shows, for the signed-in member: one lookup per request (layout and page share
// it through React's cache). A workspace the user is not a member of is a 404, exactly like one that does not
// exist.
import { cache } from "react";
import { notFound } from "next/navigation";
import { requireSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getTenantCtx } from "@/lib/tenancy/context";
import type { RangeInput } from "@/lib/reports/range";
import { reportingZone } from "@/lib/reports/zone";

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

/** The time zone the workspace's report pages show days and times in. */
export async function loadReportingZone(tenantId: string): Promise<string> {
  const db = await getDb();
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true } });
  return reportingZone(tenant.timeZone);
}

/**
 * Runs a report for the range the URL asks for. A range the report refuses (invalid_request) falls back to the
 * last 7 days, and `rangeError` says why, for RangeFallbackNote.
 */
export async function withRangeFallback<T>(
  range: RangeInput,
  run: (range: RangeInput) => Promise<T>,
): Promise<{ result: T; range: RangeInput; rangeError: string | null }> {
  try {
    return { result: await run(range), range, rangeError: null };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "invalid_request") throw err;
    const fallback: RangeInput = { range: "7d" };
    return { result: await run(fallback), range: fallback, rangeError: err.message };
  }
}
