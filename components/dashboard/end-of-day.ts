// Key expiry as people pick it: a calendar day, meaning the end of that day in the browser's time zone.

/** "2027-01-31" -> the ISO timestamp of 23:59:59.999 that day, local time; "" -> null (no expiry). */
export function endOfDay(date: string): string | null {
  if (!date) return null;
  const d = new Date(`${date}T23:59:59.999`);
  return Number.isNaN(d.getTime()) ? date : d.toISOString();
}

/** An ISO timestamp -> its calendar day in the browser's time zone ("2027-01-31"), for a date input. */
export function localDay(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
