import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { UI_CSP } from '../static-ui.js';
import { describeRoute } from './route-description.js';

/**
 * The API's OpenAPI document at `GET /openapi.json` and a reference page at `/docs`, both without a
 * token (the document says nothing a login would not). The page is swagger-ui from node_modules,
 * so it works offline; it is started by a script file, not inline, and keeps the HMI's strict CSP.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// Served as a file: the CSP forbids inline scripts. The token a user pastes under "Authorize" stays in the page.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: false });\n`;

const swaggerUiDir = (): string => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const docsRoutesDescribed = [
  describeRoute({ method: 'GET', path: '/openapi.json', summary: 'This OpenAPI 3.1 document', access: 'public', produces: 'application/json' }),
  describeRoute({ method: 'GET', path: '/docs', summary: 'The API reference page (swagger-ui, served offline)', access: 'public', produces: 'text/html' }),
  describeRoute({ method: 'GET', path: '/docs/init.js', summary: 'Script that starts the reference page', access: 'public', produces: 'text/javascript' }),
  describeRoute({ method: 'GET', path: '/docs/:asset', summary: 'swagger-ui asset (swagger-ui.css, swagger-ui-bundle.js)', access: 'public', produces: 'application/octet-stream' }),
];

export function docsRoutes(document: () => unknown): Router {
  const router = new Router();
  let json: string | undefined;

  router.get('/openapi.json', (ctx) => {
    json ??= JSON.stringify(document());
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = json;
  });

  const headers = (ctx: Context) => {
    ctx.set('Content-Security-Policy', UI_CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
  };

  router.get('/docs', (ctx) => {
    headers(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = PAGE;
  });

  router.get('/docs/init.js', (ctx) => {
    headers(ctx);
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = INIT;
  });

  router.get('/docs/:asset', async (ctx, next) => {
    const asset = ctx.params.asset!;
    const type = ASSETS[asset];
    if (!type) return next(); // the JSON 404
    headers(ctx);
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(join(swaggerUiDir(), asset));
  });

  return router;
}
