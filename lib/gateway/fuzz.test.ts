// Property-based fuzzing of everything on the relay that reads outside input: the JSON body readers, request
// validation, and each provider adapter's request builder, response parser, stream translator and error parser.
// The property: garbage in never crashes; the only errors are the ones the relay maps to an OpenAI error
// (AppError, a zod validation error, an UpstreamStreamError inside a stream).
import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody as readDashboardJson } from "@/lib/http/parse-json";
import { readJsonBody } from "./http";
import { adapterFor } from "./providers";
import { UpstreamStreamError, type ChatRequest, type TranslateContext } from "./providers/types";
import { ChatCompletionRequest, EmbeddingsRequest } from "./schemas";

const PROTOCOLS = ["openai", "anthropic", "gemini"] as const;
const RUNS = { numRuns: 300 };
const TARGET = { baseUrl: "https://upstream.example", apiKey: "sk-upstream", upstreamModel: "m" };
const CTX: TranslateContext = { id: "chatcmpl-fuzz", model: "fuzz", created: 1, includeReasoning: true };

function isMappedError(err: unknown): boolean {
  return err instanceof AppError || err instanceof ZodError || err instanceof UpstreamStreamError;
}

/** Runs fn; an error must be one the relay maps to a clean answer (and that answer has no stack trace). */
function expectClean(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!isMappedError(err)) throw err;
    const { body } = toErrorResponse(err);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
  }
}

// Bodies shaped roughly like chat requests, so many get past validation and reach the adapters.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constant(""),
  fc.constant("\u0000\uFFFD"),
);
const part = fc.oneof(
  fc.record({ type: fc.constant("text"), text }),
  fc.record({ type: fc.constant("image_url"), image_url: fc.record({ url: fc.oneof(text, fc.webUrl()) }) }),
  fc.record({ type: fc.string(), data: fc.jsonValue() }),
);
const content = fc.oneof(text, fc.array(part, { maxLength: 4 }), fc.constant(null), fc.jsonValue());
const toolCall = fc.record({
  id: fc.string({ minLength: 1 }),
  type: fc.constant("function"),
  function: fc.record({ name: fc.string({ minLength: 1 }), arguments: fc.oneof(text, fc.constant("{}")) }),
});
const message = fc.oneof(
  fc.record({ role: fc.constantFrom("system", "developer", "user"), content }),
  fc.record(
    { role: fc.constant("assistant"), content, tool_calls: fc.array(toolCall, { maxLength: 3 }) },
    { requiredKeys: ["role"] },
  ),
  fc.record({ role: fc.constant("tool"), content, tool_call_id: fc.string({ minLength: 1 }) }),
  fc.jsonValue(),
);
const chatBody = fc.record(
  {
    model: fc.oneof(fc.string(), fc.constant("gpt-test")),
    messages: fc.array(message, { maxLength: 5 }),
    stream: fc.boolean(),
    max_tokens: fc.oneof(fc.integer(), fc.double()),
    temperature: fc.oneof(fc.double(), fc.string()),
    stop: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 5 })),
    tools: fc.array(
      fc.record({
        type: fc.constant("function"),
        function: fc.record({
          name: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
          parameters: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
      }),
      { maxLength: 2 },
    ),
    tool_choice: fc.oneof(fc.constantFrom("none", "auto", "required"), fc.jsonValue()),
    response_format: fc.oneof(
      fc.constant({ type: "json_object" }),
      fc.record({
        type: fc.constant("json_schema"),
        json_schema: fc.record({
          name: fc.string({ minLength: 1 }),
          schema: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
      }),
      fc.jsonValue(),
    ),
    reasoning_effort: fc.oneof(fc.constantFrom("low", "medium", "high"), fc.string()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe("fuzz: request bodies", () => {
  it("the relay's body reader answers 400/413 for any bytes, never crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.integer({ min: 16, max: 4096 }),
        async (bytes, max) => {
          const req = Readable.from([Buffer.from(bytes)]) as unknown as IncomingMessage;
          (req as { headers: Record<string, string> }).headers = {};
          try {
            await readJsonBody(req, max);
          } catch (err) {
            expect(err).toBeInstanceOf(AppError);
            expect([400, 413]).toContain((err as AppError).status);
          }
        },
      ),
      RUNS,
    );
  });

  it("the dashboard's body reader answers 400/413 for any text, never crashes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 512 }), async (body) => {
        const req = new Request("http://x/api", { method: "POST", body });
        try {
          await readDashboardJson(req, 256);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
        }
      }),
      RUNS,
    );
  });

  it("validation accepts or refuses any JSON with a zod error naming a field", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), chatBody), (body) => {
        for (const schema of [ChatCompletionRequest, EmbeddingsRequest]) {
          const r = schema.safeParse(body);
          if (!r.success) expectClean(() => schema.parse(body));
        }
      }),
      RUNS,
    );
  });
});

describe("fuzz: provider adapters", () => {
  it("build a valid JSON upstream request from every request that passes validation", () => {
    fc.assert(
      fc.property(chatBody, fc.boolean(), (body, stream) => {
        const parsed = ChatCompletionRequest.safeParse(body);
        if (!parsed.success) return;
        for (const protocol of PROTOCOLS) {
          expectClean(() => {
            const up = adapterFor(protocol).buildChatRequest(parsed.data as ChatRequest, TARGET, { stream });
            expect(typeof up.path).toBe("string");
            JSON.parse(up.body);
          });
        }
      }),
      RUNS,
    );
  });

  it("parse any upstream answer body without crashing", () => {
    const answer = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { choices: fc.array(fc.jsonValue(), { maxLength: 2 }), usage: fc.jsonValue() },
        { requiredKeys: [] },
      ),
      fc.record(
        { content: fc.array(fc.jsonValue(), { maxLength: 3 }), usage: fc.jsonValue() },
        { requiredKeys: [] },
      ),
      fc.record(
        { candidates: fc.array(fc.jsonValue(), { maxLength: 2 }), usageMetadata: fc.jsonValue() },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(answer, (body) => {
        for (const protocol of PROTOCOLS)
          expectClean(() => adapterFor(protocol).parseChatResponse(body, CTX));
      }),
      RUNS,
    );
  });

  it("translate any stream of events, throwing only stream errors", () => {
    const data = fc.oneof(
      fc.string(),
      fc.constant("[DONE]"),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ choices: fc.array(fc.jsonValue(), { maxLength: 2 }) }).map((v) => JSON.stringify(v)),
      fc
        .record({ type: fc.string(), delta: fc.jsonValue(), index: fc.jsonValue() })
        .map((v) => JSON.stringify(v)),
      fc.record({ candidates: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    const event = fc.record(
      {
        event: fc.oneof(fc.string(), fc.constantFrom("message_start", "content_block_delta", "error")),
        data,
      },
      { requiredKeys: ["data"] },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (events) => {
        for (const protocol of PROTOCOLS) {
          const t = adapterFor(protocol).createStreamTranslator(CTX);
          for (const e of events) expectClean(() => t.push(e));
          void t.done;
          void t.usage;
        }
      }),
      RUNS,
    );
  });

  it("map any upstream error to an OpenAI-style error", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 400, max: 599 }), // only called for error statuses
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))),
        (status, body, headers) => {
          for (const protocol of PROTOCOLS) {
            const info = adapterFor(protocol).parseError(status, body, headers);
            expect(info.status).toBeGreaterThanOrEqual(400);
            expect(typeof info.message).toBe("string");
          }
        },
      ),
      RUNS,
    );
  });
});
