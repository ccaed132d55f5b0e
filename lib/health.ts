// The health check behind GET /api/health: the database answers `SELECT 1` within a timeout, or the app is down.
import { getDbState, type Db, type DatabaseTarget } from "@/lib/db/client";
import { redactText } from "@/lib/observability/log";
import type { StoreStatus } from "@/lib/store";

/** Shared state: Redis, or in-process; `degraded` when Redis is configured but unreachable (local state in use). */
export type StateHealth = { kind: StoreStatus["kind"]; degraded: boolean; since?: string; reason?: string };

export type HealthBody =
  | { status: "ok"; database: { status: "up"; kind: string; latencyMs: number }; state?: StateHealth }
  | { status: "error"; database: { status: "down"; kind?: string; error: string }; state?: StateHealth };

export interface HealthResult {
  httpStatus: 200 | 503;
  body: HealthBody;
}

function kindOf(target: DatabaseTarget): string {
  return target.kind === "postgres" ? "postgres" : "pglite";
}

/** One short line: Prisma wraps driver errors in a multi-line "Invalid `prisma.$queryRaw()` invocation" text. */
function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const inner = /Message: `([^`]*)`/.exec(text)?.[1] ?? text;
  return redactText(inner.replace(/\s+/g, " ").trim()).slice(0, 300) || "unknown error";
}

/** Checks the process-wide database, or `opts.db` (tests). Never throws. */
export async function checkHealth(
  opts: { db?: Db; kind?: string; timeoutMs?: number; store?: () => StoreStatus } = {},
): Promise<HealthResult> {
  const result = await checkDatabase(opts);
  if (opts.store) {
    // A degraded store does not fail the check: the instance still serves, on local state, and says so.
    const s = opts.store();
    result.body.state = {
      kind: s.kind,
      degraded: s.degraded,
      ...(s.since !== undefined && { since: new Date(s.since).toISOString() }),
      ...(s.reason !== undefined && { reason: redactText(s.reason) }),
    };
  }
  return result;
}

async function checkDatabase(opts: { db?: Db; kind?: string; timeoutMs?: number }): Promise<HealthResult> {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let kind = opts.kind;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const probe = (async () => {
      let db = opts.db;
      if (!db) {
        const state = await getDbState();
        kind ??= kindOf(state.target);
        db = state.prisma;
      }
      await db.$queryRaw`SELECT 1`;
    })();
    probe.catch(() => {}); // a probe that loses the race must not become an unhandled rejection
    await Promise.race([probe, timeout]);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return {
      httpStatus: 200,
      body: { status: "ok", database: { status: "up", kind: kind ?? "unknown", latencyMs } },
    };
  } catch (err) {
    const error = describeError(err);
    return { httpStatus: 503, body: { status: "error", database: { status: "down", kind, error } } };
  } finally {
    clearTimeout(timer);
  }
}
