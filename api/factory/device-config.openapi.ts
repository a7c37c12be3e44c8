import { describeRoute } from '../http/openapi/route-description.js';
import { putDeviceConfigBody } from './device-config.routes.js';
import { deviceParams } from './schemas.js';

/** The OpenAPI descriptions of device-config.routes.ts (validated with the same zod schemas). */
export const deviceConfigRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/:id/config',
    summary: 'Configuration pushed to a device',
    access: 'OPERATOR',
    params: deviceParams,
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/devices/:id/config',
    summary: 'Replace the configuration pushed to a device',
    access: 'MANAGER',
    params: deviceParams,
    body: putDeviceConfigBody,
  }),
];
