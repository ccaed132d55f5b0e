"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

export function CreateWorkspaceForm() {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setPending(true);
    setError(undefined);
    const res = await callApi<{ workspace: { slug: string } }>("POST", "/api/workspaces", { name });
    if (!res.ok) {
      setError(res.message);
      setPending(false);
      return;
    }
    router.push(`/w/${res.data.workspace.slug}`);
  }

  return (
    <form noValidate onSubmit={onSubmit} className="mt-6 space-y-4">
      <Field id="new-workspace-name" label="Workspace name">
        <Input id="new-workspace-name" name="name" maxLength={80} required autoFocus placeholder="Acme AI" />
      </Field>
      <FormError message={error} />
      <Button type="submit" className="w-full" disabled={pending}>
        Create workspace
      </Button>
    </form>
  );
}
