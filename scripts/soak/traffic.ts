// The soak's clients: chat requests (streamed and not) from many keys, spread round-robin over the instances the
// way a load balancer would. A request refused at the connection (instance down) or cut before any response (the
// instance died under it) is retried on the next instance, up to one try per instance plus one; every try and the
// request's final outcome are kept for the report.
import { request, type Dispatcher } from "undici";

export interface Instance {
  name: string;
  origin: string;
  /** Which process of this instance is running now (1, then 2 after a restart). */
  generation: number;
  /** The generation killed with SIGKILL, and when (requests sent to it before then may be lost in flight). */
  killedAt?: { generation: number; at: number };
}

/** How one try ended. */
export type TryOutcome =
  /** Connection refused or reset before the request was written: never reached the instance. */
  | { kind: "refused"; code: string }
  /** The connection died after the request was sent and before a complete response: reached it, no answer. */
  | { kind: "cut"; code: string; gotHeaders: boolean; status?: number; requestId?: string }
  /** A complete HTTP response. */
  | { kind: "response"; status: number; requestId: string | null; verdict: Verdict; detail?: string };

/**
 * What a complete response says: `ok` (a full answer), `error` (an OpenAI-shaped error body), `stream_error`
 * (a 200 stream that ended with an SSE error event and [DONE], the relay's documented mid-stream failure), or
 * `unclear` (anything else: a bad body, a stream without [DONE], a non-OpenAI error).
 */
export type Verdict = "ok" | "error" | "stream_error" | "unclear";

export interface Try {
  instance: string;
  generation: number;
  startedAt: number;
  outcome: TryOutcome;
  errorCode?: string;
}

export interface SentRequest {
  n: number;
  keyIndex: number;
  tenantId: string;
  model: string;
  stream: boolean;
  tries: Try[];
}

export interface TrafficKey {
  key: string;
  tenantId: string;
}

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH"]);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  return e.code ?? e.cause?.code ?? e.name ?? String(e.message ?? err);
}

function isOpenAiError(body: unknown): body is { error: { message: string; type: string; code?: string } } {
  const e = (body as { error?: { message?: unknown; type?: unknown } } | null)?.error;
  return typeof e?.message === "string" && e.message.length > 0 && typeof e.type === "string";
}

/** Reads an SSE chat stream: complete (content, [DONE]), ended with an error event then [DONE], or unclear. */
export function judgeStream(text: string): { verdict: Verdict; errorCode?: string; detail?: string } {
  const events = text
    .split(/\n\n/)
    .map((e) => e.trim())
    .filter((e) => e.startsWith("data:"))
    .map((e) => e.slice(5).trim());
  if (events.at(-1) !== "[DONE]") return { verdict: "unclear", detail: "stream ended without [DONE]" };
  let content = "";
  for (const data of events.slice(0, -1)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return { verdict: "unclear", detail: `not JSON: ${data.slice(0, 80)}` };
    }
    if (isOpenAiError(parsed))
      return { verdict: "stream_error", errorCode: parsed.error.code ?? parsed.error.type };
    const delta = (parsed as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
    if (typeof delta === "string") content += delta;
  }
  return content ? { verdict: "ok" } : { verdict: "unclear", detail: "stream without content" };
}

/** Judges a non-stream response body. */
export function judgeJson(
  status: number,
  text: string,
): { verdict: Verdict; errorCode?: string; detail?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { verdict: "unclear", detail: `status ${status}, body not JSON: ${text.slice(0, 80)}` };
  }
  if (status === 200) {
    const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
      ?.content;
    return typeof content === "string" && content
      ? { verdict: "ok" }
      : { verdict: "unclear", detail: "200 without content" };
  }
  return isOpenAiError(body)
    ? { verdict: "error", errorCode: body.error.code ?? body.error.type, detail: body.error.message }
    : { verdict: "unclear", detail: `status ${status}, not an OpenAI error: ${text.slice(0, 80)}` };
}

async function tryOnce(
  dispatcher: Dispatcher,
  inst: Instance,
  key: string,
  body: string,
  stream: boolean,
): Promise<{ outcome: TryOutcome; errorCode?: string }> {
  let status: number | undefined;
  let requestId: string | undefined;
  try {
    const res = await request(`${inst.origin}/api/v1/chat/completions`, {
      method: "POST",
      dispatcher,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    status = res.statusCode;
    const rid = res.headers["x-request-id"];
    requestId = typeof rid === "string" ? rid : undefined;
    const text = await res.body.text();
    const judged = stream && status === 200 ? judgeStream(text) : judgeJson(status, text);
    return {
      outcome: {
        kind: "response",
        status,
        requestId: requestId ?? null,
        verdict: judged.verdict,
        detail: judged.detail,
      },
      errorCode: judged.errorCode,
    };
  } catch (err) {
    const code = errorCode(err);
    if (status === undefined && CONNECT_ERRORS.has(code)) return { outcome: { kind: "refused", code } };
    return { outcome: { kind: "cut", code, gotHeaders: status !== undefined, status, requestId } };
  }
}

export interface TrafficOptions {
  instances: Instance[];
  keys: TrafficKey[];
  models: string[];
  concurrency: number;
  /** Requests per second over all clients (0: as fast as the clients go). */
  rate: number;
  durationMs: number;
  maxRequests: number;
  /** Keeps the clients going past `durationMs` while this is true (faults still under way on a slow machine). */
  extendWhile?: () => boolean;
  /** Called with each request once it is final. */
  onDone?: (r: SentRequest) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the clients until the duration or the request budget is used up; resolves with every request sent. */
export async function runTraffic(o: TrafficOptions, dispatcher: Dispatcher): Promise<SentRequest[]> {
  const sent: SentRequest[] = [];
  const until = Date.now() + o.durationMs;
  let next = 0;
  let rr = 0;
  const t0 = Date.now();

  async function client(): Promise<void> {
    for (;;) {
      const n = next++;
      if (n >= o.maxRequests || (Date.now() >= until && !o.extendWhile?.())) return;
      if (o.rate > 0) {
        const due = t0 + (n / o.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const keyIndex = n % o.keys.length;
      const { key, tenantId } = o.keys[keyIndex]!;
      const model = o.models[Math.floor(n / o.keys.length) % o.models.length]!;
      const stream = n % 2 === 1;
      const body = JSON.stringify({
        model,
        messages: [{ role: "user", content: `soak request ${n}: say something short` }],
        max_tokens: 64,
        ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      });
      const r: SentRequest = { n, keyIndex, tenantId, model, stream, tries: [] };
      // One try per instance plus one; a try that reached an instance and got an answer ends the request.
      const first = rr++;
      for (let attempt = 0; attempt <= o.instances.length; attempt++) {
        const inst = o.instances[(first + attempt) % o.instances.length]!; // a retry goes to the next instance
        const t: Try = {
          instance: inst.name,
          generation: inst.generation,
          startedAt: Date.now(),
          outcome: null!,
        };
        const { outcome, errorCode } = await tryOnce(dispatcher, inst, key, body, stream);
        t.outcome = outcome;
        t.errorCode = errorCode;
        r.tries.push(t);
        if (outcome.kind === "response") break;
        if (attempt > 0 && outcome.kind === "refused") await sleep(100);
      }
      sent.push(r);
      o.onDone?.(r);
    }
  }

  await Promise.all(Array.from({ length: o.concurrency }, () => client()));
  return sent;
}
