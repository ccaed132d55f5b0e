// next-auth (v4) configuration: JWT sessions whose `sub` is always our own `usr_` id.
// - Email and password (Credentials): verifyCredentials, throttled per email and per client address.
// - GitHub and Google: only when their client id and secret are set; the user is found or created (with a
//   workspace of their own) by findOrCreateOAuthUser, and the token carries that user's id, not the provider's.
// Built lazily (and cached) so `next build` neither reads secrets nor touches DATA_DIR.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { getSecrets } from "@/lib/secrets";
import { findOrCreateOAuthUser, verifyCredentials } from "@/lib/tenancy/users";
import { getSignInThrottle } from "./throttle";

export const WRONG_CREDENTIALS = "Email or password is incorrect.";

/** The header the server entry sets to the client's address (honouring TRUST_PROXY). */
export const CLIENT_IP_HEADER = "x-switchyard-client-ip";

export interface OAuthProviderInfo {
  id: "github" | "google";
  name: string;
}

/** The OAuth providers this installation has credentials for (the sign-in page shows a button for each). */
export function configuredOAuthProviders(): OAuthProviderInfo[] {
  const e = env();
  const out: OAuthProviderInfo[] = [];
  if (e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET) out.push({ id: "github", name: "GitHub" });
  if (e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET) out.push({ id: "google", name: "Google" });
  return out;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks a password sign-in; throws an Error whose message the sign-in form shows. */
async function authorizeWithPassword(email: string, password: string, address: string) {
  const throttle = getSignInThrottle();
  try {
    await throttle.check(email, address);
    const user = await verifyCredentials(await getDb(), email, password);
    if (!user) {
      await throttle.recordFailure(email, address);
      throw new AppError("unauthenticated", WRONG_CREDENTIALS);
    }
    await throttle.recordSuccess(email, address);
    return { id: user.id, email: user.email, name: user.name };
  } catch (err) {
    if (err instanceof AppError) throw new Error(err.message);
    log.error("auth.signin_failed", { err });
    throw new Error("Sign-in failed because of a server error. Try again in a moment.");
  }
}

/**
 * next-auth's cookies, spelled out rather than left to its defaults: HttpOnly and SameSite=Lax always, Secure
 * with the __Secure-/__Host- prefixes whenever the app is served over https.
 */
export function authCookies(secure: boolean): NonNullable<AuthOptions["cookies"]> {
  const prefix = secure ? "__Secure-" : "";
  const options = { httpOnly: true, sameSite: "lax", path: "/", secure } as const;
  return {
    sessionToken: { name: `${prefix}next-auth.session-token`, options },
    callbackUrl: { name: `${prefix}next-auth.callback-url`, options },
    csrfToken: { name: `${secure ? "__Host-" : ""}next-auth.csrf-token`, options },
    pkceCodeVerifier: { name: `${prefix}next-auth.pkce.code_verifier`, options: { ...options, maxAge: 900 } },
    state: { name: `${prefix}next-auth.state`, options: { ...options, maxAge: 900 } },
    nonce: { name: `${prefix}next-auth.nonce`, options },
  };
}

let cached: AuthOptions | undefined;

export function getAuthOptions(): AuthOptions {
  if (cached) return cached;
  const e = env();
  const providers: AuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const address = headerValue(req?.headers, CLIENT_IP_HEADER) || "unknown";
        return authorizeWithPassword(String(credentials?.email ?? ""), String(credentials?.password ?? ""), address);
      },
    }),
  ];
  if (e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET) {
    providers.push(GitHubProvider({ clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET }));
  }
  if (e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET) {
    providers.push(GoogleProvider({ clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET }));
  }

  cached = {
    secret: getSecrets().authSecret,
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    // Secure (and __Secure- prefixed) cookies whenever the app is served over https.
    useSecureCookies: e.appUrl.startsWith("https://"),
    cookies: authCookies(e.appUrl.startsWith("https://")),
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.type !== "oauth") return true;
        if (!user.email) return "/signin?error=OAuthNoEmail";
        // Google says whether it verified the address; GitHub only returns verified primary addresses.
        if (account.provider === "google" && (profile as { email_verified?: boolean })?.email_verified === false) {
          return "/signin?error=OAuthUnverifiedEmail";
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (account?.type === "oauth" && user?.email) {
          const ours = await findOrCreateOAuthUser(await getDb(), {
            provider: account.provider,
            providerAccountId: account.providerAccountId,
            email: user.email,
            name: user.name,
          });
          token.sub = ours.id;
          token.email = ours.email;
          token.name = ours.name;
        } else if (user) {
          token.sub = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        session.user = { ...session.user, id: token.sub, email: token.email, name: token.name } as typeof session.user;
        return session;
      },
    },
    logger: {
      error: (code, metadata) => log.error(`next-auth.${code}`, { metadata }),
      warn: (code) => log.warn(`next-auth.${code}`),
      debug: () => {},
    },
  };
  return cached;
}
