import type { EdgeExtensionFactory } from './extension.js';

/** The edge's line-hardware features, started in this order (one offering a service to others comes first). */
export const EDGE_EXTENSIONS: EdgeExtensionFactory[] = [];
