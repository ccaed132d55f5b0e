// The fake upstream server: the three protocol fakes behind one node:http server, with controllable latency,
// chunk pacing and faults. Tests start one per suite (startFakeUpstream) and steer it with setBehavior(); the
// CLI (`npm run fake-upstream`) starts one on a port and accepts the same settings on POST /__fake/behavior.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody } from "@/lib/http/read-body";
import { makePlan } from "./plan";
import type { FakeProtocol } from "./types";

export interface FakeBehavior {
  /** Delay before the response starts (headers), ms. */
  latencyMs: number;
  /** Streams: extra delay between the headers and the first frame, ms. */
  ttftMs: number;
  /** Streams: delay between frames, ms. */
  chunkDelayMs: number;
  /** Answer with this HTTP error status (in the protocol's error format) instead of an answer. */
  failStatus: number | null;
  /** How many requests the failure applies to (null: all until changed). */
  failTimes: number | null;
  /** Retry-After (seconds) sent with a failure. */
  retryAfterSec: number | null;
  /** Destroy the connection without any response (connection reset). */
  reset: boolean;
  /** Streams: after this many frames, cut the connection (no clean end). */
  cutAfterFrames: number | null;
  /** Streams: after `cutAfterFrames` frames send the protocol's error event (if it has one) instead of cutting. */
  errorEventAfterFrames: number | null;
  /** Streams: send headers, then nothing (a stalled stream). */
  stall: boolean;
  /** Slowly degrading mode: each request adds this many ms to the latency of the next. */
  degradeMsPerRequest: number;
}

export const DEFAULT_BEHAVIOR: FakeBehavior = {
  latencyMs: 0,
  ttftMs: 0,
  chunkDelayMs: 0,
  failStatus: null,
  failTimes: null,
  retryAfterSec: null,
  reset: false,
  cutAfterFrames: null,
  errorEventAfterFrames: null,
  stall: false,
  degradeMsPerRequest: 0,
};

export interface FakeRequestRecord {
  protocol: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  aborted: boolean;
}

export interface FakeStats {
  requests: number;
  /** Streams the client (the relay) went away from before the end. */
  aborted: number;
  last: FakeRequestRecord[];
}

