import { expect } from 'chai';
import { createActor } from 'xstate';
import { type LineSettings, type ScanDecision, scanLineMachine } from '../../../machines/edge/scan-line.machine.js';
import { generateCode } from '../../../src/domain/codes/index.js';
import { reasons, reasonText } from '../../../src/domain/codes/reasons.js';
import { lockOf, type WithoutOrderPolicy } from '../../../src/domain/orders.js';
import { seededRng } from '../../../src/line-sim/frame-source.js';
import { createFakeCommitter } from '../../support/scan-fixtures.js';

const SETTINGS: LineSettings = { industry: 'milk', productionLineId: 'line-7', productId: null, party: null, deviceId: 'edge-9' };
const GTIN = '04607001234562';
const OTHER = '10614141000415';
const code = (gtin: string, seed: number) => generateCode('milk', { gtin, rng: seededRng(seed) });

function startLine(input: { withoutOrder?: WithoutOrderPolicy; rejectAll?: boolean } = {}) {
  const committer = createFakeCommitter();
  const actor = createActor(scanLineMachine.provide({ actors: { committer: committer.logic } }), { input: { settings: SETTINGS, ...input } });
  const decisions: ScanDecision[] = [];
  actor.on('scan.decided', (event) => decisions.push(event.decision));
  actor.start();
  return { actor, committer, decisions, lastItem: () => committer.jobs[committer.jobs.length - 1]!.items[0]! };
}

describe('scan line machine: the production order\'s GTIN lock and the reject-all safe state', () => {
  it('without an order (default accept) a valid code is a candidate with no order', () => {
    const line = startLine();
    line.actor.send({ type: 'SCAN', code: code(OTHER, 1), source: 'cam-1' });
    expect(line.lastItem().outcome).to.equal('candidate');
    expect(line.lastItem().orderId).to.equal(undefined);
    line.actor.stop();
  });

  it('with an order active: its GTIN is a candidate carrying the order; another GTIN is refused WRONG_PRODUCT (recorded, no bottle)', () => {
    const line = startLine();
    line.actor.send({ type: 'ORDER.SET', order: lockOf({ id: 'ord-1', gtins: [GTIN] }) });
    line.actor.send({ type: 'SCAN', code: code(GTIN, 1), source: 'cam-1' });
    expect(line.lastItem()).to.deep.include({ outcome: 'candidate', orderId: 'ord-1' });
    expect(line.lastItem().bottle).to.deep.include({ orderId: 'ord-1', gtin: GTIN });
    line.actor.send({ type: 'SCAN', code: code(OTHER, 2), source: 'cam-1' });
    const why = reasons.wrongProduct(OTHER);
    expect(line.lastItem()).to.deep.include({ outcome: 'refused', bottle: null, orderId: 'ord-1', reasonCode: 'WRONG_PRODUCT', reasonParams: { gtin: OTHER }, reason: reasonText(why) });
    line.committer.doneAll();
    expect(line.decisions.map((d) => [d.outcome, d.reasonCode])).to.deep.equal([
      ['accepted', null],
      ['refused', 'WRONG_PRODUCT'],
    ]);
    // Stopping the order lifts the lock.
    line.actor.send({ type: 'ORDER.SET', order: null });
    line.actor.send({ type: 'SCAN', code: code(OTHER, 3), source: 'cam-1' });
    expect(line.lastItem().outcome).to.equal('candidate');
    line.actor.stop();
  });

  it('withoutOrder refuse: every code is refused NO_ACTIVE_ORDER until an order starts; role scans are not locked', () => {
    const line = startLine({ withoutOrder: 'refuse' });
    line.actor.send({ type: 'SCAN', code: code(GTIN, 1), source: 'cam-1' });
    expect(line.lastItem()).to.deep.include({ outcome: 'refused', reasonCode: 'NO_ACTIVE_ORDER' });
    line.actor.send({ type: 'SUBMIT_BOTTLES', bottles: [{ identifier: code(GTIN, 2) }], replyTo: line.actor });
    expect(line.lastItem()).to.deep.include({ outcome: 'refused', reasonCode: 'NO_ACTIVE_ORDER' });
    line.actor.send({ type: 'ORDER.SET', order: lockOf({ id: 'ord-1', gtins: [GTIN] }) });
    line.actor.send({ type: 'SCAN', code: code(GTIN, 3), source: 'cam-1' });
    expect(line.lastItem().outcome).to.equal('candidate');
    line.actor.stop();
  });

  it('reject-all safe state: a line unit is a candidate stored Rejected with REJECTED_BY_SAFE_STATE; a bottle posted over HTTP is not', () => {
    const line = startLine();
    line.actor.send({ type: 'SAFE_STATE', rejectAll: true });
    line.actor.send({ type: 'SCAN', code: code(GTIN, 1), source: 'cam-1' });
    expect(line.lastItem()).to.deep.include({ outcome: 'candidate', reasonCode: 'REJECTED_BY_SAFE_STATE' });
    expect(line.lastItem().bottle!.rejectedBySafeState).to.equal(true);
    const job = line.committer.jobs[0]!;
    line.committer.done(job, [{ outcome: 'refused', bottleId: 'b-1' }]);
    expect(line.decisions[0]).to.deep.include({ outcome: 'refused', reasonCode: 'REJECTED_BY_SAFE_STATE', bottleId: 'b-1' });
    line.actor.send({ type: 'SUBMIT_BOTTLES', bottles: [{ identifier: code(GTIN, 2) }], replyTo: line.actor });
    expect(line.lastItem().bottle!.rejectedBySafeState).to.equal(undefined);
    // A duplicate under the safe state is only a duplicate (the first unit's fate is not its).
    line.actor.send({ type: 'SCAN', code: code(GTIN, 1), source: 'cam-1' });
    const dup = line.committer.jobs[line.committer.jobs.length - 1]!;
    line.committer.done(dup, [{ outcome: 'duplicate', bottleId: 'b-1' }]);
    expect(line.decisions[line.decisions.length - 1]).to.deep.include({ outcome: 'duplicate', reasonCode: 'DUPLICATE' });
    line.actor.send({ type: 'SAFE_STATE', rejectAll: false });
    line.actor.send({ type: 'SCAN', code: code(GTIN, 4), source: 'cam-1' });
    expect(line.lastItem().reasonCode).to.equal(undefined);
    line.actor.stop();
  });
});
