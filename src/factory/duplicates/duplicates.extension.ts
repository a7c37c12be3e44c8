import { createDuplicateQueries } from '../../../adapters/store/factory/unit-identity-index.js';
import { duplicateRoutes } from '../../../api/factory/duplicates.routes.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';

/**
 * Site-wide duplicates, the read side: the index itself is filled by the sync ingest (in its
 * transaction) and the alarm goes out from the ingest worker; this lists what was found.
 */
export const duplicatesExtension: ExtensionFactory = (context): FactoryExtension => ({
  name: 'site-duplicates',
  routes: [duplicateRoutes({ tokens: context.tokens, duplicates: createDuplicateQueries(context.db) })],
});
