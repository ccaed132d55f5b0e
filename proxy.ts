// Next 16's request proxy (formerly middleware): sends signed-out visitors of the dashboard to the sign-in page,
// with a callbackUrl that brings them back. It only checks that a valid session token exists; every page still
// checks membership of the workspace itself (404 otherwise).
import type { NextFetchEvent } from "next/server";
import { withAuth, type NextMiddlewareWithAuth, type NextRequestWithAuth } from "next-auth/middleware";
import { getSecrets } from "@/lib/secrets";

let guard: NextMiddlewareWithAuth | undefined;

export function proxy(req: NextRequestWithAuth, ev: NextFetchEvent) {
  guard ??= withAuth({ secret: getSecrets().authSecret, pages: { signIn: "/signin" } });
  return guard(req, ev);
}

export const config = { matcher: ["/w/:path*", "/dashboard", "/workspaces/:path*"] };
