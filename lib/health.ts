// The health check behind GET /api/health: the database answers `SELECT 1` within a timeout, or the app is down.
import { getDbState, type Db, type DatabaseTarget } from "@/lib/db/client";
import { redactText } from "@/lib/observability/log";

export type HealthBody =
  | { status: "ok"; database: { status: "up"; kind: string; latencyMs: number } }
  | { status: "error"; database: { status: "down"; kind?: string; error: string } };

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
  opts: { db?: Db; kind?: string; timeoutMs?: number } = {},
): Promise<HealthResult> {
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
