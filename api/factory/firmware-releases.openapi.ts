import { describeRoute } from '../http/openapi/route-description.js';
import { releaseParams, uploadQuery } from './firmware-releases.routes.js';

/** The OpenAPI descriptions of firmware-releases.routes.ts (validated with the same zod schemas). */
export const firmwareReleasesRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/firmware/releases',
    summary: 'Upload a signed firmware release',
    access: 'ADMIN',
    query: uploadQuery,
    status: 201,
    uploads: 'application/octet-stream',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/releases',
    summary: 'List the releases',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/releases/:id',
    summary: 'One release',
    access: 'OPERATOR',
    params: releaseParams,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/firmware/releases/:id',
    summary: 'Delete one of the releases',
    access: 'ADMIN',
    params: releaseParams,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/releases/:id/artifact',
    summary: "Download a release's firmware artifact (byte ranges, ETag)",
    access: 'device-or-OPERATOR',
    params: releaseParams,
    produces: 'application/octet-stream',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/firmware/signing-key',
    summary: 'The firmware signing public key',
    access: 'MANAGER',
  }),
];
