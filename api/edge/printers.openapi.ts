import { describeRoute } from '../http/openapi/route-description.js';
import { printBody, putBody, templateBody, templateParams, templateUpdate, testBody } from './printers.routes.js';

/** The OpenAPI descriptions of printers.routes.ts (validated with the same zod schemas). */
export const printersRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/printers',
    summary: 'List the printers',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/printers',
    summary: 'Replace the printers',
    access: 'ADMIN',
    body: putBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/printers/schema',
    summary: 'Printer configuration schema',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/printers/:index/status',
    summary: 'Status of a printer',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/printers/:index/print',
    summary: 'Print on a printer',
    access: 'OPERATOR',
    body: printBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/printers/:index/test',
    summary: 'A test label when asked (`{label',
    description: 'A test label when asked (`{label: true}`), else a status query; a printer that is not connected is made to reconnect now.',
    access: 'OPERATOR',
    body: testBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/printers/:index/templates',
    summary: 'Print templates of a printer',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/printers/:index/templates',
    summary: 'Create a print template',
    access: 'MANAGER',
    body: templateBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/printers/:index/templates/:name',
    summary: 'One template',
    access: 'OPERATOR',
    params: templateParams,
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/printers/:index/templates/:name',
    summary: 'Replace one of the templates',
    access: 'MANAGER',
    params: templateParams,
    body: templateUpdate,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/printers/:index/templates/:name',
    summary: 'Delete one of the templates',
    access: 'MANAGER',
    params: templateParams,
  }),
];
