import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory";

describe("memory store", () => {
  it("counts within a fixed window and restarts after the TTL", async () => {
    let t = 0;
    const store = createMemoryStore({ now: () => t });
    expect(await store.incr("a", 1_000)).toEqual({ value: 1, resetInMs: 1_000 });
    t = 400;
    expect(await store.incr("a", 1_000, 5)).toEqual({ value: 6, resetInMs: 600 });
    t = 1_000;
    expect(await store.incr("a", 1_000)).toEqual({ value: 1, resetInMs: 1_000 });
    await store.close();
  });

  it("delivers published messages to subscribers until they unsubscribe", async () => {
    const store = createMemoryStore();
    const got: string[] = [];
    const stop = await store.subscribe("ch", (m) => got.push(m));
    await store.publish("ch", "one");
    await store.publish("other", "x");
    await stop();
    await store.publish("ch", "two");
    expect(got).toEqual(["one"]);
    await store.close();
  });
});
