/** The UPS port: what a connection actor (adapters/ups) and the ups machine exchange. */

/** One look at the UPS. `at` is epoch ms (stamped by the connection, so this machine stays pure). */
export interface UpsReading {
  /** ups.status as the UPS says it, e.g. "OL CHRG", "OB DISCHRG LB". */
  status: string;
  online: boolean;
  onBattery: boolean;
  lowBattery: boolean;
  fsd: boolean;
  charging: boolean;
  /** battery.charge, %; null when the UPS does not report it. */
  batteryPercent: number | null;
  /** battery.runtime, seconds; null when not reported. */
  runtimeSeconds: number | null;
  at: number;
}

/** What a connection actor sends back. */
export type UpsConnectionEvent =
  | { type: 'ups.connected'; peer: string }
  | { type: 'ups.reading'; reading: UpsReading }
  /** The connection is over (refused, timed out, garbage, closed); the machine backs off and retries. */
  | { type: 'ups.failed'; reason: string };

/** What the machine sends its connection actor. */
export type UpsConnectionCommand = { type: 'ups.poll' };
