// Protocol -> adapter. Vendors on the OpenAI protocol differ only by data (vendors.ts).
import type { Protocol } from "@/lib/catalog/catalog";
import { anthropicAdapter } from "./anthropic";
import { geminiAdapter } from "./gemini";
import { openaiAdapter } from "./openai";
import type { ChatAdapter } from "./types";

const ADAPTERS: Record<Protocol, ChatAdapter> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};

export function adapterFor(protocol: Protocol): ChatAdapter {
  return ADAPTERS[protocol];
}
