import { describe, expect, it } from "vitest";
import { createMemoryStore } from "@/lib/store/memory";
import { AppError } from "@/lib/errors";
import { createSignInThrottle, throttleMessage } from "./throttle";

function setup(limits = { perEmail: 5, perAddress: 20, windowMs: 15 * 60_000 }) {
  let t = 1_000_000;
  const store = createMemoryStore({ now: () => t });
  const throttle = createSignInThrottle(store, limits);
  return { throttle, store, advance: (ms: number) => (t += ms) };
}

async function failures(throttle: ReturnType<typeof setup>["throttle"], n: number, email: string, addr: string) {
  for (let i = 0; i < n; i++) await throttle.recordFailure(email, addr);
}

describe("sign-in throttle", () => {
  it("allows attempts below the per-email limit and locks at it", async () => {
    const { throttle, store } = setup();
    await failures(throttle, 4, "a@example.com", "1.1.1.1");
    await expect(throttle.check("a@example.com", "1.1.1.1")).resolves.toBeUndefined();
    await failures(throttle, 1, "a@example.com", "1.1.1.1");
    const err = await throttle.check("a@example.com", "1.1.1.1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(429);
    expect((err as AppError).message).toBe("Too many failed sign-in attempts. Try again in 15 minutes.");
    expect((err as AppError).headers["Retry-After"]).toBe("900");
    await store.close();
  });

  it("locks an email from any address, case-insensitively", async () => {
    const { throttle, store } = setup();
    await failures(throttle, 5, "A@Example.com ", "1.1.1.1");
    await expect(throttle.check("a@example.com", "2.2.2.2")).rejects.toThrow(/Too many failed sign-in attempts/);
    await expect(throttle.check("b@example.com", "2.2.2.2")).resolves.toBeUndefined();
    await store.close();
  });

  it("locks an address after its limit across many emails", async () => {
    const { throttle, store } = setup();
    for (let i = 0; i < 20; i++) await throttle.recordFailure(`user${i}@example.com`, "9.9.9.9");
    await expect(throttle.check("fresh@example.com", "9.9.9.9")).rejects.toThrow(/Too many/);
    await expect(throttle.check("fresh@example.com", "8.8.8.8")).resolves.toBeUndefined();
    await store.close();
  });

  it("counts requests without an address under one shared bucket", async () => {
    const { throttle, store } = setup({ perEmail: 100, perAddress: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) await throttle.recordFailure(`u${i}@example.com`, "");
    await expect(throttle.check("x@example.com", "unknown")).rejects.toThrow(/Too many/);
    await store.close();
  });

  it("unlocks when the window ends and tells the remaining minutes meanwhile", async () => {
    const { throttle, advance, store } = setup();
    await failures(throttle, 5, "a@example.com", "1.1.1.1");
    advance(14 * 60_000 + 1);
    await expect(throttle.check("a@example.com", "1.1.1.1")).rejects.toThrow("Try again in 1 minute.");
    advance(60_000);
    await expect(throttle.check("a@example.com", "1.1.1.1")).resolves.toBeUndefined();
    await store.close();
  });

  it("resets the email's counter on success but keeps the address's", async () => {
    const { throttle, store } = setup({ perEmail: 3, perAddress: 5, windowMs: 60_000 });
    await failures(throttle, 2, "a@example.com", "1.1.1.1");
    await throttle.recordSuccess("a@example.com", "1.1.1.1");
    await failures(throttle, 2, "a@example.com", "1.1.1.1");
    await expect(throttle.check("a@example.com", "1.1.1.1")).resolves.toBeUndefined();
    await failures(throttle, 1, "b@example.com", "1.1.1.1");
    await expect(throttle.check("c@example.com", "1.1.1.1")).rejects.toThrow(/Too many/);
    await store.close();
  });

  it("words the message in whole minutes, rounding up", () => {
    expect(throttleMessage(1)).toBe("Too many failed sign-in attempts. Try again in 1 minute.");
    expect(throttleMessage(60_001)).toBe("Too many failed sign-in attempts. Try again in 2 minutes.");
  });
});
