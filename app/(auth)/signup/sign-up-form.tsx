"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
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
      <Field id="signup-name" label="Name">
        <Input id="signup-name" name="name" autoComplete="name" maxLength={100} aria-invalid={invalid("name")} />
      </Field>
      <Field id="signup-email" label="Email">
        <Input
          id="signup-email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={initialEmail}
          required
          aria-invalid={invalid("email")}
        />
      </Field>
      <Field id="signup-password" label="Password" hint="At least 10 characters; mix letters, digits or symbols.">
        <Input
          id="signup-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby="signup-password-hint"
          aria-invalid={invalid("password")}
        />
      </Field>
      <Field id="signup-workspace" label="Workspace name" hint="Optional. You can rename it later.">
        <Input
          id="signup-workspace"
          name="workspaceName"
          maxLength={80}
          placeholder="Acme AI"
          aria-describedby="signup-workspace-hint"
          aria-invalid={invalid("workspaceName")}
        />
      </Field>
      <FormError message={error?.message} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
