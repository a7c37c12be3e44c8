/** The printer port: what a printer driver (adapters/printers) and the printer machine exchange. */

export type PrinterFault = 'jam' | 'ink_out' | 'paused';

/** What a driver knows about the printer after a status query (or an unsolicited message). */
export interface PrinterStatusReport {
  fault: PrinterFault | null;
  /** Human-readable cause, e.g. 'ribbon out', 'head open'. */
  detail: string | null;
  /** Protocol specifics (labels remaining, buffer full, counters …) for the health snapshot. */
  info?: Record<string, unknown>;
}

export interface PrintJob {
  jobId: string;
  code: string;
  params: Record<string, string>;
  /** Template text to render (null: the driver's default). */
  template: string | null;
}

export type DriverEvent =
  | { type: 'driver.connected'; peer: string }
  | { type: 'driver.status'; status: PrinterStatusReport }
  | { type: 'driver.printed'; jobId: string }
  | { type: 'driver.printFailed'; jobId: string; reason: string; fault: PrinterFault | null; unconfirmed?: boolean }
  | { type: 'driver.garbage'; bytes: number; reason: string }
  /** Terminal for this invocation: the machine stops the driver, backs off and invokes it again. */
  | { type: 'driver.failed'; reason: string };

export type DriverCommand = { type: 'driver.print'; job: PrintJob } | { type: 'driver.queryStatus' };
