import { describe, expect, it } from "vitest";
import { account, accountingChecks } from "./report";
import { judgeJson, judgeStream, type SentRequest, type Try } from "./traffic";

const ok = (instance: string, generation: number, requestId: string, status = 200): Try => ({
  instance,
  generation,
  startedAt: 0,
  outcome: { kind: "response", status, requestId, verdict: status === 200 ? "ok" : "error" },
  errorCode: status === 200 ? undefined : "insufficient_quota",
});
const req = (n: number, ...tries: Try[]): SentRequest => ({
  n,
  keyIndex: 0,
  tenantId: "tnt_1",
  model: "m",
  stream: false,
  tries,
});
const rec = (id: string) => ({ id, status: 200, costMicros: 1n });

describe("soak accounting", () => {
  it("accounts answers, retries after a refusal and cuts by the SIGKILL; records checked by request id", () => {
    const killed = { instance: "B", generation: 1 };
    const sent = [
      req(0, ok("A", 1, "req_a")),
      req(1, ok("B", 1, "req_b_lost")), // answered by the killed process, record never flushed
      req(
        2,
        { ...ok("B", 2, "x"), outcome: { kind: "refused", code: "ECONNREFUSED" } },
        ok("A", 1, "req_c", 402),
      ),
      req(
        3,
        { ...ok("B", 1, "x"), outcome: { kind: "cut", code: "UND_ERR_SOCKET", gotHeaders: false } },
        ok("A", 1, "req_d"),
      ),
    ];
    const a = account(sent, [rec("req_a"), rec("req_c"), rec("req_d")], killed);
    expect(a.answered).toBe(4);
    expect(a.answeredByStatus.get(402)).toBe(1);
    expect(a.retried).toBe(2);
    expect(a.cutByKill).toBe(1);
    expect(a.records.expectedGraceful).toBe(3);
    expect(a.records.missingGraceful).toEqual([]);
    expect(a.records.lostWithKill).toBe(1);
    expect(accountingChecks(a).every((c) => c.pass)).toBe(true);
  });

  it("fails when a graceful instance's answer has no record, or a live instance cut a request", () => {
    const sent = [
      req(0, ok("A", 1, "req_a")),
      req(1, {
        ...ok("A", 1, "x"),
        outcome: { kind: "cut", code: "ECONNRESET", gotHeaders: true, status: 200 },
      }),
    ];
    const a = account(sent, [], null);
    expect(a.records.missingGraceful).toEqual([{ id: "req_a", status: 200 }]);
    expect(a.unclear).toHaveLength(1);
    const failing = accountingChecks(a)
      .filter((c) => !c.pass)
      .map((c) => c.name);
    expect(failing).toEqual([
      "every request accounted for",
      "usage record for every answer of a gracefully stopped instance",
    ]);
  });

  it("expects no record for answers refused before the key was verified", () => {
    const refused = (status: number, detail: string): Try => ({
      ...ok("A", 1, `req_${status}`, status),
      outcome: { kind: "response", status, requestId: `req_${status}`, verdict: "error", detail },
    });
    const sent = [
      req(0, refused(503, "Could not verify the API key right now; please retry.")),
      req(1, refused(503, "Credit could not be checked right now; please retry.")),
    ];
    const a = account(sent, [], null);
    expect(a.records.beforeAuth).toBe(1);
    expect(a.records.missingGraceful).toEqual([{ id: "req_503", status: 503 }]); // the credit 503 is recorded
  });

  it("flags records nobody was answered for beyond the requests cut by the SIGKILL", () => {
    const a = account([req(0, ok("A", 1, "req_a"))], [rec("req_a"), rec("req_ghost")], null);
    expect(a.records.unmatched).toBe(1);
    expect(accountingChecks(a).find((c) => c.name === "no usage record nobody asked for")!.pass).toBe(false);
  });
});

describe("response judging", () => {
  it("tells a full stream from one ended by an error event and from a cut one", () => {
    const chunk = (c: string) => `data: ${JSON.stringify({ choices: [{ delta: { content: c } }] })}\n\n`;
    expect(judgeStream(chunk("hi") + "data: [DONE]\n\n").verdict).toBe("ok");
    expect(
      judgeStream(
        chunk("hi") +
          `data: ${JSON.stringify({ error: { message: "upstream failed", type: "server_error", code: "upstream_error" } })}\n\ndata: [DONE]\n\n`,
      ),
    ).toEqual({ verdict: "stream_error", errorCode: "upstream_error" });
    expect(judgeStream(chunk("hi")).verdict).toBe("unclear");
  });

  it("accepts OpenAI-shaped errors only", () => {
    expect(
      judgeJson(
        402,
        JSON.stringify({
          error: { message: "no credit", type: "insufficient_quota", code: "insufficient_quota" },
        }),
      ),
    ).toMatchObject({
      verdict: "error",
      errorCode: "insufficient_quota",
    });
    expect(judgeJson(502, "Bad Gateway").verdict).toBe("unclear");
    expect(judgeJson(200, JSON.stringify({ choices: [{ message: { content: "hello" } }] })).verdict).toBe(
      "ok",
    );
  });
});
