import Router from '@koa/router';
import { z } from 'zod';
import type { CatalogStore } from '../../adapters/store/factory/catalog-store.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseBody, parseParams } from '../http/validate.js';
import { actorOf } from './audit-actor.js';

/** Site and variant codes: short, URL-safe, start with a letter or digit (e.g. PLANT-01, WET_V2). */
export const catalogCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (1-64 characters, starting with a letter or digit)');

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'an absolute http(s) URL');

/** An IANA zone name the runtime knows (Europe/Moscow, UTC), not an offset or an abbreviation. */
export const ianaTimeZone = z
  .string()
  .max(64)
  .refine((value) => {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone, e.g. Europe/Moscow');

const name = z.string().trim().min(1).max(200);
const description = z.string().max(1000).nullable().optional();

export const createCloudEndpointBody = z.object({ name, url: httpUrl, description }).strict();
export const createSiteBody = z.object({ code: catalogCode, name, timeZone: ianaTimeZone.nullable().optional(), address: z.string().max(1000).nullable().optional() }).strict();
export const createVariantBody = z.object({ code: catalogCode, name, cabinetType: z.enum(['WET', 'DRY']), description }).strict();

export const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (1-100 characters)') });
export const codeParams = z.object({ code: catalogCode });


/**
 * `/api/v1/catalog/*` on the factory: runtime-editable lists (cloud endpoints, sites, cabinet
 * variants). Reads are public (an edge's setup screen reads them before anyone signs in); writes
 * need MANAGER or ADMIN.
 */
export function catalogRoutes(tokens: TokenIssuer, store: CatalogStore): Router {
  const router = new Router({ prefix: '/api/v1/catalog' });
  const manager = requireRole(tokens, 'MANAGER');

  router.get('/cloud-endpoints', async (ctx) => ok(ctx, await store.cloudEndpoints.list()));
  router.post('/cloud-endpoints', manager, async (ctx) => {
    const body = parseBody(ctx, createCloudEndpointBody);
    ok(ctx, await store.cloudEndpoints.create(actorOf(ctx), body), 201);
  });
  router.delete('/cloud-endpoints/:id', manager, async (ctx) => {
    const { id } = parseParams(ctx, idParams);
    ok(ctx, await store.cloudEndpoints.remove(actorOf(ctx), id));
  });

  router.get('/sites', async (ctx) => ok(ctx, await store.sites.list()));
  router.post('/sites', manager, async (ctx) => {
    const body = parseBody(ctx, createSiteBody);
    ok(ctx, await store.sites.create(actorOf(ctx), body), 201);
  });
  router.delete('/sites/:code', manager, async (ctx) => {
    const { code } = parseParams(ctx, codeParams);
    ok(ctx, await store.sites.remove(actorOf(ctx), code));
  });

  router.get('/variants', async (ctx) => ok(ctx, await store.variants.list()));
  router.post('/variants', manager, async (ctx) => {
    const body = parseBody(ctx, createVariantBody);
    ok(ctx, await store.variants.create(actorOf(ctx), body), 201);
  });
  router.delete('/variants/:code', manager, async (ctx) => {
    const { code } = parseParams(ctx, codeParams);
    ok(ctx, await store.variants.remove(actorOf(ctx), code));
  });

  return router;
}
