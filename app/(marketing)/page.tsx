import Link from "next/link";
import { getSessionUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { Logo } from "@/components/logo";
import { ButtonLink } from "@/components/ui/button";
import { CodeBlock } from "@/components/code-block";

const FEATURES = [
  {
    title: "Drop-in OpenAI API",
    body: "Chat completions (streaming too), embeddings and models. Point any OpenAI SDK at Switchyard and change nothing else.",
  },
  {
    title: "Failover before the first byte",
    body: "Connection errors, timeouts, 5xx and 429s move the request to the next provider; your client never sees them.",
  },
  {
    title: "Health- and cost-aware routing",
    body: "Latency and error rates are scored from live traffic. Route by priority, weight, lowest latency or lowest cost.",
  },
  {
    title: "Prepaid credit, per token",
    body: "Each workspace tops up credit and pays provider cost plus a markup, metered per token, with an append-only ledger.",
  },
  {
    title: "Workspaces and roles",
    body: "Invite your team as owners, admins, members or viewers. API keys belong to a workspace and can expire or be revoked.",
  },
  {
    title: "Yours to run",
    body: "One process, an embedded database by default, PostgreSQL and Redis when you need them. No data leaves your servers.",
  },
];

export default async function LandingPage() {
  const user = await getSessionUser();
  const baseUrl = `${env().appUrl}/api/v1`;

  const curl = `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Hello!"}]
  }'`;

  const sdk = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${baseUrl}",
  apiKey: process.env.SWITCHYARD_API_KEY,
});

const reply = await client.chat.completions.create({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hello!" }],
});`;

  return (
    <div className="min-h-screen">
      <header className="border-b border-line bg-surface/80 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-4 px-4 sm:px-6">
          <Logo />
          <nav aria-label="Account" className="flex items-center gap-2">
            {user ? (
              <ButtonLink href="/dashboard" size="sm">
                Go to dashboard
              </ButtonLink>
            ) : (
              <>
                <Link href="/signin" className="px-2 text-sm font-medium text-muted hover:text-fg">
                  Sign in
                </Link>
                <ButtonLink href="/signup" size="sm">
                  Create account
                </ButtonLink>
              </>
            )}
          </nav>
        </div>
      </header>

      <main>
        <section className="mx-auto grid max-w-6xl gap-10 px-4 py-14 sm:px-6 lg:grid-cols-2 lg:items-center lg:py-20">
          <div>
            <p className="text-sm font-medium text-accent">Self-hostable AI API relay</p>
            <h1 className="mt-3 text-4xl font-semibold tracking-tight text-balance sm:text-5xl">
              One OpenAI-compatible endpoint in front of every model provider.
            </h1>
            <p className="mt-5 max-w-xl text-lg text-muted">
              Switchyard routes each request to the healthiest, cheapest provider that can serve it, fails over
              before your users notice, and bills every workspace per token from prepaid credit.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              {user ? (
                <ButtonLink href="/dashboard">Go to dashboard</ButtonLink>
              ) : (
                <>
                  <ButtonLink href="/signup">Create account</ButtonLink>
                  <ButtonLink href="/signin" variant="secondary">
                    Sign in
                  </ButtonLink>
                </>
              )}
            </div>
            <p className="mt-6 text-sm text-muted">
              Base URL: <code className="rounded bg-subtle px-1.5 py-0.5 font-mono text-fg">{baseUrl}</code>
            </p>
          </div>
          <div className="min-w-0 space-y-4">
            <CodeBlock title="curl" code={curl} />
            <CodeBlock title="OpenAI SDK (TypeScript)" code={sdk} />
          </div>
        </section>

        <section className="border-t border-line bg-surface">
          <div className="mx-auto max-w-6xl px-4 py-14 sm:px-6">
            <h2 className="text-2xl font-semibold tracking-tight">Everything between your app and the models</h2>
            <div className="mt-8 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
              {FEATURES.map((f) => (
                <div key={f.title} className="rounded-lg border border-line bg-bg p-5">
                  <h3 className="font-semibold">{f.title}</h3>
                  <p className="mt-2 text-sm text-muted">{f.body}</p>
                </div>
              ))}
            </div>
          </div>
        </section>
      </main>

      <footer className="border-t border-line">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-6 text-sm text-muted sm:px-6">
          <span>Switchyard — self-hosted AI API relay</span>
          <span>
            OpenAI-compatible API at <code className="font-mono">/api/v1</code>
          </span>
        </div>
      </footer>
    </div>
  );
}
