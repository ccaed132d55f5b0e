// The fake Gemini API (generativelanguage v1beta), as its documentation shows it:
//   POST /v1beta/models/{model}:generateContent           one GenerateContentResponse
//   POST /v1beta/models/{model}:streamGenerateContent     ?alt=sse: `data: {...}\r\n\r\n` events, no [DONE];
//                                                         without alt=sse: one JSON array of responses
//   POST /v1beta/models/{model}:batchEmbedContents        one embedding per request, in order
// Auth is the `x-goog-api-key` header or the `key` query parameter. Like the real API it rejects fields it does
// not know (Unknown name "..."), roles other than user/model and empty parts, so translation bugs show up here.
// Kept independent of the relay's adapter on purpose: the two must agree by following the documentation.
import { createHash } from "node:crypto";
import { estimateTokens } from "./plan";
import type { FakeFinish, FakePlan, FakeProtocol, FakeRequestView } from "./types";

export interface GeminiRoute {
  kind: "chat" | "embeddings";
  model?: string;
  stream?: boolean;
  /** streamGenerateContent framing: SSE with alt=sse, a JSON array without. */
  sse?: boolean;
}

export interface GeminiRequestView extends FakeRequestView {
  sse: boolean;
  /** thinkingConfig.includeThoughts: thought text is returned only then (thought tokens are counted anyway). */
  includeThoughts: boolean;
}

type Json = Record<string, unknown>;

const ROUTE =
  /^\/(?:v1|v1beta)\/models\/([^/:?]+):(generateContent|streamGenerateContent|batchEmbedContents)(?:\?(.*))?$/;

const FINISH: Record<FakeFinish, string> = {
  stop: "STOP",
  tool_calls: "STOP",
  length: "MAX_TOKENS",
  content_filter: "SAFETY",
};

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const NO_KEY =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";

