import { redirect } from "next/navigation";
import { loadOperator } from "./operator";

// /admin: the first section (after the same check as every console page).
export default async function AdminHome() {
  await loadOperator("/admin");
  redirect("/admin/providers");
}
