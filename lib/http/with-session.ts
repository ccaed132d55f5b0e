// Wrappers for the dashboard's JSON route handlers (app/api/**). Each is a straight line of named steps:
//   same-origin check (mutations) → session (401) → tenant ctx (404 when not a member) → JSON body (400) →
//   the handler (one lib call) → JSON response; any error mapped by toErrorResponse (unknown ones logged).
// Handlers return plain data (sent as JSON, 200) or a Response (for another status).
import { getDb } from "@/lib/db/client";
import { AppError, toErrorResponse } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { getTenantCtx, requireRole, type Role, type TenantCtx } from "@/lib/tenancy/context";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { readJsonBody } from "./parse-json";

type Params = Record<string, string | string[] | undefined>;
interface RouteContext<P> {
  params: Promise<P>;
}

export interface PublicArgs<P> {
  req: Request;
  params: P;
  /** The parsed JSON body ({} when empty; GET and HEAD are not read). */
  body: unknown;
}
export interface SessionArgs<P> extends PublicArgs<P> {
  user: SessionUser;
}
export interface WorkspaceArgs<P> extends SessionArgs<P> {
  ctx: TenantCtx;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** JSON with BigInt values (money columns) as strings. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(data ?? { ok: true }, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  return new Response(text, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(err: unknown, req?: Request): Response {
  const { status, body, headers, expected } = toErrorResponse(err);
  if (!expected) log.error("http.unhandled_error", { method: req?.method, url: req?.url, err });
  return json(body, status, headers);
}

/**
 * CSRF defence for cookie-authenticated mutations: a browser always sends Origin on POST/PATCH/DELETE, and it
 * must name this host. Requests without Origin (curl, server-to-server) carry no ambient browser credentials
 * worth forging.
 */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.headers.get("origin");
  if (!origin) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("permission_denied", "Cross-site request refused.");
  }
  const hosts = [req.headers.get("host"), req.headers.get("x-forwarded-host")?.split(",")[0]?.trim()];
  if (!hosts.some((h) => h && h.toLowerCase() === originHost.toLowerCase())) {
    throw new AppError("permission_denied", "Cross-site request refused.");
  }
}

async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
  return user;
}

function toResponse(result: unknown): Response {
  return result instanceof Response ? result : json(result);
}

/** No session needed (sign-up, the invitation accept route checks its own): same-origin and JSON only. */
export function withPublic<P extends Params = Params>(handler: (args: PublicArgs<P>) => Promise<unknown>) {
  return async (req: Request, route: RouteContext<P>): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const params = await route.params;
      const body = await readJsonBody(req);
      return toResponse(await handler({ req, params, body }));
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}

/** A signed-in user is required (401 otherwise). */
export function withSession<P extends Params = Params>(handler: (args: SessionArgs<P>) => Promise<unknown>) {
  return async (req: Request, route: RouteContext<P>): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const user = await requireUser();
      const params = await route.params;
      const body = await readJsonBody(req);
      return toResponse(await handler({ req, params, body, user }));
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}

/**
 * A signed-in member of the workspace named by the `slug` route parameter (404 for anyone else). With `access`,
 * the member's role is checked next, before the body is read, so a member without the role gets 403 whatever
 * they send (the lib function the handler calls checks it again: it is also called from the CLI).
 */
export function withWorkspace<P extends Params & { slug: string } = { slug: string }>(
  handler: (args: WorkspaceArgs<P>) => Promise<unknown>,
  access?: { role: Role; action: string },
) {
  return async (req: Request, route: RouteContext<P>): Promise<Response> => {
    try {
      assertSameOrigin(req);
      const user = await requireUser();
      const params = await route.params;
      const ctx = await getTenantCtx(await getDb(), user.id, params.slug);
      if (access) requireRole(ctx, access.role, access.action);
      const body = await readJsonBody(req);
      return toResponse(await handler({ req, params, body, user, ctx }));
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}
