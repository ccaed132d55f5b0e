// One request: what was asked and what served it, each upstream attempt with the reason the relay moved on,
// tokens, cost (provider cost and markup), latency, and the stored body when the workspace keeps bodies.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { requestDetail, type RequestDetail } from "@/lib/reports/requests";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, PageHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/code-block";
import { StatusBadge } from "@/components/reports/request-table";
import { TableScroll, Td, Th } from "@/components/reports/table";
import { formatCount, formatMoney, formatMs, formatTimeInZone } from "@/components/reports/format";
import { loadReportingZone, loadWorkspace } from "../../workspace";

export const metadata = { title: "Request" };

export default async function RequestDetailPage({
  params,
}: {
  params: Promise<{ slug: string; id: string }>;
}) {
  const { slug, id } = await params;
  const { ctx } = await loadWorkspace(slug);
  const db = await getDb();
  const timeZone = await loadReportingZone(ctx.tenant.id);
  let r: RequestDetail;
  try {
    r = await requestDetail(db, ctx.tenant.id, id);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }

  const summary: Array<[string, React.ReactNode]> = [
    [
      "Request id",
      <code key="id" className="font-mono text-xs break-all">
        {r.id}
      </code>,
    ],
    ["Time", `${formatTimeInZone(r.createdAt, timeZone)} (${timeZone})`],
    [
      "Endpoint",
      `POST /api/v1/${r.endpoint === "embeddings" ? "embeddings" : "chat/completions"}${r.stream ? " (stream)" : ""}`,
    ],
    [
      "Status",
      <span key="s">
        <StatusBadge status={r.status} statusClass={r.statusClass} />
        {r.errorCode ? <span className="ml-2 font-mono text-xs">{r.errorCode}</span> : null}
      </span>,
    ],
    ["Requested model", r.requestedModel],
    [
      "Served by",
      r.cacheHit ? "Response cache" : r.upstreamModel ? `${r.provider} / ${r.upstreamModel}` : "—",
    ],
    ["API key", r.keyName],
    ["Attempts", String(r.attempts)],
  ];
  const usage: Array<[string, string]> = [
    ["Input tokens", formatCount(r.inputTokens)],
    ["Cached input tokens", formatCount(r.cachedInputTokens)],
    ["Cache write tokens", formatCount(r.cacheWriteTokens)],
    ["Output tokens", formatCount(r.outputTokens)],
    ["Reasoning tokens", formatCount(r.reasoningTokens)],
    ["Provider cost", formatMoney(r.providerCostMicros)],
    ["Markup", `${formatMoney(r.costMicros - r.providerCostMicros)} (${(r.markupBps / 100).toFixed(2)}%)`],
    ["Charged", formatMoney(r.costMicros)],
    ["Time to first byte", formatMs(r.ttfbMs)],
    ["Total time", formatMs(r.totalMs)],
  ];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/w/${slug}/requests`} className="text-accent hover:underline">
          ← Requests
        </Link>
      </p>
      <PageHeader title={r.model} description={`Request ${r.id}`} />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader title="Summary" />
            <CardBody>
              <Pairs pairs={summary} testId="request-summary" />
              {r.estimated ? (
                <p className="mt-3 text-xs text-muted">
                  <Badge tone="warn">estimated</Badge> The provider did not report usage (the stream was cut);
                  tokens were counted from what was delivered.
                </p>
              ) : null}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Tokens, cost and latency" />
            <CardBody>
              <Pairs pairs={usage} testId="request-usage" />
            </CardBody>
          </Card>
        </div>

        <Card>
          <CardHeader
            title="Routing"
            description="Each upstream attempt in order, and why the relay moved on."
          />
          {r.attemptLog.length > 0 ? (
            <TableScroll label="Upstream attempts">
              <thead>
                <tr>
                  <Th>#</Th>
                  <Th>Provider / model</Th>
                  <Th>Outcome</Th>
                  <Th numeric>Time</Th>
                  <Th>Reason</Th>
                </tr>
              </thead>
              <tbody>
                {r.attemptLog.map((a, i) => (
                  <tr key={i} data-testid="attempt-row">
                    <Td>{i + 1}</Td>
                    <Td>
                      {a.provider} / {a.upstreamModel}
                    </Td>
                    <Td>
                      <Badge tone={a.outcome === "ok" ? "success" : "danger"}>
                        {a.status ? `${a.status} ` : ""}
                        {a.outcome}
                      </Badge>
                    </Td>
                    <Td numeric>{formatMs(a.ms)}</Td>
                    <Td className="whitespace-normal">
                      {a.reason}
                      {a.message ? <span className="block text-xs text-muted">{a.message}</span> : null}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </TableScroll>
          ) : (
            <CardBody>
              <p className="text-sm text-muted">
                {r.cacheHit
                  ? "Answered from the response cache: no provider was called."
                  : "No provider was called (the request was refused before routing)."}
              </p>
            </CardBody>
          )}
        </Card>

        <Card>
          <CardHeader title="Body" />
          <CardBody>
            {r.body ? (
              <div className="space-y-4" data-testid="request-body">
                <CodeBlock title="Request" code={JSON.stringify(r.body.request, null, 2)} />
                {r.body.response !== null ? (
                  <CodeBlock title="Response" code={JSON.stringify(r.body.response, null, 2)} />
                ) : null}
                <p className="text-xs text-muted">
                  Kept until {formatTimeInZone(r.body.expiresAt, timeZone)}.
                </p>
              </div>
            ) : (
              <p className="text-sm text-muted" data-testid="request-body-absent">
                {r.bodyStatus === "off"
                  ? "This workspace does not store request bodies. Owners can turn storage on in Settings."
                  : "No body was stored for this request, or it has expired."}
              </p>
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}

function Pairs({ pairs, testId }: { pairs: Array<[string, React.ReactNode]>; testId: string }) {
  return (
    <dl className="grid grid-cols-[minmax(0,10rem)_1fr] gap-x-4 gap-y-2 text-sm" data-testid={testId}>
      {pairs.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted">{k}</dt>
          <dd className="min-w-0 break-words">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
