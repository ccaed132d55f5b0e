// Immutable edits of the routing policy document the editor holds (plain JSON, not yet parsed: defaults unfilled,
// possibly invalid while the user types), and the path format shared with lib/routing/policy.ts policyIssues.

export type Path = ReadonlyArray<string | number>;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** "rules[0].strategy.type": the format policyIssues reports paths in. */
export function pathKey(path: Path): string {
  return path.reduce<string>(
    (acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k),
    "",
  );
}

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function getIn(doc: unknown, path: Path): unknown {
  let cur: unknown = doc;
  for (const k of path) {
    if (typeof k === "number") cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObject(cur) ? cur[k] : undefined;
  }
  return cur;
}

/**
 * A copy of `doc` with `value` at `path`, creating objects and arrays on the way. `undefined` removes an object
 * key, and then removes parents left empty by it (an empty `timeouts: {}` is noise), except the root.
 */
export function setIn(doc: unknown, path: Path, value: unknown): Json {
  if (path.length === 0) return value as Json;
  const [k, ...rest] = path;
  if (typeof k === "number") {
    const arr = Array.isArray(doc) ? [...doc] : [];
    arr[k] = setIn(arr[k], rest, value);
    return arr;
  }
  const obj: JsonObject = isObject(doc) ? { ...doc } : {};
  const next = rest.length ? setIn(obj[k!], rest, value) : (value as Json | undefined);
  if (
    next === undefined ||
    (rest.length > 0 && isObject(next) && Object.keys(next).length === 0 && value === undefined)
  )
    delete obj[k!];
  else obj[k!] = next;
  return obj;
}

/** The array at `path` with item `index` removed (an emptied array is removed when `dropEmpty`). */
export function removeAt(doc: unknown, path: Path, index: number, dropEmpty = false): Json {
  const arr = getIn(doc, path);
  if (!Array.isArray(arr)) return doc as Json;
  const next = arr.filter((_, i) => i !== index);
  return setIn(doc, path, next.length === 0 && dropEmpty ? undefined : next);
}

/** The array at `path` with item `from` moved to `to` (clamped); unchanged when out of range. */
export function moveAt(doc: unknown, path: Path, from: number, to: number): Json {
  const arr = getIn(doc, path);
  if (!Array.isArray(arr) || from < 0 || from >= arr.length) return doc as Json;
  const target = Math.max(0, Math.min(arr.length - 1, to));
  const next = [...arr];
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item);
  return setIn(doc, path, next);
}

/** A number input's value: undefined when empty (the field is removed), the number otherwise. */
export function numberFromInput(raw: string): number | undefined {
  const t = raw.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

/** "eu, us-east" -> ["eu", "us-east"]; empty -> undefined (no constraint). */
export function listFromInput(raw: string): string[] | undefined {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** Issues grouped by path, for inline display at each field. */
export function issuesByPath(
  issues: ReadonlyArray<{ path: string; message: string }>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of issues) out.set(i.path, [...(out.get(i.path) ?? []), i.message]);
  return out;
}
