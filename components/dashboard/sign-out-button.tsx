"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

export function SignOutButton({ compact = false, redirectTo = "/" }: { compact?: boolean; redirectTo?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={compact ? "ghost" : "secondary"}
      size="sm"
      className={compact ? undefined : "w-full"}
      disabled={pending}
      onClick={async () => {
        setPending(true);
        await signOut({ redirect: false });
        window.location.assign(redirectTo);
      }}
    >
      Sign out
    </Button>
  );
}
