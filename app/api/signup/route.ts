// POST /api/signup {name?, email, password, workspaceName?}: creates the user and their first workspace.
// The client then signs in with the same credentials through next-auth.
import { getDb } from "@/lib/db/client";
import { asObject } from "@/lib/http/parse-json";
import { json, withPublic } from "@/lib/http/with-session";
import { createUserWithWorkspace, type SignUpInput } from "@/lib/tenancy/users";

export const POST = withPublic(async ({ body }) => {
  // createUserWithWorkspace validates the fields.
  const { user, tenant } = await createUserWithWorkspace(await getDb(), asObject(body) as SignUpInput);
  return json(
    { user: { id: user.id, email: user.email, name: user.name }, workspace: { slug: tenant.slug, name: tenant.name } },
    201,
  );
});
