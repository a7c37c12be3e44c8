import Router from '@koa/router';
import { z } from 'zod';
import { modbusTag } from '../../adapters/plcs/modbus-driver.js';
import { plcBrowses } from '../../adapters/plcs/plc-driver-factory.js';
import type { PlcTag } from '../../adapters/plcs/plc-driver.js';
import { type PlcBindings, type PlcConfig, plcBindingsConfigSchema, plcsConfigSchema } from '../../adapters/plcs/plcs-config.js';
import type { PlcHealth, PlcReply, PlcRequest } from '../../machines/edge/plc.machine.js';
import { PlcError } from '../../src/domain/plc-error.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { notFound, unavailable, validationError } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });
const NOT_CONFIGURED = 'No PLC is configured on this edge';
const KIND_TYPES = { coil: 'bool', register: 'int', string: 'string' } as const;

/** What the routes need from the PLC feature (src/edge/hardware/plcs.extension.ts). */
export interface PlcRoutesFeature {
  plcs(): PlcConfig[];
  bindings(): PlcBindings;
  /** Problems with these bindings against these PLCs (unknown PLC, bad address), by signal. */
  bindingProblems(plcs: PlcConfig[], bindings: PlcBindings): Array<{ field: string; reason: string }>;
  replacePlcs(next: PlcConfig[]): Promise<{ added: string[]; changed: string[]; removed: string[]; unchanged: string[] }>;
  replaceBindings(next: PlcBindings): Promise<void>;
  /** Forces a reconnect of one PLC (POST /plcs/{id}/test). */
  reconnect(plcId: string): boolean;
  service: {
    health(plcId: string): PlcHealth | null;
    /** A raw request to one PLC; throws PlcError. */
    request(plcId: string, request: PlcRequest): Promise<Extract<PlcReply, { ok: true }>>;
  };
}

/**
 * PLCs (spec: MARS L2 — PLCs). Reads are OPERATOR; bindings and the forced reconnect of
 * POST /test (it interrupts a live link) are MANAGER; PUT /plcs (where the edge connects) is ADMIN. With no PLC configured the
 * routes answer 503 SERVICE_UNAVAILABLE, except PUT /plcs, which is how one gets configured.
 */
export function plcRoutes(feature: PlcRoutesFeature, tokens: TokenIssuer): Router {
  const router = new Router({ prefix: '/api/v1' });
  const operator = requireRole(tokens, 'OPERATOR');
  const manager = requireRole(tokens, 'MANAGER');

  const configured = () => {
    const plcs = feature.plcs();
    if (plcs.length === 0) throw unavailable(NOT_CONFIGURED);
    return plcs;
  };
  const plcOf = (ctx: Parameters<typeof parseParams>[0]): PlcConfig => {
    const plcs = configured();
    const { id } = parseParams(ctx, idParams);
    const plc = plcs.find((p) => p.id === id);
    if (!plc) throw notFound(`PLC ${id}`);
    return plc;
  };
  const healthOf = (plc: PlcConfig) =>
    feature.service.health(plc.id) ?? { plcId: plc.id, protocol: plc.protocol, state: 'disconnected', connected: false, lastError: 'not running', latencyMs: null };
  const checkBindings = (plcs: PlcConfig[], bindings = feature.bindings()) => {
    const issues = feature.bindingProblems(plcs, bindings);
    if (issues.length > 0) throw validationError('Invalid PLC bindings', { ...issues[0], issues });
  };

  router.get('/plcs', operator, (ctx) => {
    ok(ctx, configured());
  });

  // ADMIN: the list says where the edge connects and writes (only hosts in hardware.allowedHosts).
  router.put('/plcs', requireRole(tokens, 'ADMIN'), async (ctx) => {
    const next = parseBody(ctx, plcsConfigSchema);
    // The bindings in force must still make sense (a PLC they use removed, a protocol changed).
    checkBindings(next);
    const applied = await feature.replacePlcs(next);
    ok(ctx, { plcs: next, applied });
  });

  router.get('/plcs/:id/health', operator, (ctx) => {
    ok(ctx, healthOf(plcOf(ctx)));
  });

  /** Reconnect now, then read one tag bound to this PLC (if any) to prove the link works. */
  router.post('/plcs/:id/test', manager, async (ctx) => {
    const plc = plcOf(ctx);
    if (!feature.reconnect(plc.id)) throw unavailable(`PLC ${plc.id} is not running`);
    const deadline = Date.now() + plc.timeoutMs * 2 + 1000;
    while (feature.service.health(plc.id)?.state === 'connecting' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const health = healthOf(plc);
    const bound = Object.entries(feature.bindings()).find(([, binding]) => binding?.plcId === plc.id);
    let read: { signal: string; address: string; value?: unknown; error?: string } | null = null;
    if (bound && health.connected) {
      const [signal, binding] = bound;
      try {
        const reply = await feature.service.request(plc.id, { op: 'read', address: binding!.address });
        read = { signal, address: binding!.address, value: reply.value };
      } catch (error) {
        read = { signal, address: binding!.address, error: (error as Error).message };
      }
    }
    ok(ctx, { ...healthOf(plc), ok: health.connected && (read === null || read.error === undefined), read });
  });

  router.get('/plcs/:id/tags', operator, async (ctx) => {
    const plc = plcOf(ctx);
    if (plcBrowses(plc)) {
      try {
        const reply = await feature.service.request(plc.id, { op: 'browse' });
        if (reply.tags) {
          ok(ctx, { plcId: plc.id, source: 'browse', tags: reply.tags });
          return;
        }
      } catch (error) {
        if (error instanceof PlcError) throw unavailable(`Cannot browse PLC ${plc.id}: ${error.message}`);
        throw error;
      }
    }
    const modbusLike = plc.protocol === 'MODBUS_TCP' || plc.protocol === 'MODBUS_RTU';
    const tags: PlcTag[] = Object.entries(feature.bindings())
      .filter(([, binding]) => binding?.plcId === plc.id)
      .map(([signal, binding]) =>
        modbusLike ? modbusTag(signal, binding!.address) : { address: binding!.address, name: signal, dataType: KIND_TYPES[binding!.kind], writable: true },
      );
    ok(ctx, { plcId: plc.id, source: 'bindings', tags });
  });

  router.get('/plc/bindings', operator, (ctx) => {
    configured();
    ok(ctx, feature.bindings());
  });

  router.put('/plc/bindings', manager, async (ctx) => {
    const plcs = configured();
    const next = parseBody(ctx, plcBindingsConfigSchema);
    checkBindings(plcs, next);
    await feature.replaceBindings(next);
    ok(ctx, next);
  });

  return router;
}
