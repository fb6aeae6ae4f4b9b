import type { ErrorBody, ErrorCode } from "./types";

/**
 * ApiError is a failed API call: the API's error envelope
 * ({"error": {"code", "message", "fields", "request_id"}}), or code
 * "network" when the API could not be reached at all.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "network";
  /** The request's fields the API names, each with why it is wrong. */
  readonly fields: Record<string, string>;
  readonly requestId: string | undefined;
  /** Seconds to wait, from Retry-After on a 429. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: ApiError["code"];
    message: string;
    fields?: Record<string, string> | undefined;
    requestId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }

  /** The message the API gave for the named request field, if any. */
  field(name: string): string | undefined {
    return this.fields[name];
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== "object" || v === null || !("error" in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** errorFrom turns a failed response and its decoded body into an ApiError. */
export function errorFrom(response: Response, body: unknown): ApiError {
  const retry = Number(response.headers.get("Retry-After"));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  if (isErrorBody(body)) {
    return new ApiError({
      status: response.status,
      code: body.error.code,
      message: body.error.message,
      fields: body.error.fields,
      requestId: body.error.request_id,
      retryAfter,
    });
  }
  return new ApiError({
    status: response.status,
    code: response.status >= 500 ? "internal" : "invalid",
    message: `The API answered ${response.status} ${response.statusText}`.trim(),
    retryAfter,
  });
}

/** The shape of an openapi-fetch answer. */
interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * unwrap resolves to a call's data or rejects with its ApiError, so
 * TanStack Query sees failures as errors. A call that never reached the
 * API rejects with code "network".
 */
export async function unwrap<R extends Result>(call: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  let result: R;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError({
      status: 0,
      code: "network",
      message: "Cannot reach the Labforge API; check your connection and try again.",
    });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw errorFrom(result.response, result.error);
  }
  return result.data as Exclude<R["data"], undefined>;
}

/** messageOf says what went wrong in one sentence, for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
