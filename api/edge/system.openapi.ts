import { actorRestartDescribed } from '../http/actor-restart.js';
import { describeRoute } from '../http/openapi/route-description.js';
import { liveAnswer, readyAnswer } from '../http/openapi/answers.js';

/** The OpenAPI descriptions of system.routes.ts (validated with the same zod schemas). */
export const systemRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/health',
    summary: 'Check service health.',
    access: 'public',
    alsoAnswers: [503],
  }),
  describeRoute({
    method: 'GET',
    path: '/health/live',
    summary: 'Liveness: the process answers',
    access: 'public',
    response: liveAnswer,
  }),
  describeRoute({
    method: 'GET',
    path: '/health/ready',
    summary: 'Ready to serve',
    description: 'Ready to serve: the database takes writes and the scan line runs (paused or disabled still serves).',
    access: 'public',
    alsoAnswers: [503],
    response: readyAnswer,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/debug/actors',
    summary: 'The actor tree (debugging)',
    access: 'ADMIN',
  }),
  actorRestartDescribed,
];
