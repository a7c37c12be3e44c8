import type { Context, Middleware, Next } from 'koa';
import { koaBody } from 'koa-body';
import { tokenFrom } from './auth.js';
import { ApiError } from './errors.js';

/** What an unauthenticated route may send at most (a login is well under 1 KB). */
export const PUBLIC_BODY_LIMIT_BYTES = 4 * 1024;

export interface BodyGate {
  /** Whether a bearer token is one this service accepts (signature, expiry, kind): only then is a body read. */
  accepts(token: string): boolean;
  /** The routes that take a body without a token, as `METHOD /path` (the login). */
  publicRoutes: string[];
  /** Their body limit; default PUBLIC_BODY_LIMIT_BYTES (never more than the service's own limit). */
  publicLimitBytes?: number;
}

/**
 * JSON body parsing, after authentication: reading and parsing a body costs time and memory, so
 * an anonymous client must not be able to make us spend them. A request whose bearer token this
 * service accepts has its body parsed up to `jsonLimitBytes`; a public route (the login) up to a
 * few KB; any other request's body is never parsed (its route then refuses it with 401), and if
 * it is larger than a few KB its connection is closed after the answer rather than drained.
 * Without a gate (the cloud simulator) every body is parsed, as before.
 */
export function bodyParsing(options: { jsonLimitBytes: number; gate?: BodyGate }): Middleware {
  const parse = jsonBody(options.jsonLimitBytes);
  const { gate } = options;
  if (!gate) return parse;
  const publicLimit = Math.min(gate.publicLimitBytes ?? PUBLIC_BODY_LIMIT_BYTES, options.jsonLimitBytes);
  const parsePublic = jsonBody(publicLimit);
  const publicRoutes = new Set(gate.publicRoutes);
  return async (ctx: Context, next: Next) => {
    if (publicRoutes.has(`${ctx.method} ${ctx.path}`)) return parsePublic(ctx, next);
    const token = tokenFrom(ctx.headers as { authorization?: string });
    if (token && gate.accepts(token)) return parse(ctx, next);
    // A small body is drained by Node after the 401 and the connection kept; a large (or
    // unbounded, chunked) one is not worth reading: the connection closes after the answer.
    if (largeOrUnbounded(ctx, publicLimit)) ctx.set('Connection', 'close');
    return next();
  };
}

function largeOrUnbounded(ctx: Context, limitBytes: number): boolean {
  if (ctx.get('transfer-encoding') !== '') return true;
  const length = Number(ctx.get('content-length') || 0);
  return !Number.isFinite(length) || length > limitBytes;
}

function jsonBody(limitBytes: number): Middleware {
  return koaBody({
    json: true,
    multipart: false,
    urlencoded: false,
    text: false,
    jsonLimit: limitBytes,
    jsonStrict: true,
    // Errors with an HTTP status (malformed JSON, too large, unknown encoding) go on as they are; any
    // other failure while reading a body (zlib on a body that does not match its Content-Encoding) is
    // still the client's malformed body, not a 500.
    onError: (error) => {
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) throw error;
      throw new ApiError('VALIDATION_ERROR', 'Malformed request body');
    },
  });
}

/**
 * `accepts` for a BodyGate: a token is accepted when any of these verifiers takes it without
 * throwing. A user who must change their password still has a body read: the password change is
 * the one call they may make (the route's own check refuses the others).
 */
export function acceptedByAny(...verifiers: Array<{ verify(token: string, options?: { allowPasswordChange?: boolean }): unknown }>): (token: string) => boolean {
  return (token) =>
    verifiers.some((verifier) => {
      try {
        verifier.verify(token, { allowPasswordChange: true });
        return true;
      } catch {
        return false;
      }
    });
}
