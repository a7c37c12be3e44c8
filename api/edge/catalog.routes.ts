import Router from '@koa/router';
import { z } from 'zod';
import { LOCALES } from '../../src/domain/i18n/messages.js';
import { plcCatalog, printerCatalog, scannerCatalog } from './driver-catalog.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseQuery } from '../http/validate.js';

/**
 * Driver catalogs (spec: "Self-service on edge"): transports, models, roles and the JSON Schema of
 * each device's settings with defaults and descriptions, for a UI to build its forms from.
 * MANAGER and up, like the rest of self-service's reads. `?lang=ru|en` picks the descriptions'
 * language (default ru).
 */
export const catalogQuery = z.object({ lang: z.enum(LOCALES).default('ru') }).strict();

export function catalogRoutes(tokens: TokenIssuer): Router {
  const router = new Router({ prefix: '/api/v1/catalog' });
  const manager = requireRole(tokens, 'MANAGER');

  router.get('/scanners', manager, (ctx) => {
    const { lang } = parseQuery(ctx, catalogQuery);
    ok(ctx, scannerCatalog(lang));
  });
  router.get('/printers', manager, (ctx) => {
    const { lang } = parseQuery(ctx, catalogQuery);
    ok(ctx, printerCatalog(lang));
  });
  router.get('/plc-protocols', manager, (ctx) => {
    const { lang } = parseQuery(ctx, catalogQuery);
    ok(ctx, plcCatalog(lang));
  });

  return router;
}
