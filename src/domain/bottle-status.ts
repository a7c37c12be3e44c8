/**
 * A bottle's life on the line, with the spec's numeric values. The table of legal moves is the
 * single place that decides what may follow what; routes and the sync queue both ask it.
 */
export const BottleStatus = {
  CREATED: 0,
  IN_BATCH: 1,
  SENT: 2,
  SYNCED: 3,
  REJECTED: 4,
  DELETED: 5,
} as const;
export type BottleStatus = (typeof BottleStatus)[keyof typeof BottleStatus];

export const BOTTLE_STATUS_NAMES: Record<BottleStatus, string> = {
  0: 'Created',
  1: 'In Batch',
  2: 'Sent',
  3: 'Synced',
  4: 'Rejected',
  5: 'Deleted',
};

export function isBottleStatus(value: unknown): value is BottleStatus {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 5;
}

const { CREATED, IN_BATCH, SENT, SYNCED, REJECTED, DELETED } = BottleStatus;

const NEXT: Record<BottleStatus, readonly BottleStatus[]> = {
  [CREATED]: [IN_BATCH, SENT, REJECTED, DELETED],
  // Taking a bottle out of its batch returns it to Created.
  [IN_BATCH]: [CREATED, SENT, REJECTED, DELETED],
  // Sent/Synced are set by the sync queue for the bottle's own report (the unit was made). Packing
  // comes later and is reported on its own (the batch's sentStatus), so a reported unit may still
  // join a batch.
  [SENT]: [SYNCED, IN_BATCH, REJECTED],
  // Once reported upstream a code cannot be silently removed here: withdrawal is an upstream process.
  [SYNCED]: [IN_BATCH],
  // A rejected unit may be re-inspected and accepted again, or written off.
  [REJECTED]: [CREATED, DELETED],
  [DELETED]: [],
};

export function canTransition(from: BottleStatus, to: BottleStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses an operator may set by hand; the others follow from batching and syncing. */
export const MANUAL_TARGETS: readonly BottleStatus[] = [CREATED, REJECTED, DELETED];
