// Report ranges, resolved in the workspace's time zone: "24h" is the last 24 hours in hourly buckets (the current
// hour included); "7d" and "30d" are the last 7 or 30 calendar days (today included) in daily buckets; "custom" is
// from one calendar day to another, both included, in daily buckets. Every range is a half-open [from, to) on
// whole hours, which is what the hourly rollups can answer exactly (for zones whose offset is whole hours; in a
// zone like Asia/Kolkata a day boundary falls inside a rollup hour, which counts toward the day it starts in).
// The previous period has the same length and ends where the range starts: the 24 hours before, or the same
// number of calendar days before.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { dayKey, hourKey, startOfDay, startOfMonth, wallTime, zonedTime } from "./zone";

export const RANGE_KEYS = ["24h", "7d", "30d", "custom"] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a YYYY-MM-DD date.");

/** What a page or API receives (search params): a preset, or custom days. */
export const RangeInput = z.object({
  range: z.enum(RANGE_KEYS).default("7d"),
  from: Day.optional(),
  to: Day.optional(),
});
export type RangeInput = z.input<typeof RangeInput>;

export type Bucket = "hour" | "day";

export interface Period {
  from: Date;
  to: Date;
}

export interface ResolvedRange extends Period {
  key: RangeKey;
  timeZone: string;
  bucket: Bucket;
  previous: Period;
  /** Bucket labels in order ("2026-11-24 13:00" for hours, "2026-11-24" for days), in the zone. */
  buckets: string[];
  /** The instant each bucket starts (same order and length as `buckets`). */
  bucketStarts: Date[];
  /** The first and last calendar day covered, in the zone (for the custom picker's defaults). */
  firstDay: string;
  lastDay: string;
}

const HOUR = 3_600_000;
const MAX_CUSTOM_DAYS = 400;

export function resolveRange(input: RangeInput, timeZone: string, now = new Date()): ResolvedRange {
  const { range, from, to } = RangeInput.parse(input);
  if (range === "24h") {
    const end = new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
    const start = new Date(end.getTime() - 24 * HOUR);
    return build("24h", timeZone, "hour", start, end, {
      from: new Date(start.getTime() - 24 * HOUR),
      to: start,
    });
  }
  if (range === "custom") {
    if (!from || !to)
      throw new AppError("invalid_request", "A custom range needs both from and to.", { param: "from" });
    const start = dayStart(from, timeZone);
    const end = dayStart(to, timeZone, 1);
    if (end <= start)
      throw new AppError("invalid_request", "The range must end on or after its start.", { param: "to" });
    const days = countDays(start, end, timeZone);
    if (days > MAX_CUSTOM_DAYS) {
      throw new AppError("invalid_request", `A custom range covers at most ${MAX_CUSTOM_DAYS} days.`, {
        param: "to",
      });
    }
    return build("custom", timeZone, "day", start, end, {
      from: startOfDay(start, timeZone, -days),
      to: start,
    });
  }
  const days = range === "7d" ? 7 : 30;
  const end = startOfDay(now, timeZone, 1);
  const start = startOfDay(now, timeZone, 1 - days);
  return build(range, timeZone, "day", start, end, { from: startOfDay(start, timeZone, -days), to: start });
}

function build(
  key: RangeKey,
  timeZone: string,
  bucket: Bucket,
  from: Date,
  to: Date,
  previous: Period,
): ResolvedRange {
  return {
    key,
    timeZone,
    bucket,
    from,
    to,
    previous,
    ...bucketList(from, to, bucket, timeZone),
    firstDay: dayKey(from, timeZone),
    lastDay: dayKey(new Date(to.getTime() - 1), timeZone),
  };
}

/** Every bucket in [from, to): its start and its label in the zone (an hour repeated by DST appears twice). */
export function bucketList(from: Date, to: Date, bucket: Bucket, timeZone: string) {
  const bucketStarts: Date[] = [];
  if (bucket === "hour") {
    for (let t = from.getTime(); t < to.getTime(); t += HOUR) bucketStarts.push(new Date(t));
  } else {
    for (let d = from; d < to; d = startOfDay(d, timeZone, 1)) bucketStarts.push(d);
  }
  const label = bucket === "hour" ? hourKey : dayKey;
  return { bucketStarts, buckets: bucketStarts.map((d) => label(d, timeZone)) };
}

/** Midnight in the zone of a "YYYY-MM-DD" day, shifted by `days`. */
export function dayStart(day: string, timeZone: string, days = 0): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return zonedTime(timeZone, y, m, d + days);
}

function countDays(from: Date, to: Date, timeZone: string): number {
  const a = wallTime(from, timeZone);
  const b = wallTime(to, timeZone);
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

/** Today so far and this month so far (to the end of the current hour), each with the same span one day or one
 *  month earlier, for "spend today" and "spend this month". */
export function calendarPeriods(timeZone: string, now = new Date()) {
  const endOfHour = new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
  const today = startOfDay(now, timeZone);
  const yesterday = startOfDay(now, timeZone, -1);
  const month = startOfMonth(now, timeZone);
  const lastMonth = startOfMonth(now, timeZone, -1);
  const elapsedToday = endOfHour.getTime() - today.getTime();
  const elapsedMonth = endOfHour.getTime() - month.getTime();
  return {
    today: { from: today, to: endOfHour },
    sameTimeYesterday: {
      from: yesterday,
      to: new Date(Math.min(today.getTime(), yesterday.getTime() + elapsedToday)),
    },
    month: { from: month, to: endOfHour },
    sameTimeLastMonth: {
      from: lastMonth,
      to: new Date(Math.min(month.getTime(), lastMonth.getTime() + elapsedMonth)),
    },
  };
}
