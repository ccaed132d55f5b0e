// The relay end to end with the official `openai` SDK as the client, for each protocol through the fake upstream.
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_BEHAVIOR } from "@/lib/fake-upstream/server";
import { startRelay, type Relay } from "./helpers/relay";

let relay: Relay;
let client: OpenAI;

beforeAll(async () => {
  relay = await startRelay({
    timeouts: { firstTokenMs: 1500, idleMs: 1500, totalMs: 5000, streamTotalMs: 3000 },
  });
  client = new OpenAI({ baseURL: relay.baseURL, apiKey: relay.key, maxRetries: 0 });
});
afterAll(async () => {
  await relay?.close();
});
beforeEach(() => {
  relay.primary.setBehavior(DEFAULT_BEHAVIOR);
  relay.backup.setBehavior(DEFAULT_BEHAVIOR);
  // Each test starts with health forgotten: the previous test's failures must not keep a deployment cooling
  // down or its circuit open (routing.test.ts covers that behaviour).
  relay.advance(10 * 60_000);
});

const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather in a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit: { type: "string" } },
      required: ["city"],
    },
  },
};

const RED_SQUARE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  let chunks = 0;
  const tools = new Map<number, { id?: string; name?: string; args: string }>();
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.content) text += c.delta.content;
      for (const t of c.delta.tool_calls ?? []) {
        const acc = tools.get(t.index) ?? { args: "" };
        if (t.id) acc.id = t.id;
        if (t.function?.name) acc.name = t.function.name;
        if (t.function?.arguments) acc.args += t.function.arguments;
        tools.set(t.index, acc);
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  return { text, finish, usage, chunks, tools: [...tools.values()] };
}

describe.each(["gpt-test", "claude-test", "gemini-test"])("%s through the relay", (model) => {
  it("answers a non-stream request in OpenAI's shape with usage and relay headers", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi there" },
        ],
      })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe(model);
    expect(data.choices[0]!.message.content).toContain("You said: hi there");
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(response.headers.get("x-switchyard-attempts")).toBe("1");
    expect(response.headers.get("x-switchyard-provider")).toMatch(/^fake-/);
    expect(response.headers.get("x-switchyard-upstream-model")).toBeTruthy();
  });

  it("streams text chunk by chunk, with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "count to 20" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const out = await collect(stream);
    expect(out.text).toBe(Array.from({ length: 20 }, (_, i) => i + 1).join(" "));
    expect(out.chunks).toBeGreaterThan(5);
    expect(out.finish).toBe("stop");
    expect(out.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("leaves usage out of the stream when the client did not ask for it", async () => {
    const out = await collect(
      await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "hello" }],
        stream: true,
      }),
    );
    expect(out.usage ?? null).toBeNull();
    expect(out.text).toContain("hello");
  });

  it("calls a tool, and two in parallel, reassembling streamed arguments", async () => {
    const single = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [WEATHER_TOOL],
    });
    const call = single.choices[0]!.message.tool_calls![0]!;
    expect(single.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris", unit: "celsius" });

    const out = await collect(
      await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Weather in Paris and Tokyo?" }],
        tools: [WEATHER_TOOL],
        stream: true,
      }),
    );
    expect(out.finish).toBe("tool_calls");
    expect(out.tools.map((t) => JSON.parse(t.args).city)).toEqual(["Paris", "Tokyo"]);
    expect(new Set(out.tools.map((t) => t.id)).size).toBe(2);
    expect(out.tools.every((t) => t.name === "get_weather")).toBe(true);

    // The second turn: the tool result goes back and the model answers.
    const followUp = await client.chat.completions.create({
      model,
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call.id, content: JSON.stringify({ temp: 21 }) },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(followUp.choices[0]!.message.content).toMatch(/21 degrees/);
  });

  it("accepts image input", async () => {
    const res = await client.chat.completions.create({
      model,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: RED_SQUARE } },
          ],
        },
      ],
    });
    expect(res.choices[0]!.message.content).toMatch(/image/);
  });

  it("answers JSON in JSON mode", async () => {
    const res = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "Give me JSON" }],
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toHaveProperty("answer");
    expect(res.choices[0]!.finish_reason).toBe("stop");
  });

  it("honours stop sequences and reports length when max tokens is reached", async () => {
    const stopped = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "count to 10" }],
      stop: "5",
    });
    expect(stopped.choices[0]!.message.content).toBe("1 2 3 4 ");
    expect(stopped.choices[0]!.finish_reason).toBe("stop");

    const cut = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "count to 100" }],
      max_tokens: 5,
    });
    expect(cut.choices[0]!.finish_reason).toBe("length");
    expect(cut.choices[0]!.message.content).toBe("1 2 3 4 5 ");
  });
});

