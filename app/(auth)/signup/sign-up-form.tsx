"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { SubmitButton } from "@/components/ui/button";
import { InputField } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

interface SignUpResult {
  workspace: { slug: string; name: string };
}

export function SignUpForm({ returnTo, initialEmail }: { returnTo: string | null; initialEmail: string }) {
  const router = useRouter();
  const [error, setError] = useState<{ message: string; param: string | null }>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      workspaceName: String(form.get("workspaceName") ?? ""),
    };
    setPending(true);
    setError(undefined);
    const res = await callApi<SignUpResult>("POST", "/api/signup", input);
    if (!res.ok) {
      setError({ message: res.message, param: res.param });
      setPending(false);
      return;
    }
    const signedIn = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
    if (!signedIn || signedIn.error) {
      // The account exists; only the automatic sign-in failed.
      router.push(`/signin?email=${encodeURIComponent(input.email)}`);
      return;
    }
    router.push(returnTo ?? `/w/${res.data.workspace.slug}`);
  }

  const invalid = (param: string) => (error?.param === param ? true : undefined);

  return (
    <form noValidate onSubmit={onSubmit} className="mt-6 space-y-4">
      <InputField
        id="signup-name"
        label="Name"
        name="name"
        autoComplete="name"
        maxLength={100}
        invalid={invalid("name")}
      />
      <InputField
        id="signup-email"
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={initialEmail}
        required
        invalid={invalid("email")}
      />
      <InputField
        id="signup-password"
        label="Password"
        hint="At least 10 characters; mix letters, digits or symbols."
        name="password"
        type="password"
        autoComplete="new-password"
        required
        invalid={invalid("password")}
      />
      <InputField
        id="signup-workspace"
        label="Workspace name"
        hint="Optional. You can rename it later."
        name="workspaceName"
        maxLength={80}
        placeholder="Acme AI"
        invalid={invalid("workspaceName")}
      />
      <FormError message={error?.message} />
      <SubmitButton className="w-full" pending={pending} pendingLabel="Creating account…">
        Create account
      </SubmitButton>
    </form>
  );
}
