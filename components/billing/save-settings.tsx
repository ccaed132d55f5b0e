"use client";
// What the auto top-up and budget forms share: PUT the settings, then refresh the page; and the Save button row.
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { SubmitButton } from "@/components/ui/button";
import { callApi } from "@/components/ui/api";

/** The form's state: `fail` shows a message found before sending; `save` sends and shows the server's answer. */
export function useSaveSettings(url: string) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function save(body: unknown): Promise<void> {
    setPending(true);
    setError(undefined);
    setSaved(false);
    const res = await callApi("PUT", url, body);
    setPending(false);
    if (!res.ok) return setError(res.message);
    setSaved(true);
    router.refresh();
  }

  return { error, saved, pending, save, fail: setError, setSaved };
}

/** The submit button and, after a save, "Saved." beside it. */
export function SaveRow({
  pending,
  saved,
  children,
}: {
  pending: boolean;
  saved: boolean;
  children: ReactNode;
}) {
  return (
    <div className="flex items-center gap-3">
      <SubmitButton variant="secondary" pending={pending}>
        {children}
      </SubmitButton>
      {saved ? <span className="text-sm text-success">Saved.</span> : null}
    </div>
  );
}
