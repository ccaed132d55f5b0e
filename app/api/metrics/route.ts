// GET /api/metrics: Prometheus text exposition of the relay's metrics (lib/observability/metrics.ts).
// Protected by a bearer token: `Authorization: Bearer <METRICS_TOKEN>`. While METRICS_TOKEN is unset the endpoint
// is disabled and answers 404; a missing or wrong token answers 401. Scrape config:
//   - job_name: switchyard
//     metrics_path: /api/metrics
//     authorization: { type: Bearer, credentials: <METRICS_TOKEN> }
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { renderMetrics } from "@/lib/observability/metrics";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

/** Constant-time comparison that does not leak the token's length (both sides hashed first). */
function tokenMatches(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(request: Request): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return m ? m[1]! : null;
}

export async function GET(request: Request): Promise<Response> {
  const expected = env().METRICS_TOKEN;
  if (!expected) return new Response("Not Found\n", { status: 404, headers: NO_STORE });
  const given = bearer(request);
  if (given === null || !tokenMatches(given, expected)) {
    return new Response("Unauthorized\n", {
      status: 401,
      headers: { ...NO_STORE, "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  const { contentType, body } = await renderMetrics();
  return new Response(body, { status: 200, headers: { ...NO_STORE, "content-type": contentType } });
}
