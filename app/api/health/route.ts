// GET /api/health: 200 when the database answers, 503 otherwise (for load balancers and uptime checks).
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { httpStatus, body } = await checkHealth();
  return Response.json(body, { status: httpStatus, headers: { "cache-control": "no-store" } });
}
