// next-auth's endpoints (sign-in, callbacks, session, CSRF token, sign-out). Options are built on first use.
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx): Promise<Response> {
  return NextAuth(getAuthOptions())(req, ctx);
}

export { handler as GET, handler as POST };
