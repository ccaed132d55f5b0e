import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  monthPeriod,
  parseMonth,
  statementCsv,
  statementFilename,
  zeroTotals,
  zoneOffsetMinutes,
  type Statement,
} from "./statements";

const iso = (p: { from: Date; to: Date }) => [p.from.toISOString(), p.to.toISOString()];

describe("parseMonth", () => {
  it("accepts YYYY-MM", () => {
    expect(parseMonth("2026-11")).toEqual({ year: 2026, month: 11 });
    expect(parseMonth("2027-01")).toEqual({ year: 2027, month: 1 });
  });

  it.each(["2026-13", "2026-00", "2026-1", "26-11", "2026-11-01", "", "abcd-ef", "1999-12"])(
    "refuses %j with a 400 naming the month",
    (m) => {
      try {
        parseMonth(m);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
        expect((err as AppError).param).toBe("month");
      }
    },
  );
});

describe("zoneOffsetMinutes", () => {
  it("reads the zone's offset at an instant, DST included", () => {
    expect(zoneOffsetMinutes(Date.UTC(2026, 0, 15), "Europe/Paris")).toBe(60);
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 15), "Europe/Paris")).toBe(120);
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 15), "America/New_York")).toBe(-240);
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 15), "Asia/Kolkata")).toBe(330);
    expect(zoneOffsetMinutes(Date.UTC(2026, 6, 15), "UTC")).toBe(0);
  });
});

describe("monthPeriod", () => {
  it("is the calendar month in UTC", () => {
    expect(iso(monthPeriod("2026-11", "UTC"))).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-12-01T00:00:00.000Z",
    ]);
  });

  it("rolls December over into the next year", () => {
    expect(iso(monthPeriod("2026-12", "UTC"))).toEqual([
      "2026-12-01T00:00:00.000Z",
      "2027-01-01T00:00:00.000Z",
    ]);
  });

  it("follows the zone's offset at each boundary (Paris: winter both ends)", () => {
    expect(iso(monthPeriod("2026-11", "Europe/Paris"))).toEqual([
      "2026-10-31T23:00:00.000Z",
      "2026-11-30T23:00:00.000Z",
    ]);
  });

  it("uses each boundary's own offset when DST changes inside the month (Paris, March)", () => {
    expect(iso(monthPeriod("2026-03", "Europe/Paris"))).toEqual([
      "2026-02-28T23:00:00.000Z",
      "2026-03-31T22:00:00.000Z",
    ]);
  });

  it("handles zones west of UTC on the day DST ends (New York, 2026-11-01)", () => {
    expect(iso(monthPeriod("2026-11", "America/New_York"))).toEqual([
      "2026-11-01T04:00:00.000Z",
      "2026-12-01T05:00:00.000Z",
    ]);
  });

  it("handles zones a day ahead (Auckland, January)", () => {
    expect(iso(monthPeriod("2026-01", "Pacific/Auckland"))).toEqual([
      "2025-12-31T11:00:00.000Z",
      "2026-01-31T11:00:00.000Z",
    ]);
  });

  it("rounds half- and quarter-hour zones down to the whole UTC hour (the rollup bucket)", () => {
    // Local midnight in Kolkata (+05:30) is 18:30 UTC; Kathmandu (+05:45) 18:15 UTC: both buckets start at 18:00.
    expect(iso(monthPeriod("2026-11", "Asia/Kolkata"))).toEqual([
      "2026-10-31T18:00:00.000Z",
      "2026-11-30T18:00:00.000Z",
    ]);
    expect(iso(monthPeriod("2026-11", "Asia/Kathmandu"))).toEqual([
      "2026-10-31T18:00:00.000Z",
      "2026-11-30T18:00:00.000Z",
    ]);
  });

  it("makes consecutive months meet exactly", () => {
    for (const tz of ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"]) {
      expect(monthPeriod("2026-10", tz).to.getTime()).toBe(monthPeriod("2026-11", tz).from.getTime());
    }
  });

  it("treats an unknown zone as UTC", () => {
    expect(iso(monthPeriod("2026-11", "Mars/Olympus"))).toEqual(iso(monthPeriod("2026-11", "UTC")));
  });
});

describe("statementCsv", () => {
  const zero = zeroTotals();
  const s: Statement = {
    workspace: { id: "tnt_1", slug: "acme", name: 'Acme, "Inc"' },
    month: "2026-11",
    timeZone: "UTC",
    from: new Date("2026-11-01T00:00:00Z"),
    to: new Date("2026-12-01T00:00:00Z"),
    generatedAt: new Date("2026-12-02T10:00:00Z"),
    byModel: [
      {
        ...zero,
        model: "=evil",
        requests: 2,
        inputTokens: 10n,
        outputTokens: 5n,
        costMicros: 1_100_000n,
        providerCostMicros: 1_000_000n,
      },
    ],
    byKey: [],
    totals: {
      ...zero,
      requests: 2,
      inputTokens: 10n,
      outputTokens: 5n,
      costMicros: 1_100_000n,
      providerCostMicros: 1_000_000n,
    },
    ledger: {
      openingBalanceMicros: 0n,
      closingBalanceMicros: 3_900_000n,
      entries: [
        {
          id: "led_1",
          createdAt: new Date("2026-11-03T12:00:00Z"),
          kind: "topup",
          description: "Top-up\nby card",
          reference: "pi_1",
          amountMicros: 5_000_000n,
        },
      ],
      usage: { entries: 1, requestCount: 2, amountMicros: -1_100_000n },
      byKind: { topup: 5_000_000n, refund: 0n, grant: 0n, adjustment: 0n, usage: -1_100_000n },
      netMicros: 3_900_000n,
    },
  };

  it("writes the header block then the sections, CRLF, quoted where needed", () => {
    const csv = statementCsv(s);
    expect(csv).toBe(
      [
        "Switchyard statement",
        `Workspace,"Acme, ""Inc"""`,
        "Workspace slug,acme",
        "Month,2026-11",
        "Time zone,UTC",
        "Period start (UTC),2026-11-01T00:00:00.000Z",
        "Period end (UTC),2026-12-01T00:00:00.000Z",
        "Generated at (UTC),2026-12-02T10:00:00.000Z",
        "Currency,USD",
        "Opening balance (USD),0.000000",
        "Closing balance (USD),3.900000",
        "",
        "Usage by model",
        "Model,Requests,Input tokens,Cached input tokens,Cache write tokens,Output tokens,Provider cost (USD),Charged (USD)",
        "'=evil,2,10,0,0,5,1.000000,1.100000",
        "Total,2,10,0,0,5,1.000000,1.100000",
        "",
        "Usage by API key",
        "API key,Key id,Requests,Input tokens,Cached input tokens,Cache write tokens,Output tokens,Provider cost (USD),Charged (USD)",
        "Total,,2,10,0,0,5,1.000000,1.100000",
        "",
        "Ledger movements",
        "Date (UTC),Kind,Description,Reference,Amount (USD)",
        `2026-11-03T12:00:00.000Z,topup,"Top-up\nby card",pi_1,5.000000`,
        ",usage,Usage charges (2 requests in 1 batches),,-1.100000",
        "",
        "Totals by kind",
        "Kind,Amount (USD)",
        "Top-ups,5.000000",
        "Refunds,0.000000",
        "Grants,0.000000",
        "Adjustments,0.000000",
        "Usage charges,-1.100000",
        "Net,3.900000",
        "",
      ].join("\r\n"),
    );
  });

  it("names the file after the workspace and month", () => {
    expect(statementFilename("acme-x1", "2026-11")).toBe("switchyard-acme-x1-2026-11.csv");
  });
});
