import { describeRoute } from '../http/openapi/route-description.js';
import { ackAllBody, emptyBody, exportQuery, idParam, langQuery, listQuery, noteBody } from './events.routes.js';

/** The OpenAPI descriptions of events.routes.ts (validated with the same zod schemas). */
export const eventsRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/events',
    summary: 'List the events',
    access: 'OPERATOR',
    query: listQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/events',
    summary: 'An operator\'s note',
    description: 'An operator\'s note: journaled at once, answered with the stored entry.',
    access: 'OPERATOR',
    query: langQuery,
    body: noteBody,
    status: 201,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/events/export',
    summary: 'A download of every entry the filters select, newest first, read page by page through the reader…',
    description: 'A download of every entry the filters select, newest first, read page by page through the reader connection and written as the client takes it (Koa pipes the stream: backpressure), so memory stays flat whatever the journal\'s size.',
    access: 'OPERATOR',
    query: exportQuery,
    produces: ['text/csv', 'application/json', 'application/xml'],
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/events/ack-all',
    summary: 'Acknowledge all events',
    access: 'MANAGER',
    body: ackAllBody,
  }),
  describeRoute({
    method: 'GET',
    path: '/api/v1/events/:id',
    summary: 'One event',
    access: 'OPERATOR',
    params: idParam,
    query: langQuery,
  }),
  describeRoute({
    method: 'POST',
    path: '/api/v1/events/:id/ack',
    summary: 'Acknowledges one entry (an alarm waits for this)',
    description: 'Acknowledges one entry (an alarm waits for this); acknowledging again keeps who and when it was first.',
    access: 'OPERATOR',
    params: idParam,
    query: langQuery,
    body: emptyBody,
  }),
];
