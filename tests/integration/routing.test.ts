// Routing and resilience against fake upstreams with controlled faults: failover and circuits, a degrading
// provider losing traffic before it fails, 429 cooldowns, cost- and latency-aware strategies, region
// constraints, and metrics. The health tracker's clock is advanced by the test, never waited for.
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_BEHAVIOR } from "@/lib/fake-upstream/server";
import { renderMetrics, setHealthSource } from "@/lib/observability/metrics";
import { newId } from "@/lib/ids";
import { apiKeyHint, generateApiKey, hashApiKey } from "@/lib/tenancy/key-format";
import { saveWorkspacePolicy } from "@/lib/routing/policies";
import type { RoutingPolicyInput } from "@/lib/routing/policy";
import { createMemoryStore, type Store } from "@/lib/store";
import { getOperatorCtx } from "@/lib/tenancy/context";
import { startRelay, type Relay } from "./helpers/relay";

let relay: Relay;
let client: OpenAI;
let store: Store;

async function setPolicy(policy: RoutingPolicyInput): Promise<void> {
  const ctx = await getOperatorCtx(relay.db.prisma, relay.tenantId);
  await saveWorkspacePolicy(ctx, policy, "test", store);
}

async function deploymentIds(model: string): Promise<Record<string, string>> {
  const rows = await relay.db.prisma.deployment.findMany({ where: { model: { name: model } } });
  return Object.fromEntries(rows.map((d) => [d.upstreamModel, d.id]));
}

async function ask(
  model = "ha-test",
  extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {},
) {
  const { data, response } = await client.chat.completions
    .create({ model, messages: [{ role: "user", content: "hi" }], ...extra })
    .withResponse();
  return {
    text: data.choices[0]!.message.content,
    upstream: response.headers.get("x-switchyard-upstream-model"),
    attempts: Number(response.headers.get("x-switchyard-attempts")),
  };
}

beforeAll(async () => {
  store = createMemoryStore();
  relay = await startRelay({
    store,
    timeouts: { firstTokenMs: 2000, idleMs: 2000, totalMs: 5000 },
    health: { windowMs: 60_000, coolOffMs: 10_000 },
  });
  client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
});
afterAll(async () => {
  await relay?.close();
});
beforeEach(async () => {
  relay.primary.setBehavior(DEFAULT_BEHAVIOR);
  relay.backup.setBehavior(DEFAULT_BEHAVIOR);
  await setPolicy({ rules: [{ match: "*", strategy: { type: "priority" } }] });
  relay.advance(10 * 60_000); // forget the previous test's health: windows, cooldowns and circuits expire
});

describe("failover and circuit breaking", () => {
  it("serves every request through B while A is hard down, and opens A's circuit", async () => {
    const ids = await deploymentIds("ha-test");
    relay.primary.setBehavior({ reset: true });
    const served = [];
    for (let i = 0; i < 12; i++) served.push(await ask());
    expect(served.every((s) => s.upstream === "b-model" && s.text?.includes("hi"))).toBe(true);
    expect(relay.health.snapshot(ids["a-model"]!).circuit).toBe("open");
    // Once open, A is not even tried.
    expect(served.at(-1)!.attempts).toBe(1);
    const before = relay.primary.stats().requests;
    await ask();
    expect(relay.primary.stats().requests).toBe(before);

    // A comes back: after the cool-off the circuit is half-open, a trial request succeeds and closes it.
    relay.primary.setBehavior(DEFAULT_BEHAVIOR);
    relay.advance(11_000);
    expect(relay.health.snapshot(ids["a-model"]!).circuit).toBe("half-open");
    expect(await ask()).toMatchObject({ upstream: "a-model", attempts: 1 });
    expect(relay.health.snapshot(ids["a-model"]!).circuit).toBe("closed");
  });

  it("keeps a deployment out of rotation for a 429's Retry-After, then uses it again", async () => {
    relay.primary.setBehavior({ failStatus: 429, retryAfterSec: 5, failTimes: 1 });
    expect(await ask()).toMatchObject({ upstream: "b-model", attempts: 2 });
    expect(await ask()).toMatchObject({ upstream: "b-model", attempts: 1 }); // A cooling down: not tried
    relay.advance(4_000);
    expect(await ask()).toMatchObject({ upstream: "b-model", attempts: 1 });
    relay.advance(1_500);
    expect(await ask()).toMatchObject({ upstream: "a-model", attempts: 1 });
  });

  it("fails a stalled stream over within the policy's time-to-first-token timeout", async () => {
    await setPolicy({
      rules: [{ match: "ha-test", strategy: { type: "priority" }, timeouts: { firstTokenMs: 300 } }],
    });
    relay.primary.setBehavior({ stall: true });
    const { data, response } = await client.chat.completions
      .create({ model: "ha-test", messages: [{ role: "user", content: "hi" }], stream: true })
      .withResponse();
    let text = "";
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("hi");
    expect(response.headers.get("x-switchyard-upstream-model")).toBe("b-model");
    await relay.usage.flush();
    const rec = await relay.db.prisma.usageRecord.findFirstOrThrow({
      where: { id: response.headers.get("x-request-id")! },
    });
    expect(rec.attemptLog).toMatchObject([
      { upstreamModel: "a-model", outcome: "timeout" },
      { outcome: "ok" },
    ]);
  });
});

