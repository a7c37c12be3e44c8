import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { TEST_LABEL_CODE } from '../../adapters/printers/templates.js';
import { printerHealth, type PrinterSnapshot, printerState, type PrintReply, type PrintResult, type StatusReply } from '../../machines/edge/printer.machine.js';
import type { AnyActorRef } from 'xstate';
import { checkTemplate, type PrinterTemplates } from '../../adapters/printers/printer-templates.js';
import { type PrinterConfig, PRINTER_PARAMS_SCHEMAS, printersConfigSchema } from '../../adapters/printers/printers-config.js';
import { askActor } from '../http/actor-calls.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError, notFound } from '../http/errors.js';
import { parseBody, parseParams } from '../http/validate.js';

const indexParams = z.object({ index: z.coerce.number().int().min(0).max(9) }).passthrough();
const templateName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');
export const templateParams = z.object({ index: z.coerce.number().int().min(0).max(9), name: templateName });
export const printBody = z
  .object({
    code: z.string().min(1).max(2000),
    params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.union([z.string().max(2000), z.number()]).transform(String)).optional(),
    /** A stored template's name; default: the printer's default template, else the model's built-in one. */
    template: templateName.optional(),
  })
  .strict();
export const testBody = z.object({ label: z.boolean().default(false) }).strict();
export const templateBody = z.object({ name: templateName, body: z.string().min(1).max(64 * 1024) }).strict();
export const templateUpdate = z.object({ body: z.string().min(1).max(64 * 1024) }).strict();
/** A PUT body: the list itself, or `{ printers: [...] }`. */
export const putBody = z.union([printersConfigSchema, z.object({ printers: printersConfigSchema }).strict().transform((b) => b.printers)]);

const CONNECTED_STATES = new Set(['ready', 'printing', 'error']);

/** The per-model parameter schemas as JSON Schema (what a client may send: defaults are optional). */
export function printerParamsJsonSchema() {
  return Object.fromEntries(Object.entries(PRINTER_PARAMS_SCHEMAS).map(([model, schema]) => [model, z.toJSONSchema(schema, { io: 'input' })]));
}

/** What the routes need from the printer feature (src/edge/hardware/printers.extension.ts). */
export interface PrinterRoutesService {
  list(): PrinterConfig[];
  actor(printer: PrinterConfig): AnyActorRef | undefined;
  replace(next: PrinterConfig[]): Promise<{ started: string[]; kept: string[]; removed: string[] }>;
  templates: PrinterTemplates;
}

/**
 * /api/v1/printers: the list (PUT applies in place), the parameter schema, and per printer its
 * status, print, test and templates. With no printer configured everything but PUT and the
 * schema answers 503 SERVICE_UNAVAILABLE, as the spec says of a service that is not wired.
 */
