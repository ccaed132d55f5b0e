// Security headers, set by the server entry (server.ts) on every response before Next or the relay writes it:
// - Next's responses (pages, route handlers, static files) get the page policy: a strict, nonce-based
//   Content-Security-Policy, no framing, a strict referrer policy, nosniff, a Permissions-Policy, and HSTS when the
//   app is served over https. The nonce is new for every request; Next reads it from the request's own
//   `content-security-policy` header (set by the server entry) and puts it on every script it renders, and
//   'strict-dynamic' lets those scripts load the app's chunks. Pages are rendered per request for that reason
//   (app/layout.tsx calls connection()): a prerendered page would carry scripts without the nonce.
// - The relay (/api/v1/*) answers JSON and SSE to API clients: nosniff, no-store (the SSE writer overrides it with
//   its own no-cache), no referrer, HSTS; a page CSP means nothing there.
import { randomBytes } from "node:crypto";

export interface PolicyOptions {
  /** Served over https (APP_URL/NEXTAUTH_URL starts with https://): HSTS and upgrade-insecure-requests. */
  https: boolean;
  /** `next dev` needs eval (React's debugging) and a websocket for hot reload. */
  dev: boolean;
}

/** Two years, the preload list's minimum is one. */
const HSTS = "max-age=63072000; includeSubDomains";

const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "magnetometer=()",
  "gyroscope=()",
  "accelerometer=()",
].join(", ");

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The page CSP. Styles allow 'unsafe-inline' because React and recharts write `style` attributes (which a
 * nonce cannot cover); scripts, the real XSS surface, need the nonce.
 */
export function contentSecurityPolicy(nonce: string, opts: PolicyOptions): string {
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(opts.dev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'", ...(opts.dev ? ["ws:", "wss:"] : [])],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (opts.https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

/** Headers for everything Next serves; `nonce` must also reach Next in the request's CSP header. */
export function pageSecurityHeaders(nonce: string, opts: PolicyOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(nonce, opts),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(opts.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}

/** Defaults for the relay's JSON and SSE answers (a handler may still set its own Cache-Control). */
export function relaySecurityHeaders(opts: Pick<PolicyOptions, "https">): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    ...(opts.https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}
