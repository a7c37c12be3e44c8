/** Batch identifiers as the cloud expects them: `B-YYYY-NNNNNN`, the number from a persistent sequence. */
export function formatBatchIdentifier(year: number, sequence: number): string {
  return `B-${year}-${String(sequence).padStart(6, '0')}`;
}
