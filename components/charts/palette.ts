// Chart colours readable on both the light and the dark theme (mid-tone; "Other" is a neutral grey).
export const SERIES_COLORS = ["#6366f1", "#14b8a6", "#f59e0b", "#ec4899", "#0ea5e9", "#94a3b8"];

export function seriesColor(i: number, label?: string): string {
  if (label === "Other") return "#94a3b8";
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}
