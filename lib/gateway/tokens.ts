// Token counting for usage the provider never reported (a cut stream, a client that went away): o200k BPE from
// gpt-tokenizer, pure JS. Records counted this way are marked estimated.
import { countTokens } from "gpt-tokenizer";
import type { ChatMessage } from "./providers/types";

/** OpenAI's documented overhead: about 3 tokens per message plus 3 for the reply primer. */
const PER_MESSAGE = 3;
const REPLY_PRIMER = 3;
/** A flat allowance per image when the size is unknown (OpenAI's low-detail image cost). */
const PER_IMAGE = 85;

export function estimateTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}

export function estimatePromptTokens(messages: ChatMessage[]): number {
  let n = REPLY_PRIMER;
  for (const m of messages) {
    n += PER_MESSAGE;
    const content = (m as { content?: unknown }).content;
    if (typeof content === "string") n += estimateTextTokens(content);
    else if (Array.isArray(content)) {
      for (const p of content as Array<{ type: string; text?: string }>) {
        n += p.type === "text" ? estimateTextTokens(p.text ?? "") : p.type === "image_url" ? PER_IMAGE : 0;
      }
    }
    if (m.role === "assistant" && m.tool_calls) {
      for (const t of m.tool_calls) n += estimateTextTokens(t.function.name) + estimateTextTokens(t.function.arguments);
    }
  }
  return n;
}
