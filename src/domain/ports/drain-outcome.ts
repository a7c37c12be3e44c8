/** The sync queue port: what one drain of an outbox (adapters/store) reports to the sync queue machine. */

export interface DrainOutcome {
  /** Items uploaded in this batch. */
  sent: number;
  /** Acknowledged (accepted or already held upstream) and removed from the outbox. */
  synced: number;
  /** Refused upstream as invalid: parked with the reason, not retried. */
  parked: number;
  /** Whether rows are left to send. */
  more: boolean;
}
