// Display formatting for reports. Money stays integer micro-dollars until here: tiny amounts get more decimals
// so a $0.000042 request does not read as $0.00.
import { formatUsd } from "@/lib/billing/ledger";

export function formatMoney(micros: bigint): string {
  const abs = micros < 0n ? -micros : micros;
  if (abs === 0n) return "$0.00";
  if (abs < 10_000n) return formatUsd(micros, 6); // under a cent
  if (abs < 1_000_000n) return formatUsd(micros, 4); // under a dollar
  return formatUsd(micros, 2);
}

const COUNT = new Intl.NumberFormat("en-US");
const COMPACT = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function formatCount(n: number | bigint): string {
  return COUNT.format(n);
}

export function formatCompact(n: number | bigint): string {
  return COMPACT.format(n);
}

export function formatMs(ms: number | null | undefined, overflow = false): string {
  if (ms === null || ms === undefined) return "—";
  if (overflow) return "> 30 s";
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(fraction: number | null, digits = 1): string {
  return fraction === null ? "—" : `${(fraction * 100).toFixed(digits)}%`;
}

/** "+25%", "−3.2%", or null when there is nothing to compare with. */
export function formatChange(change: number | null): string | null {
  if (change === null || !Number.isFinite(change)) return null;
  const pct = change * 100;
  const digits = Math.abs(pct) >= 10 ? 0 : 1;
  if (Number(pct.toFixed(digits)) === 0) return "0%";
  return `${pct > 0 ? "+" : "−"}${Math.abs(pct).toFixed(digits)}%`;
}

/** A request's time in the workspace's zone: "Nov 24, 10:20:03". */
export function formatTimeInZone(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(d);
}

/** A chart bucket label: "13:00" for hours, "Nov 24" for days (pure string work: no zone needed). */
export function formatBucket(bucket: string): string {
  const [day, time] = bucket.split(" ");
  if (time) return time;
  const [, m, d] = (day ?? "").split("-").map(Number);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return m && d ? `${months[m - 1]} ${d}` : bucket;
}
