import { describeRoute } from '../http/openapi/route-description.js';
import { abortBody, createBody, deploymentParams, listQuery } from './firmware-deployments.routes.js';

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
  describeRoute({
    method: 'POST',
    path: '/api/v1/firmware/deployments/:id/abort',
    summary: 'Abort a running deployment by hand: devices not started are skipped, devices at work are followed to their end',
    access: 'ADMIN',
    params: deploymentParams,
    body: abortBody,
  }),
];
