import { isDeepStrictEqual } from 'node:util';
import type { AnyActorRef } from 'xstate';
import { printerDriver, type PrinterDriverConfig } from '../../../adapters/printers/printer-driver.js';
import { printerRoutes } from '../../../api/edge/printers.routes.js';
import { printerMachine, type PrinterInput } from '../../../machines/edge/printer.machine.js';
import type { ChildSpec } from '../../../machines/shared/supervisor.machine.js';
import { oneAtATime } from '../../runtime/one-at-a-time.js';
import type { EdgeContext, EdgeExtensionFactory } from '../extension.js';
import { createHostPolicy, printerHosts, storedHostsAllowed } from './hardware-hosts.js';
import { createPrinterTemplates, type PrinterTemplates } from '../../../adapters/printers/printer-templates.js';
import { type PrinterConfig, PRINTERS_OVERRIDE_KEY, printersConfigSchema } from '../../../adapters/printers/printers-config.js';

/** Actor logic key on the root supervisor, and each printer's systemId. */
export const PRINTER_ACTOR = 'printer';
export const printerSystemId = (id: string) => `printer.${id}`;

export function printerChild(printer: PrinterConfig): ChildSpec {
  const driver = { model: printer.model, host: printer.host, port: printer.port, connectTimeoutMs: printer.connectTimeoutMs, params: printer.params } as PrinterDriverConfig;
  const input: PrinterInput = { printerId: printer.id, driver, backoff: printer.backoff };
  return { id: printerSystemId(printer.id), src: PRINTER_ACTOR, systemId: printerSystemId(printer.id), input };
}

declare module '../extension.js' {
  interface EdgeServices {
    /** The printers (self-service applies printer overrides through it). */
    printers?: PrinterService;
  }
}

/** What the printers' routes (and other features) use. */
export interface PrinterService {
  list(): PrinterConfig[];
  actor(printer: PrinterConfig): AnyActorRef | undefined;
  /**
   * Replaces the list in place and persists it as the override: printers whose connection
   * settings changed (or that are new) start afresh, unchanged ones keep their connection,
   * removed ones stop. A name change alone restarts nothing.
   */
  replace(next: PrinterConfig[]): Promise<{ started: string[]; kept: string[]; removed: string[] }>;
  /** The same in-place replacement without storing the list (a configuration reload: the caller owns the override). */
  apply(next: PrinterConfig[]): Promise<{ started: string[]; kept: string[]; removed: string[] }>;
  templates: PrinterTemplates;
}

/** The list in force at start: a PUT's override wins over the file. */
async function initialPrinters(context: EdgeContext): Promise<PrinterConfig[]> {
  const stored = await context.settingsStore.get<unknown>(PRINTERS_OVERRIDE_KEY);
  if (!stored) return context.config.printers;
  const parsed = printersConfigSchema.safeParse(stored.value);
  if (parsed.success) return (await storedHostsAllowed(context, PRINTERS_OVERRIDE_KEY, printerHosts(parsed.data))) ? parsed.data : context.config.printers;
  context.logger.error({ key: PRINTERS_OVERRIDE_KEY, issues: parsed.error.issues }, 'stored printers override is invalid; using the configuration file');
  return context.config.printers;
}

export const printersExtension: EdgeExtensionFactory = async (context) => {
  let printers = await initialPrinters(context);
  const replacing = oneAtATime();
  const hosts = createHostPolicy(context.config.hardware.allowedHosts);

  const service: PrinterService = {
    list: () => printers,
    actor: (printer) => context.actor(printerSystemId(printer.id)),
    templates: createPrinterTemplates(context.settingsStore),
    async replace(next) {
      // Only hosts in hardware.allowedHosts (DomainError INVALID naming the field otherwise).
      await hosts.assertAllowed(printerHosts(next));
      // One PUT at a time: two interleaved diffs against the same "before" would leave strays.
      return replacing(async () => {
        await context.settingsStore.set(PRINTERS_OVERRIDE_KEY, next);
        const result = applyInPlace(next);
        const changed = [...result.started, ...result.removed];
        context.bus.publish({ type: 'journal.record', severity: 'info', category: 'printer', source: 'config', messageKey: 'config.devices_replaced', params: { key: PRINTERS_OVERRIDE_KEY, changed: changed.join(', ') || '—', kept: result.kept.join(', ') || '—' } });
        return result;
      });
    },
    apply(next) {
      return replacing(async () => applyInPlace(next));
    },
  };

  function applyInPlace(next: PrinterConfig[]) {
    const before = new Map(printers.map((p) => [p.id, printerChild(p)]));
    const result = { started: [] as string[], kept: [] as string[], removed: [] as string[] };
    for (const old of printers) {
      if (next.some((p) => p.id === old.id)) continue;
      context.sendToRoot({ type: 'supervisor.remove', id: printerSystemId(old.id) });
      result.removed.push(old.id);
    }
    for (const printer of next) {
      const child = printerChild(printer);
      if (isDeepStrictEqual(before.get(printer.id), child) && context.actor(child.systemId!)) {
        result.kept.push(printer.id);
        continue;
      }
      context.sendToRoot({ type: 'supervisor.spawn', child });
      result.started.push(printer.id);
    }
    printers = next;
    context.logger.info(result, 'printers replaced');
    return result;
  }

  context.services.printers = service;

  return {
    name: 'printers',
    actors: { [PRINTER_ACTOR]: printerMachine.provide({ actors: { driver: printerDriver } }) },
    children: () => printers.map(printerChild),
    routes: [printerRoutes(service, context.tokens)],
  };
};
