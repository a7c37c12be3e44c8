import { describeRoute } from '../http/openapi/route-description.js';
import { plcBindingsConfigSchema, plcsConfigSchema } from '../../adapters/plcs/plcs-config.js';

/** The OpenAPI descriptions of plcs.routes.ts (validated with the same zod schemas). */
export const plcsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/plcs',
    summary: 'List the plcs',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/plcs',
    summary: 'Replace the plcs',
    access: 'ADMIN',
    body: plcsConfigSchema,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/plcs/:id/health',
    summary: 'Health of a PLC',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/plcs/:id/test',
    summary: 'Reconnect now, then read one tag bound to this PLC (if any) to prove the link works',
    access: 'MANAGER',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/plcs/:id/tags',
    summary: 'Tags of a PLC',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/plc/bindings',
    summary: 'PLC tag bindings',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/plc/bindings',
    summary: 'Replace the PLC tag bindings',
    access: 'MANAGER',
    body: plcBindingsConfigSchema,
  }),
];
