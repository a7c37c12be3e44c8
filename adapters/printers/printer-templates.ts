import type { SettingsStore } from '../store/settings-store.js';
import { DomainError } from '../../src/domain/domain-error.js';
import { oneAtATime } from '../../src/runtime/one-at-a-time.js';
import type { PrinterConfig } from './printers-config.js';
import { templateProblem } from './templates.js';

/**
 * Label templates per printer, kept in the edge's settings table under
 * `l2.printers.templates.<printerId>` (one JSON map per printer). Keyed by the printer's id, not
 * its index, so reordering the list keeps each printer's templates. Writes are serialised: a
 * read-modify-write of the same map by two requests at once would lose one of them.
 */
export interface StoredTemplate {
  name: string;
  body: string;
  updatedAt: string;
}

const keyOf = (printerId: string) => `l2.printers.templates.${printerId}`;

export function createPrinterTemplates(settings: SettingsStore) {
  const serial = oneAtATime();
  const load = async (printerId: string) => (await settings.get<Record<string, StoredTemplate>>(keyOf(printerId)))?.value ?? {};

  async function get(printerId: string, name: string): Promise<StoredTemplate | null> {
    return (await load(printerId))[name] ?? null;
  }

  return {
    async list(printerId: string): Promise<StoredTemplate[]> {
      return Object.values(await load(printerId)).sort((a, b) => a.name.localeCompare(b.name));
    },
    get,
    /**
     * The template body a print uses: the named one, else (Zebra) the printer's default template,
     * else null (the model's built-in layout). A name that is not stored: DomainError NOT_FOUND.
     */
    async forPrint(printer: PrinterConfig, name: string | undefined): Promise<string | null> {
      const wanted = name ?? (printer.model === 'ZEBRA_ZPL' ? printer.params.defaultTemplate : undefined);
      if (wanted === undefined) return null;
      const stored = await get(printer.id, wanted);
      if (!stored) throw new DomainError('NOT_FOUND', `Template ${wanted} not found`);
      return stored.body;
    },
    /** Stores the template; `mode: 'create'` refuses an existing name (returns null). */
    put(printerId: string, name: string, body: string, mode: 'create' | 'upsert'): Promise<{ template: StoredTemplate; created: boolean } | null> {
      return serial(async () => {
        const all = await load(printerId);
        const exists = Object.hasOwn(all, name);
        if (exists && mode === 'create') return null;
        const template = { name, body, updatedAt: new Date().toISOString() };
        await settings.set(keyOf(printerId), { ...all, [name]: template });
        return { template, created: !exists };
      });
    },
    remove(printerId: string, name: string): Promise<boolean> {
      return serial(async () => {
        const all = await load(printerId);
        if (!Object.hasOwn(all, name)) return false;
        const { [name]: _removed, ...rest } = all;
        await settings.set(keyOf(printerId), rest);
        return true;
      });
    },
  };
}

export type PrinterTemplates = ReturnType<typeof createPrinterTemplates>;

/** Refuses a template body the printer's model cannot use (DomainError INVALID naming the field `body`). */
export function checkTemplate(printer: PrinterConfig, body: string): void {
  const problem = templateProblem(printer.model, body);
  if (problem) throw new DomainError('INVALID', 'Invalid template', { field: 'body', reason: problem, issues: [{ field: 'body', reason: problem }] });
}
