// withApiKey: the relay's authentication wrapper, a straight line of named steps:
// bearer -> shape check -> sha256 -> cached lookup -> revoked/expired checks -> tenant context -> last-used ->
// handler -> error mapping. Rate limits and the routing policy slot in after the tenant context.
import { AppError } from "@/lib/errors";
import { hashApiKey, looksLikeApiKey } from "@/lib/tenancy/key-format";
import { sendError } from "./http";
import type { KeyCache } from "./key-cache";
import type { ApiKeyContext, KeyRecord, RouteCall, RouteHandler } from "./types";

export type AuthedHandler = (call: RouteCall & { ctx: ApiKeyContext }) => Promise<void>;

const MISSING =
  "Missing API key. Send your Switchyard key in the Authorization header: 'Authorization: Bearer sk-sy-...'.";

/** The token of an `Authorization: Bearer <token>` header; throws a 401 when absent or not a bearer token. */
export function readBearer(header: string | undefined): string {
  if (header === undefined) throw new AppError("invalid_api_key", MISSING);
  const value = header.trim();
  if (value === "") throw new AppError("invalid_api_key", MISSING);
  const space = value.indexOf(" ");
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") {
    throw new AppError(
      "invalid_api_key",
      "The Authorization header must use the Bearer scheme: 'Bearer sk-sy-...'.",
    );
  }
  const token = space === -1 ? "" : value.slice(space + 1).trim();
  if (token === "") throw new AppError("invalid_api_key", MISSING);
  return token;
}

/** Cheap shape check before hashing: refuses anything that cannot be a Switchyard key. */
export function assertKeyShape(token: string): void {
  if (!looksLikeApiKey(token)) {
    throw new AppError("invalid_api_key", "Invalid API key format. Switchyard keys start with 'sk-sy-'.");
  }
}

/** The key's tenant context, or a 401 saying why the key is not accepted. */
export function authorizeKey(record: KeyRecord | null, now: number): ApiKeyContext {
  if (record === null) throw new AppError("invalid_api_key", "Incorrect API key provided.");
  if (record.revokedAt !== null) {
    throw new AppError("invalid_api_key", "This API key has been revoked.");
  }
  if (record.expiresAt !== null && record.expiresAt <= now) {
    throw new AppError("invalid_api_key", "This API key has expired.");
  }
  return record.ctx;
}

/** Verifies a bearer header against the cache; resolves to the caller's context or throws a 401/503. */
export async function verifyApiKey(
  header: string | undefined,
  cache: KeyCache,
  now: number,
): Promise<ApiKeyContext> {
  const token = readBearer(header);
  assertKeyShape(token);
  const hash = hashApiKey(token);
  const cached = cache.lookup(hash);
  const record = cached instanceof Promise ? await cached : cached; // warm path: no await, no database
  return authorizeKey(record, now);
}

export function withApiKey(handler: AuthedHandler): RouteHandler {
  return async (call) => {
    try {
      const now = Date.now();
      const ctx = await verifyApiKey(call.req.headers.authorization, call.deps.keyCache, now);
      call.deps.lastUsed.record(ctx.key.id, now);
      await handler({ ...call, ctx });
    } catch (err) {
      sendError(call.res, err, call.requestId);
    }
  };
}
