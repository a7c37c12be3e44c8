import { describeRoute } from '../http/openapi/route-description.js';
import { codeParams, createCloudEndpointBody, createSiteBody, createVariantBody, idParams } from './catalogs.routes.js';

/** The OpenAPI descriptions of catalogs.routes.ts (validated with the same zod schemas). */
export const catalogsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/cloud-endpoints',
    summary: 'List the cloud endpoints',
    access: 'public',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/catalog/cloud-endpoints',
    summary: 'Add a cloud endpoint',
    access: 'MANAGER',
    body: createCloudEndpointBody,
    status: 201,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/catalog/cloud-endpoints/:id',
    summary: 'Delete one of the cloud endpoints',
    access: 'MANAGER',
    params: idParams,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/sites',
    summary: 'List the sites',
    access: 'public',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/catalog/sites',
    summary: 'Add a site',
    access: 'MANAGER',
    body: createSiteBody,
    status: 201,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/catalog/sites/:code',
    summary: 'Delete one of the sites',
    access: 'MANAGER',
    params: codeParams,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/catalog/variants',
    summary: 'List the variants',
    access: 'public',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/catalog/variants',
    summary: 'Add a product variant',
    access: 'MANAGER',
    body: createVariantBody,
    status: 201,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/catalog/variants/:code',
    summary: 'Delete one of the variants',
    access: 'MANAGER',
    params: codeParams,
  }),
];
