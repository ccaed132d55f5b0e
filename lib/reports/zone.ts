// Calendar math in a workspace's IANA time zone, with Intl only (no date library): the wall-clock parts of an
// instant in a zone, and the instant of a wall-clock time in a zone (DST-aware: a day can be 23 or 25 hours).

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    FORMATTERS.set(timeZone, f);
  }
  return f;
}

/** True when Intl (and so PostgreSQL, which ships the same IANA database) knows the zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone to report in: the workspace's, or UTC when it is not a zone this runtime knows. */
export function reportingZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC";
}

export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at an instant, in ms (New York in winter: -5 h). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show this wall time. Out-of-range fields roll over (day 32 is the 1st
 * of next month). A wall time shown twice (DST ends) is its first instant; one skipped (DST starts) moves forward by
 * the jump (02:30 on a spring-forward night is 03:30).
 */
export function zonedTime(timeZone: string, year: number, month: number, day: number, hour = 0): Date {
  const guess = Date.UTC(year, month - 1, day, hour);
  const first = guess - zoneOffsetMs(new Date(guess), timeZone);
  const second = guess - zoneOffsetMs(new Date(first), timeZone);
  const shows = (t: number) => {
    const w = wallTime(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) === guess;
  };
  const matches = [first, second].filter(shows);
  if (matches.length > 0) return new Date(Math.min(...matches));
  return new Date(Math.max(first, second));
}

/** Midnight (in the zone) of the day containing `instant`, shifted by `days` calendar days. */
export function startOfDay(instant: Date, timeZone: string, days = 0): Date {
  const w = wallTime(instant, timeZone);
  return zonedTime(timeZone, w.year, w.month, w.day + days);
}

/** Midnight (in the zone) of the first day of the month containing `instant`, shifted by `months`. */
export function startOfMonth(instant: Date, timeZone: string, months = 0): Date {
  const w = wallTime(instant, timeZone);
  return zonedTime(timeZone, w.year, w.month + months, 1);
}

/** "2026-11-24" for the zone's calendar day of `instant`. */
export function dayKey(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** "2026-11-24 13:00" for the zone's wall-clock hour of `instant`. */
export function hourKey(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:00`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
