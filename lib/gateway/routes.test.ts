import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { isGatewayPath, matchRoute } from "./routes";

describe("routes", () => {
  it("recognizes gateway paths", () => {
    for (const u of ["/api/v1", "/api/v1/", "/api/v1/models", "/api/v1?x=1"])
      expect(isGatewayPath(u)).toBe(true);
    for (const u of ["/api/v10", "/api/v1x/models", "/api/health", "/"]) expect(isGatewayPath(u)).toBe(false);
  });

  it("maps path and method to a handler, ignoring the query and a trailing slash", () => {
    expect(typeof matchRoute("GET", "/api/v1/models")).toBe("function");
    expect(typeof matchRoute("GET", "/api/v1/models/?limit=1")).toBe("function");
  });

  it("answers 404 for unknown paths and 405 (with Allow) for wrong methods", () => {
    const missing = matchRoute("GET", "/api/v1/nope?secret=1") as AppError;
    expect(missing.status).toBe(404);
    expect(missing.message).not.toContain("secret");
    const wrong = matchRoute("DELETE", "/api/v1/models") as AppError;
    expect(wrong.status).toBe(405);
    expect(wrong.headers).toEqual({ allow: "GET" });
  });
});
