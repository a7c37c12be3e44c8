import { describeRoute } from './openapi/route-description.js';
import { createBody, idParam, ownPasswordBody, patchBody, resetBody } from './users.routes.js';
import { userAnswer } from './openapi/answers.js';
import { z } from 'zod';

/** The OpenAPI descriptions of users.routes.ts (validated with the same zod schemas). */
export const usersRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/users',
    summary: 'List the users',
    access: 'ADMIN',
    response: z.array(userAnswer),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Create a user',
    access: 'ADMIN',
    body: createBody,
    status: 201,
    response: userAnswer,
  }),
  describeRoute({
    method: 'PATCH',
    path: '/api/v1/users/:id',
    summary: 'Update one of the users',
    access: 'ADMIN',
    params: idParam,
    body: patchBody,
    response: userAnswer,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/users/:id/password',
    summary: "Set a user's password",
    access: 'ADMIN',
    params: idParam,
    body: resetBody,
    response: userAnswer,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/auth/me',
    summary: 'The signed-in user',
    access: 'signed-in',
    response: userAnswer.extend({ tokenExpiresAt: z.string().nullable() }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/auth/password',
    summary: "Change one's own password",
    access: 'signed-in',
    body: ownPasswordBody,
    response: z.object({ token: z.string(), user: userAnswer }),
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/auth/logout',
    summary: 'Sign out (revoke this token)',
    access: 'signed-in',
    response: z.object({ loggedOut: z.literal(true) }),
  }),
];
