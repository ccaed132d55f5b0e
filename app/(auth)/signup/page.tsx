import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/http/safe-redirect";
import { SignUpForm } from "./sign-up-form";

export const metadata = { title: "Create account" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const raw = sp.callbackUrl ?? sp.next;
  // Without a return path, a new user lands in the workspace just created for them.
  const returnTo = raw ? safeReturnPath(raw) : null;
  if (await getSessionUser()) redirect(returnTo ?? "/dashboard");
  const email = typeof sp.email === "string" ? sp.email : "";
  const signInHref = returnTo ? `/signin?callbackUrl=${encodeURIComponent(returnTo)}` : "/signin";

  return (
    <>
      <h1 className="text-xl font-semibold">Create your account</h1>
      <p className="mt-1 text-sm text-muted">You get a workspace of your own to mint API keys in.</p>
      <SignUpForm returnTo={returnTo} initialEmail={email} />
      <p className="mt-6 text-center text-sm text-muted">
        Already have an account?{" "}
        <Link href={signInHref} className="font-medium text-accent hover:underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
