"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { callApi } from "@/components/ui/api";

export function AcceptInvitation({ token }: { token: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function accept() {
    setPending(true);
    setError(undefined);
    const res = await callApi<{ workspace: { slug: string } }>(
      "POST",
      `/api/invitations/${encodeURIComponent(token)}/accept`,
    );
    if (!res.ok) {
      setError(res.message);
      setPending(false);
      return;
    }
    router.push(`/w/${res.data.workspace.slug}`);
  }

  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Button className="w-full" onClick={accept} disabled={pending}>
        Accept invitation
      </Button>
    </div>
  );
}
