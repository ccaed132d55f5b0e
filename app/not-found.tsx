import Link from "next/link";
import { Logo } from "@/components/logo";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center gap-6 px-6 text-center">
      <Logo />
      <div>
        <h1 className="text-2xl font-semibold">Page not found</h1>
        <p className="mt-2 text-sm text-muted">
          This page does not exist, or you do not have access to it.
        </p>
      </div>
      <Link href="/dashboard" className={buttonClass("secondary")}>
        Back to your workspaces
      </Link>
    </main>
  );
}
