// PATCH {role}: changes a member's role. DELETE: removes the member (anyone may remove themselves: leave).
import { z } from "zod";
import { withWorkspace } from "@/lib/http/with-session";
import { changeMemberRole, removeMember } from "@/lib/tenancy/members";

const ChangeRole = z.object({ role: z.string({ message: "Role is required." }) });

export const PATCH = withWorkspace<{ slug: string; id: string }>(
  async ({ ctx, params, body }) => {
    const m = await changeMemberRole(ctx, params.id, ChangeRole.parse(body).role);
    return { member: { id: m.id, role: m.role } };
  },
  { role: "admin", action: "manage members" },
);

export const DELETE = withWorkspace<{ slug: string; id: string }>(async ({ ctx, params }) => {
  await removeMember(ctx, params.id);
  return { removed: true };
});
