// Rate limits on sign-up and invitations (lib/auth/rate-limit.ts): the real sign-up route handler on PostgreSQL
// with the process store, and the invitation limits on Redis shared by two instances.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACTION_LIMITS, consumeAction } from "@/lib/auth/rate-limit";
import { closeDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { closeStore, createRedisStore } from "@/lib/store";
import { createTestDatabase, type TestDatabase } from "./helpers/db";

const PASSWORD = "Correct-Horse-42";

describe("sign-up route limits", () => {
  let db: TestDatabase;
  let POST: (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

  beforeAll(async () => {
    db = await createTestDatabase("postgres");
    vi.stubEnv("DATABASE_URL", db.url!);
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("SIGNUP_LIMIT_PER_ADDRESS", "3");
    resetEnvCache();
    ({ POST } = await import("@/app/api/signup/route"));
  });
  afterAll(async () => {
    await closeDb();
    await closeStore();
    await db.drop();
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  const signUp = (email: string, address: string) =>
    POST(
      new Request("http://localhost/api/signup", {
        method: "POST",
        headers: { "content-type": "application/json", "x-switchyard-client-ip": address },
        body: JSON.stringify({ email, password: PASSWORD }),
      }),
      { params: Promise.resolve({}) },
    );
  const tag = randomBytes(4).toString("hex");

  it("lets an address sign up to its limit, then answers 429 with Retry-After; other addresses still pass", async () => {
    for (let i = 0; i < 3; i++)
      expect((await signUp(`a${i}-${tag}@example.test`, "10.0.0.1")).status).toBe(201);
    const refused = await signUp(`a3-${tag}@example.test`, "10.0.0.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(await refused.json()).toEqual({
      error: {
        message: "Too many sign-up attempts. Try again in 60 minutes.",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        param: null,
      },
    });
    expect((await signUp(`b0-${tag}@example.test`, "10.0.0.2")).status).toBe(201);
    expect(await db.prisma.user.count({ where: { email: { endsWith: `${tag}@example.test` } } })).toBe(4);
  });

  it("limits attempts at one email whatever the address", async () => {
    const email = `target-${tag}@example.test`;
    const perEmail = ACTION_LIMITS.signup.perSubject;
    const statuses: number[] = [];
    for (let i = 0; i <= perEmail; i++) statuses.push((await signUp(email, `10.1.0.${i}`)).status);
    expect(statuses[0]).toBe(201);
    expect(statuses.slice(1, perEmail)).toEqual(Array(perEmail - 1).fill(409));
    expect(statuses[perEmail]).toBe(429);
  });
});

describe("invitation limits on Redis, shared by two instances", () => {
  const prefix = `sy-test-${randomBytes(4).toString("hex")}:`;
  const a = createRedisStore({ url: "redis://127.0.0.1:6379", prefix });
  const b = createRedisStore({ url: "redis://127.0.0.1:6379", prefix });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it("refuses the workspace's invitation past its limit, counted across instances", async () => {
    const limit = ACTION_LIMITS["invitation.create"].perSubject;
    for (let i = 0; i < limit; i++) {
      await consumeAction(i % 2 ? a : b, "invitation.create", {
        address: `10.2.0.${i % 7}`,
        subject: "tnt_one",
      });
    }
    const err = await consumeAction(a, "invitation.create", {
      address: "10.2.0.99",
      subject: "tnt_one",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(429);
    expect((err as AppError).message).toMatch(/^Too many invitations sent\. Try again in \d+ minutes?\.$/);
    expect(Number((err as AppError).headers["Retry-After"])).toBeGreaterThan(0);
    // Another workspace is not affected.
    await expect(
      consumeAction(b, "invitation.create", { address: "10.2.0.98", subject: "tnt_two" }),
    ).resolves.toBeUndefined();
  });

  it("limits one user's acceptance attempts (token guessing) and one address's", async () => {
    const { perSubject, perAddress } = ACTION_LIMITS["invitation.accept"];
    for (let i = 0; i < perSubject; i++) {
      await consumeAction(a, "invitation.accept", { address: `10.3.0.${i}`, subject: "usr_guesser" });
    }
    await expect(
      consumeAction(b, "invitation.accept", { address: "10.3.1.1", subject: "usr_guesser" }),
    ).rejects.toMatchObject({ status: 429 });
    for (let i = 0; i < perAddress; i++) {
      await consumeAction(b, "invitation.accept", { address: "10.3.9.9", subject: `usr_${i}` });
    }
    await expect(
      consumeAction(a, "invitation.accept", { address: "10.3.9.9", subject: "usr_fresh" }),
    ).rejects.toMatchObject({ status: 429 });
    await expect(
      consumeAction(a, "invitation.accept", { address: "10.3.9.10", subject: "usr_fresh" }),
    ).resolves.toBeUndefined();
  });
});
