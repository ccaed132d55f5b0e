import { hasRole } from "@/lib/tenancy/context";
import { listApiKeys } from "@/lib/tenancy/api-keys";
import { PageHeader } from "@/components/ui/card";
import { formatDate, formatRelative } from "@/components/ui/format";
import { KeysPanel, type KeyRow } from "@/components/dashboard/keys-panel";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "API keys" };

export default async function KeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const now = new Date();
  const keys: KeyRow[] = (await listApiKeys(ctx)).map((k) => ({
    id: k.id,
    name: k.name,
    hint: k.hint,
    created: formatDate(k.createdAt),
    lastUsed: k.lastUsedAt ? formatRelative(k.lastUsedAt, now) : "Never",
    expires: k.expiresAt ? formatDate(k.expiresAt) : "Never",
    status: k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt <= now ? "expired" : "active",
  }));

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate requests to the OpenAI-compatible API of this workspace. Send one as a Bearer token."
      />
      <KeysPanel slug={ctx.tenant.slug} canManage={hasRole(ctx, "admin")} keys={keys} />
    </>
  );
}
