// GET /api/v1/models and GET /api/v1/models/{id}: the models this key may call, in OpenAI's list shape.
import { AppError } from "@/lib/errors";
import type { CatalogModel } from "@/lib/catalog/catalog";
import { withApiKey } from "../auth";
import { sendJson } from "../http";

function toOpenAIModel(m: CatalogModel, id = m.name) {
  return { id, object: "model", created: Math.floor(m.createdAt.getTime() / 1000), owned_by: "switchyard" };
}

export const listModels = withApiKey(async ({ res, deps }) => {
  const data = deps.pipeline.catalog().models.map((m) => toOpenAIModel(m));
  sendJson(res, 200, { object: "list", data });
});

export const MODEL_PATH_PREFIX = "/api/v1/models/";

export const getModel = withApiKey(async ({ req, res, deps }) => {
  const path = (req.url ?? "").split("?")[0]!;
  let id: string;
  try {
    id = decodeURIComponent(path.slice(MODEL_PATH_PREFIX.length));
  } catch {
    throw new AppError("invalid_request", "Malformed model id in the path.");
  }
  const model = deps.pipeline.catalog().resolve(id);
  if (!model) {
    throw new AppError("model_not_found", `The model \`${id}\` does not exist or you do not have access to it.`, {
      param: "model",
    });
  }
  sendJson(res, 200, toOpenAIModel(model, id));
});
