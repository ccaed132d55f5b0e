// Summarizes a V8 .cpuprofile written by `node --cpu-prof` (npm run bench -- --profile): self time by area and by
// function, and inclusive time of the app's own functions, with dist/server.mjs positions mapped back to the
// TypeScript sources through the bundle's source map.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  name: string;
  where: string;
  area: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  window: { fromUs: number; toUs: number } | null;
  totalMs: number;
  /** Time not idle. */
  busyMs: number;
  areas: Array<{ area: string; ms: number; pct: number }>;
  selfTop: HotSpot[];
  /** Inclusive (self + callees) time of the app's own functions (lib/, server.ts). */
  inclusiveTop: HotSpot[];
}

/** The source map next to a bundle (`<file>.map`), for our own bundles only (not node_modules). */
function sourceMapLoader() {
  const maps = new Map<string, SourceMap | null>();
  return (file: string): SourceMap | null => {
    let m = maps.get(file);
    if (m === undefined) {
      const mapFile = `${file}.map`;
      m =
        !file.includes("/node_modules/") && existsSync(mapFile)
          ? new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")))
          : null;
      maps.set(file, m);
    }
    return m;
  };
}

function areaOf(src: string): string {
  if (!src.startsWith("lib/")) return src;
  return src
    .split("/")
    .slice(0, src.startsWith("lib/gateway/providers") ? 3 : 2)
    .join("/");
}

function makeLocator(root: string) {
  const mapOf = sourceMapLoader();
  const cache = new Map<string, { where: string; area: string }>();
  return (cf: CallFrame): { where: string; area: string } => {
    const key = `${cf.url}:${cf.lineNumber}:${cf.columnNumber}`;
    const hit = cache.get(key);
    if (hit) return hit;
    let out: { where: string; area: string };
    const url = cf.url;
    if (!url) {
      out = { where: "", area: cf.functionName.startsWith("(") ? cf.functionName : "(native/V8)" };
    } else if (url.startsWith("node:")) {
      out = { where: `${url}:${cf.lineNumber + 1}`, area: `node:${url.slice(5).split("/")[0]}` };
    } else if (url.startsWith("wasm:")) {
      out = { where: url, area: "wasm" };
    } else {
      const file = url.startsWith("file://") ? fileURLToPath(url) : url;
      const map = mapOf(file);
      const e = map?.findEntry(cf.lineNumber, cf.columnNumber) as
        { originalSource?: string; originalLine?: number } | undefined;
      if (e?.originalSource) {
        const orig = e.originalSource.startsWith("file://")
          ? fileURLToPath(e.originalSource)
          : path.resolve(path.dirname(file), e.originalSource);
        const src = path.relative(root, orig);
        out = { where: `${src}:${(e.originalLine ?? 0) + 1}`, area: areaOf(src) };
      } else {
        const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
        const rel = path.relative(root, file);
        out = { where: `${rel}:${cf.lineNumber + 1}`, area: nm ? `pkg:${nm[1]}` : rel };
      }
    }
    cache.set(key, out);
    return out;
  };
}

/**
 * `window` (microseconds on the monotonic clock, as process.hrtime.bigint() / 1000n in any process of this
 * machine, which V8's profile timestamps also use) limits the summary to the samples taken inside it.
 */
export function summarizeProfile(
  file: string,
  root: string,
  window: { fromUs: number; toUs: number } | null = null,
  top = 25,
): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const baseLocate = makeLocator(root);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // WebAssembly frames are anonymous: name them after the nearest JavaScript caller's package
  // (PGlite's Postgres or Prisma's query compiler).
  const wasmArea = new Map<number, string>();
  const areaOfNode = (id: number): { where: string; area: string } => {
    const cf = byId.get(id)!.callFrame;
    const loc = baseLocate(cf);
    if (!cf.url.startsWith("wasm:")) return loc;
    let area = wasmArea.get(id);
    if (area === undefined) {
      area = "wasm (unknown caller)";
      for (let n = parent.get(id); n !== undefined; n = parent.get(n)) {
        const f = byId.get(n)!.callFrame;
        if (f.url && !f.url.startsWith("wasm:")) {
          area = `wasm via ${baseLocate(f).area}`;
          break;
        }
      }
      wasmArea.set(id, area);
    }
    return { where: loc.where, area };
  };

  const selfUs = new Map<number, number>();
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    const id = prof.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0));
  }
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    if (byId.get(id)!.callFrame.functionName === "(idle)") idleUs += us;
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const label = (cf: CallFrame) => cf.functionName || "(anonymous)";

  const areas = new Map<string, number>();
  const selfFn = new Map<string, HotSpot>();
  const incl = new Map<string, HotSpot>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === "(idle)") continue;
    const loc = areaOfNode(id);
    areas.set(loc.area, (areas.get(loc.area) ?? 0) + us);
    const key = `${label(cf)}@${loc.where}`;
    const h = selfFn.get(key) ?? { name: label(cf), where: loc.where, area: loc.area, ms: 0, pct: 0 };
    h.ms += us;
    selfFn.set(key, h);
    // Inclusive: credit each of the app's own functions on the stack once per sample.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      const l = baseLocate(f);
      if (!/^(lib\/|server\.ts)/.test(l.where)) continue;
      const k = `${label(f)}@${l.where}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const e = incl.get(k) ?? { name: label(f), where: l.where, area: l.area, ms: 0, pct: 0 };
      e.ms += us;
      incl.set(k, e);
    }
  }
  const finish = (list: Iterable<HotSpot>) =>
    [...list]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((h) => ({ ...h, ms: h.ms / 1000, pct: (h.ms / busyUs) * 100 }));
  return {
    file,
    window,
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, pct: (us / busyUs) * 100 })),
    selfTop: finish(selfFn.values()),
    inclusiveTop: finish(incl.values()),
  };
}

export function printProfile(s: ProfileSummary): void {
  const row = (h: { ms: number; pct: number }, text: string) =>
    `  ${h.pct.toFixed(1).padStart(5)}%  ${h.ms.toFixed(0).padStart(7)} ms  ${text}`;
  const span = s.window ? `, ${((s.window.toUs - s.window.fromUs) / 1000).toFixed(0)} ms window` : "";
  console.log(`\nCPU profile ${s.file}${span}: ${s.busyMs.toFixed(0)} ms busy of ${s.totalMs.toFixed(0)} ms`);
  console.log("Self time by area:");
  for (const a of s.areas.slice(0, 20)) console.log(row(a, a.area));
  console.log("Self time, top functions:");
  for (const h of s.selfTop) console.log(row(h, `${h.name}  ${h.where}`));
  console.log("Inclusive time, the app's own functions:");
  for (const h of s.inclusiveTop) console.log(row(h, `${h.name}  ${h.where}`));
}
