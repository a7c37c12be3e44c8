import { describeRoute } from '../http/openapi/route-description.js';
import { activateBody, signInBody } from './provisioning.routes.js';

/** The OpenAPI descriptions of provisioning.routes.ts (validated with the same zod schemas). */
export const provisioningRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/provision/status',
    summary: 'Get current provisioning status.',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/provision/signin',
    summary: 'Sign in with OKTO Cloud credentials.',
    access: 'MANAGER',
    body: signInBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/provision/devices',
    summary: 'Get available devices for activation.',
    access: 'MANAGER',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/provision/activate',
    summary: 'Activate selected device.',
    access: 'MANAGER',
    body: activateBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/provision/deprovision',
    summary: 'Reset device provisioning.',
    access: 'ADMIN',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/provision/device',
    summary: 'Get provisioned device information.',
    access: 'OPERATOR',
  }),
];
