/** A pallet: the batches (cases) a BOX scanner stacked on it. Identifiers `P-YYYY-NNNNNN`, like batches'. */
export interface Pallet {
  id: string;
  identifier: string;
  status: 'in_progress' | 'complete';
  palletSize: number | null;
  batchCount: number;
  deviceId: string | null;
  productionLineId: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export function formatPalletIdentifier(year: number, sequence: number): string {
  return `P-${year}-${String(sequence).padStart(6, '0')}`;
}
