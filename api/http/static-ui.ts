import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Koa from 'koa';
import { appDist, ensureBuilt, type UiApp } from '../../src/ui/build.js';

/**
 * The browser app of a service at `/` (same origin as the API): `index.html` never cached, the
 * content-hashed assets under `/assets/` cached for a year. A Content-Security-Policy allows only
 * this origin's scripts, styles and sockets: no inline script, nothing from elsewhere.
 * Paths under `/api`, `/ws` and `/health` pass through to the API untouched.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export function staticUi(app: UiApp): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path;
    const asset = /^\/assets\/(app-[0-9a-f]{12}\.(js|css))$/.exec(path);
    if (path !== '/' && path !== '/index.html' && !asset) return next();
    await ensureBuilt(app);
    ctx.set('Content-Security-Policy', UI_CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (asset) {
      try {
        ctx.body = await readFile(join(appDist(app), asset[1]!));
      } catch {
        return next(); // an asset of another build: the JSON 404
      }
      ctx.type = TYPES[asset[2]!]!;
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      return;
    }
    ctx.body = await readFile(join(appDist(app), 'index.html'));
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
  };
}
