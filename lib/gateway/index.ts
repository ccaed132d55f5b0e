// The gateway core: the OpenAI-compatible relay surface served by server.ts before Next's router.
//
// Invariants:
//  - No Next import anywhere under lib/gateway: node:http requests and responses, node streams.
//  - Nothing on the warm path waits on the database: keys are verified from the key cache (key-cache.ts),
//    last-used times are written in batches off the request path (last-used.ts).
//  - Every response carries `x-request-id`; every error is in OpenAI's shape (lib/errors.ts).
export { createGateway, type Gateway, type GatewayOptions } from "./gateway";
export { withApiKey, verifyApiKey, readBearer } from "./auth";
export { invalidateApiKey, getProcessKeyCache, KeyCache } from "./key-cache";
export { isGatewayPath } from "./routes";
export type { ApiKeyContext, RouteCall, RouteHandler } from "./types";
