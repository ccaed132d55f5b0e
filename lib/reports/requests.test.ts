import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseAttemptLog, statusClassOf } from "./requests";
import { csvField } from "./usage";

describe("request log helpers", () => {
  it("round-trips a cursor and refuses a forged one", () => {
    const at = new Date("2026-11-24T01:02:03.456Z");
    expect(decodeCursor(encodeCursor(at, "req_abc"))).toEqual({ createdAt: at, id: "req_abc" });
    expect(() => decodeCursor("not-a-cursor")).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from("1:x' OR 1=1").toString("base64url"))).toThrow(/cursor/);
  });

  it("classes statuses as the rollups count them", () => {
    expect([200, 400, 401, 429, 499, 500, 504].map(statusClassOf)).toEqual([
      "success",
      "client_error",
      "client_error",
      "rate_limited",
      "client_closed",
      "upstream_error",
      "upstream_error",
    ]);
  });

  it("explains each attempt: a failover, then the one that served", () => {
    const log = parseAttemptLog([
      {
        deploymentId: "dep_a",
        provider: "openai",
        upstreamModel: "gpt",
        outcome: "http_error",
        status: 429,
        retryAfter: 3,
        ms: 40,
      },
      { deploymentId: "dep_b", provider: "azure", upstreamModel: "gpt", outcome: "timeout", ms: 5000 },
      {
        deploymentId: "dep_c",
        provider: "backup",
        upstreamModel: "gpt",
        outcome: "ok",
        status: 200,
        ms: 300,
      },
    ]);
    expect(log.map((a) => a.reason)).toEqual([
      "Rate limited (429, retry after 3s); failed over to the next deployment",
      "Timed out; failed over to the next deployment",
      "Served the response",
    ]);
    expect(parseAttemptLog([{ outcome: "reset" }])[0]).toMatchObject({
      provider: "unknown",
      status: null,
      reason: "Connection reset; no deployment left to try",
    });
    expect(parseAttemptLog(null)).toEqual([]);
  });
});

describe("csvField", () => {
  it("quotes separators and defuses spreadsheet formulas, but leaves negative numbers alone", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("-0.5")).toBe("-0.5");
  });
});