export function printerRoutes(service: PrinterRoutesService, tokens: TokenIssuer): Router {
  const router = new Router({ prefix: '/api/v1/printers' });
  const operator = requireRole(tokens, 'OPERATOR');
  const manager = requireRole(tokens, 'MANAGER');

  const configured = () => {
    if (service.list().length === 0) throw new ApiError('SERVICE_UNAVAILABLE', 'No printer is configured on this line');
  };
  const printerAt = (ctx: Context): { printer: PrinterConfig; index: number } => {
    configured();
    const { index } = parseParams(ctx, indexParams);
    const printer = service.list()[index];
    if (!printer) throw notFound(`Printer ${index}`);
    return { printer, index };
  };
  const snapshotOf = (printer: PrinterConfig): PrinterSnapshot => {
    const actor = service.actor(printer);
    if (!actor) throw new ApiError('SERVICE_UNAVAILABLE', `Printer ${printer.id} is not running (restarting); retry`);
    return actor.getSnapshot() as PrinterSnapshot;
  };
  const describe = (printer: PrinterConfig, index: number) => {
    const actor = service.actor(printer);
    return { index, ...printer, state: actor ? printerState(actor.getSnapshot() as PrinterSnapshot) : 'disconnected' };
  };
  const confirmTimeout = (printer: PrinterConfig) => printer.params.confirmTimeoutMs;

  async function print(printer: PrinterConfig, code: string, params: Record<string, string>, templateBodyText: string | null) {
    const actor = service.actor(printer);
    if (!actor) throw new ApiError('SERVICE_UNAVAILABLE', `Printer ${printer.id} is not running (restarting); retry`);
    // Prints queue behind each other; the wait covers a few of them, the printer's own timeout covers each.
    const reply = await askActor<PrintReply>(actor, (replyTo) => ({ type: 'PRINT', code, params, template: templateBodyText, replyTo }), Math.max(30_000, confirmTimeout(printer) * 3));
    return printResult(printer, reply.result);
  }

  router.get('/', operator, (ctx) => {
    configured();
    ok(ctx, service.list().map(describe));
  });

  // ADMIN: the list says where the edge connects and writes (only hosts in hardware.allowedHosts).
  router.put('/', requireRole(tokens, 'ADMIN'), async (ctx) => {
    const next = parseBody(ctx, putBody);
    const applied = await service.replace(next);
    ok(ctx, { printers: service.list().map(describe), ...applied });
  });

  router.get('/schema', operator, (ctx) => {
    ok(ctx, { models: printerParamsJsonSchema() });
  });

  router.get('/:index/status', operator, (ctx) => {
    const { printer, index } = printerAt(ctx);
    ok(ctx, { index, name: printer.name, model: printer.model, host: printer.host, port: printer.port, ...printerHealth(snapshotOf(printer)) });
  });

  router.post('/:index/print', operator, async (ctx) => {
    const { printer } = printerAt(ctx);
    const body = parseBody(ctx, printBody);
    const template = await service.templates.forPrint(printer, body.template);
    ok(ctx, await print(printer, body.code, body.params ?? {}, template));
  });

  /** A test label when asked (`{label: true}`), else a status query; a printer that is not connected is made to reconnect now. */
  router.post('/:index/test', operator, async (ctx) => {
    const { printer, index } = printerAt(ctx);
    const { label } = parseBody(ctx, testBody);
    const actor = service.actor(printer);
    if (!actor) throw new ApiError('SERVICE_UNAVAILABLE', `Printer ${printer.id} is not running (restarting); retry`);
    if (!CONNECTED_STATES.has(printerState(actor.getSnapshot() as PrinterSnapshot))) {
      actor.send({ type: 'TEST' });
      ok(ctx, { index, reconnecting: true, ...printerHealth(actor.getSnapshot() as PrinterSnapshot) });
      return;
    }
    if (label) {
      ok(ctx, { index, label: await print(printer, TEST_LABEL_CODE, {}, await service.templates.forPrint(printer, undefined)) });
      return;
    }
    const reply = await askActor<StatusReply>(actor, (replyTo) => ({ type: 'QUERY_STATUS', replyTo }), Math.max(5_000, printer.connectTimeoutMs));
    ok(ctx, { index, state: reply.state, status: reply.status });
  });

  router.get('/:index/templates', operator, async (ctx) => {
    const { printer } = printerAt(ctx);
    ok(ctx, await service.templates.list(printer.id));
  });

  router.post('/:index/templates', manager, async (ctx) => {
    const { printer } = printerAt(ctx);
    const { name, body } = parseBody(ctx, templateBody);
    checkTemplate(printer, body);
    const stored = await service.templates.put(printer.id, name, body, 'create');
    if (!stored) throw new ApiError('CONFLICT', `Template ${name} already exists; PUT it to replace it`);
    ok(ctx, stored.template, 201);
  });

  router.get('/:index/templates/:name', operator, async (ctx) => {
    const { printer } = printerAt(ctx);
    const { name } = parseParams(ctx, templateParams);
    const stored = await service.templates.get(printer.id, name);
    if (!stored) throw notFound(`Template ${name}`);
    ok(ctx, stored);
  });

  router.put('/:index/templates/:name', manager, async (ctx) => {
    const { printer } = printerAt(ctx);
    const { name } = parseParams(ctx, templateParams);
    const { body } = parseBody(ctx, templateUpdate);
    checkTemplate(printer, body);
    const stored = (await service.templates.put(printer.id, name, body, 'upsert'))!;
    ok(ctx, stored.template, stored.created ? 201 : 200);
  });

  router.delete('/:index/templates/:name', manager, async (ctx) => {
    const { printer } = printerAt(ctx);
    const { name } = parseParams(ctx, templateParams);
    if (!(await service.templates.remove(printer.id, name))) throw notFound(`Template ${name}`);
    ok(ctx, { deleted: name });
  });

  return router;
}

/**
 * `printed: true` only for a print the printer confirmed. Not connected → 503; a fault (jam, ink
 * out, paused) or a refusal → 409 CONFLICT with the reason; no confirmation in time → 504.
 */
function printResult(printer: PrinterConfig, result: PrintResult) {
  if (result.ok) return { printed: true, jobId: result.jobId, code: result.code, printerId: printer.id };
  const details = { printed: false, printerId: printer.id, jobId: result.jobId, reason: result.reason, fault: result.fault, detail: result.detail };
  if (result.reason === 'offline' || result.reason === 'busy') throw new ApiError('SERVICE_UNAVAILABLE', result.detail, details);
  if (result.reason === 'unconfirmed') throw new ApiError('GATEWAY_TIMEOUT', result.detail, details);
  throw new ApiError('CONFLICT', result.fault ? `Printer fault: ${result.fault} (${result.detail})` : result.detail, details);
}
