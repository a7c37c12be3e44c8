import { z } from 'zod';
import { describeRoute } from '../http/openapi/route-description.js';
import { heartbeatBody } from './devices.routes.js';
import { createDeviceBody, deviceParams, updateDeviceBody } from './schemas.js';

/** A device as the factory answers it (devices.routes.ts deviceView). */
const deviceAnswer = z.looseObject({
  id: z.string(),
  name: z.string(),
  lineId: z.string().nullable(),
  description: z.string().nullable(),
  connectionMode: z.string().nullable(),
  status: z.string(),
  lastHeartbeat: z.string().nullable(),
  connected: z.boolean(),
  reported: z.unknown(),
  tokenIssued: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The OpenAPI descriptions of devices.routes.ts (validated with the same zod schemas). */
export const devicesRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices',
    summary: 'List all devices.',
    access: 'OPERATOR',
    response: z.array(deviceAnswer),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/devices',
    summary: 'Register new device.',
    access: 'MANAGER',
    body: createDeviceBody,
    status: 201,
    response: deviceAnswer,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/connected',
    summary: 'Devices connected on the device channel',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/:id',
    summary: 'Get device details.',
    access: 'OPERATOR',
    params: deviceParams,
    response: deviceAnswer,
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/devices/:id',
    summary: 'Update device.',
    access: 'MANAGER',
    params: deviceParams,
    body: updateDeviceBody,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/devices/:id',
    summary: 'Remove device.',
    access: 'MANAGER',
    params: deviceParams,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/devices/:id/token',
    summary: 'Issue a new device token (revokes the previous one)',
    access: 'MANAGER',
    params: deviceParams,
    status: 201,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/devices/:id/heartbeat',
    summary: 'Record device heartbeat.',
    access: 'device',
    params: deviceParams,
    body: heartbeatBody,
  }),
];
