import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, toErrorResponse } from "./errors";

describe("toErrorResponse", () => {
  it("maps an AppError to its status and OpenAI's shape", () => {
    const r = toErrorResponse(new AppError("invalid_api_key", "Bad key"));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: { message: "Bad key", type: "invalid_request_error", code: "invalid_api_key", param: null },
    });
  });

  it("names the first failing field of a zod error in param", () => {
    const schema = z.object({ messages: z.array(z.object({ role: z.string() })) });
    const parsed = schema.safeParse({ messages: [{ role: 3 }] });
    const r = toErrorResponse(parsed.error);
    expect(r.status).toBe(400);
    expect(r.body.error.param).toBe("messages.0.role");
    expect(r.body.error.message).toMatch(/^messages\.0\.role: /);
  });

  it("hides unknown errors behind a generic 500", () => {
    const r = toErrorResponse(new Error("connection string postgres://secret@db"));
    expect(r.status).toBe(500);
    expect(r.expected).toBe(false);
    expect(JSON.stringify(r.body)).not.toContain("secret");
  });
});
