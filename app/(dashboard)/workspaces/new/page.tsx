import Link from "next/link";
import { requireSessionUser } from "@/lib/auth/session";
import { Logo } from "@/components/logo";
import { CreateWorkspaceForm } from "./create-workspace-form";

export const metadata = { title: "Create workspace" };

export default async function NewWorkspacePage() {
  await requireSessionUser("/workspaces/new");
  return (
    <main className="flex min-h-screen flex-col items-center px-4 py-10 sm:justify-center sm:py-16">
      <div className="mb-8">
        <Logo href="/dashboard" />
      </div>
      <div className="w-full max-w-md rounded-lg border border-line bg-surface p-6 shadow-sm sm:p-8">
        <h1 className="text-xl font-semibold">Create a workspace</h1>
        <p className="mt-1 text-sm text-muted">
          A workspace has its own API keys, members, credit and routing. You will be its owner.
        </p>
        <CreateWorkspaceForm />
      </div>
      <Link href="/dashboard" className="mt-6 text-sm text-muted hover:text-fg">
        ← Back to the dashboard
      </Link>
    </main>
  );
}
