// POST /api/v1/chat/completions: OpenAI-compatible chat, streaming included, through the relay pipeline.
import { env } from "@/lib/env";
import { withApiKey } from "../auth";
import { readJsonBody } from "../http";
import { proxyChatCompletion } from "../pipeline";
import type { ChatRequest } from "../providers/types";
import { ChatCompletionRequest } from "../schemas";

export const chatCompletions = withApiKey(async ({ req, res, requestId, deps, ctx }) =>
  proxyChatCompletion(
    { ctx, req, res, requestId, deps: deps.pipeline },
    ChatCompletionRequest.parse(await readJsonBody(req, env().MAX_BODY_BYTES)) as ChatRequest,
  ),
);
