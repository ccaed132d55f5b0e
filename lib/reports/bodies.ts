// Stored request bodies expire after the workspace's bodyRetentionDays (RequestBody.expiresAt); this deletes the
// expired ones. Scheduled by the server (the lead wires it); safe to run at any time and on several instances.
import type { Db } from "@/lib/db/client";

/** Deletes every stored body whose expiresAt has passed; returns how many. Walks the expiresAt index. */
export async function purgeExpiredBodies(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.requestBody.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
