import { describeRoute } from '../http/openapi/route-description.js';
import { createBody, deploymentParams, listQuery } from './firmware-deployments.routes.js';

/** The OpenAPI descriptions of firmware-deployments.routes.ts (validated with the same zod schemas). */
export const firmwareDeploymentsRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/firmware/deployments',
    summary: 'Start a firmware deployment',
    access: 'ADMIN',
    body: createBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/deployments',
    summary: 'List the deployments',
    access: 'OPERATOR',
    query: listQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/deployments/:id',
    summary: 'One deployment',
    access: 'OPERATOR',
    params: deploymentParams,
  }),
];
