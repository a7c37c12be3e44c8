import { createFactoryEpcisReads } from '../../../adapters/store/factory/epcis-reads.js';
import { epcisRoutes } from '../../../api/http/epcis.routes.js';
import { createEpcisExport } from '../../domain/epcis/epcis-events.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';

/** GET /api/v1/epcis/events on the factory: every line's units, boxes and pallets, from what the edges synced. */
export const epcisExtension: ExtensionFactory = (context): FactoryExtension => {
  const epcis = createEpcisExport({ config: context.config.epcis, timeZone: context.config.company.timeZone, source: createFactoryEpcisReads(context.db) });
  return { name: 'epcis', routes: [epcisRoutes({ tokens: context.tokens, epcis })] };
};
