/** A pallet: the batches (cases) a BOX scanner stacked on it. Identifiers `P-YYYY-NNNNNN`, like batches'. */
export interface Pallet {
  id: string;
  identifier: string;
  /** SSCC (AI 00, 18 digits) of the pallet; null without a configured company prefix. */
  sscc: string | null;
  status: 'in_progress' | 'complete';
  palletSize: number | null;
  batchCount: number;
  deviceId: string | null;
  productionLineId: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** Emitted after a pallet change has committed (the label feature prints a completed pallet's label). */
export interface PalletChangedEvent {
  type: 'pallet.changed';
  action: 'completed';
  palletId: string;
  identifier: string;
  batchCount: number;
}

export function formatPalletIdentifier(year: number, sequence: number): string {
  return `P-${year}-${String(sequence).padStart(6, '0')}`;
}
