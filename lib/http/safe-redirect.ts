/**
 * A same-site path to go to after sign-in or sign-up, from a `callbackUrl` or `next` parameter; `fallback` for
 * anything else (absolute URLs to other sites, protocol-relative `//host`, backslash tricks, auth pages).
 */
export function safeReturnPath(raw: string | string[] | null | undefined, fallback = "/dashboard"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return fallback;
  let path = value;
  // next-auth's middleware sends a path; an absolute URL on our own origin is reduced to its path by the caller.
  if (/^https?:\/\//i.test(path)) {
    try {
      const u = new URL(path);
      path = u.pathname + u.search + u.hash;
    } catch {
      return fallback;
    }
  }
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return fallback;
  if (/^\/(signin|signup)(\/|\?|$)/.test(path) || path.startsWith("/api/")) return fallback;
  return path;
}
