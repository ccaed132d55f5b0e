// Protocol -> adapter. Vendors on the OpenAI protocol differ only by data (vendors.ts).
//
// Every adapter is guarded: a provider answer the translation cannot read (a malformed body or stream event, the
// shapes lib/gateway/fuzz.test.ts generates) becomes an upstream error in OpenAI's shape, never a TypeError.
import type { Protocol } from "@/lib/catalog/catalog";
import { AppError } from "@/lib/errors";
import { anthropicAdapter } from "./anthropic";
import { geminiAdapter } from "./gemini";
import { openaiAdapter } from "./openai";
import { UpstreamStreamError, type ChatAdapter, type StreamTranslator } from "./types";

const UNREADABLE = "The provider sent an answer Switchyard could not read.";

function isMapped(err: unknown): boolean {
  return err instanceof AppError || err instanceof UpstreamStreamError;
}

function readOrThrow<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (isMapped(err)) throw err;
    throw new AppError("upstream_error", UNREADABLE);
  }
}

function guardTranslator(t: StreamTranslator): StreamTranslator {
  return {
    push(event) {
      try {
        return t.push(event);
      } catch (err) {
        if (isMapped(err)) throw err;
        throw new UpstreamStreamError({
          status: 502,
          message: UNREADABLE,
          type: "server_error",
          code: "upstream_error",
        });
      }
    },
    get done() {
      return t.done;
    },
    get usage() {
      return t.usage;
    },
  };
}

function guard(adapter: ChatAdapter): ChatAdapter {
  const { parseEmbeddingsResponse } = adapter;
  return {
    ...adapter,
    parseChatResponse: (body, ctx) => readOrThrow(() => adapter.parseChatResponse(body, ctx)),
    createStreamTranslator: (ctx) => guardTranslator(adapter.createStreamTranslator(ctx)),
    parseEmbeddingsResponse: parseEmbeddingsResponse
      ? (body, req) => readOrThrow(() => parseEmbeddingsResponse.call(adapter, body, req))
      : undefined,
  };
}

const ADAPTERS: Record<Protocol, ChatAdapter> = {
  openai: guard(openaiAdapter),
  anthropic: guard(anthropicAdapter),
  gemini: guard(geminiAdapter),
};

export function adapterFor(protocol: Protocol): ChatAdapter {
  return ADAPTERS[protocol];
}
