// The fake's list-models answers (what the operator console's "test connection" calls), per protocol.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviders, type FakeUpstream } from "./index";

describe("fake upstream: GET models", () => {
  let fake: FakeUpstream;
  beforeAll(async () => {
    fake = await startFakeProviders();
  });
  afterAll(async () => {
    await fake.close();
  });

  it("lists OpenAI models with a bearer key and refuses an invalid one", async () => {
    const ok = await fetch(`${fake.url}/v1/models`, { headers: { authorization: "Bearer sk-good" } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain("fake-gpt");
    const bad = await fetch(`${fake.url}/v1/models`, { headers: { authorization: "Bearer sk-invalid" } });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
  });

  it("lists Anthropic models with x-api-key and anthropic-version", async () => {
    const res = await fetch(`${fake.url}/v1/models`, {
      headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: [{ type: "model", id: "claude-fake" }], has_more: false });
    const noVersion = await fetch(`${fake.url}/v1/models`, { headers: { "x-api-key": "k" } });
    expect(noVersion.status).toBe(401);
  });

  it("lists Gemini models with x-goog-api-key, and refuses no key", async () => {
    const res = await fetch(`${fake.url}/v1beta/models`, { headers: { "x-goog-api-key": "k" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ models: [{ name: "models/gemini-fake" }] });
    expect((await fetch(`${fake.url}/v1beta/models`)).status).toBe(401);
  });

  it("answers the configured failure status", async () => {
    fake.setBehavior({ failStatus: 503 });
    const res = await fetch(`${fake.url}/v1/models`, { headers: { authorization: "Bearer k" } });
    fake.setBehavior({ failStatus: null });
    expect(res.status).toBe(503);
  });
});
