"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button, SubmitButton } from "@/components/ui/button";
import { InputField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import type { OAuthProviderInfo } from "@/lib/auth/options";

const WRONG_CREDENTIALS = "Email or password is incorrect.";

export function SignInForm({
  returnTo,
  providers,
  initialError,
  initialEmail,
}: {
  returnTo: string;
  providers: OAuthProviderInfo[];
  initialError?: string;
  initialEmail: string;
}) {
  const [error, setError] = useState<string | undefined>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!email || !password) {
      setError("Enter your email and password.");
      return;
    }
    setPending(true);
    setError(undefined);
    try {
      const res = await signIn("credentials", { email, password, redirect: false });
      if (!res || res.error) {
        // Our authorize() throws sentences (wrong credentials, throttled); next-auth's own codes are mapped.
        const msg = res?.error;
        setError(!msg || msg === "CredentialsSignin" ? WRONG_CREDENTIALS : msg.includes(" ") ? msg : "Sign-in failed.");
        setPending(false);
        return;
      }
      window.location.assign(returnTo);
    } catch {
      setError("Could not reach the server. Check your connection.");
      setPending(false);
    }
  }

  return (
    <div className="mt-6 space-y-6">
      {providers.length > 0 ? (
        <div className="space-y-2">
          {providers.map((p) => (
            <Button
              key={p.id}
              variant="secondary"
              className="w-full"
              onClick={() => void signIn(p.id, { callbackUrl: returnTo })}
            >
              Continue with {p.name}
            </Button>
          ))}
          <div className="flex items-center gap-3 pt-2 text-xs text-muted" aria-hidden="true">
            <span className="h-px flex-1 bg-line" />
            or
            <span className="h-px flex-1 bg-line" />
          </div>
        </div>
      ) : null}

      <form noValidate onSubmit={onSubmit} className="space-y-4">
        <InputField
          id="signin-email"
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={initialEmail}
          required
          autoFocus={!initialEmail}
        />
        <InputField
          id="signin-password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <FormError message={error} />
        <SubmitButton className="w-full" pending={pending} pendingLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
    </div>
  );
}
