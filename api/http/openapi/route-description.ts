import type { z } from 'zod';
import type { Role } from '../../../src/domain/roles.js';

/**
 * Who may call a route: nobody in particular (`public`), any signed-in user (also one who must still
 * change the password), a user with at least a role, a device token, or either a device or a user
 * with at least a role.
 */
export type RouteAccess = 'public' | 'signed-in' | 'device' | Role | `device-or-${Role}`;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One operation of the API as the OpenAPI document shows it. The zod schemas are the ones the
 * route validates with (exported beside the route), so the document cannot drift from the checks.
 */
export interface RouteDescription {
  method: HttpMethod;
  /** Koa style, with the router's prefix: `/api/v1/batches/:id`. */
  path: string;
  summary: string;
  description?: string;
  access: RouteAccess;
  body?: z.ZodType;
  /** A raw request body instead of JSON (a firmware artifact): its content type. */
  uploads?: string;
  query?: z.ZodType;
  params?: z.ZodType;
  /** The `data` of the success envelope; absent: not described yet (any JSON). */
  response?: z.ZodType;
  /** Status of the success answer (default 200; 201 for a creation). */
  status?: number;
  /** Other statuses answered with the same success envelope (a health check's 503 says why it is down). */
  alsoAnswers?: number[];
  /** A success answer that is not the JSON envelope (a file, a text exposition). */
  produces?: string | readonly string[];
}

export const describeRoute = (description: RouteDescription): RouteDescription => description;

/** Marks an auth middleware with the access it enforces, so tests can compare it with the document. */
export function withAccess<T extends object>(middleware: T, access: RouteAccess): T & { requiredAccess: RouteAccess } {
  return Object.assign(middleware, { requiredAccess: access });
}

export function accessOf(middleware: unknown): RouteAccess | undefined {
  return (middleware as { requiredAccess?: RouteAccess } | null)?.requiredAccess;
}
