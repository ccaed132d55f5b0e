import { describe, expect, it } from "vitest";
import { bucketList, calendarPeriods, dayStart, resolveRange } from "./range";
import { startOfDay, zonedTime } from "./zone";

const NY = "America/New_York";

describe("zone math", () => {
  it("finds midnight in New York on both sides of the November DST change", () => {
    expect(zonedTime(NY, 2026, 10, 31).toISOString()).toBe("2026-10-31T04:00:00.000Z"); // EDT, -4
    expect(zonedTime(NY, 2026, 11, 1).toISOString()).toBe("2026-11-01T04:00:00.000Z"); // still EDT at midnight
    expect(zonedTime(NY, 2026, 11, 2).toISOString()).toBe("2026-11-02T05:00:00.000Z"); // EST, -5
  });

  it("resolves an hour skipped by DST forward and a repeated hour to its first instant", () => {
    expect(zonedTime(NY, 2026, 3, 8, 2).toISOString()).toBe("2026-03-08T07:00:00.000Z"); // 03:00 EDT
    expect(zonedTime(NY, 2026, 11, 1, 1).toISOString()).toBe("2026-11-01T05:00:00.000Z"); // first 01:00 (EDT)
  });

  it("rolls a day past the month's end over", () => {
    expect(zonedTime("UTC", 2026, 11, 31).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(startOfDay(new Date("2026-12-31T23:30:00Z"), "Asia/Tokyo").toISOString()).toBe(
      "2026-12-31T15:00:00.000Z",
    );
  });
});

describe("resolveRange", () => {
  const now = new Date("2026-11-24T15:20:00Z"); // 10:20 in New York

  it("24h: the last 24 whole hours including the current one, previous = the 24 before", () => {
    const r = resolveRange({ range: "24h" }, NY, now);
    expect(r.from.toISOString()).toBe("2026-11-23T16:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-11-24T16:00:00.000Z");
    expect(r.previous).toEqual({ from: new Date("2026-11-22T16:00:00Z"), to: r.from });
    expect(r.bucket).toBe("hour");
    expect(r.buckets).toHaveLength(24);
    expect(r.buckets[0]).toBe("2026-11-23 11:00");
    expect(r.buckets[23]).toBe("2026-11-24 10:00");
  });

  it("7d: seven calendar days in the zone, today included", () => {
    const r = resolveRange({ range: "7d" }, NY, now);
    expect(r.from.toISOString()).toBe("2026-11-18T05:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-11-25T05:00:00.000Z");
    expect(r.buckets).toEqual([
      "2026-11-18",
      "2026-11-19",
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
      "2026-11-23",
      "2026-11-24",
    ]);
    expect(r.previous.from.toISOString()).toBe("2026-11-11T05:00:00.000Z");
    expect(r.previous.to).toEqual(r.from);
  });

  it("30d across the DST change: previous period in calendar days, each day starting at local midnight", () => {
    const r = resolveRange({ range: "30d" }, NY, now);
    expect(r.from.toISOString()).toBe("2026-10-26T04:00:00.000Z"); // EDT
    expect(r.buckets).toHaveLength(30);
    expect(r.previous.from.toISOString()).toBe("2026-09-26T04:00:00.000Z");
    expect(r.lastDay).toBe("2026-11-24");
  });

  it("custom: both days included; rejects reversed and missing bounds", () => {
    const r = resolveRange({ range: "custom", from: "2026-11-01", to: "2026-11-02" }, NY, now);
    expect(r.from.toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-11-03T05:00:00.000Z"); // 49 hours: Nov 1 has 25
    expect(r.buckets).toEqual(["2026-11-01", "2026-11-02"]);
    expect(r.previous.from.toISOString()).toBe("2026-10-30T04:00:00.000Z");
    expect(() => resolveRange({ range: "custom", from: "2026-11-05", to: "2026-11-01" }, NY, now)).toThrow(
      /end on or after/,
    );
    expect(() => resolveRange({ range: "custom", from: "2026-11-05" }, NY, now)).toThrow(/both from and to/);
    expect(() => resolveRange({ range: "custom", from: "2020-01-01", to: "2026-11-01" }, NY, now)).toThrow(
      /at most/,
    );
  });

  it("hour buckets are UTC hours: a wall-clock hour repeated by DST appears twice", () => {
    const { buckets, bucketStarts } = bucketList(
      new Date("2026-11-01T04:00:00Z"),
      new Date("2026-11-01T08:00:00Z"),
      "hour",
      NY,
    );
    expect(buckets).toEqual(["2026-11-01 00:00", "2026-11-01 01:00", "2026-11-01 01:00", "2026-11-01 02:00"]);
    expect(bucketStarts[2]!.toISOString()).toBe("2026-11-01T06:00:00.000Z");
  });

  it("dayStart reads a YYYY-MM-DD day in the zone", () => {
    expect(dayStart("2026-11-24", NY).toISOString()).toBe("2026-11-24T05:00:00.000Z");
    expect(dayStart("2026-11-24", "UTC", 1).toISOString()).toBe("2026-11-25T00:00:00.000Z");
  });
});

describe("calendarPeriods", () => {
  it("today and this month so far, against the same span yesterday and last month", () => {
    const p = calendarPeriods(NY, new Date("2026-11-24T15:20:00Z"));
    expect(p.today).toEqual({ from: new Date("2026-11-24T05:00:00Z"), to: new Date("2026-11-24T16:00:00Z") });
    expect(p.sameTimeYesterday).toEqual({
      from: new Date("2026-11-23T05:00:00Z"),
      to: new Date("2026-11-23T16:00:00Z"),
    });
    expect(p.month.from.toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(p.sameTimeLastMonth.from.toISOString()).toBe("2026-10-01T04:00:00.000Z");
    // 24 days minus 1 DST hour elapsed since Nov 1: the same span from Oct 1
    expect(p.sameTimeLastMonth.to.getTime() - p.sameTimeLastMonth.from.getTime()).toBe(
      p.month.to.getTime() - p.month.from.getTime(),
    );
  });
});
