import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import type { Logger } from '../../src/runtime/logger.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { apiErrorOf } from './actor-calls.js';
import { type BodyGate, bodyParsing } from './body-parsing.js';
import { errorBody } from './envelope.js';
import { ApiError, codeForStatus } from './errors.js';
import { routeOf } from './http-metrics.js';

export interface HttpAppOptions {
  logger: Logger;
  /** Largest JSON body accepted, in bytes. */
  jsonLimitBytes: number;
  /** Parse bodies only of authenticated requests and of these public routes (see body-parsing.ts). */
  bodyGate?: BodyGate;
}

/**
 * The Koa shell every service shares: request ids, access logs, the error envelope, JSON body
 * parsing with a size cap (after authentication when a body gate is given), and a JSON 404 for unknown routes. Services mount their routers on it.
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa();
  const { logger } = options;
  app.silent = true; // errors are logged by the middleware below, not by Koa's default handler

  app.use(async (ctx, next) => {
    const requestId = (ctx.get('x-request-id') || randomUUID()).slice(0, 64);
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    if (!targetParses(ctx)) {
      // An absolute-form target that is not a URL (`GET http://[ HTTP/1.1`): every later read of
      // ctx.path would throw, even the access log's.
      ctx.status = 400;
      ctx.body = errorBody('VALIDATION_ERROR', 'Malformed request target');
      return;
    }
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      }
      // @koa/router's allowedMethods() answers a known path with a bare 405 (or 501 for a method it
      // does not know at all) and an Allow header; both are the client's mistake, so both are a 405 envelope.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
        const allowed = ctx.response.get('Allow').split(',').map((m) => m.trim()).filter(Boolean);
        if (allowed.length === 0) {
          ctx.remove('Allow');
          throw new ApiError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
        }
        throw new ApiError('METHOD_NOT_ALLOWED', `Method ${ctx.method} is not allowed on ${ctx.path}`, { allowed });
      }
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      ctx.status = status;
      ctx.body = body;
      // A 503 is a routine answer (not configured yet, restarting, upstream away): info, no stack.
      if (status === 503) logger.info({ requestId, method: ctx.method, path: ctx.path, message: body.error.message }, 'service unavailable');
      else if (status >= 500) logger.error({ err: error, requestId, method: ctx.method, path: ctx.path }, 'request failed');
    } finally {
      logger.debug(
        { requestId, method: ctx.method, route: routeOf(ctx), path: ctx.path, status: ctx.status, ms: +(performance.now() - started).toFixed(2) },
        'request',
      );
    }
  });

  app.use(bodyParsing({ jsonLimitBytes: options.jsonLimitBytes, ...(options.bodyGate ? { gate: options.bodyGate } : {}) }));
  return app;
}

function targetParses(ctx: Koa.Context): boolean {
  try {
    return typeof ctx.path === 'string';
  } catch {
    return false;
  }
}

function toErrorResponse(error: unknown): { status: number; body: ReturnType<typeof errorBody> } {
  // A domain refusal (unknown id, conflict, invalid, unavailable) thrown by a store or service a
  // route called directly: the same mapping as a refusal carried back in an actor's reply.
  if (error instanceof DomainError) error = apiErrorOf(error.toFailure());
  if (error instanceof ApiError) {
    return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  }
  const status = (error as { status?: unknown })?.status;
  if (status === 501) {
    // A router's allowedMethods({ throw: true }) for a method it does not know: still the client's mistake.
    return { status: 405, body: errorBody('METHOD_NOT_ALLOWED', 'Method not allowed') };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Raised by a library: malformed JSON (400), body too large (413), wrong content type (415).
    const code = codeForStatus(status);
    const message =
      code === 'PAYLOAD_TOO_LARGE' ? 'Request body too large' : status === 400 ? 'Malformed request body' : String((error as Error).message);
    return { status, body: errorBody(code, message) };
  }
  return { status: 500, body: errorBody('SERVER_ERROR', 'Internal server error') };
}
