// The OpenAI-compatible surface: path -> method -> handler. Exact paths, no framework; the relay's endpoints
// are added here as they are built.
import { AppError } from "@/lib/errors";
import { chatCompletions } from "./handlers/chat";
import { embeddings } from "./handlers/embeddings";
import { getGeneration } from "./handlers/generation";
import { getModel, listModels, MODEL_PATH_PREFIX } from "./handlers/models";
import type { RouteHandler } from "./types";

export const GATEWAY_PREFIX = "/api/v1";

type Methods = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", RouteHandler>>;

const ROUTES = new Map<string, Methods>([
  ["/api/v1/chat/completions", { POST: chatCompletions }],
  ["/api/v1/embeddings", { POST: embeddings }],
  ["/api/v1/models", { GET: listModels }],
  ["/api/v1/generation", { GET: getGeneration }],
]);

/** Paths with an id after a fixed prefix. */
const PREFIX_ROUTES: Array<[string, Methods]> = [[MODEL_PATH_PREFIX, { GET: getModel }]];

const ALLOW = new Map([...ROUTES].map(([path, methods]) => [path, Object.keys(methods).join(", ")]));

/** Whether a request URL belongs to the gateway (`/api/v1`, `/api/v1/...`, `/api/v1?...`). */
export function isGatewayPath(url: string): boolean {
  if (!url.startsWith(GATEWAY_PREFIX)) return false;
  const next = url.charCodeAt(GATEWAY_PREFIX.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63; /* ? */
}

/** The handler for a request, or the 404/405 error to answer with. */
export function matchRoute(method: string | undefined, url: string | undefined): RouteHandler | AppError {
  let path = url ?? "/";
  const q = path.indexOf("?");
  if (q !== -1) path = path.slice(0, q);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  const methods =
    ROUTES.get(path) ??
    PREFIX_ROUTES.find(([prefix]) => path.startsWith(prefix) && path.length > prefix.length)?.[1];
  if (methods === undefined) {
    return new AppError("not_found", `Unknown API endpoint: ${method ?? "GET"} ${path.slice(0, 200)}`);
  }
  const handler = methods[method as keyof Methods];
  if (handler === undefined) {
    const allow = ALLOW.get(path) ?? Object.keys(methods).join(", ");
    return new AppError("method_not_allowed", `${method} is not allowed on ${path}; use ${allow}.`, {
      headers: { allow },
    });
  }
  return handler;
}
