import { hasRole } from "@/lib/tenancy/context";
import { listPendingInvitations } from "@/lib/tenancy/invitations";
import { listMembers } from "@/lib/tenancy/members";
import { PageHeader } from "@/components/ui/card";
import { formatDate } from "@/components/ui/format";
import { MembersPanel } from "@/components/dashboard/members-panel";
import { loadWorkspace } from "../workspace";

export const metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx, user } = await loadWorkspace(slug);
  const [members, invitations] = await Promise.all([listMembers(ctx), listPendingInvitations(ctx)]);

  return (
    <>
      <PageHeader title="Members" description={`People with access to ${ctx.tenant.name}.`} />
      <MembersPanel
        slug={ctx.tenant.slug}
        myRole={ctx.role}
        canInvite={hasRole(ctx, "admin")}
        members={members.map((m) => ({
          id: m.id,
          role: m.role,
          email: m.user.email,
          name: m.user.name,
          joined: formatDate(m.createdAt),
          isMe: m.user.id === user.id,
        }))}
        invitations={invitations.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.role,
          expires: formatDate(i.expiresAt),
        }))}
      />
    </>
  );
}
