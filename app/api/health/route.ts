// GET /api/health: 200 when the database answers, 503 otherwise (for load balancers and uptime checks). The body
// also says whether shared state is on Redis or has fallen back to this instance's local state.
import { checkHealth } from "@/lib/health";
import { storeStatus } from "@/lib/store";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { httpStatus, body } = await checkHealth({ store: storeStatus });
  return Response.json(body, { status: httpStatus, headers: { "cache-control": "no-store" } });
}
