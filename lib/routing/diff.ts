// A line diff of two texts (the routing editor compares a stored policy version with the current one as pretty
// JSON). Longest common subsequence on lines, O(n·m) time and memory: policies are a few hundred lines at most, so
// inputs above MAX_CELLS fall back to "everything removed, everything added" rather than allocating without bound.

export type DiffLine =
  | { kind: "same"; text: string; a: number; b: number }
  | { kind: "removed"; text: string; a: number }
  | { kind: "added"; text: string; b: number };

/** Above this many LCS cells (lines of a × lines of b) the diff is not computed line by line. */
export const MAX_CELLS = 4_000_000;

const splitLines = (s: string): string[] =>
  s === "" ? [] : s.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");

/**
 * The lines of `before` and `after` in order, each marked same, removed (only in `before`) or added (only in
 * `after`), with 1-based line numbers on each side. Removals come before additions within a changed block.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [
      ...a.map((text, i): DiffLine => ({ kind: "removed", text, a: i + 1 })),
      ...b.map((text, j): DiffLine => ({ kind: "added", text, b: j + 1 })),
    ];
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array of (n+1)·(m+1).
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);

  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i]!, a: i + 1, b: j + 1 });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) {
      out.push({ kind: "removed", text: a[i]!, a: i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[j]!, b: j + 1 });
      j++;
    }
  }
  for (; i < n; i++) out.push({ kind: "removed", text: a[i]!, a: i + 1 });
  for (; j < m; j++) out.push({ kind: "added", text: b[j]!, b: j + 1 });
  return out;
}

/** Counts of added and removed lines. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}

/** Pretty JSON as the editor and the diff show it: two-space indent, keys in the document's order. */
export const prettyJson = (value: unknown): string => JSON.stringify(value ?? null, null, 2);
