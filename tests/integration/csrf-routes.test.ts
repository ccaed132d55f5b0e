// CSRF: every mutating dashboard route goes through a wrapper that refuses a foreign Origin (lib/http/
// with-session.ts assertSameOrigin). The routes are found on disk, so routes added later are covered too.
// Exempt: /api/auth/* (next-auth checks its own CSRF token), /api/stripe/webhook (Stripe's signature) and
// /api/v1/* (bearer API keys, no ambient browser credentials).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const API = path.join(ROOT, "app/api");
const EXEMPT = [/^auth\//, /^stripe\/webhook\//, /^v1\//];
const MUTATING = ["POST", "PUT", "PATCH", "DELETE"] as const;
const WRAPPERS = ["withWorkspace", "withSession", "withOperator", "withPublic"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

const routes = routeFiles(API)
  .map((file) => ({ file, rel: path.relative(API, file).split(path.sep).join("/") }))
  .filter((r) => !EXEMPT.some((re) => re.test(r.rel)));

/** Mutating handlers the file exports, in any form (const, function, re-export). */
function exportedMutations(source: string): string[] {
  return MUTATING.filter((m) =>
    new RegExp(
      `export\\s+(const|let|async\\s+function|function)\\s+${m}\\b|export\\s*\\{[^}]*\\bas\\s+${m}\\b|export\\s*\\{[^}]*\\b${m}\\b`,
    ).test(source),
  );
}

/** A URL for the route with every [param] filled in. */
function urlFor(rel: string): { url: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const segments = rel
    .replace(/\/route\.ts$/, "")
    .split("/")
    .map((s) => {
      const m = /^\[(\.\.\.)?(.+)\]$/.exec(s);
      if (!m) return s;
      params[m[2]!] = m[1] ? ["x"] : "x";
      return "x";
    });
  return { url: `http://app.example.com/api/${segments.join("/")}`, params };
}

describe("CSRF coverage of dashboard mutations", () => {
  it("finds the route files", () => {
    expect(routes.map((r) => r.rel)).toContain("workspaces/[slug]/keys/route.ts");
    expect(routes.map((r) => r.rel)).toContain("signup/route.ts");
  });

  it("recognises every way of exporting a handler (the checks below cannot pass by missing one)", () => {
    expect(exportedMutations("export const POST = withSession(async () => 1);")).toEqual(["POST"]);
    expect(exportedMutations("export async function DELETE(req: Request) {}")).toEqual(["DELETE"]);
    expect(exportedMutations("export { handler as PATCH, handler as GET };")).toEqual(["PATCH"]);
    expect(exportedMutations("export { PUT } from './x';")).toEqual(["PUT"]);
  });

  for (const { file, rel } of routes) {
    const source = readFileSync(file, "utf8");
    const methods = exportedMutations(source);
    if (methods.length === 0) continue;

    describe(rel, () => {
      for (const method of methods) {
        it(`${method} is wrapped by a same-origin checking wrapper`, () => {
          const wrapped = new RegExp(
            `export\\s+const\\s+${method}\\s*=\\s*(${WRAPPERS.join("|")})\\s*(<[^>]*>)?\\(`,
          );
          expect(source, `${rel}: export ${method} through ${WRAPPERS.join("/")}`).toMatch(wrapped);
        });

        it(`${method} refuses a foreign Origin with 403 before anything else`, async () => {
          const mod = (await import(/* @vite-ignore */ file)) as Record<
            string,
            (req: Request, ctx: { params: Promise<unknown> }) => Promise<Response>
          >;
          const { url, params } = urlFor(rel);
          const req = new Request(url, {
            method,
            headers: {
              origin: "https://evil.example",
              host: "app.example.com",
              "content-type": "application/json",
            },
            body: "{}",
          });
          const res = await mod[method]!(req, { params: Promise.resolve(params) });
          expect(res.status).toBe(403);
          expect(await res.json()).toMatchObject({ error: { code: "permission_denied" } });
        });
      }
    });
  }
});