describe("health-aware routing", () => {
  it("shifts traffic away from a slowly degrading deployment before clients feel it, and back after recovery", async () => {
    const boundMs = 250;
    await setPolicy({
      rules: [{ match: "ha-test", strategy: { type: "cost-within-latency", maxP95TtftMs: boundMs } }],
    });
    relay.primary.setBehavior({ latencyMs: 5, degradeMsPerRequest: 12 }); // A, the cheaper one, gets slower and slower
    const latencies: number[] = [];
    const servedBy: string[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const r = await ask();
      latencies.push(performance.now() - t0);
      servedBy.push(r.upstream!);
      relay.advance(1_500); // about a minute of traffic
    }
    const firstB = servedBy.indexOf("b-model");
    expect(firstB).toBeGreaterThan(0); // A served while healthy...
    expect(servedBy.slice(firstB + 1).filter((s) => s === "a-model").length).toBeLessThan(3); // ...then lost its traffic
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(0.95 * (sorted.length - 1))]).toBeLessThan(boundMs); // clients' p95 stayed under the bound

    // A recovers: once its slow samples age out of the window it gets its traffic back.
    relay.primary.setBehavior({ latencyMs: 0, degradeMsPerRequest: 0 });
    relay.advance(2 * 60_000);
    const after = [];
    for (let i = 0; i < 5; i++) after.push((await ask()).upstream);
    expect(after.filter((s) => s === "a-model").length).toBeGreaterThanOrEqual(4);
  });

  it("lowest-cost sends traffic to the cheaper of two equal deployments", async () => {
    await setPolicy({ rules: [{ match: "ha-test", strategy: { type: "lowest-cost" } }] });
    const served = [];
    for (let i = 0; i < 6; i++) served.push((await ask()).upstream);
    expect(served).toEqual(Array(6).fill("a-model"));
  });

  it("cost-within-latency leaves the cheaper deployment when its p95 exceeds the bound", async () => {
    await setPolicy({
      rules: [{ match: "ha-test", strategy: { type: "cost-within-latency", maxP95TtftMs: 100 } }],
    });
    relay.primary.setBehavior({ latencyMs: 150 });
    const served = [];
    for (let i = 0; i < 10; i++) served.push((await ask()).upstream);
    expect(served[0]).toBe("a-model"); // no latency known yet: the cheaper one
    expect(served.slice(-3)).toEqual(["b-model", "b-model", "b-model"]);
  });

  it("per-request preferences narrow the policy: provider.only and the cost header", async () => {
    const only = await client.chat.completions
      .create({
        model: "ha-test",
        messages: [{ role: "user", content: "hi" }],
        // @ts-expect-error OpenRouter's routing field, not in OpenAI's types
        provider: { only: ["fake-backup"] },
      })
      .withResponse();
    expect(only.response.headers.get("x-switchyard-upstream-model")).toBe("b-model");
    await expect(
      client.chat.completions.create({
        model: "ha-test",
        messages: [{ role: "user", content: "hi" }],
        // @ts-expect-error as above
        provider: { only: ["nowhere"] },
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe("region constraints", () => {
  it("never reaches an out-of-region deployment, even when the in-region ones are down", async () => {
    await setPolicy({ region: ["eu"], rules: [{ match: "*", strategy: { type: "priority" } }] });
    const before = relay.primary.stats().requests;
    expect(await ask("region-test")).toMatchObject({ upstream: "eu-model" });
    relay.backup.setBehavior({ failStatus: 503 }); // the only EU deployment is down
    const err = await ask("region-test").catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    expect(relay.primary.stats().requests).toBe(before); // the US deployment was never called
    // A model with no deployment in the region at all: a clear 403 naming the constraint.
    await expect(ask("gpt-test")).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/region/i),
    });
  });
});

describe("metrics", () => {
  it("exposes requests, latency, tokens, failovers, circuits, health scores and rate-limit rejections", async () => {
    relay.primary.setBehavior({ failStatus: 500, failTimes: 1 });
    await ask();
    // A key limited to one request a minute: the second is refused and counted.
    const limitedKey = generateApiKey();
    await relay.db.prisma.apiKey.create({
      data: {
        id: newId("key"),
        tenantId: relay.tenantId,
        name: "limited",
        hash: hashApiKey(limitedKey),
        hint: apiKeyHint(limitedKey),
        rpmLimit: 1,
      },
    });
    const limited = new OpenAI({ baseURL: relay.baseURL, apiKey: limitedKey, maxRetries: 0 });
    await limited.chat.completions.create({ model: "ha-test", messages: [{ role: "user", content: "hi" }] });
    await expect(
      limited.chat.completions.create({ model: "ha-test", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 429 });
    // The server entry wires the health tracker into the metrics the same way.
    setHealthSource(() =>
      relay.health.snapshots().map((h) => ({
        deploymentId: h.deploymentId,
        provider: "fake",
        circuit: h.circuit === "half-open" ? "half_open" : h.circuit,
        score: h.score,
        cooldownUntil: h.cooldownUntil,
      })),
    );
    const { body } = await renderMetrics();
    const names = new Set(
      body
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(l)![1]!),
    );
    for (const name of [
      "switchyard_requests_total",
      "switchyard_request_duration_seconds_bucket",
      "switchyard_tokens_total",
      "switchyard_failovers_total",
      "switchyard_time_to_first_token_seconds_bucket",
      "switchyard_circuit_state",
      "switchyard_deployment_health_score",
      "switchyard_rate_limit_rejections_total",
    ]) {
      expect(names, name).toContain(name);
    }
    expect(body).toMatch(/switchyard_failovers_total\{[^}]*reason="5xx"[^}]*\} [1-9]/);
    expect(body).toMatch(/switchyard_requests_total\{[^}]*status="200"[^}]*\} [1-9]/);
    expect(body).toMatch(/switchyard_rate_limit_rejections_total\{[^}]*scope="key"[^}]*\} 1/);
    expect(body).toMatch(/switchyard_deployment_health_score\{[^}]*\} (0|1|0\.\d+)/);
    setHealthSource(null);
  });
});
