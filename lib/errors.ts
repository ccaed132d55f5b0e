// One error model for the whole app. Code in lib/ throws AppError; only the wrappers (relay and dashboard)
// turn errors into responses, always in OpenAI's shape: {"error":{"message","type","code","param"}}.
import { ZodError } from "zod";

const CODES = {
  invalid_request: { status: 400, type: "invalid_request_error" },
  invalid_api_key: { status: 401, type: "invalid_request_error" },
  unauthenticated: { status: 401, type: "authentication_error" },
  insufficient_quota: { status: 402, type: "insufficient_quota" },
  permission_denied: { status: 403, type: "permission_error" },
  not_found: { status: 404, type: "invalid_request_error" },
  model_not_found: { status: 404, type: "invalid_request_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  payload_too_large: { status: 413, type: "invalid_request_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  internal_error: { status: 500, type: "server_error" },
  upstream_error: { status: 502, type: "server_error" },
  service_unavailable: { status: 503, type: "server_error" },
  upstream_timeout: { status: 504, type: "server_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, opts: { param?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.param = opts.param ?? null;
    this.headers = opts.headers ?? {};
  }

  get status(): number {
    return CODES[this.code].status;
  }
}

export interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

/**
 * Maps anything thrown to a status and OpenAI-shaped body. A zod error becomes a 400 naming the first failing
 * field; an unknown error becomes a generic 500 (the caller logs the original).
 */
export function toErrorResponse(err: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  expected: boolean;
} {
  if (err instanceof AppError) {
    const { status, type } = CODES[err.code];
    return {
      status,
      body: { error: { message: err.message, type, code: err.code, param: err.param } },
      headers: err.headers,
      expected: true,
    };
  }
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const param = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : null;
    const message = issue ? `${param ? `${param}: ` : ""}${issue.message}` : "Invalid request";
    return {
      status: 400,
      body: { error: { message, type: "invalid_request_error", code: "invalid_request", param } },
      headers: {},
      expected: true,
    };
  }
  return {
    status: 500,
    body: {
      error: { message: "Internal server error", type: "server_error", code: "internal_error", param: null },
    },
    headers: {},
    expected: false,
  };
}
