import { createCatalogStore } from '../../../adapters/store/factory/catalog-store.js';
import { catalogRoutes } from '../../../api/factory/catalogs.routes.js';
import type { ExtensionFactory, FactoryExtension } from '../extension.js';

/** The self-service catalogs (cloud endpoints, sites, cabinet variants): storage and routes, nothing running. */
export const catalogsExtension: ExtensionFactory = (context): FactoryExtension => ({
  name: 'catalogs',
  routes: [catalogRoutes(context.tokens, createCatalogStore(context.db))],
});
