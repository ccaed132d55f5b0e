// POST /api/signup {name?, email, password, workspaceName?}: creates the user and their first workspace.
// The client then signs in with the same credentials through next-auth. Rate limited per address and per email.
import { promoteBootstrapAdmin } from "@/lib/admin/operator";
import { clientAddress, consumeAction } from "@/lib/auth/rate-limit";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { asObject } from "@/lib/http/parse-json";
import { json, withPublic } from "@/lib/http/with-session";
import { getStore } from "@/lib/store";
import { createUserWithWorkspace, type SignUpInput } from "@/lib/tenancy/users";

export const POST = withPublic(async ({ req, body }) => {
  const input = asObject(body) as SignUpInput;
  await consumeAction(getStore(), "signup", { address: clientAddress(req), subject: String(input.email ?? "") });
  // createUserWithWorkspace validates the fields.
  const db = await getDb();
  const { user, tenant } = await createUserWithWorkspace(db, input);
  await promoteBootstrapAdmin(db, user, env().SWITCHYARD_BOOTSTRAP_ADMIN_EMAIL);
  return json(
    {
      user: { id: user.id, email: user.email, name: user.name },
      workspace: { slug: tenant.slug, name: tenant.name },
    },
    201,
  );
});
