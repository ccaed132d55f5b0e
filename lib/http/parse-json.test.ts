import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { asObject, readJsonBody } from "./parse-json";
import { assertSameOrigin } from "./with-session";
import { safeReturnPath } from "./safe-redirect";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/x", { method: "POST", body, headers });

describe("readJsonBody", () => {
  it("parses JSON, treats an empty body as {} and refuses malformed JSON with a 400", async () => {
    expect(await readJsonBody(post('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJsonBody(post(""))).toEqual({});
    expect(await readJsonBody(new Request("http://localhost/x"))).toEqual({});
    const err = await readJsonBody(post("{nope")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
  });

  it("refuses bodies over the limit with a 413", async () => {
    const err = await readJsonBody(post(JSON.stringify({ a: "x".repeat(100) })), 50).catch((e: unknown) => e);
    expect((err as AppError).status).toBe(413);
  });

  it("asObject refuses arrays and scalars", () => {
    expect(() => asObject([1])).toThrow(AppError);
    expect(() => asObject("x")).toThrow(AppError);
    expect(asObject({ a: 1 })).toEqual({ a: 1 });
  });
});

describe("assertSameOrigin", () => {
  const req = (method: string, headers: Record<string, string>) =>
    new Request("http://localhost:3000/api/x", { method, headers });

  it("accepts same-origin and origin-less mutations and any safe method", () => {
    expect(() => assertSameOrigin(req("POST", { host: "localhost:3000", origin: "http://localhost:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(req("DELETE", { host: "localhost:3000" }))).not.toThrow();
    expect(() => assertSameOrigin(req("GET", { host: "localhost:3000", origin: "https://evil.test" }))).not.toThrow();
  });

  it("refuses a cross-site mutation with a 403", () => {
    for (const origin of ["https://evil.test", "http://localhost:3001", "null"]) {
      let caught: unknown;
      try {
        assertSameOrigin(req("PATCH", { host: "localhost:3000", origin }));
      } catch (e) {
        caught = e;
      }
      expect((caught as AppError).status, origin).toBe(403);
    }
  });
});

describe("safeReturnPath", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(safeReturnPath("/invite/abc")).toBe("/invite/abc");
    expect(safeReturnPath("/w/x/keys?tab=1")).toBe("/w/x/keys?tab=1");
    expect(safeReturnPath("http://localhost:3000/invite/abc")).toBe("/invite/abc");
    expect(safeReturnPath(undefined)).toBe("/dashboard");
    expect(safeReturnPath("//evil.test/x")).toBe("/dashboard");
    expect(safeReturnPath("/\\evil.test")).toBe("/dashboard");
    expect(safeReturnPath("javascript:alert(1)")).toBe("/dashboard");
    expect(safeReturnPath("/signin?callbackUrl=/x")).toBe("/dashboard");
    expect(safeReturnPath(["/a", "/b"])).toBe("/a");
  });
});
