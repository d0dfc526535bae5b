import type { ServerResponse } from 'node:http';

/** Stable error codes of the JSON API: clients match on `code`, never on the message. */
export type ApiErrorCode = 'INPUT_INVALID' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'INTERNAL';

/** The body of every error response: `{ error: { code, message, parameter? } }`. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; parameter?: string };
}

/** An error a handler throws to answer with a given status; anything else becomes a 500. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly parameter: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    options: { parameter?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.parameter = options.parameter;
    this.headers = options.headers ?? {};
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.parameter === undefined ? {} : { parameter: this.parameter }),
      },
    };
  }
}

/** Writes `body` as JSON. Results are live data, so nothing is cached on the way. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, err.toBody(), err.headers);
}
