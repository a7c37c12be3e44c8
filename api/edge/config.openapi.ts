import { describeRoute } from '../http/openapi/route-description.js';
import { actorQuery, changeBody, noQuery, reloadBody } from './config.routes.js';

/** The OpenAPI descriptions of config.routes.ts (validated with the same zod schemas). */
export const configRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/config',
    summary: 'The configuration',
    access: 'MANAGER',
    query: noQuery,
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/config',
    summary: 'Replace the configuration',
    access: 'ADMIN',
    query: noQuery,
    body: changeBody,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/config',
    summary: 'Reset the configuration',
    access: 'ADMIN',
    query: actorQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/config/reload',
    summary: 'Reload the configuration',
    access: 'ADMIN',
    query: noQuery,
    body: reloadBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/self-service/status',
    summary: 'Status',
    access: 'MANAGER',
    query: noQuery,
  }),
];
