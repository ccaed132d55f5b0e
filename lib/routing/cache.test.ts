import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from "@/lib/gateway/providers/types";
import { SseParser } from "@/lib/gateway/sse";
import { createMemoryStore, createRedisStore, type Store } from "@/lib/store";
import {
  cacheHeaders,
  cacheKey,
  canonicalJson,
  completionToSseFrames,
  CompletionAccumulator,
  planCache,
  replayCompletion,
  ResponseCache,
  type CachePlan,
} from "./cache";

const open: Store[] = [];
const track = <S extends Store>(s: S) => (open.push(s), s);
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const body = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Say hi" }],
  temperature: 0,
  ...over,
});

const usage = { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 };

const completion = (over: Partial<ChatCompletion> = {}): ChatCompletion => ({
  id: "chatcmpl-original",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "Hi!", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    },
  ],
  usage,
  ...over,
});

const on = { enabled: true };

describe("cache keys", () => {
  it("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: null }], c: "s" } })).toBe(
      '{"a":{"c":"s","d":[1,{"x":null,"z":1}]},"b":1}',
    );
  });

  it("ignores key order and the fields that do not change the answer", () => {
    const a = cacheKey("tnt_1", { model: "m", messages: [], temperature: 0 });
    const b = cacheKey("tnt_1", {
      temperature: 0,
      messages: [],
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
      user: "u-42",
      seed: null,
    });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });

  it("differs per tenant and per answer-determining field, unknown fields included", () => {
    const base = { model: "m", messages: [{ role: "user", content: "x" }], temperature: 0 };
    const keys = [
      cacheKey("tnt_1", base),
      cacheKey("tnt_2", base),
      cacheKey("tnt_1", { ...base, model: "m2" }),
      cacheKey("tnt_1", { ...base, messages: [{ role: "user", content: "y" }] }),
      cacheKey("tnt_1", { ...base, max_tokens: 5 }),
      cacheKey("tnt_1", { ...base, seed: 1 }),
      cacheKey("tnt_1", { ...base, tools: [{ type: "function", function: { name: "f" } }] }),
      cacheKey("tnt_1", { ...base, response_format: { type: "json_object" } }),
      cacheKey("tnt_1", { ...base, stop: ["\n"] }),
      cacheKey("tnt_1", { ...base, logit_bias: { "50256": -100 } }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("planCache", () => {
  const plan = (over: Partial<Parameters<typeof planCache>[0]> = {}) =>
    planCache({ tenantId: "tnt_1", body: body(), settings: on, header: undefined, ...over });

  it("caches deterministic requests of a workspace that opted in, for 1 h by default", () => {
    expect(plan()).toEqual({ key: cacheKey("tnt_1", body()), read: true, write: true, ttlMs: 3_600_000 });
  });

  it("does nothing for a workspace that has not opted in, whatever the header", () => {
    expect(plan({ settings: { enabled: false }, header: "use" })).toBeNull();
    expect(plan({ settings: undefined })).toBeNull();
  });

  it("skips sampling requests unless the header asks for the cache", () => {
    expect(plan({ body: body({ temperature: 0.7 }) })).toBeNull();
    expect(plan({ body: body({ temperature: undefined }) })).toBeNull(); // unset means 1
    expect(plan({ body: body({ temperature: 0.7 }), header: "use" })).toMatchObject({
      read: true,
      write: true,
    });
  });

  it("honours skip and refresh, and refuses any other value", () => {
    expect(plan({ header: "skip" })).toBeNull();
    expect(plan({ header: "Refresh" })).toMatchObject({ read: false, write: true });
    expect(() => plan({ header: "always" })).toThrow(AppError);
    expect(() => plan({ header: "always" })).toThrow(/x-switchyard-cache/);
  });

  it("caps the workspace's TTL at 24 h", () => {
    expect(plan({ settings: { enabled: true, ttlSeconds: 600 } })?.ttlMs).toBe(600_000);
    expect(plan({ settings: { enabled: true, ttlSeconds: 7 * 86_400 } })?.ttlMs).toBe(86_400_000);
  });
});

describe.each<[string, () => Store]>([
  ["memory", () => createMemoryStore()],
  [
    "redis",
    () =>
      createRedisStore({
        url: "redis://127.0.0.1:6379",
        prefix: `sytest:${randomBytes(6).toString("hex")}:`,
      }),
  ],
])("ResponseCache on the %s store", (_kind, make) => {
  it("stores an answer and serves it back until the TTL ends", async () => {
    let t = 1_000_000;
    const cache = new ResponseCache({ store: track(make()), now: () => t });
    const p = planCache({ tenantId: "tnt_1", body: body(), settings: on, header: undefined })!;
    expect(await cache.lookup(p)).toBeNull();
    const servedBy = { provider: "openai", deploymentId: "dep_1", upstreamModel: "gpt-4o-mini-2024" };
    expect(await cache.save(p, { completion: completion(), servedBy })).toBe(true);
    t += 5_000;
    const hit = await cache.lookup(p);
    expect(hit).toEqual({ completion: completion(), servedBy, storedAt: 1_000_000 });
    expect(cacheHeaders(p, hit, t)).toEqual({ "x-switchyard-cache": "hit", age: "5" });

    const short: CachePlan = { ...p, key: "short", ttlMs: 30 };
    await cache.save(short, { completion: completion() });
    await new Promise((r) => setTimeout(r, 60));
    expect(await cache.lookup(short)).toBeNull();
  });
});

describe("ResponseCache", () => {
  const p: CachePlan = { key: "k", read: true, write: true, ttlMs: 60_000 };

  it("does not store answers cut short, filtered or larger than the cap", async () => {
    const cache = new ResponseCache({ store: track(createMemoryStore()), maxValueBytes: 2_000 });
    const choice = completion().choices[0]!;
    expect(
      await cache.save(p, { completion: completion({ choices: [{ ...choice, finish_reason: null }] }) }),
    ).toBe(false);
    expect(
      await cache.save(p, {
        completion: completion({ choices: [{ ...choice, finish_reason: "content_filter" }] }),
      }),
    ).toBe(false);
    const big = { ...choice, message: { ...choice.message, content: "x".repeat(3_000) } };
    expect(await cache.save(p, { completion: completion({ choices: [big] }) })).toBe(false);
    expect(await cache.lookup(p)).toBeNull();
  });

  it("never writes without a writing plan and never reads on refresh", async () => {
    const cache = new ResponseCache({ store: track(createMemoryStore()) });
    expect(await cache.save(null, { completion: completion() })).toBe(false);
    await cache.save(p, { completion: completion() });
    expect(await cache.lookup({ ...p, read: false })).toBeNull();
    expect(cacheHeaders({ ...p, read: false }, null)).toEqual({ "x-switchyard-cache": "refresh" });
    expect(cacheHeaders(p, null)).toEqual({ "x-switchyard-cache": "miss" });
    expect(cacheHeaders(null, null)).toEqual({});
  });

  it("turns a store failure into a miss and a skipped save", async () => {
    const broken: Store = {
      ...createMemoryStore(),
      get: async () => {
        throw new Error("down");
      },
      set: async () => {
        throw new Error("down");
      },
    };
    const cache = new ResponseCache({ store: broken });
    expect(await cache.lookup(p)).toBeNull();
    expect(await cache.save(p, { completion: completion() })).toBe(false);
    await broken.close();
  });

  it("treats an unreadable entry as a miss", async () => {
    const store = track(createMemoryStore());
    await store.set("cache:chat:k", "{not json", 60_000);
    expect(await new ResponseCache({ store }).lookup(p)).toBeNull();
  });
});

describe("replay", () => {
  const entry = {
    completion: completion({ usage: { ...usage, cost: 0.00012 } as typeof usage }),
    storedAt: 0,
  };

  it("gives a hit a fresh id and time, and drops the stored cost", () => {
    const r = replayCompletion(entry, "chatcmpl-new", 1_800_000_000);
    expect(r).toMatchObject({
      id: "chatcmpl-new",
      created: 1_800_000_000,
      choices: completion().choices,
      usage,
    });
    expect(r.usage).not.toHaveProperty("cost");
    expect(entry.completion.id).toBe("chatcmpl-original"); // the entry itself is untouched
  });

  function parse(frames: string[]) {
    const parser = new SseParser();
    const events = frames.flatMap((f) => parser.push(f));
    expect(events.at(-1)?.data).toBe("[DONE]");
    return events.slice(0, -1).map((e) => JSON.parse(e.data) as ChatCompletionChunk);
  }

  it("replays a cached answer as chat.completion.chunk frames ending with [DONE]", () => {
    const c = replayCompletion(entry, "chatcmpl-new", 1);
    const chunks = parse(completionToSseFrames(c, { includeUsage: false }));
    expect(chunks.every((k) => k.object === "chat.completion.chunk" && k.id === "chatcmpl-new")).toBe(true);
    expect(chunks.map((k) => k.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "Hi!" },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.some((k) => "usage" in k)).toBe(false);

    const withUsage = parse(completionToSseFrames(c, { includeUsage: true }));
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage });
    expect(withUsage.slice(0, -1).every((k) => k.usage === null)).toBe(true);
  });

  it("round-trips tool calls and reasoning through frames and the accumulator", () => {
    const c = completion({
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            reasoning_content: "think",
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
              },
              { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          finish_reason: "tool_calls",
          logprobs: null,
        },
      ],
    });
    const acc = new CompletionAccumulator();
    for (const k of parse(completionToSseFrames(c, { includeUsage: false }))) acc.push(k);
    expect(acc.toCompletion(usage)).toEqual(c);
  });
});

