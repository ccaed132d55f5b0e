import { AppError } from "@/lib/errors";

/** Dashboard forms send small bodies; anything bigger is refused before it is parsed. */
export const MAX_JSON_BYTES = 64 * 1024;

/** The request's JSON body: {} when empty (and for GET/HEAD), a 400 when malformed, a 413 when too large. */
export async function readJsonBody(req: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  if (req.method === "GET" || req.method === "HEAD" || !req.body) return {};
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("payload_too_large", `Request body must be at most ${maxBytes} bytes.`);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) {
    throw new AppError("payload_too_large", `Request body must be at most ${maxBytes} bytes.`);
  }
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("invalid_request", "Request body is not valid JSON.");
  }
}

/** The body as an object (for reading named fields); a 400 for arrays and scalars. */
export function asObject(body: unknown): Record<string, unknown> {
  if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new AppError("invalid_request", "Request body must be a JSON object.");
}