const BLOCKED_RATINGS = [
  { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
  { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
];

// Field names the API knows (camelCase and the proto snake_case both work); anything else is a 400.
const REQUEST_FIELDS = fields(
  "contents systemInstruction tools toolConfig safetySettings generationConfig cachedContent model",
);
const GENERATION_CONFIG_FIELDS = fields(
  "stopSequences responseMimeType responseSchema responseJsonSchema responseModalities candidateCount " +
    "maxOutputTokens temperature topP topK seed presencePenalty frequencyPenalty responseLogprobs logprobs " +
    "enableEnhancedCivicAnswers speechConfig thinkingConfig mediaResolution imageConfig",
);
const SCHEMA_FIELDS = fields(
  "type format title description nullable enum maxItems minItems properties required minProperties " +
    "maxProperties minLength maxLength pattern example anyOf propertyOrdering default items minimum maximum",
);

function fields(names: string): Set<string> {
  const camel = names.split(" ");
  return new Set([...camel, ...camel.map(snake)]);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Either spelling of a field (the API accepts both). */
function field(o: Json | undefined, name: string): unknown {
  return o?.[name] ?? o?.[snake(name)];
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { status: 400 });
}

function unknownName(name: string, at: string): Error {
  const where = at ? ` at '${at}'` : "";
  return badRequest(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`);
}

// ---------- Request checks ----------

function checkFields(o: Json, known: Set<string>, at: string): void {
  for (const key of Object.keys(o)) if (!known.has(key)) throw unknownName(key, at);
}

function checkSchema(schema: unknown, at: string): void {
  if (!isObject(schema)) return;
  checkFields(schema, SCHEMA_FIELDS, at);
  const props = schema.properties;
  if (isObject(props))
    for (const [name, s] of Object.entries(props)) checkSchema(s, `${at}.properties[${name}]`);
  checkSchema(schema.items, `${at}.items`);
  list(schema.anyOf).forEach((s, i) => checkSchema(s, `${at}.any_of[${i}]`));
}

function checkRequest(body: Json): Json[] {
  checkFields(body, REQUEST_FIELDS, "");
  const contents = list(body.contents);
  if (contents.length === 0)
    throw badRequest("* GenerateContentRequest.contents: contents is not specified\n");
  contents.forEach((c, i) => {
    if (c.role !== undefined && c.role !== "user" && c.role !== "model") {
      throw badRequest("Please use a valid role: user, model.");
    }
    if (list(c.parts).length === 0) {
      throw badRequest(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
    }
  });
  const config = field(body, "generationConfig");
  if (isObject(config)) checkFields(config, GENERATION_CONFIG_FIELDS, "generation_config");
  if (isObject(config)) checkSchema(field(config, "responseSchema"), "generation_config.response_schema");
  list(body.tools).forEach((tool, t) =>
    list(field(tool, "functionDeclarations")).forEach((fn, f) =>
      checkSchema(fn.parameters, `tools[${t}].function_declarations[${f}].parameters`),
    ),
  );
  return contents;
}

// ---------- Request -> view ----------

function partsOf(contents: Json[]): Json[] {
  return contents.flatMap((c) => list(c.parts));
}

function textOf(parts: Json[]): string {
  return parts
    .map((p) => p.text)
    .filter((t): t is string => typeof t === "string")
    .join("");
}

function isImage(part: Json): boolean {
  const data = field(part, "inlineData") ?? field(part, "fileData");
  const mime = isObject(data) ? field(data, "mimeType") : undefined;
  return typeof mime === "string" && mime.startsWith("image/");
}

/** Everything the model reads, for the prompt token estimate. */
function promptText(body: Json, contents: Json[]): string {
  const system = field(body, "systemInstruction");
  const systemText = isObject(system) ? textOf(list(system.parts)) : "";
  const calls = partsOf(contents)
    .filter((p) => !("text" in p))
    .map((p) => JSON.stringify(p));
  return [systemText, textOf(partsOf(contents)), ...calls, body.tools ? JSON.stringify(body.tools) : ""].join(
    "",
  );
}

function parseChat(body: unknown, route: GeminiRoute): GeminiRequestView {
  if (!isObject(body)) throw badRequest("Invalid JSON payload received. Expected an object.");
  const contents = checkRequest(body);
  const users = contents.filter((c) => c.role !== "model");
  const lastWithText = [...users]
    .reverse()
    .find((c) => list(c.parts).some((p) => typeof p.text === "string"));
  const config = field(body, "generationConfig") as Json | undefined;
  const thinking = field(config, "thinkingConfig") as Json | undefined;
  const calling = field(field(body, "toolConfig") as Json | undefined, "functionCallingConfig") as
    Json | undefined;
  const stop = field(config, "stopSequences");
  const maxTokens = field(config, "maxOutputTokens");
  return {
    model: route.model ?? "",
    stream: route.stream ?? false,
    sse: route.sse ?? true,
    lastUserText: lastWithText ? textOf(list(lastWithText.parts)) : "",
    hasImage: partsOf(users).some(isImage),
    tools: list(body.tools)
      .flatMap((t) => list(field(t, "functionDeclarations")))
      .map((f) => String(f.name)),
    toolsAllowed: field(calling, "mode") !== "NONE",
    json: field(config, "responseMimeType") === "application/json",
    stop: Array.isArray(stop) ? stop.map(String) : [],
    maxTokens: typeof maxTokens === "number" ? maxTokens : null,
    hasToolResults: partsOf(contents).some((p) => field(p, "functionResponse") !== undefined),
    reasoning: thinking !== undefined && field(thinking, "thinkingBudget") !== 0,
    includeThoughts: field(thinking, "includeThoughts") === true,
    promptTokens: estimateTokens(promptText(body, contents)),
    includeUsage: true, // Gemini always reports usageMetadata
  };
}

// ---------- Plan -> responses ----------

/** usageMetadata as the API writes it: zero counts are left out (proto3 JSON), total includes thoughts. */
function usageMetadata(plan: FakePlan, final: boolean): Json {
  const { input, output, cacheRead, reasoning } = plan.usage;
  const candidates = final ? output - reasoning : 0;
  const thoughts = final ? reasoning : 0;
  return {
    promptTokenCount: input,
    ...(candidates ? { candidatesTokenCount: candidates } : {}),
    ...(cacheRead ? { cachedContentTokenCount: cacheRead } : {}),
    totalTokenCount: input + candidates + thoughts,
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function functionCallParts(plan: FakePlan): Json[] {
  // Gemini sends whole calls, without ids.
  return plan.toolCalls.map((c) => ({
    functionCall: { name: c.name, args: JSON.parse(c.arguments) as Json },
  }));
}

function thoughtParts(plan: FakePlan, view: FakeRequestView): Json[] {
  const shown = plan.thinking && (view as Partial<GeminiRequestView>).includeThoughts;
  return shown ? [{ text: plan.thinking, thought: true }] : [];
}

function response(plan: FakePlan, view: FakeRequestView, parts: Json[], final: boolean): Json {
  const blocked = plan.finish === "content_filter";
  const candidate: Json = {
    ...(parts.length > 0 ? { content: { parts, role: "model" } } : {}),
    ...(final ? { finishReason: FINISH[plan.finish] } : {}),
    index: 0,
    ...(blocked ? { safetyRatings: BLOCKED_RATINGS } : {}),
  };
  return {
    candidates: [candidate],
    usageMetadata: usageMetadata(plan, final),
    modelVersion: view.model,
    responseId: plan.id,
  };
}

function renderChat(plan: FakePlan, view: FakeRequestView): Json {
  const parts = [
    ...thoughtParts(plan, view),
    ...(plan.text ? [{ text: plan.text }] : []),
    ...functionCallParts(plan),
  ];
  return response(plan, view, parts, true);
}

/** One event per thought, per text piece and for all function calls; the last carries finishReason and usage. */
function streamResponses(plan: FakePlan, view: FakeRequestView): Json[] {
  const groups: Json[][] = [
    ...thoughtParts(plan, view).map((p) => [p]),
    ...plan.pieces.map((text) => [{ text }]),
    ...(plan.toolCalls.length > 0 ? [functionCallParts(plan)] : []),
  ];
  if (groups.length === 0) groups.push([]);
  return groups.map((parts, i) => response(plan, view, parts, i === groups.length - 1));
}

function renderChatStream(plan: FakePlan, view: FakeRequestView): string[] {
  const bodies = streamResponses(plan, view).map((r) => JSON.stringify(r));
  if ((view as Partial<GeminiRequestView>).sse === false) {
    // Without alt=sse the stream is one JSON array, written element by element.
    return bodies.map((b, i) => `${i === 0 ? "[" : ",\r\n"}${b}${i === bodies.length - 1 ? "]" : ""}`);
  }
  return bodies.map((b) => `data: ${b}\r\n\r\n`);
}

function renderError(status: number, message: string): Json {
  const name = STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
  return { error: { code: status, message, status: name } };
}

// ---------- Embeddings ----------

/** A deterministic unit-range vector from the text: float32-exact values (multiples of 1/128). */
export function fakeEmbedding(text: string, dimensions = 8): number[] {
  const bytes: number[] = [];
  for (let round = 0; bytes.length < dimensions; round++) {
    bytes.push(...createHash("sha256").update(`${round}:${text}`).digest());
  }
  return bytes.slice(0, dimensions).map((b) => (b - 128) / 128);
}

function renderEmbeddings(body: unknown): Json {
  const requests = isObject(body) ? list(body.requests) : [];
  return {
    embeddings: requests.map((r) => {
      const text = textOf(list((field(r, "content") as Json | undefined)?.parts));
      const dims = field(r, "outputDimensionality");
      return { values: fakeEmbedding(text, typeof dims === "number" && dims > 0 ? dims : 8) };
    }),
  };
}

// ---------- The protocol ----------

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export const geminiFake = {
  name: "gemini" as const,

  route(path: string): GeminiRoute | null {
    const m = ROUTE.exec(path);
    if (!m) return null;
    const method = m[2]!;
    const alt = new URLSearchParams(m[3] ?? "").get("alt");
    if (method === "batchEmbedContents") return { kind: "embeddings", model: m[1] };
    const stream = method === "streamGenerateContent";
    return { kind: "chat", model: m[1], stream, sse: stream && alt === "sse" };
  },

  /** `path` (with its query) lets the `key` parameter authenticate too, as the API allows. */
  checkAuth(headers, path?: string) {
    const header = headerValue(headers["x-goog-api-key"]);
    const query = path?.includes("?")
      ? new URLSearchParams(path.slice(path.indexOf("?") + 1)).get("key")
      : null;
    return header || query ? null : NO_KEY;
  },

  parseChat: (body, route) => parseChat(body, route as GeminiRoute),
  renderChat,
  renderChatStream,
  renderError,
  renderStreamError: (message) => `data: ${JSON.stringify(renderError(503, message))}\r\n\r\n`,
  renderEmbeddings,
  renderModels: () => ({
    models: [
      {
        name: "models/gemini-fake",
        displayName: "Gemini (fake)",
        supportedGenerationMethods: ["generateContent"],
      },
    ],
  }),
} satisfies FakeProtocol;
