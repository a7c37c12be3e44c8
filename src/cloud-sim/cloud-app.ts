import type Koa from 'koa';
import type { Context, Next } from 'koa';
import { createHttpApp } from '../../api/http/app.js';
import { errorBody } from '../../api/http/envelope.js';
import type { Logger } from '../runtime/logger.js';
import { ADMIN_PREFIX, adminRoutes } from './admin.routes.js';
import type { CloudStore } from './cloud-store.js';
import { deviceRoutes } from './device.routes.js';
import type { FaultController } from './faults.js';
import { userRoutes } from './user.routes.js';

/** 10,000 sync items with full codes and payloads stay well under this. */
export const CLOUD_JSON_LIMIT_BYTES = 32 * 1024 * 1024;

export interface CloudAppDeps {
  store: CloudStore;
  faults: FaultController;
  logger: Logger;
}

/** The simulated OKTO Cloud: the shared Koa shell, fault injection, then the three route groups. */
export function createCloudApp({ store, faults, logger }: CloudAppDeps): Koa {
  const app = createHttpApp({ logger, jsonLimitBytes: CLOUD_JSON_LIMIT_BYTES });
  app.use(injectFaults(store, faults));
  for (const router of [userRoutes(store, logger), deviceRoutes(store, logger), adminRoutes(store, faults, logger)]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}

const isAdmin = (path: string) => path === ADMIN_PREFIX || path.startsWith(ADMIN_PREFIX + '/');

/**
 * Carries out the current fault on a non-admin request (refuse is the listener's business, see
 * server.ts). Runs after body parsing, so `drop` has read the request but stored nothing.
 */
function injectFaults(store: CloudStore, faults: FaultController) {
  return async (ctx: Context, next: Next) => {
    if (isAdmin(ctx.path)) return next();
    store.requests++;
    const fault = faults.take(ctx.path);
    if (!fault) return next();
    switch (fault.mode) {
      case 'error500':
        ctx.status = 500;
        ctx.body = errorBody('SERVER_ERROR', 'Injected fault: internal server error');
        return;
      case 'error503':
        ctx.status = 503;
        ctx.body = errorBody('SERVICE_UNAVAILABLE', 'Injected fault: service unavailable');
        return;
      case 'delay':
        await faults.sleep(fault.delayMs);
        if (faults.closing) return cut(ctx);
        return next();
      case 'drop':
        return cutMidResponse(ctx);
      case 'drop_after_commit':
        await next();
        return cut(ctx);
    }
  };
}

/** Closes the connection without a byte of response. */
function cut(ctx: Context): void {
  ctx.status = 200; // keeps the shell from turning an unanswered request into a 404
  ctx.respond = false;
  ctx.req.socket.destroy();
}

/** Sends a status line, headers and the start of a body, then closes: the client sees a torn response. */
function cutMidResponse(ctx: Context): void {
  ctx.status = 200;
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '4096' });
  res.write('{"success":true,"data":{"res', () => res.socket?.destroy());
}