export interface FakeUpstream {
  url: string;
  port: number;
  setBehavior(b: Partial<FakeBehavior>): void;
  stats(): FakeStats;
  resetStats(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
const KEEP_LAST = 50;

export function startFakeUpstream(
  protocols: FakeProtocol[],
  opts: { port?: number; host?: string; behavior?: Partial<FakeBehavior> } = {},
): Promise<FakeUpstream> {
  let behavior: FakeBehavior = { ...DEFAULT_BEHAVIOR, ...opts.behavior };
  let failuresLeft = behavior.failTimes;
  let degradation = 0;
  let stats: FakeStats = { requests: 0, aborted: 0, last: [] };

  const setBehavior = (b: Partial<FakeBehavior>) => {
    behavior = { ...behavior, ...b };
    if ("failTimes" in b || "failStatus" in b) failuresLeft = behavior.failTimes;
    if ("degradeMsPerRequest" in b) degradation = 0;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/__fake/behavior" && req.method === "POST") {
      setBehavior(JSON.parse((await readBody(req)) || "{}") as Partial<FakeBehavior>);
      return json(res, 200, behavior);
    }
    if (url.pathname === "/__fake/stats") return json(res, 200, stats);
    if (url.pathname === "/health") return json(res, 200, { ok: true });
    if (req.method === "GET" && /^\/(v1|v1beta)\/models\/?$/.test(url.pathname)) {
      return listModels(req, res, url);
    }

    const match = protocols
      .map((p) => ({ p, route: req.method === "POST" ? p.route(url.pathname + url.search) : null }))
      .find((m) => m.route);
    if (!match?.route)
      return json(res, 404, { error: { message: `No fake route for ${req.method} ${url.pathname}` } });
    const { p: protocol, route } = match;

    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return json(res, 400, protocol.renderError(400, "Request body is not valid JSON."));
    }
    stats.requests += 1;
    const record: FakeRequestRecord = {
      protocol: protocol.name,
      path: url.pathname + url.search,
      headers: { ...req.headers },
      body,
      aborted: false,
    };
    stats.last.push(record);
    if (stats.last.length > KEEP_LAST) stats.last.shift();

    const b = behavior;
    await sleep(b.latencyMs + degradation);
    degradation += b.degradeMsPerRequest;

    if (b.reset) {
      req.socket.destroy();
      return;
    }
    const authError = protocol.checkAuth(req.headers);
    if (authError) return json(res, 401, protocol.renderError(401, authError));
    if (b.failStatus !== null && (failuresLeft === null || failuresLeft > 0)) {
      if (failuresLeft !== null) failuresLeft -= 1;
      const headers: Record<string, string> =
        b.retryAfterSec !== null ? { "retry-after": String(b.retryAfterSec) } : {};
      return json(
        res,
        b.failStatus,
        protocol.renderError(b.failStatus, `Fake upstream failure (${b.failStatus}).`),
        headers,
      );
    }

    if (route.kind === "embeddings") {
      if (!protocol.renderEmbeddings)
        return json(res, 404, protocol.renderError(404, "Embeddings not supported."));
      return json(res, 200, protocol.renderEmbeddings(body, route));
    }

    let view;
    try {
      view = protocol.parseChat(body, route);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      return json(
        res,
        status,
        protocol.renderError(status, err instanceof Error ? err.message : String(err)),
      );
    }
    const plan = makePlan(view);
    if (!view.stream) return json(res, 200, protocol.renderChat(plan, view));

    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders();
    let closed = false;
    res.on("close", () => {
      if (!res.writableFinished) {
        closed = true;
        record.aborted = true;
        stats.aborted += 1;
      }
    });
    if (b.stall) return; // headers only; the relay's time-to-first-token timeout must fire
    await sleep(b.ttftMs);
    const frames = protocol.renderChatStream(plan, view);
    for (let i = 0; i < frames.length; i++) {
      if (closed) return;
      if (b.cutAfterFrames !== null && i === b.cutAfterFrames) {
        res.destroy();
        return;
      }
      if (b.errorEventAfterFrames !== null && i === b.errorEventAfterFrames) {
        const frame = protocol.renderStreamError?.("Overloaded") ?? null;
        if (frame) res.write(frame);
        res.destroy();
        return;
      }
      res.write(frames[i]);
      if (i < frames.length - 1) await sleep(b.chunkDelayMs);
    }
    res.end();
  }

  /**
   * GET /v1/models (OpenAI; Anthropic when x-api-key is sent) and /v1beta/models (Gemini): the models list, after
   * the protocol's auth check and the configured failure (what a console's "test connection" calls).
   */
  function listModels(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const name = url.pathname.startsWith("/v1beta")
      ? "gemini"
      : req.headers["x-api-key"]
        ? "anthropic"
        : "openai";
    const protocol = protocols.find((p) => p.name === name);
    if (!protocol?.renderModels) {
      return json(res, 404, { error: { message: `No fake route for GET ${url.pathname}` } });
    }
    stats.requests += 1;
    const checkAuth = protocol.checkAuth as (h: IncomingMessage["headers"], path: string) => string | null;
    const authError = checkAuth(req.headers, url.pathname + url.search);
    if (authError) return json(res, 401, protocol.renderError(401, authError));
    if (behavior.failStatus !== null) {
      return json(
        res,
        behavior.failStatus,
        protocol.renderError(behavior.failStatus, "Fake upstream failure."),
      );
    }
    json(res, 200, protocol.renderModels());
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  return new Promise((resolve) => {
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        setBehavior,
        stats: () => stats,
        resetStats: () => {
          stats = { requests: 0, aborted: 0, last: [] };
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
