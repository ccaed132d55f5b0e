import Link from "next/link";
import { redirect } from "next/navigation";
import { configuredOAuthProviders } from "@/lib/auth/options";
import { getSessionUser } from "@/lib/auth/session";
import { safeReturnPath } from "@/lib/http/safe-redirect";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in" };

// Errors next-auth puts in ?error= after an OAuth round trip. Only known codes are shown: the page never echoes
// arbitrary text from its URL.
const OAUTH_ERRORS: Record<string, string> = {
  OAuthNoEmail: "Your account with that provider has no email address we can use.",
  OAuthUnverifiedEmail: "Verify your email address with that provider first.",
  OAuthSignin: "Could not start sign-in with that provider. Try again.",
  OAuthCallback: "Sign-in with that provider failed. Try again.",
  OAuthCreateAccount: "Could not create your account. Try again.",
  Callback: "Sign-in failed. Try again.",
  AccessDenied: "Access denied.",
  SessionRequired: "Sign in to continue.",
  Configuration: "Sign-in is misconfigured on this server.",
  Default: "Sign-in failed. Try again.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const returnTo = safeReturnPath(sp.callbackUrl ?? sp.next);
  if (await getSessionUser()) redirect(returnTo);
  const errorCode = typeof sp.error === "string" ? sp.error : undefined;
  const initialError = errorCode ? (OAUTH_ERRORS[errorCode] ?? OAUTH_ERRORS.Default) : undefined;
  const email = typeof sp.email === "string" ? sp.email : "";
  const signUpHref = returnTo === "/dashboard" ? "/signup" : `/signup?callbackUrl=${encodeURIComponent(returnTo)}`;

  return (
    <>
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-muted">Welcome back to Switchyard.</p>
      <SignInForm
        returnTo={returnTo}
        providers={configuredOAuthProviders()}
        initialError={initialError}
        initialEmail={email}
      />
      <p className="mt-6 text-center text-sm text-muted">
        New here?{" "}
        <Link href={signUpHref} className="font-medium text-accent hover:underline">
          Create an account
        </Link>
      </p>
    </>
  );
}
