import { describeRoute } from './openapi/route-description.js';
import { loginBody } from './login.routes.js';
import { loginAnswer } from './openapi/answers.js';

/** The OpenAPI descriptions of login.routes.ts (validated with the same zod schemas). */
export const loginRoutesDescribed = [
  describeRoute({
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'Authenticate user with local credentials.',
    access: 'public',
    body: loginBody,
    response: loginAnswer,
  }),
];
