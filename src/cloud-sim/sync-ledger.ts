import type { SyncItem, SyncItemResult } from '../../adapters/cloud/cloud-types.js';
import { checkCode, type Industry } from '../domain/codes/index.js';

/** Reasons the cloud gives for a rejected item; exported so tests build them instead of copying text. */
export const REJECT_REASONS = {
  codeAlreadyReported: 'Code already reported',
  missingIdentifier: 'payload.identifier must be a string (the full marking code)',
  unknownKind: (kind: string) => `Unknown kind "${kind}"`,
} as const;

const FIXED_KINDS = new Set(['bottle.created', 'bottle.status', 'batch.created', 'batch.bottles_added', 'batch.completed', 'batch.unpacked']);
const PALLET_KIND = /^pallet\.[a-z_]{1,40}$/;

export function isKnownSyncKind(kind: string): boolean {
  return FIXED_KINDS.has(kind) || PALLET_KIND.test(kind);
}

export interface ReceivedItem {
  id: string;
  kind: string;
  status: 'accepted' | 'rejected';
  reason?: string;
  deviceId: string;
  receivedAt: string;
  payload: Record<string, unknown>;
}

export interface LedgerStats {
  /** Every item in every sync request, duplicates and rejected ones included. */
  itemsReceived: number;
  /** Distinct item ids stored. */
  itemsStored: number;
  duplicatesAcknowledged: number;
  rejected: number;
  /** Stored items per kind. */
  byKind: Record<string, number>;
  /** Distinct identification codes (01 GTIN 21 serial) stored. */
  bottles: number;
}

/** Full payloads are kept only for the most recent items: a million of them would not fit comfortably. */
export const RECENT_CAPACITY = 1_000;

/**
 * The cloud's record of synced items, idempotent by item id. Per item the work is O(1) and the
 * memory small (id → kind index, identification code → item id), so a 1,000,000-item backlog fits
 * and a 5,000-item batch is answered in milliseconds.
 */
export class SyncLedger {
  private readonly kindOfItem = new Map<string, number>();
  private readonly kinds: string[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly storedByKind: number[] = [];
  private readonly itemOfCode = new Map<string, string>();
  /** Identification codes in arrival order, for paging through them without walking the map. */
  private readonly codesInOrder: string[] = [];
  private readonly reportedByGtin = new Map<string, number>();
  private readonly recent: (ReceivedItem | undefined)[] = new Array(RECENT_CAPACITY);
  private recentNext = 0;
  private received = 0;
  private duplicates = 0;
  private rejectedCount = 0;

  /** Stores what is new, acknowledges what was stored before, rejects what never can be. */
  receive(items: readonly SyncItem[], source: { deviceId: string; industry: Industry }): SyncItemResult[] {
    const receivedAt = new Date().toISOString();
    const results: SyncItemResult[] = new Array(items.length);
    // Older items of a big batch would be pushed out of the ring by the newer ones anyway.
    const rememberFrom = items.length - RECENT_CAPACITY;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      this.received++;
      if (this.kindOfItem.has(item.id)) {
        this.duplicates++;
        results[i] = { id: item.id, status: 'duplicate' };
        continue;
      }
      const reason = this.store(item, source.industry);
      if (reason !== null) this.rejectedCount++;
      results[i] = reason === null ? { id: item.id, status: 'accepted' } : { id: item.id, status: 'rejected', reason };
      if (i >= rememberFrom) {
        const { id, kind, payload } = item;
        const { deviceId } = source;
        this.remember(
          reason === null
            ? { id, kind, status: 'accepted', deviceId, receivedAt, payload }
            : { id, kind, status: 'rejected', reason, deviceId, receivedAt, payload },
        );
      }
    }
    return results;
  }

  /** Returns the reason when the item cannot be stored, else stores it and returns null. */
  private store(item: SyncItem, industry: Industry): string | null {
    // A kind seen before is known; the regex runs once per new kind, not once per item.
    let k = this.kindIndex.get(item.kind);
    if (k === undefined) {
      if (!isKnownSyncKind(item.kind)) return REJECT_REASONS.unknownKind(item.kind);
      k = this.addKind(item.kind);
    }
    let identificationCode: string | undefined;
    let gtin: string | undefined;
    if (item.kind === 'bottle.created') {
      const identifier = item.payload.identifier;
      if (typeof identifier !== 'string') return REJECT_REASONS.missingIdentifier;
      const check = checkCode(identifier, industry);
      if (!check.valid) return check.reason;
      identificationCode = check.code.identificationCode;
      gtin = check.code.gtin;
      if (this.itemOfCode.has(identificationCode)) return REJECT_REASONS.codeAlreadyReported;
    }
    this.kindOfItem.set(item.id, k);
    this.storedByKind[k]!++;
    if (identificationCode !== undefined) {
      this.itemOfCode.set(identificationCode, item.id);
      this.codesInOrder.push(identificationCode);
      this.reportedByGtin.set(gtin!, (this.reportedByGtin.get(gtin!) ?? 0) + 1);
    }
    return null;
  }

  private addKind(kind: string): number {
    const k = this.kinds.length;
    this.kinds.push(kind);
    this.kindIndex.set(kind, k);
    this.storedByKind.push(0);
    return k;
  }

  private remember(entry: ReceivedItem): void {
    this.recent[this.recentNext] = entry;
    this.recentNext = (this.recentNext + 1) % RECENT_CAPACITY;
  }

  has(itemId: string): boolean {
    return this.kindOfItem.has(itemId);
  }

  kindOf(itemId: string): string | undefined {
    const k = this.kindOfItem.get(itemId);
    return k === undefined ? undefined : this.kinds[k];
  }

  /** The item id that reported an identification code, if any. */
  itemForCode(identificationCode: string): string | undefined {
    return this.itemOfCode.get(identificationCode);
  }

  reportedFor(gtin: string): number {
    return this.reportedByGtin.get(gtin) ?? 0;
  }

  /** Identification codes in the order they were first stored. */
  bottleCodes(offset: number, limit: number): string[] {
    return this.codesInOrder.slice(offset, offset + limit);
  }

  /** Most recent first, optionally filtered. */
  recentItems(filter: { kind?: string; status?: ReceivedItem['status']; limit: number }): ReceivedItem[] {
    const out: ReceivedItem[] = [];
    for (let n = 1; n <= RECENT_CAPACITY && out.length < filter.limit; n++) {
      const entry = this.recent[(this.recentNext - n + RECENT_CAPACITY) % RECENT_CAPACITY];
      if (entry === undefined) break;
      if (filter.kind !== undefined && entry.kind !== filter.kind) continue;
      if (filter.status !== undefined && entry.status !== filter.status) continue;
      out.push(entry);
    }
    return out;
  }

  stats(): LedgerStats {
    const byKind: Record<string, number> = {};
    this.kinds.forEach((kind, k) => {
      if (this.storedByKind[k]! > 0) byKind[kind] = this.storedByKind[k]!;
    });
    return {
      itemsReceived: this.received,
      itemsStored: this.kindOfItem.size,
      duplicatesAcknowledged: this.duplicates,
      rejected: this.rejectedCount,
      byKind,
      bottles: this.itemOfCode.size,
    };
  }
}
