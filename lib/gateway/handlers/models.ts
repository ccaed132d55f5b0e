// GET /api/v1/models: the models this key may call. Placeholder until the relay issue fills in the catalogue.
import { withApiKey } from "../auth";
import { sendJson } from "../http";

export const listModels = withApiKey(async ({ res }) => sendJson(res, 200, { object: "list", data: [] }));
