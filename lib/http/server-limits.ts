// Limits on slow or oversized clients for the app's node:http server (server.ts), in one place so tests can
// apply the same settings with shorter times. Node itself answers 431 to headers over 16 KiB (maxHeaderSize)
// and 408 to a request whose headers or body arrive too slowly; the relay answers 413 to a body over
// MAX_BODY_BYTES (lib/gateway/http.ts).
import type { Server } from "node:http";

export interface ServerLimits {
  /** The request's headers must arrive within this long. */
  headersTimeoutMs: number;
  /** The whole request, body included, within this long (the answer, streams too, is not counted). */
  requestTimeoutMs: number;
  /** Idle keep-alive connections are kept this long: longer than common load balancers' idle timeout. */
  keepAliveTimeoutMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
};

export function applyServerLimits(server: Server, limits: ServerLimits = SERVER_LIMITS): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}
