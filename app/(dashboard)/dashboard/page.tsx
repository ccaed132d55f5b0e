import { redirect } from "next/navigation";
import { requireSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listWorkspacesForUser } from "@/lib/tenancy/workspaces";

// /dashboard: the signed-in user's first workspace (or the form to create one when they have none).
export default async function DashboardRedirect() {
  const user = await requireSessionUser("/dashboard");
  const [first] = await listWorkspacesForUser(await getDb(), user.id);
  redirect(first ? `/w/${first.slug}` : "/workspaces/new");
}
