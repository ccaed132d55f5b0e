// POST /api/v1/embeddings: OpenAI-compatible embeddings (float or base64), through the relay pipeline.
import { env } from "@/lib/env";
import { withApiKey } from "../auth";
import { readJsonBody } from "../http";
import { proxyEmbeddings } from "../pipeline";
import { EmbeddingsRequest } from "../schemas";

export const embeddings = withApiKey(async ({ req, res, requestId, deps, ctx }) =>
  proxyEmbeddings(
    { ctx, req, res, requestId, deps: deps.pipeline },
    EmbeddingsRequest.parse(await readJsonBody(req, env().MAX_BODY_BYTES)),
  ),
);
