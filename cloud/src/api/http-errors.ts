import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Stable API error codes; every JSON error is `{ error: { code, message } }`. */
export type ApiErrorCode =
  | 'E_BAD_ID'
  | 'E_BAD_QUERY'
  | 'E_NOT_FOUND'
  | 'E_NO_COHORT'
  | 'E_INTERNAL'
  // Device administration (device-routes.ts).
  | 'E_BAD_BODY'
  | 'E_TOKEN_INVALID'
  | 'E_DEVICE_ENROLLED'
  | 'E_UNAVAILABLE'
  // Authentication and access (auth/, issue 8).
  | 'E_UNAUTHENTICATED'
  | 'E_LOGIN_FAILED'
  | 'E_FORBIDDEN'
  | 'E_RATE_LIMITED'
  | 'E_TOO_LARGE'
  | 'E_UNSUPPORTED_MEDIA';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const ID = /^[1-9][0-9]{0,15}$/;

/** A lesson id: a positive decimal integer, nothing else (no signs, spaces, SQL, exponents). */
export function parseId(raw: unknown): number {
  if (typeof raw !== 'string' || !ID.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new ApiError(400, 'E_BAD_ID', 'id must be a positive integer');
  }
  return Number(raw);
}

/** An optional non-negative integer query parameter within [min, max]. */
export function parseIntParam(
  raw: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ApiError(400, 'E_BAD_QUERY', `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new ApiError(404, 'E_NOT_FOUND', 'no such route'));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ApiError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    // Malformed URLs and the like arrive from Express with a 4xx status of their own.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'E_BAD_QUERY', message: 'bad request' } });
      return;
    }
    logger.error({ err: { message: (err as Error).message }, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'E_INTERNAL', message: 'internal error' } });
  };
}
