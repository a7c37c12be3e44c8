import type { AnyActorRef } from 'xstate';
import { SSCC_LABEL_TEMPLATES } from '../../adapters/printers/templates.js';
import type { PrintReply } from '../../machines/edge/printer.machine.js';
import { ssccElementString, ssccText } from '../domain/sscc.js';
import { ask } from '../runtime/ask.js';
import type { EdgeExtensionFactory } from './extension.js';
import type { PrinterService } from './hardware/printers.extension.js';

/**
 * SSCC labels (issue 14): when a box (batch) or pallet is completed — full, closed by hand, or
 * closed by going onto a pallet — its label is printed on `aggregation.labelPrinterId` with the
 * SSCC as GS1-128 (FNC1 first) and as text, from the template of that printer's model
 * (adapters/printers/templates.ts SSCC_LABEL_TEMPLATES). Printing follows the commit (the
 * `batch.changed` / `pallet.changed` events are emitted only after it), so a label never shows an
 * SSCC that was not stored. The outcome is journaled; a failed label is reprinted by hand.
 */
export const ssccLabelsExtension: EdgeExtensionFactory = (context) => {
  const offs: Array<() => void> = [];

  async function printLabel(kind: 'box' | 'pallet', table: 'batches' | 'pallets', id: string): Promise<void> {
    const printerId = context.config.aggregation.labelPrinterId;
    if (printerId === null) return;
    const row: { sscc: string | null; identifier: string } | undefined = await context.db.reader(table).where({ id }).first('sscc', 'identifier');
    if (!row || row.sscc === null) return; // no company prefix configured when it was created: nothing to label
    const printers = context.services.printers as PrinterService | undefined;
    const printer = printers?.list().find((p) => p.id === printerId);
    const actor: AnyActorRef | undefined = printer ? printers!.actor(printer) : undefined;
    const params = { kind, identifier: row.identifier, sscc: row.sscc, printer: printerId };
    if (!printer || !actor) {
      journal('warning', 'line.sscc_label_failed', { ...params, reason: 'no such printer' });
      return;
    }
    const values = { sscc: row.sscc, gs1_sscc: ssccElementString(row.sscc), sscc_text: ssccText(row.sscc), identifier: row.identifier };
    try {
      const reply = await ask<PrintReply>(actor, (replyTo) => ({ type: 'PRINT', code: row.sscc, params: values, template: SSCC_LABEL_TEMPLATES[printer.model], replyTo }), { timeoutMs: 60_000 });
      if (reply.result.ok) journal('info', 'line.sscc_label_printed', params);
      else journal('warning', 'line.sscc_label_failed', { ...params, reason: reply.result.detail });
    } catch (error) {
      journal('warning', 'line.sscc_label_failed', { ...params, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  function journal(severity: 'info' | 'warning', messageKey: string, params: Record<string, string>) {
    context.bus.publish({ type: 'journal.record', severity, category: 'printer', source: 'aggregation.labels', messageKey, params });
  }

  const run = (kind: 'box' | 'pallet', table: 'batches' | 'pallets', id: string) =>
    void printLabel(kind, table, id).catch((error: unknown) => context.logger.error({ err: error, id }, 'SSCC label failed'));

  return {
    name: 'sscc-labels',
    started() {
      if (offs.length > 0) return; // started again after restart_service: already subscribed
      offs.push(
        context.bus.subscribe('batch.changed', (event) => {
          if (event.action === 'completed') run('box', 'batches', event.batchId);
        }),
        context.bus.subscribe('pallet.changed', (event) => {
          if (event.action === 'completed') run('pallet', 'pallets', event.palletId);
        }),
      );
    },
    async stop() {
      for (const off of offs.splice(0)) off();
    },
  };
};
