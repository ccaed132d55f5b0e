"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/components/ui/api";

/**
 * A console form's request state: pending, the error message, and which field it names (so the field can be
 * marked invalid). On success the server components are refreshed and `onOk` runs with the answer.
 */
export function useApiForm() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message: string; param: string | null } | null>(null);

  async function send<T>(
    method: string,
    url: string,
    body?: unknown,
    onOk?: (data: T) => void,
  ): Promise<boolean> {
    setPending(true);
    setError(null);
    const res = await callApi<T>(method, url, body);
    setPending(false);
    if (!res.ok) {
      setError({ message: res.param ? `${res.param}: ${res.message}` : res.message, param: res.param });
      return false;
    }
    onOk?.(res.data);
    router.refresh();
    return true;
  }

  /** aria-invalid for the field the last error named (params such as "topUp.minUsd" match by their first part). */
  const invalid = (field: string) => (error?.param?.split(/[.[]/)[0] === field ? true : undefined);

  return { send, pending, error: error?.message, invalid, clear: () => setError(null) };
}
