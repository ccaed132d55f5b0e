// The request log table (server-rendered): one row per request, linking to its detail.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { RequestLogRow } from "@/lib/reports/requests";
import { formatCount, formatMoney, formatMs, formatTimeInZone } from "./format";
import { TableScroll, Td, Th } from "./table";

const STATUS_TONE = {
  success: "success",
  client_error: "warn",
  rate_limited: "warn",
  upstream_error: "danger",
  client_closed: "neutral",
} as const;

export function StatusBadge({ status, statusClass }: Pick<RequestLogRow, "status" | "statusClass">) {
  return <Badge tone={STATUS_TONE[statusClass]}>{status}</Badge>;
}

export function RequestTable({
  slug,
  rows,
  timeZone,
}: {
  slug: string;
  rows: RequestLogRow[];
  timeZone: string;
}) {
  return (
    <TableScroll label="Requests">
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Model</Th>
          <Th>Provider</Th>
          <Th>Key</Th>
          <Th>Status</Th>
          <Th numeric>Tokens in / out</Th>
          <Th numeric>Cost</Th>
          <Th numeric>Latency</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className="hover:bg-subtle" data-testid="request-row">
            <Td>
              <Link
                href={`/w/${slug}/requests/${r.id}`}
                className="font-medium text-accent hover:underline"
                aria-label={`Request ${r.id}`}
              >
                {formatTimeInZone(r.createdAt, timeZone)}
              </Link>
            </Td>
            <Td>
              {r.model}
              {r.stream ? <span className="ml-1 text-xs text-muted">stream</span> : null}
            </Td>
            <Td className="text-muted">{r.cacheHit ? "cache" : r.provider}</Td>
            <Td className="text-muted">{r.keyName}</Td>
            <Td>
              <StatusBadge status={r.status} statusClass={r.statusClass} />
              {r.attempts > 1 ? <span className="ml-1 text-xs text-muted">{r.attempts} attempts</span> : null}
            </Td>
            <Td numeric>
              {formatCount(r.inputTokens)} / {formatCount(r.outputTokens)}
            </Td>
            <Td numeric>{formatMoney(r.costMicros)}</Td>
            <Td numeric>{formatMs(r.totalMs)}</Td>
          </tr>
        ))}
      </tbody>
    </TableScroll>
  );
}
