import Router from '@koa/router';
import type { ConnectionSettings } from '../../src/domain/device-channel.js';
import type { AnyActorRef } from 'xstate';
import type { WithTokens } from './factory-deps.js';
import { doWork } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { parseBody } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { connectionSettingsPatch } from './schemas.js';

/** What the connection settings routes need from the factory: reads from memory, writes through its serial worker. */
export interface ConnectionRoutesDeps extends WithTokens {
  settings(): ConnectionSettings;
  connectionSettings(): AnyActorRef;
}

/** Site-wide connection settings; a change is pushed to every connected edge. */
export function connectionRoutes(system: ConnectionRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/connection' });

  router.get('/settings', requireRole(system.tokens, 'OPERATOR'), (ctx) => ok(ctx, system.settings()));

  router.put('/settings', requireRole(system.tokens, 'MANAGER'), async (ctx) => {
    const patch = parseBody(ctx, connectionSettingsPatch);
    ok(ctx, await doWork<ConnectionSettings>(system.connectionSettings(), { actor: actorOf(ctx), patch }));
  });

  return router;
}
