// The wrapper for the operator console's JSON routes (app/api/admin/**), the platform-admin twin of withWorkspace
// (lib/http/with-session.ts): same-origin check (mutations) → session (401) → platform admin (404 for anyone
// else, so the console's existence does not leak) → the handler → any error mapped to OpenAI's error shape.
// The handler reads its own body (readJsonBody) and returns a Response (json() from with-session).
import { notFound } from "next/navigation";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { getOperatorForUser, type OperatorCtx as PageOperatorCtx } from "@/lib/tenancy/operator-ctx";
import { getOperatorCtxForUser, type OperatorCtx } from "@/lib/admin/operator";
import { getDb, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, errorResponse } from "./with-session";

type Params = Record<string, string | string[] | undefined>;
interface RouteContext<P> {
  params: Promise<P>;
}

export interface OperatorArgs<P> {
  op: OperatorCtx;
  db: Db;
  params: P;
}

export type OperatorHandler<P> = (req: Request, args: OperatorArgs<P>) => Promise<Response>;

/** Where the wrapper gets the session and the database (tests pass their own). */
export interface OperatorDeps {
  getUser: () => Promise<SessionUser | null>;
  getDb: () => Promise<Db>;
}

export function createWithOperator(deps: OperatorDeps) {
  return function withOperatorUsing<P extends Params = Params>(handler: OperatorHandler<P>) {
    return async (req: Request, route: RouteContext<P>): Promise<Response> => {
      try {
        assertSameOrigin(req);
        const user = await deps.getUser();
        if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
        const db = await deps.getDb();
        const op = await getOperatorCtxForUser(db, user.id);
        const params = await route.params;
        return await handler(req, { op, db, params });
      } catch (err) {
        return errorResponse(err, req);
      }
    };
  };
}

/** A signed-in platform admin (User.isPlatformAdmin) is required: 401 without a session, 404 for anyone else. */
export const withOperator = createWithOperator({ getUser: getSessionUser, getDb });

/** For console pages: the signed-in platform admin's ctx, else Next's 404 page (signed out included). */
export async function requireOperatorPage(db: Pick<Db, "user">): Promise<PageOperatorCtx> {
  const user = await getSessionUser();
  if (!user) notFound();
  try {
    return await getOperatorForUser(db, user.id);
  } catch {
    notFound();
  }
}
