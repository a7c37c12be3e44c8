import type { ExtensionFactory } from './extension.js';

/**
 * The factory's features, started in this order (a feature that offers a service to others,
 * like commands, comes before those that use it).
 */
export const FACTORY_EXTENSIONS: ExtensionFactory[] = [];
