import type Router from '@koa/router';
import type Koa from 'koa';
import { openApiPath } from '../../api/http/openapi/document.js';
import { accessOf, type RouteAccess } from '../../api/http/openapi/route-description.js';

export interface MountedRoute {
  /** `GET /api/v1/batches/{id}` */
  key: string;
  /** What the route's auth middleware enforces ('public' when it has none). */
  access: RouteAccess;
}

/** The routes an app really mounts, read from its @koa/router layers (HEAD is GET's twin). */
export function mountedRoutes(app: Koa, extraRouters: Router[] = []): MountedRoute[] {
  const routers = [
    ...app.middleware.map((middleware) => (middleware as { router?: Router }).router).filter((router): router is Router => router !== undefined),
    ...extraRouters,
  ];
  const routes: MountedRoute[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      const access = layer.stack.map(accessOf).find((found) => found !== undefined) ?? 'public';
      for (const method of layer.methods) {
        if (method === 'HEAD') continue;
        routes.push({ key: `${method} ${openApiPath(String(layer.path))}`, access });
      }
    }
  }
  return routes;
}

/** The operations of an OpenAPI document as `METHOD /path`, with their x-required-role. */
export function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): Map<string, RouteAccess> {
  const routes = new Map<string, RouteAccess>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      routes.set(`${method.toUpperCase()} ${path}`, (operation as { 'x-required-role': RouteAccess })['x-required-role']);
    }
  }
  return routes;
}
