// The workspace's routing policy. GET (any member): its current document and version, the platform default, the
// merge the relay applies, and every version with author and note. PUT {policy, note?} (admins and owners): saves a
// new version, applied on every instance within seconds; an invalid policy is a 400 listing every issue by path.
import { json, withWorkspace } from "@/lib/http/with-session";
import {
  checkPolicyEdit,
  describeWorkspaceRouting,
  invalidPolicyBody,
  SavePolicyRequest,
} from "@/lib/routing/explain";
import { saveWorkspacePolicy } from "@/lib/routing/policies";
import { getStore } from "@/lib/store";

export const GET = withWorkspace(async ({ ctx }) => describeWorkspaceRouting(ctx));

export const PUT = withWorkspace(
  async ({ ctx, body }) => {
    const { policy, note } = SavePolicyRequest.parse(body);
    const issues = checkPolicyEdit(ctx, policy);
    if (issues.length) return json(invalidPolicyBody(issues), 400);
    return saveWorkspacePolicy(ctx, policy, note, getStore());
  },
  { role: "admin", action: "change the routing policy" },
);