describe("CompletionAccumulator", () => {
  const chunk = (choices: ChatCompletionChunk["choices"]): ChatCompletionChunk => ({
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    created: 5,
    model: "m",
    choices,
  });

  it("assembles a streamed answer, several choices and split tool-call arguments included", () => {
    const acc = new CompletionAccumulator();
    acc.push(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
    acc.push(chunk([{ index: 1, delta: { role: "assistant", content: "B" }, finish_reason: null }]));
    acc.push(chunk([{ index: 0, delta: { content: "Hel" }, finish_reason: null }]));
    acc.push(chunk([{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }]));
    acc.push(
      chunk([
        {
          index: 1,
          delta: {
            tool_calls: [
              { index: 0, id: "c1", type: "function", function: { name: "f", arguments: '{"a"' } },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    acc.push(
      chunk([
        {
          index: 1,
          delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] },
          finish_reason: null,
        },
      ]),
    );
    expect(acc.toCompletion(usage)).toBeNull(); // choice 1 has not finished
    acc.push(chunk([{ index: 1, delta: {}, finish_reason: "tool_calls" }]));
    const c = acc.toCompletion(usage)!;
    expect(c).toMatchObject({ id: "chatcmpl-s", object: "chat.completion", created: 5, model: "m", usage });
    expect(c.choices[0]!.message).toEqual({ role: "assistant", content: "Hello", refusal: null });
    expect(c.choices[1]!.message).toEqual({
      role: "assistant",
      content: "B",
      refusal: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
    });
  });

  it("gives up past its size cap", () => {
    const acc = new CompletionAccumulator(10);
    acc.push(chunk([{ index: 0, delta: { content: "x".repeat(11) }, finish_reason: "stop" }]));
    expect(acc.toCompletion(usage)).toBeNull();
  });
});
