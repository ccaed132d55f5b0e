import Link from "next/link";
import { env } from "@/lib/env";
import { hasRole } from "@/lib/tenancy/context";
import { listApiKeys } from "@/lib/tenancy/api-keys";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { cn } from "@/components/ui/cn";
import { loadWorkspace } from "./workspace";

export const metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await loadWorkspace(slug);
  const baseUrl = `${env().appUrl}/api/v1`;
  const now = new Date();
  const keys = await listApiKeys(ctx);
  const active = keys.filter((k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > now));
  const used = keys.some((k) => k.lastUsedAt);
  const canManageKeys = hasRole(ctx, "admin");

  const steps = [
    {
      done: active.length > 0,
      title: "Create an API key",
      body: canManageKeys ? (
        <>
          Mint a key on the{" "}
          <Link href={`/w/${slug}/keys`} className="font-medium text-accent hover:underline">
            API keys
          </Link>{" "}
          page. It is shown once: store it somewhere safe.
        </>
      ) : (
        <>Ask an owner or admin of this workspace for an API key.</>
      ),
    },
    {
      done: used,
      title: "Call the API",
      body: <>List the models your key can use:</>,
      code: `curl ${baseUrl}/models \\\n  -H "Authorization: Bearer $SWITCHYARD_API_KEY"`,
    },
    {
      done: false,
      title: "Point your OpenAI SDK at Switchyard",
      body: (
        <>
          Set the SDK&apos;s base URL to <code className="font-mono text-fg">{baseUrl}</code> and use your key as the
          API key. Nothing else in your code changes.
        </>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={ctx.tenant.name} description={`You are ${articleFor(ctx.role)} ${ctx.role} of this workspace.`} />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Base URL" description="Use it with any OpenAI-compatible client." />
          <CardBody>
            <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
              <code className="min-w-0 flex-1 truncate rounded-md border border-line bg-subtle px-3 py-2 font-mono text-sm">
                {baseUrl}
              </code>
              <CopyButton text={baseUrl} label="Copy base URL" size="md" />
            </div>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Getting started" />
          <CardBody>
            <ol className="space-y-5">
              {steps.map((s, i) => (
                <li key={s.title} className="flex gap-3">
                  <span
                    className={cn(
                      "flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                      s.done ? "bg-success-soft text-success" : "bg-subtle text-muted",
                    )}
                    aria-hidden="true"
                  >
                    {s.done ? "✓" : i + 1}
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium">
                      {s.title}
                      {s.done ? <span className="sr-only"> (done)</span> : null}
                    </p>
                    <p className="mt-0.5 text-sm text-muted">{s.body}</p>
                    {s.code ? (
                      <div className="mt-2">
                        <CodeBlock code={s.code} />
                      </div>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          </CardBody>
        </Card>

        <dl className="grid gap-4 sm:grid-cols-3">
          {[
            ["Active keys", String(active.length)],
            ["Workspace slug", ctx.tenant.slug],
            ["Your role", ctx.role],
          ].map(([k, v]) => (
            <div key={k} className="rounded-lg border border-line bg-surface px-4 py-3">
              <dt className="text-xs text-muted">{k}</dt>
              <dd className="mt-1 truncate font-medium">{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </>
  );
}

function articleFor(role: string): string {
  return /^[aeiou]/.test(role) ? "an" : "a";
}
