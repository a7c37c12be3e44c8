/** The edge's bus events live with the machines that emit them: machines/edge/edge-events.ts. */
export type { EdgeEvent, PlcLineAlarm } from '../../machines/edge/edge-events.js';
