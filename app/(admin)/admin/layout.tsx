import type { ReactNode } from "react";
import { AdminShell } from "@/components/admin/shell";
import { loadOperator } from "./operator";

export const metadata = { title: { default: "Operator console", template: "%s · Operator console" } };

/** The operator console: platform admins only (a 404 for everyone else). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const { user } = await loadOperator();
  return <AdminShell user={user}>{children}</AdminShell>;
}
