// No secret in any log: a realistic flow (relay traffic with good, bad and pasted-session keys, failing upstreams,
// password sign-ins with lockout, CLI runs) with everything the process writes captured at LOG_LEVEL=debug, then
// searched for every secret involved. lib/observability/log.ts redacts; this proves it holds end to end.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { encode } from "next-auth/jwt";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import { resetLogLevel } from "@/lib/observability/log";
import { resetSecretsCache } from "@/lib/secrets";
import { closeStore } from "@/lib/store";
import { createUserWithWorkspace } from "@/lib/tenancy/users";
import { startRelay, type Relay } from "./helpers/relay";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PROVIDER_KEYS = ["sk-fake-openai", "sk-ant-fake", "gemini-fake-key", "sk-fake-backup"]; // helpers/relay.ts
const PASSWORD = "Hunter2-very-secret-pw";
const MASTER_KEY = randomBytes(32);
const NEW_MASTER_KEY = randomBytes(32);
const AUTH_SECRET = `auth-${randomBytes(24).toString("base64url")}`;

describe("no secret in any log", () => {
  let relay: Relay;
  let captured = "";
  const restore: Array<() => void> = [];
  const secrets: Record<string, string> = {};

  function capture() {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = original as typeof stream.write));
    }
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      const spy = vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        captured += args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") + "\n";
      });
      restore.push(() => spy.mockRestore());
    }
  }

  beforeAll(async () => {
    relay = await startRelay({ kind: "postgres" });
    vi.stubEnv("LOG_LEVEL", "debug");
    vi.stubEnv("DATABASE_URL", relay.db.url!);
    vi.stubEnv("REDIS_URL", "");
    vi.stubEnv("MASTER_KEY", MASTER_KEY.toString("base64"));
    vi.stubEnv("AUTH_SECRET", AUTH_SECRET);
    resetEnvCache();
    resetSecretsCache();
    resetLogLevel();
    capture();
  });

  afterAll(async () => {
    for (const r of restore.reverse()) r();
    await closeDb();
    await closeStore();
    await relay?.close();
    vi.unstubAllEnvs();
    resetEnvCache();
    resetSecretsCache();
    resetLogLevel();
  });

  it("runs the flow", async () => {
    secrets["API key"] = relay.key;
    secrets["unknown API key"] = `sk-sy-${randomBytes(32).toString("base64url").slice(0, 43)}`;
    secrets["session token"] = await encode({
      token: { sub: "usr_x", email: "a@example.test" },
      secret: AUTH_SECRET,
    });
    const client = (apiKey: string) => new OpenAI({ baseURL: relay.baseURL, apiKey, maxRetries: 0 });
    const chat = { model: "gpt-test", messages: [{ role: "user" as const, content: "hi" }] };

    // Good traffic, streamed and not.
    await client(relay.key).chat.completions.create(chat);
    const stream = await client(relay.key).chat.completions.create({ ...chat, stream: true });
    for await (const _ of stream) void _;
    // Bad keys, a session token pasted as an API key.
    for (const bad of [secrets["unknown API key"]!, secrets["session token"]!]) {
      await expect(client(bad).chat.completions.create(chat)).rejects.toMatchObject({ status: 401 });
    }
    // Failing upstreams: 500s, then resets, then a failover that works.
    relay.primary.setBehavior({ failStatus: 500 });
    await expect(client(relay.key).chat.completions.create(chat)).rejects.toBeDefined();
    await expect(
      client(relay.key).chat.completions.create({ ...chat, model: "claude-test" }),
    ).rejects.toBeDefined();
    relay.primary.setBehavior({ failStatus: null, reset: true });
    await expect(
      client(relay.key).chat.completions.create({ ...chat, model: "gemini-test" }),
    ).rejects.toBeDefined();
    await client(relay.key).chat.completions.create({ ...chat, model: "failover-test" });
    relay.primary.setBehavior({ reset: false });

    // Password sign-ins: wrong, locked out, right.
    const { getAuthOptions } = await import("@/lib/auth/options");
    const provider = getAuthOptions().providers[0] as unknown as {
      options: { authorize(c: Record<string, string>, req: unknown): Promise<unknown> };
    };
    const email = `logs-${randomBytes(4).toString("hex")}@example.test`;
    await createUserWithWorkspace(relay.db.prisma, { email, password: PASSWORD });
    const req = { headers: { "x-switchyard-client-ip": "10.9.9.9" } };
    for (let i = 0; i < 6; i++) {
      await expect(
        provider.options.authorize({ email, password: `${PASSWORD}-wrong${i}` }, req),
      ).rejects.toThrow();
    }
    const other = `logs2-${randomBytes(4).toString("hex")}@example.test`;
    await createUserWithWorkspace(relay.db.prisma, { email: other, password: PASSWORD });
    await expect(
      provider.options.authorize({ email: other, password: PASSWORD }, req),
    ).resolves.toMatchObject({
      email: other,
    });

    // CLI runs: a user created with a password, a rotation refused for a wrong old key.
    const env = {
      ...process.env,
      DATABASE_URL: relay.db.url!,
      MASTER_KEY: MASTER_KEY.toString("base64"),
      AUTH_SECRET,
      LOG_LEVEL: "debug",
    };
    const runs = [
      [
        "user",
        "create",
        "--email",
        `cli-${randomBytes(4).toString("hex")}@example.test`,
        "--password",
        PASSWORD,
      ],
      [
        "secrets",
        "rotate-master-key",
        "--new-key",
        NEW_MASTER_KEY.toString("hex"),
        "--old-key",
        randomBytes(32).toString("hex"),
      ],
    ];
    for (const args of runs) {
      const r = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/cli.ts", ...args], {
        cwd: ROOT,
        env,
        encoding: "utf8",
        timeout: 60_000,
      });
      captured += `${r.stdout}\n${r.stderr}\n`;
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(args[0] === "user" ? 0 : 1);
    }
  });

  it("never wrote any of the secrets", () => {
    expect(captured.length).toBeGreaterThan(500); // the flow did log (debug level, failures, CLI output)
    expect(captured).toContain("does not open"); // the refused rotation's message reached the capture
    const all: Record<string, string> = {
      ...secrets,
      password: PASSWORD,
      "auth secret": AUTH_SECRET,
      "master key (base64)": MASTER_KEY.toString("base64"),
      "master key (hex)": MASTER_KEY.toString("hex"),
      "new master key (hex)": NEW_MASTER_KEY.toString("hex"),
      ...Object.fromEntries(PROVIDER_KEYS.map((k) => [`provider key ${k}`, k])),
    };
    const leaked = Object.entries(all)
      .filter(([, value]) => captured.includes(value))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
