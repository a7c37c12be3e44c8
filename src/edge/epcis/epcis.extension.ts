import { createEdgeEpcisReads } from '../../../adapters/store/epcis-reads.js';
import { epcisRoutes } from '../../../api/http/epcis.routes.js';
import { createEpcisExport } from '../../domain/epcis/epcis-events.js';
import type { EdgeExtension, EdgeExtensionFactory } from '../extension.js';

/** GET /api/v1/epcis/events on the edge: the line's units, boxes and pallets as EPCIS 2.0, read on the reading connection. */
export const epcisExtension: EdgeExtensionFactory = (context): EdgeExtension => {
  const epcis = createEpcisExport({
    config: context.config.epcis,
    // The line's zone for eventTimeZoneOffset: the shift schedule's, else the cabinet's own.
    timeZone: context.config.line.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    source: createEdgeEpcisReads(context.db.reader),
  });
  return { name: 'epcis', routes: [epcisRoutes({ tokens: context.tokens, epcis })] };
};
