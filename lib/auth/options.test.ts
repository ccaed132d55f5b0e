import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { resetSecretsCache } from "@/lib/secrets";

async function load(vars: Record<string, string>) {
  vi.resetModules();
  for (const [k, v] of Object.entries({ AUTH_SECRET: "test-secret", MASTER_KEY: "a".repeat(64), ...vars })) {
    vi.stubEnv(k, v);
  }
  resetEnvCache();
  resetSecretsCache();
  return import("./options");
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
  resetSecretsCache();
});

describe("auth options", () => {
  it("offers only email and password when no OAuth app is configured", async () => {
    const { configuredOAuthProviders, getAuthOptions } = await load({ APP_URL: "http://localhost:3000" });
    expect(configuredOAuthProviders()).toEqual([]);
    const opts = getAuthOptions();
    expect(opts.providers.map((p) => p.id)).toEqual(["credentials"]);
    expect(opts.session?.strategy).toBe("jwt");
    expect(opts.useSecureCookies).toBe(false);
    expect(opts.secret).toBe("test-secret");
  });

  it("adds GitHub and Google when both their id and secret are set, and secures cookies on https", async () => {
    const { configuredOAuthProviders, getAuthOptions } = await load({
      APP_URL: "https://relay.example.com",
      GITHUB_CLIENT_ID: "gh-id",
      GITHUB_CLIENT_SECRET: "gh-secret",
      GOOGLE_CLIENT_ID: "g-id",
    });
    expect(configuredOAuthProviders().map((p) => p.id)).toEqual(["github"]);
    expect(getAuthOptions().providers.map((p) => p.id)).toEqual(["credentials", "github"]);
    expect(getAuthOptions().useSecureCookies).toBe(true);
  });

  it("puts our user id in the token for a password sign-in and in the session", async () => {
    const { getAuthOptions } = await load({});
    const { jwt, session } = getAuthOptions().callbacks!;
    const token = await jwt!({
      token: { email: "a@example.com" },
      user: { id: "usr_abc", email: "a@example.com", name: "A" },
      account: { type: "credentials", provider: "credentials", providerAccountId: "usr_abc" },
    } as never);
    expect(token.sub).toBe("usr_abc");
    const s = await session!({ session: { expires: "" }, token: { ...token, name: "A" } } as never);
    expect(s.user).toMatchObject({ id: "usr_abc", email: "a@example.com", name: "A" });
  });

  it("refuses an OAuth sign-in without an email or with an unverified Google address", async () => {
    const { getAuthOptions } = await load({});
    const { signIn } = getAuthOptions().callbacks!;
    const oauth = (provider: string) => ({ type: "oauth", provider, providerAccountId: "1" });
    expect(await signIn!({ user: { id: "1" }, account: oauth("github") } as never)).toBe("/signin?error=OAuthNoEmail");
    expect(
      await signIn!({
        user: { id: "1", email: "a@example.com" },
        account: oauth("google"),
        profile: { email_verified: false },
      } as never),
    ).toBe("/signin?error=OAuthUnverifiedEmail");
    expect(await signIn!({ user: { id: "1", email: "a@example.com" }, account: oauth("github") } as never)).toBe(
      true,
    );
  });
});

describe("session cookies", () => {
  // next-auth's own request handler, asked for a CSRF token: it sets the cookie with the options we configure.
  async function csrfCookie(appUrl: string) {
    const { getAuthOptions } = await load({ APP_URL: appUrl, NEXTAUTH_URL: appUrl });
    // Not in the package's exports map: loaded by file path.
    const core = createRequire(import.meta.url)(path.resolve("node_modules/next-auth/core/index.js"));
    const AuthHandler = core.AuthHandler as (params: {
      req: unknown;
      options: unknown;
    }) => Promise<{ cookies?: { name: string; options: { secure?: boolean } }[] }>;
    const res = await AuthHandler({
      req: { action: "csrf", method: "GET", host: appUrl, headers: {}, cookies: {}, query: {}, body: {} } as never,
      options: getAuthOptions(),
    });
    return { opts: getAuthOptions(), cookie: res.cookies?.find((c) => c.name.endsWith("next-auth.csrf-token")) };
  }

  it("are HttpOnly and SameSite=Lax, not Secure over http", async () => {
    const { opts, cookie } = await csrfCookie("http://localhost:3000");
    expect(opts.cookies?.sessionToken).toEqual({
      name: "next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: false },
    });
    expect(cookie).toMatchObject({ name: "next-auth.csrf-token", options: { httpOnly: true, sameSite: "lax" } });
    expect(cookie!.options.secure).toBe(false);
  });

  it("are Secure with the __Secure-/__Host- prefixes over https", async () => {
    const { opts, cookie } = await csrfCookie("https://relay.example.com");
    for (const c of Object.values(opts.cookies ?? {})) {
      expect(c.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: true });
      expect(c.name).toMatch(/^__(Secure|Host)-/);
    }
    expect(opts.cookies?.sessionToken?.name).toBe("__Secure-next-auth.session-token");
    expect(cookie).toMatchObject({ name: "__Host-next-auth.csrf-token", options: { secure: true, httpOnly: true } });
  });
});
