import { describe, expect, it } from "vitest";
import { redactText } from "./log";

describe("redactText", () => {
  it("masks API keys and URL credentials", () => {
    const key = "sk-sy-" + "a".repeat(43);
    expect(redactText(`bad key ${key} here`)).toBe("bad key sk-sy-*** here");
    expect(redactText("postgresql://user:pw@db:5432/x")).toBe("postgresql://***@db:5432/x");
    expect(redactText("postgresql://postgres@127.0.0.1:1/x")).toBe("postgresql://postgres@127.0.0.1:1/x");
  });
});

describe("redactText, other secret shapes", () => {
  it("masks Google keys, JWTs, bearer tokens and key query parameters", () => {
    expect(redactText("bad key AIzaSyA1234567890abcdefghijklmnopqrstu")).toBe("bad key AIza***");
    const jwt = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..abc123def.payload-part";
    expect(redactText(`cookie=${jwt}`)).not.toContain("abc123def");
    expect(redactText("Authorization: Bearer abcdefghijklmnop")).toBe("Authorization: Bearer ***");
    expect(redactText("GET /v1/models?key=secret-value&alt=sse")).toBe("GET /v1/models?key=***&alt=sse");
    expect(redactText("nothing secret here: model=gpt-4o tokens=12")).toBe("nothing secret here: model=gpt-4o tokens=12");
  });
});
