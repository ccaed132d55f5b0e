// Small node:http helpers for the relay: JSON responses, OpenAI-shaped errors, request ids. No Web Response here.
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, toErrorResponse } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/observability/log";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Reuses a caller's `x-request-id` when it is short and plain; otherwise a new `req_` id. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && SANE_REQUEST_ID.test(incoming) ? incoming : newId("req");
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(text);
}

/**
 * Answers with the error in OpenAI's shape. Unknown errors are logged and reach the client as a generic 500.
 * After the response has started (a stream) there is nothing to answer with: the connection is ended.
 */
export function sendError(res: ServerResponse, err: unknown, requestId: string): void {
  const { status, body, headers, expected } = toErrorResponse(err);
  if (!expected) log.error("relay request failed", { requestId, err });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, body, headers);
}

/**
 * Reads a JSON request body, refusing more than `maxBytes` (413, checked against Content-Length first and then
 * while reading, so a trickled oversized body is cut off early) and malformed JSON (400).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new AppError("payload_too_large", `Request body is larger than the limit of ${maxBytes} bytes.`);
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        req.resume();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The client went away (or was cut off by the server's request timeout) mid-body: an ordinary event, not
    // a relay failure worth an error log. Nobody is left to read the answer.
    throw new AppError("invalid_request", "The connection closed before the request body was complete.");
  }
  if (size === 0) throw new AppError("invalid_request", "Request body is empty; send a JSON object.");
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new AppError("invalid_request", "Request body is not valid JSON.");
  }
}