describe("embeddings", () => {
  it.each(["embed-openai", "embed-gemini"])("%s: float and the SDK's default base64 agree", async (model) => {
    const asFloat = await client.embeddings.create({
      model,
      input: ["alpha", "beta"],
      encoding_format: "float",
    });
    const viaBase64 = await client.embeddings.create({ model, input: ["alpha", "beta"] }); // SDK asks for base64
    expect(asFloat.data).toHaveLength(2);
    expect(asFloat.data.map((d) => d.index)).toEqual([0, 1]);
    expect(asFloat.model).toBe(model);
    for (let i = 0; i < 2; i++) {
      const a = asFloat.data[i]!.embedding;
      const b = viaBase64.data[i]!.embedding;
      expect(b).toHaveLength(a.length);
      b.forEach((x, j) => expect(x).toBeCloseTo(a[j]!, 5));
    }
    expect(asFloat.data[0]!.embedding).not.toEqual(asFloat.data[1]!.embedding);
  });
});

describe("models", () => {
  it("lists the catalog and retrieves one model", async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["gpt-test", "claude-test", "gemini-test", "embed-openai"]));
    const one = await client.models.retrieve("claude-test");
    expect(one).toMatchObject({ id: "claude-test", object: "model", owned_by: "switchyard" });
    await expect(client.models.retrieve("nope")).rejects.toMatchObject({ status: 404 });
  });
});

describe("errors, in OpenAI's shape", () => {
  it("401 for a bad key", async () => {
    const bad = new OpenAI({ baseURL: relay.baseURL, apiKey: "sk-sy-" + "0".repeat(43), maxRetries: 0 });
    await expect(
      bad.chat.completions.create({ model: "gpt-test", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 401,
      code: "invalid_api_key",
    });
  });

  it("404 for an unknown model, 400 naming the field, 413 for a huge body", async () => {
    await expect(
      client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
      param: "model",
    });
    await expect(
      client.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "x" }],
        temperature: 7,
      }),
    ).rejects.toMatchObject({ status: 400, param: "temperature" });
    await expect(client.chat.completions.create({ model: "gpt-test", messages: [] })).rejects.toMatchObject({
      status: 400,
      param: "messages",
    });
    await expect(
      client.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "x".repeat(5 * 1024 * 1024) }],
      }),
    ).rejects.toMatchObject({ status: 413 });
  });

  it("400 when no deployment supports what the request uses", async () => {
    await expect(
      client.chat.completions.create({
        model: "text-only",
        messages: [{ role: "user", content: "weather?" }],
        tools: [WEATHER_TOOL],
      }),
    ).rejects.toMatchObject({ status: 400, param: "tools" });
  });

  it("429 with Retry-After when every provider rate limits", async () => {
    relay.primary.setBehavior({ failStatus: 429, retryAfterSec: 7 });
    const err = await client.chat.completions
      .create({ model: "gpt-test", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429 });
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("7");
  });

  it("502 after all attempts fail, with the attempts summarized", async () => {
    relay.primary.setBehavior({ failStatus: 500 });
    relay.backup.setBehavior({ reset: true });
    const err = await client.chat.completions
      .create({ model: "failover-test", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502 });
    expect((err as Error).message).toMatch(
      /All 2 upstream attempt\(s\) failed: #1 fake-openai\/primary-model: 500 .*#2 fake-backup\/backup-model: reset/,
    );
  });

  it("passes a provider's 400 through faithfully, without failover", async () => {
    relay.primary.setBehavior({ failStatus: 400 });
    const before = relay.backup.stats().requests;
    const err = await client.chat.completions
      .create({ model: "failover-test", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(relay.backup.stats().requests).toBe(before);
  });
});

