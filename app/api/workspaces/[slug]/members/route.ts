// GET: the workspace's members and their roles.
import { withWorkspace } from "@/lib/http/with-session";
import { listMembers } from "@/lib/tenancy/members";

export const GET = withWorkspace(async ({ ctx }) => ({ data: await listMembers(ctx) }));
