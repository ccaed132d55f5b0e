// What the fake model answers: deterministic, from a protocol-neutral view of the request, so every protocol
// renders the same answer and tests can predict it. Triggers (in the last user message):
//   "weather" + tools offered     -> a get_weather call per city named (Paris, Tokyo, London, Berlin, Madrid, Rome)
//   "count to N"                  -> "1 2 3 ... N" (many stream pieces)
//   "forbidden"                   -> blocked: no content, finish content_filter
//   "[cached]" / "[cache-write]"  -> half the prompt reported as cache read / cache write
// Otherwise: an echo of the user's text. JSON mode answers a JSON object; stop sequences and max tokens cut the
// answer as a real model would (finish stop / length). One piece of text counts as one output token.
import { randomBytes } from "node:crypto";
import type { FakePlan, FakeRequestView, FakeToolCall } from "./types";

const CITIES = ["Paris", "Tokyo", "London", "Berlin", "Madrid", "Rome"];

export function splitPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Cuts a JSON string in roughly three pieces, as providers stream tool arguments. */
export function splitArguments(json: string): string[] {
  if (json.length < 6) return [json];
  const a = Math.floor(json.length / 3);
  const b = Math.floor((2 * json.length) / 3);
  return [json.slice(0, a), json.slice(a, b), json.slice(b)];
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function toolCalls(view: FakeRequestView): FakeToolCall[] {
  const name = view.tools.includes("get_weather") ? "get_weather" : view.tools[0]!;
  const named = CITIES.filter((c) => view.lastUserText.includes(c));
  return (named.length ? named : ["Paris"]).map((city, i) => {
    const args = JSON.stringify({ city, unit: "celsius" });
    return {
      id: `call_${randomBytes(6).toString("hex")}${i}`,
      name,
      arguments: args,
      argumentPieces: splitArguments(args),
    };
  });
}

function answerText(view: FakeRequestView): string {
  const count = /count to (\d{1,5})/i.exec(view.lastUserText);
  let text: string;
  if (count) text = Array.from({ length: Number(count[1]) }, (_, i) => String(i + 1)).join(" ");
  else if (view.hasToolResults) text = "It is 21 degrees and sunny.";
  else if (view.hasImage) text = "I see an image: a small red square.";
  else text = `Hello from ${view.model}! You said: ${view.lastUserText.slice(0, 200)}`;
  return view.json ? JSON.stringify({ answer: text }) : text;
}

export function makePlan(view: FakeRequestView): FakePlan {
  const id = randomBytes(12).toString("hex");
  const thinking = view.reasoning ? "Let me think about this step by step." : null;
  const reasoning = thinking ? splitPieces(thinking).length : 0;
  const cacheRead = view.lastUserText.includes("[cached]") ? Math.floor(view.promptTokens / 2) : 0;
  const cacheWrite = view.lastUserText.includes("[cache-write]") ? Math.floor(view.promptTokens / 2) : 0;
  const usage = (output: number) => ({
    input: view.promptTokens,
    output: output + reasoning,
    cacheRead,
    cacheWrite,
    reasoning,
  });

  if (/forbidden/i.test(view.lastUserText)) {
    return {
      id,
      text: "",
      pieces: [],
      thinking: null,
      toolCalls: [],
      finish: "content_filter",
      stopSequence: null,
      usage: { ...usage(0), reasoning: 0, output: 0 },
    };
  }

  if (
    view.tools.length > 0 &&
    view.toolsAllowed &&
    !view.hasToolResults &&
    /weather/i.test(view.lastUserText)
  ) {
    const calls = toolCalls(view);
    const output = calls.reduce((n, c) => n + estimateTokens(c.arguments), 0);
    return {
      id,
      text: "",
      pieces: [],
      thinking,
      toolCalls: calls,
      finish: "tool_calls",
      stopSequence: null,
      usage: usage(output),
    };
  }

  let text = answerText(view);
  let finish: FakePlan["finish"] = "stop";
  let stopSequence: string | null = null;
  for (const stop of view.stop) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at !== -1) {
      text = text.slice(0, at);
      stopSequence = stop;
    }
  }
  let pieces = splitPieces(text);
  if (view.maxTokens !== null && pieces.length > view.maxTokens) {
    pieces = pieces.slice(0, Math.max(0, view.maxTokens));
    text = pieces.join("");
    finish = "length";
    stopSequence = null;
  }
  return { id, text, pieces, thinking, toolCalls: [], finish, stopSequence, usage: usage(pieces.length) };
}
