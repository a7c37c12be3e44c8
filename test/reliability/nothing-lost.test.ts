import { expect } from 'chai';
import { SyncLedger } from '../../src/cloud-sim/sync-ledger.js';
import { generateCode } from '../../src/domain/codes/index.js';
import { seededRng } from '../../src/line-sim/frame-source.js';
import { identificationCodeOf, type CodeRecord } from './support/crash-campaign.js';
import type { EdgeDiskState } from './support/edge-db.js';
import { checkNothingLost, describeFindings } from './support/nothing-lost.js';

/** The checker the crash and fault tests rely on must itself see each kind of loss. */
describe('reliability: the nothing-lost checker', () => {
  const rng = seededRng(7);
  const codes = Array.from({ length: 4 }, () => generateCode('milk', { rng }));
  const ids = codes.map(identificationCodeOf);

  /** A consistent world: every code acknowledged, stored, synced and held once by the cloud. */
  function world() {
    const records = new Map<string, CodeRecord>(codes.map((code, i) => [ids[i]!, { code, firstCycle: 1, ackedInCycle: 1, ngAsDuplicate: false }]));
    const disk: EdgeDiskState = {
      bottles: ids.map((identification_code, i) => ({ id: `B${i}`, identification_code, status: 3 })),
      duplicateRows: [],
      acceptedScans: codes.length,
      outboxLeft: 0,
      parked: 0,
      outboxEverCreated: codes.length,
      statusCounts: { 0: 0, 1: 0, 2: 0, 3: codes.length, 4: 0, 5: 0 },
    };
    const cloud = new SyncLedger();
    cloud.receive(
      codes.map((identifier, i) => ({ id: `bottle.created:B${i}`, kind: 'bottle.created', payload: { identifier } })),
      { deviceId: 'device-001', industry: 'milk' },
    );
    return { records, disk, cloud };
  }

  it('finds nothing wrong in a consistent world', () => {
    const { records, disk, cloud } = world();
    expect(describeFindings(checkNothingLost({ codes: records, anomalies: [], disk, cloud }))).to.deep.equal([]);
  });

  it('reports an acknowledged code the edge no longer holds, and the count mismatch', () => {
    const { records, disk, cloud } = world();
    disk.bottles = disk.bottles.slice(1);
    const findings = checkNothingLost({ codes: records, anomalies: [], disk, cloud });
    expect(findings.missingAtEdge).to.deep.equal([{ identificationCode: ids[0], code: codes[0], ackedInCycle: 1 }]);
    expect(findings.onlyAtCloud).to.deep.equal([ids[0]]);
    expect(describeFindings(findings).join('\n')).to.include('acknowledged but not stored').and.include('edge holds 3 bottles, cloud 4');
  });

  it('reports a code the cloud holds under another item (delivered as a different bottle)', () => {
    const { records, disk, cloud } = world();
    disk.bottles[2] = { ...disk.bottles[2]!, id: 'B-recreated' };
    expect(checkNothingLost({ codes: records, anomalies: [], disk, cloud }).wrongCloudItem).to.deep.equal([
      { identificationCode: ids[2], expected: 'bottle.created:B-recreated', cloud: 'bottle.created:B2' },
    ]);
  });

  it('reports bottles not synced, codes never sent, and an outbox left behind', () => {
    const { records, disk, cloud } = world();
    disk.bottles[1] = { ...disk.bottles[1]!, status: 2 };
    disk.outboxLeft = 1;
    records.delete(ids[3]!);
    const findings = checkNothingLost({ codes: records, anomalies: [], disk, cloud });
    expect(findings.notSynced).to.deep.equal([{ identificationCode: ids[1], status: 2 }]);
    expect(findings.neverSent).to.deep.equal([ids[3]]);
    expect(describeFindings(findings).join('\n')).to.include('1 outbox rows left');
  });

  it('reports an NG "already held" for a code that is not held', () => {
    const { records, disk, cloud } = world();
    records.set(ids[0]!, { ...records.get(ids[0]!)!, ackedInCycle: null, ngAsDuplicate: true });
    disk.bottles = disk.bottles.slice(1);
    expect(checkNothingLost({ codes: records, anomalies: [], disk, cloud }).ngButMissing).to.deep.equal([{ identificationCode: ids[0], code: codes[0] }]);
  });
});
