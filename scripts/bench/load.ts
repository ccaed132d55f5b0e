// The load generator: N closed-loop clients on one undici Pool (keep-alive, one connection per client), each
// sending the same request back to back for a fixed time. Every response is checked (status 200 and content);
// anything else counts as an error. Latencies are recorded only after a short warm-up inside the run (connection
// set-up excluded).
import { Pool } from "undici";

export interface Target {
  /** e.g. http://127.0.0.1:4010 */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RunOptions {
  concurrency: number;
  durationMs: number;
  /** Part of durationMs during which nothing is recorded. */
  warmupMs: number;
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface RunResult {
  concurrency: number;
  /** Requests completed inside the measured window. */
  requests: number;
  /** Every response received (warm-up included), for counting usage records. */
  responses: number;
  errors: number;
  errorSamples: string[];
  measuredMs: number;
  rps: number;
  latency: Summary;
}

export interface StreamRunResult extends RunResult {
  ttfb: Summary;
  /** Streams whose content chunks, [DONE] and text were all complete and correct. */
  completeStreams: number;
  expectedChunks: number;
  /** Per stream: time between the first and the last content chunk's arrival, ms. */
  contentSpread: Summary;
  /** Per stream: how many separate network reads carried content (1 = everything arrived at once). */
  contentReads: Summary;
}

export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) return { count: 0, min: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  let sum = 0;
  for (const v of s) sum += v;
  return { count: n, min: s[0]!, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[n - 1]!, mean: sum / n };
}

function newPool(target: Target, concurrency: number): Pool {
  return new Pool(target.origin, {
    connections: concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

function noteError(samples: string[], text: string): void {
  if (samples.length < 5) samples.push(text.slice(0, 300));
}

/**
 * What one request came to: an error (counted, sampled), or a success whose `record` runs with whether it fell
 * inside the measured window.
 */
type Outcome = { error: string } | { record(measured: boolean, t0: number, t1: number): void };

/** The closed loop shared by every run: clients send back to back until the time is up. */
async function drive(
  target: Target,
  opts: RunOptions,
  send: (pool: Pool) => Promise<Outcome>,
): Promise<Omit<RunResult, "latency">> {
  const pool = newPool(target, opts.concurrency);
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const endAt = start + opts.durationMs;
  let requests = 0;
  let responses = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  let lastDone = measureFrom;

  const client = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= endAt) return;
      try {
        const outcome = await send(pool);
        const t1 = performance.now();
        responses++;
        if ("error" in outcome) {
          errors++;
          noteError(errorSamples, outcome.error);
          continue;
        }
        const measured = t0 >= measureFrom;
        outcome.record(measured, t0, t1);
        if (measured) {
          requests++;
          lastDone = t1;
        }
      } catch (err) {
        errors++;
        noteError(errorSamples, String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  await pool.close();
  const measuredMs = Math.max(1, lastDone - measureFrom);
  return {
    concurrency: opts.concurrency,
    requests,
    responses,
    errors,
    errorSamples,
    measuredMs,
    rps: (requests / measuredMs) * 1000,
  };
}

function post(pool: Pool, target: Target) {
  return pool.request({ method: "POST", path: target.path, headers: target.headers, body: target.body });
}

/** Non-stream requests; `check` validates a 200 body (cheap: it runs on every response). */
export async function runRequests(
  target: Target,
  opts: RunOptions,
  check: (body: string) => boolean,
): Promise<RunResult> {
  const lat: number[] = [];
  const run = await drive(target, opts, async (pool) => {
    const { statusCode, body } = await post(pool, target);
    const text = await body.text();
    if (statusCode !== 200 || !check(text)) return { error: `${statusCode} ${text}` };
    return { record: (measured, t0, t1) => measured && lat.push(t1 - t0) };
  });
  return { ...run, latency: summarize(lat) };
}

/**
 * Streams: `expectedText` is the whole answer, delivered in `expectedChunks` content deltas. Time to first byte is
 * the first body byte after the request was sent (the relay sends its headers with its first chunk; the fake
 * flushes headers early, so headers alone would flatter it). Each complete SSE event is parsed as it arrives.
 */
export async function runStreams(
  target: Target,
  opts: RunOptions,
  expectedText: string,
  expectedChunks: number,
): Promise<StreamRunResult> {
  const lat: number[] = [];
  const ttfb: number[] = [];
  const spread: number[] = [];
  const reads: number[] = [];
  let complete = 0;

  const run = await drive(target, opts, async (pool): Promise<Outcome> => {
    const { statusCode, body } = await post(pool, target);
    if (statusCode !== 200) return { error: `${statusCode} ${await body.text()}` };
    body.setEncoding("utf8");
    let first = -1;
    let pending = "";
    let text = "";
    let chunks = 0;
    let done = false;
    let bad: string | null = null;
    let firstContent = -1;
    let lastContent = -1;
    let readsWithContent = 0;
    for await (const piece of body as AsyncIterable<string>) {
      const now = performance.now();
      if (first < 0) first = now;
      pending += piece;
      let sawContent = false;
      let cut: number;
      while ((cut = pending.indexOf("\n\n")) !== -1) {
        const event = pending.slice(0, cut);
        pending = pending.slice(cut + 2);
        if (!event.startsWith("data: ")) continue;
        const data = event.slice(6);
        if (data === "[DONE]") {
          done = true;
          continue;
        }
        try {
          const j = JSON.parse(data) as {
            error?: { message?: string };
            choices?: Array<{ delta?: { content?: string | null } }>;
          };
          if (j.error) bad ??= `error event: ${j.error.message}`;
          const c = j.choices?.[0]?.delta?.content;
          if (c) {
            text += c;
            chunks++;
            sawContent = true;
            if (firstContent < 0) firstContent = now;
            lastContent = now;
          }
        } catch {
          bad ??= `unparseable event: ${data.slice(0, 100)}`;
        }
      }
      if (sawContent) readsWithContent++;
    }
    if (!bad && !done) bad = "no [DONE]";
    if (!bad && chunks !== expectedChunks) bad = `${chunks} content chunks, expected ${expectedChunks}`;
    if (!bad && text !== expectedText) bad = `wrong text: ${text.slice(0, 80)}`;
    if (bad) return { error: bad };
    return {
      record(measured, t0, t1) {
        complete++;
        if (!measured) return;
        lat.push(t1 - t0);
        ttfb.push(first - t0);
        spread.push(lastContent - firstContent);
        reads.push(readsWithContent);
      },
    };
  });
  return {
    ...run,
    latency: summarize(lat),
    ttfb: summarize(ttfb),
    completeStreams: complete,
    expectedChunks,
    contentSpread: summarize(spread),
    contentReads: summarize(reads),
  };
}
