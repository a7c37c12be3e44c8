import { describeRoute } from '../http/openapi/route-description.js';
import { nameParams, setBody, testBody } from './gpio.routes.js';

/** The OpenAPI descriptions of gpio.routes.ts (validated with the same zod schemas). */
export const gpioRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/gpio/status',
    summary: 'Status',
    access: 'OPERATOR',
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/gpio/buttons/:name/test',
    summary: 'A press and a release injected at the board, so the test takes the path a finger would',
    access: 'MANAGER',
    params: nameParams,
    body: testBody,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/gpio/leds/:name/set',
    summary: 'Set a LED',
    access: 'MANAGER',
    params: nameParams,
    body: setBody,
  }),
];
