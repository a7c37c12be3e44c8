import { FINAL_COMMAND_STATUSES } from '../../domain/device-commands.js';
import type { CommandRecord } from '../../domain/ports/command-port.js';

export interface BulkSummary {
  total: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  expired: number;
  pending: number;
}

/** The dashboard's `command_progress` message data. */
export interface BulkProgress {
  bulkId: string;
  groupId: string;
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  expired: number;
}

export const isFinal = (command: CommandRecord) => FINAL_COMMAND_STATUSES.has(command.status);

/**
 * Counts one bulk dispatch's outcomes as they arrive: each member is counted once, when its
 * command first reaches a final status (or its dispatch was refused). Pure bookkeeping; who
 * feeds it (bus events, waits) and who is told (the dashboard) is the dispatcher's business.
 */
export class BulkTally {
  private readonly finals = new Map<string, CommandRecord['status'] | 'REFUSED'>();
  readonly counts = { succeeded: 0, failed: 0, timedOut: 0, expired: 0 };

  constructor(
    readonly bulkId: string,
    readonly groupId: string,
    readonly total: number,
  ) {}

  get done(): number {
    return this.finals.size;
  }

  get complete(): boolean {
    return this.finals.size >= this.total;
  }

  /** True when this changed the tally (the member's first final outcome). */
  record(deviceId: string, status: CommandRecord['status'] | 'REFUSED'): boolean {
    if (this.finals.has(deviceId)) return false;
    if (status !== 'REFUSED' && !FINAL_COMMAND_STATUSES.has(status)) return false;
    this.finals.set(deviceId, status);
    if (status === 'SUCCEEDED') this.counts.succeeded++;
    else if (status === 'TIMED_OUT') this.counts.timedOut++;
    else if (status === 'EXPIRED') this.counts.expired++;
    else this.counts.failed++; // FAILED, CANCELED, or refused at dispatch
    return true;
  }

  progress(): BulkProgress {
    return { bulkId: this.bulkId, groupId: this.groupId, total: this.total, done: this.done, ...this.counts };
  }
}

/** The response's summary from the results as they stand (not from the tally: a result is what the caller sees). */
export function summarize(statuses: Array<CommandRecord['status'] | 'REFUSED'>): BulkSummary {
  const summary: BulkSummary = { total: statuses.length, succeeded: 0, failed: 0, timedOut: 0, expired: 0, pending: 0 };
  for (const status of statuses) {
    if (status === 'SUCCEEDED') summary.succeeded++;
    else if (status === 'TIMED_OUT') summary.timedOut++;
    else if (status === 'EXPIRED') summary.expired++;
    else if (status === 'FAILED' || status === 'CANCELED' || status === 'REFUSED') summary.failed++;
    else summary.pending++;
  }
  return summary;
}
