// The empty state of every report: how to send a first request (base URL, curl, the OpenAI SDK).
import Link from "next/link";
import { CodeBlock } from "@/components/code-block";
import { CopyButton } from "@/components/ui/copy-button";

export function FirstRequest({
  baseUrl,
  slug,
  canManageKeys,
  title = "No requests in this range yet",
}: {
  baseUrl: string;
  slug: string;
  canManageKeys: boolean;
  title?: string;
}) {
  const curl = `curl ${baseUrl}/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "switchyard-demo", "messages": [{"role": "user", "content": "Hello"}]}'`;
  const sdk = `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${baseUrl}", apiKey: process.env.SWITCHYARD_API_KEY });
const reply = await client.chat.completions.create({
  model: "switchyard-demo",
  messages: [{ role: "user", content: "Hello" }],
});`;
  return (
    <div className="space-y-4" data-testid="first-request">
      <div>
        <p className="font-medium">{title}</p>
        <p className="mt-1 text-sm text-muted">
          Send a request with an API key of this workspace and it shows up here within seconds.{" "}
          {canManageKeys ? (
            <>
              Create a key on the{" "}
              <Link href={`/w/${slug}/keys`} className="font-medium text-accent hover:underline">
                API keys
              </Link>{" "}
              page.
            </>
          ) : (
            <>Ask an owner or admin of this workspace for a key.</>
          )}
        </p>
      </div>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <code className="min-w-0 flex-1 truncate rounded-md border border-line bg-subtle px-3 py-2 font-mono text-sm">
          {baseUrl}
        </code>
        <CopyButton text={baseUrl} label="Copy base URL" size="md" />
      </div>
      <CodeBlock title="curl" code={curl} actions={<CopyButton text={curl} label="Copy curl command" />} />
      <CodeBlock
        title="OpenAI SDK (Node)"
        code={sdk}
        actions={<CopyButton text={sdk} label="Copy SDK example" />}
      />
    </div>
  );
}
