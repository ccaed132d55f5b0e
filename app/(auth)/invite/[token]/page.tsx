import type { ReactNode } from "react";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { describeInvitation } from "@/lib/tenancy/invitations";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { SignOutButton } from "@/components/dashboard/sign-out-button";
import { AcceptInvitation } from "./accept-invitation";

export const metadata = { title: "Invitation" };

function Message({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <h1 className="text-xl font-semibold">{title}</h1>
      <div className="mt-2 space-y-4 text-sm text-muted">{children}</div>
    </>
  );
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, user] = await Promise.all([describeInvitation(await getDb(), token), getSessionUser()]);
  const here = `/invite/${encodeURIComponent(token)}`;
  const home = user ? (
    <ButtonLink href="/dashboard" variant="secondary">
      Go to your dashboard
    </ButtonLink>
  ) : (
    <ButtonLink href="/" variant="secondary">
      Go to the home page
    </ButtonLink>
  );

  if (!invitation) {
    return (
      <Message title="Invitation not found">
        <p>This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.</p>
        {home}
      </Message>
    );
  }

  const { workspace, role, email, status } = invitation;

  if (status === "accepted") {
    return (
      <Message title="Invitation already used">
        <p>
          This invitation to <strong className="text-fg">{workspace.name}</strong> has already been used. Each link
          works once.
        </p>
        {user ? (
          <ButtonLink href={`/w/${workspace.slug}`} variant="secondary">
            Open {workspace.name}
          </ButtonLink>
        ) : (
          <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(`/w/${workspace.slug}`)}`} variant="secondary">
            Sign in
          </ButtonLink>
        )}
      </Message>
    );
  }

  if (status === "revoked") {
    return (
      <Message title="Invitation revoked">
        <p>
          This invitation to <strong className="text-fg">{workspace.name}</strong> was revoked. Ask an admin of the
          workspace for a new one.
        </p>
        {home}
      </Message>
    );
  }

  if (status === "expired") {
    return (
      <Message title="Invitation expired">
        <p>
          This invitation to <strong className="text-fg">{workspace.name}</strong> has expired. Ask an admin of the
          workspace for a new one.
        </p>
        {home}
      </Message>
    );
  }

  const summary = (
    <div className="rounded-md border border-line bg-subtle p-4">
      <p className="text-xs text-muted">Workspace</p>
      <p className="mt-0.5 text-lg font-semibold text-fg">{workspace.name}</p>
      <p className="mt-2 flex items-center gap-2 text-sm text-muted">
        Role <Badge tone="accent">{role[0]!.toUpperCase() + role.slice(1)}</Badge>
      </p>
      <p className="mt-2 text-xs text-muted">
        For <span className="font-medium text-fg">{email}</span>
      </p>
    </div>
  );

  if (!user) {
    const back = encodeURIComponent(here);
    return (
      <Message title="You are invited">
        <p>You have been invited to join a workspace on Switchyard.</p>
        {summary}
        <p>Sign in or create an account with {email} to accept.</p>
        <div className="flex flex-wrap gap-2">
          <ButtonLink href={`/signin?callbackUrl=${back}&email=${encodeURIComponent(email)}`}>Sign in</ButtonLink>
          <ButtonLink href={`/signup?callbackUrl=${back}&email=${encodeURIComponent(email)}`} variant="secondary">
            Create account
          </ButtonLink>
        </div>
      </Message>
    );
  }

  if (user.email.toLowerCase() !== email.toLowerCase()) {
    return (
      <Message title="Wrong account">
        {summary}
        <p role="alert" data-testid="form-error" className="text-danger">
          This invitation is for {email}, but you are signed in as {user.email}. Sign out, then sign in with {email}.
        </p>
        <div className="w-40">
          <SignOutButton redirectTo={`/signin?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(email)}`} />
        </div>
      </Message>
    );
  }

  return (
    <Message title="You are invited">
      <p>Join the workspace to use its API keys and dashboards.</p>
      {summary}
      <AcceptInvitation token={token} />
    </Message>
  );
}
