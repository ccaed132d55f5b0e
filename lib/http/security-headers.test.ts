import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  newNonce,
  pageSecurityHeaders,
  relaySecurityHeaders,
} from "./security-headers";

describe("security headers", () => {
  it("a strict nonce policy in production: no eval, no inline script, no framing", () => {
    const csp = contentSecurityPolicy("abc123==", { https: false, dev: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic';");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("dev allows eval and the hot-reload socket; https adds HSTS and upgrades", () => {
    expect(contentSecurityPolicy("n", { https: false, dev: true })).toMatch(
      /'unsafe-eval'.*connect-src 'self' ws: wss:/,
    );
    const https = pageSecurityHeaders("n", { https: true, dev: false });
    expect(https["Strict-Transport-Security"]).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(https["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
    expect(
      pageSecurityHeaders("n", { https: false, dev: false })["Strict-Transport-Security"],
    ).toBeUndefined();
  });

  it("nonces are fresh and in the form Next reads from the header", () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(newNonce()).not.toBe(a);
  });

  it("the relay gets nosniff and no-store, and no page policy", () => {
    const h = relaySecurityHeaders({ https: true });
    expect(h).toMatchObject({ "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
    expect(h["Strict-Transport-Security"]).toBeDefined();
    expect(h).not.toHaveProperty("Content-Security-Policy");
  });
});
