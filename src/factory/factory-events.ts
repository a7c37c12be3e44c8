/** The factory's bus events live with the machines that emit them: machines/factory/factory-events.ts. */
export type { FactoryEvent } from '../../machines/factory/factory-events.js';
