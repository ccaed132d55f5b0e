// Stripe's request encoding: application/x-www-form-urlencoded with bracketed nested keys, as the SDK writes them
// (`line_items[0][price_data][unit_amount]=500`, `metadata[tenantId]=tnt_1`, `expand[0]=payment_intent`,
// `expand[]=x`). Numeric and empty brackets make arrays; everything else makes objects. Values stay strings, as
// they do on Stripe's side; the handlers coerce what they read.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** `a[b][0]` -> ["a", "b", "0"]; `expand[]` -> ["expand", ""]. A key without brackets is one segment. */
export function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/y;
  let at = open;
  while (at < key.length) {
    re.lastIndex = at;
    const m = re.exec(key);
    // Anything but a well-formed bracket after the name is malformed: keep the whole key as one literal segment.
    if (!m) return [key];
    parts.push(m[1]!);
    at = re.lastIndex;
  }
  return parts;
}

function isIndex(seg: string): boolean {
  return seg === "" || /^\d+$/.test(seg);
}

function place(container: FormObject | FormValue[], segs: string[], value: string): void {
  const [seg, ...rest] = segs as [string, ...string[]];
  if (Array.isArray(container)) {
    const i = seg === "" ? container.length : Number(seg);
    if (rest.length === 0) {
      container[i] = value;
      return;
    }
    const child = container[i];
    const next = child !== undefined && typeof child === "object" ? child : isIndex(rest[0]!) ? [] : {};
    container[i] = next;
    place(next, rest, value);
    return;
  }
  if (seg === "__proto__" || seg === "constructor" || seg === "prototype") return;
  if (rest.length === 0) {
    container[seg] = value;
    return;
  }
  const child = container[seg];
  const next = child !== undefined && typeof child === "object" ? child : isIndex(rest[0]!) ? [] : {};
  container[seg] = next;
  place(next, rest, value);
}

/** Parses a form-encoded body or query string into Stripe's nested parameters. */
export function parseStripeForm(text: string): FormObject {
  const out: FormObject = {};
  for (const [key, value] of new URLSearchParams(text)) place(out, splitKey(key), value);
  // Sparse arrays (indices skipped) are compacted, as Stripe does.
  return compact(out) as FormObject;
}

function compact(v: FormValue): FormValue {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]));
  return v;
}

/** The `expand` parameter as a list of dotted paths (`expand[0]=a.b` or `expand[]=a.b`). */
export function expandPaths(params: FormObject): string[] {
  const e = params.expand;
  if (typeof e === "string") return [e];
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === "string") : [];
}