describe("failover", () => {
  it.each([
    ["a 500", { failStatus: 500 }],
    ["a 429", { failStatus: 429, retryAfterSec: 1 }],
    ["a connection reset", { reset: true }],
    ["a stream cut before the first token", { cutAfterFrames: 0 }],
    ["a stalled stream", { stall: true }],
  ])("moves to the next deployment on %s", async (_, behavior) => {
    relay.primary.setBehavior(behavior);
    const { data, response } = await client.chat.completions
      .create({ model: "failover-test", messages: [{ role: "user", content: "hello" }], stream: true })
      .withResponse();
    const out = await collect(data);
    expect(out.text).toContain("hello");
    expect(response.headers.get("x-switchyard-attempts")).toBe("2");
    expect(response.headers.get("x-switchyard-provider")).toBe("fake-backup");
  });

  it("ends a stream that outlives its total deadline with an error event", async () => {
    relay.primary.setBehavior({ chunkDelayMs: 100 }); // 50 pieces: about 5 s, past the 3 s deadline
    const stream = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "count to 50" }],
      stream: true,
    });
    let text = "";
    const run = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    };
    await expect(run()).rejects.toThrow(/total deadline/);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain("50");
  });

  it("summarizes the attempt log in a header", async () => {
    relay.primary.setBehavior({ failStatus: 503 });
    const { response } = await client.chat.completions
      .create({ model: "failover-test", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    expect(response.headers.get("x-switchyard-route")).toBe(
      "fake-openai/primary-model=503:http_error, fake-backup/backup-model=ok",
    );
  });

  it("ends a stream that fails after the first byte with an error, never a clean end", async () => {
    relay.primary.setBehavior({ cutAfterFrames: 3, chunkDelayMs: 5 });
    const stream = await client.chat.completions.create({
      model: "failover-test",
      messages: [{ role: "user", content: "count to 50" }],
      stream: true,
    });
    let text = "";
    const run = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    };
    await expect(run()).rejects.toThrow(/upstream stream failed|terminated|ended before/i);
    expect(text.length).toBeGreaterThan(0);
  });
});

describe("usage records", () => {
  it("writes one record per request, successful or not, and marks an aborted stream estimated", async () => {
    await relay.usage.flush();
    const before = await relay.db.prisma.usageRecord.count({ where: { tenantId: relay.tenantId } });

    await client.chat.completions.create({
      model: "claude-test",
      messages: [{ role: "user", content: "[cached] hello" }],
    });
    await client.chat.completions
      .create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })
      .catch(() => {});

    relay.primary.setBehavior({ chunkDelayMs: 30 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "gpt-test", messages: [{ role: "user", content: "count to 200" }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++seen === 3) {
          controller.abort(); // the client goes away mid-stream
          break;
        }
      }
    } catch {
      // an abort may surface as an error, depending on timing
    }
    expect(seen).toBe(3);

    // The upstream request is aborted (observed at the fake upstream).
    await expect.poll(() => relay.primary.stats().aborted, { timeout: 5000 }).toBeGreaterThan(0);
    await expect
      .poll(
        async () => {
          await relay.usage.flush();
          return relay.db.prisma.usageRecord.count({ where: { tenantId: relay.tenantId } });
        },
        { timeout: 5000 },
      )
      .toBe(before + 3);

    const records = await relay.db.prisma.usageRecord.findMany({
      where: { tenantId: relay.tenantId },
      orderBy: { createdAt: "desc" },
      take: 3,
    });
    const aborted = records.find((r) => r.status === 499)!;
    expect(aborted).toMatchObject({
      estimated: true,
      stream: true,
      requestedModel: "gpt-test",
      errorCode: "client_closed",
    });
    expect(aborted.outputTokens).toBeGreaterThan(0);
    expect(aborted.inputTokens).toBeGreaterThan(0);

    const cached = records.find((r) => r.requestedModel === "claude-test")!;
    expect(cached).toMatchObject({ status: 200, estimated: false, attempts: 1, apiKeyId: relay.keyId });
    expect(cached.cachedInputTokens).toBeGreaterThan(0);
    expect(cached.inputTokens).toBeGreaterThanOrEqual(cached.cachedInputTokens);
    expect(cached.deploymentId).toMatch(/^dep_/);
    expect(cached.ttfbMs).not.toBeNull();

    const missing = records.find((r) => r.requestedModel === "no-such-model")!;
    expect(missing).toMatchObject({ status: 404, errorCode: "model_not_found", attempts: 0 });
  });
});
