import type { LedgerStats } from '../../../src/cloud-sim/sync-ledger.js';
import { BottleStatus } from '../../../src/domain/bottle-status.js';
import type { CampaignAnomaly, CodeRecord } from './crash-campaign.js';
import type { EdgeDiskState } from './edge-db.js';

/** What the checks need of the cloud simulator's ledger (SyncLedger has it). */
export interface CloudLedgerView {
  stats(): LedgerStats;
  itemForCode(identificationCode: string): string | undefined;
  bottleCodes(offset: number, limit: number): string[];
}

/**
 * Everything that would mean a code was lost, stored twice, or delivered other than exactly once.
 * Every list is empty when the edge kept its promise.
 */
export interface NothingLostFindings {
  acknowledged: number;
  edgeBottles: number;
  cloudBottles: number;
  /** Acknowledged (OK) but not stored at the edge after the last restart. */
  missingAtEdge: Array<{ identificationCode: string; code: string; ackedInCycle: number }>;
  /** Answered NG as a repeat of an unanswered code ("already held"), yet not stored. */
  ngButMissing: Array<{ identificationCode: string; code: string }>;
  /** More than one bottle row for one identification code. */
  storedTwice: Array<{ identificationCode: string; rows: number }>;
  /** Stored at the edge but never sent by the test. */
  neverSent: string[];
  /** Stored at the edge but not held by the cloud. */
  missingAtCloud: string[];
  /** Held by the cloud under another item than this bottle's `bottle.created:<id>` (delivered twice under two ids). */
  wrongCloudItem: Array<{ identificationCode: string; expected: string; cloud: string }>;
  /** Held by the cloud but not stored at the edge. */
  onlyAtCloud: string[];
  /** Edge bottles not in status 3 (Synced) after the drain. */
  notSynced: Array<{ identificationCode: string; status: number }>;
  /** Frames answered in a way that contradicts an earlier answer (e.g. OK for a duplicate). */
  anomalies: CampaignAnomaly[];
  /** Whole-store counters that must agree. */
  counters: {
    acceptedScans: number;
    outboxLeft: number;
    parked: number;
    outboxEverCreated: number;
    cloudItemsStored: number;
    cloudRejected: number;
    statusCounts: Record<number, number>;
  };
}

export function checkNothingLost(input: {
  codes: ReadonlyMap<string, CodeRecord>;
  anomalies: readonly CampaignAnomaly[];
  disk: EdgeDiskState;
  cloud: CloudLedgerView;
}): NothingLostFindings {
  const { codes, disk, cloud } = input;
  const edgeByCode = new Map(disk.bottles.map((row) => [row.identification_code, row]));
  const stats = cloud.stats();

  const missingAtEdge: NothingLostFindings['missingAtEdge'] = [];
  const ngButMissing: NothingLostFindings['ngButMissing'] = [];
  let acknowledged = 0;
  for (const [identificationCode, record] of codes) {
    if (record.ackedInCycle !== null) {
      acknowledged++;
      if (!edgeByCode.has(identificationCode)) missingAtEdge.push({ identificationCode, code: record.code, ackedInCycle: record.ackedInCycle });
    } else if (record.ngAsDuplicate && !edgeByCode.has(identificationCode)) {
      ngButMissing.push({ identificationCode, code: record.code });
    }
  }

  const missingAtCloud: string[] = [];
  const wrongCloudItem: NothingLostFindings['wrongCloudItem'] = [];
  const notSynced: NothingLostFindings['notSynced'] = [];
  const neverSent: string[] = [];
  for (const row of disk.bottles) {
    if (!codes.has(row.identification_code)) neverSent.push(row.identification_code);
    if (row.status !== BottleStatus.SYNCED) notSynced.push({ identificationCode: row.identification_code, status: row.status });
    const item = cloud.itemForCode(row.identification_code);
    const expected = `bottle.created:${row.id}`;
    if (item === undefined) missingAtCloud.push(row.identification_code);
    else if (item !== expected) wrongCloudItem.push({ identificationCode: row.identification_code, expected, cloud: item });
  }

  const onlyAtCloud: string[] = [];
  const page = 10_000;
  for (let offset = 0; offset < stats.bottles; offset += page) {
    for (const code of cloud.bottleCodes(offset, page)) if (!edgeByCode.has(code)) onlyAtCloud.push(code);
  }

  return {
    acknowledged,
    edgeBottles: disk.bottles.length,
    cloudBottles: stats.bottles,
    missingAtEdge,
    ngButMissing,
    storedTwice: disk.duplicateRows.map((row) => ({ identificationCode: row.identification_code, rows: row.n })),
    neverSent,
    missingAtCloud,
    wrongCloudItem,
    onlyAtCloud,
    notSynced,
    anomalies: [...input.anomalies],
    counters: {
      acceptedScans: disk.acceptedScans,
      outboxLeft: disk.outboxLeft,
      parked: disk.parked,
      outboxEverCreated: disk.outboxEverCreated,
      cloudItemsStored: stats.itemsStored,
      cloudRejected: stats.rejected,
      statusCounts: disk.statusCounts,
    },
  };
}

/** One line per violated promise; empty when nothing was lost, duplicated or delivered twice. */
export function describeFindings(f: NothingLostFindings): string[] {
  const problems: string[] = [];
  const list = (name: string, items: unknown[]) => {
    if (items.length > 0) problems.push(`${name}: ${items.length} — ${JSON.stringify(items.slice(0, 10))}${items.length > 10 ? ' …' : ''}`);
  };
  list('acknowledged but not stored at the edge', f.missingAtEdge);
  list('answered NG as already held, but not stored', f.ngButMissing);
  list('stored twice at the edge', f.storedTwice);
  list('stored at the edge but never sent', f.neverSent);
  list('stored at the edge but not at the cloud', f.missingAtCloud);
  list('held by the cloud under another item id', f.wrongCloudItem);
  list('held by the cloud but not by the edge', f.onlyAtCloud);
  list('not Synced (status 3) after the drain', f.notSynced);
  list('contradictory answers', f.anomalies);
  const c = f.counters;
  if (f.edgeBottles !== f.cloudBottles) problems.push(`edge holds ${f.edgeBottles} bottles, cloud ${f.cloudBottles}`);
  if (c.acceptedScans !== f.edgeBottles) problems.push(`${c.acceptedScans} accepted scans for ${f.edgeBottles} bottles`);
  if (c.outboxLeft !== 0) problems.push(`${c.outboxLeft} outbox rows left (${c.parked} parked)`);
  if (c.cloudItemsStored !== c.outboxEverCreated) problems.push(`cloud stored ${c.cloudItemsStored} items, the edge created ${c.outboxEverCreated} outbox rows`);
  if (c.cloudRejected !== 0) problems.push(`cloud rejected ${c.cloudRejected} items`);
  const counted = Object.values(c.statusCounts).reduce((a, b) => a + b, 0);
  if (counted !== f.edgeBottles || (c.statusCounts[BottleStatus.SYNCED] ?? 0) !== f.edgeBottles) {
    problems.push(`status counters ${JSON.stringify(c.statusCounts)} disagree with ${f.edgeBottles} synced bottles`);
  }
  return problems;
}
