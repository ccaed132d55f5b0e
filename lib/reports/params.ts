// Report settings travel in the URL (shareable, back-button friendly): range=24h|7d|30d|custom, from/to days for
// custom, groupBy, and filters. Pages and the CSV export read them the same way; anything unusable falls back to
// the default with a message rather than an error page.
import { GROUP_BYS, type GroupBy, type UsageFilters } from "./usage";
import { RANGE_KEYS, type RangeInput } from "./range";
import { STATUS_CLASSES, type StatusClass } from "./requests";

export type SearchParams = Record<string, string | string[] | undefined>;

export function param(sp: SearchParams, name: string): string | undefined {
  const v = sp[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 200 ? s : undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseRange(sp: SearchParams): RangeInput {
  const range = param(sp, "range");
  const key = (RANGE_KEYS as readonly string[]).includes(range ?? "") ? (range as RangeInput["range"]) : "7d";
  if (key !== "custom") return { range: key };
  const from = param(sp, "from");
  const to = param(sp, "to");
  return {
    range: "custom",
    from: from && DAY.test(from) ? from : undefined,
    to: to && DAY.test(to) ? to : undefined,
  };
}

export function parseGroupBy(sp: SearchParams): GroupBy {
  const g = param(sp, "groupBy");
  return (GROUP_BYS as readonly string[]).includes(g ?? "") ? (g as GroupBy) : "day";
}

export function parseUsageFilters(sp: SearchParams): UsageFilters {
  return { modelId: param(sp, "model"), providerId: param(sp, "provider"), apiKeyId: param(sp, "key") };
}

export function parseStatusClass(sp: SearchParams): StatusClass | undefined {
  const s = param(sp, "status");
  return (STATUS_CLASSES as readonly string[]).includes(s ?? "") ? (s as StatusClass) : undefined;
}

/** A query string from the non-empty entries ("?range=7d&groupBy=model"). */
export function queryString(values: Record<string, string | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}
