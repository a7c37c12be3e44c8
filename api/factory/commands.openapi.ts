import { describeRoute } from '../http/openapi/route-description.js';
import { commandParams, deviceParams, dispatchBody, listQuery, logsQuery } from './commands.routes.js';

/** The OpenAPI descriptions of commands.routes.ts (validated with the same zod schemas). */
export const commandsRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/devices/:id/commands',
    summary: 'Send a command to a device',
    access: 'MANAGER',
    params: deviceParams,
    body: dispatchBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/:id/commands',
    summary: 'Commands of a device',
    access: 'OPERATOR',
    params: commandParams,
    query: listQuery,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/:id/commands/:cmdId',
    summary: 'One command',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/devices/:id/commands/:cmdId/cancel',
    summary: 'Cancel a pending command',
    access: 'MANAGER',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/devices/:id/logs',
    summary: 'Logs of a device',
    access: 'MANAGER',
    query: logsQuery,
  }),
];
