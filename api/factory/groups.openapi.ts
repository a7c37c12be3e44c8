import { describeRoute } from '../http/openapi/route-description.js';
import { bulkEnvelope, createGroupBody, groupParams, membersBody, updateGroupBody } from './groups.routes.js';

/** The OpenAPI descriptions of groups.routes.ts (validated with the same zod schemas). */
export const groupsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/device-groups',
    summary: 'List the device groups',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/device-groups',
    summary: 'Create a device group',
    access: 'MANAGER',
    body: createGroupBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/device-groups/:id',
    summary: 'One device group',
    access: 'OPERATOR',
    params: groupParams,
  }),
  describeRoute({
    method: 'PUT',
    path: '/api/v1/device-groups/:id',
    summary: 'Replace one of the device groups',
    access: 'MANAGER',
    params: groupParams,
    body: updateGroupBody,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/device-groups/:id',
    summary: 'Delete one of the device groups',
    access: 'MANAGER',
    params: groupParams,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/device-groups/:id/members',
    summary: 'Members of a group',
    access: 'OPERATOR',
    params: groupParams,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/device-groups/:id/members',
    summary: 'Add devices to a group',
    access: 'MANAGER',
    params: groupParams,
    body: membersBody,
  }),
  describeRoute({
    method: 'DELETE',
    path: '/api/v1/device-groups/:id/members',
    summary: 'Remove devices from a group',
    access: 'MANAGER',
    params: groupParams,
    body: membersBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/device-groups/:id/commands',
    summary: 'Send a command to every device of a group',
    access: 'MANAGER',
    params: groupParams,
    body: bulkEnvelope,
  }),
];
