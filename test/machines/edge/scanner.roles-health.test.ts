import { expect } from 'chai';
import { type ScannerRig, startScannerRig } from '../../support/scanner-fixtures.js';

/** What the scanner adds for the line's hardware: its role on every code, the software trigger and the health check on TEST. */
describe('scanner machine: role, trigger, health check', () => {
  let rig: ScannerRig;
  afterEach(() => {
    expect(rig.errors).to.deep.equal([]);
    rig.stop();
  });

  const connect = (r: ScannerRig) => r.transport.latest().emit({ type: 'transport.connected', peer: 'p' });
  const code = (r: ScannerRig, text: string) => r.transport.latest().emit({ type: 'transport.frame', frame: { kind: 'code', text } });

  it('carries a role other than ADD on every code it hands to the line', () => {
    rig = startScannerRig({ role: 'REJECTION_FEEDBACK' });
    connect(rig);
    code(rig, 'c1');
    code(rig, 'c2');
    expect(rig.lineEvents.map((e) => e.type === 'SCAN' && [e.code, e.role])).to.deep.equal([
      ['c1', 'REJECTION_FEEDBACK'],
      ['c2', 'REJECTION_FEEDBACK'],
    ]);
    expect(rig.snapshot().context.role).to.equal('REJECTION_FEEDBACK');
  });

  it('leaves the role off for ADD (absent = ADD: the line scanner events stay as they were)', () => {
    rig = startScannerRig();
    connect(rig);
    code(rig, 'c1');
    expect(rig.snapshot().context.role).to.equal('ADD');
    expect(rig.lineEvents[0]).to.not.have.property('role');
  });

  it('passes TRIGGER to the transport while connected', () => {
    rig = startScannerRig();
    connect(rig);
    rig.scanner.send({ type: 'TRIGGER' });
    expect(rig.transport.latest().commands).to.deep.equal([{ type: 'transport.trigger' }]);
  });

  it('on TEST reconnects, then sends the health check once connected and records the answer', () => {
    rig = startScannerRig({ healthCheck: '||>GET DEVICE.NAME\r\n' });
    connect(rig);
    expect(rig.transport.latest().commands).to.deep.equal([]); // no health check without a TEST
    rig.scanner.send({ type: 'TEST' });
    expect(rig.transport.connections).to.have.length(2);
    expect(rig.snapshot().context).to.include({ testPending: true, deviceName: null, tests: 1 });
    connect(rig);
    expect(rig.transport.latest().commands).to.deep.equal([{ type: 'transport.query', data: '||>GET DEVICE.NAME\r\n' }]);
    rig.transport.latest().emit({ type: 'transport.response', text: 'DM262-1' });
    expect(rig.snapshot().context).to.include({ testPending: false, deviceName: 'DM262-1' });
  });

  it('a TEST without a health check is done once connected; one from backoff counts too', () => {
    rig = startScannerRig();
    rig.transport.latest().emit({ type: 'transport.failed', reason: 'down' });
    expect(rig.snapshot().value).to.equal('backoff');
    rig.scanner.send({ type: 'TEST' });
    expect(rig.snapshot().context.testPending).to.equal(true);
    connect(rig);
    expect(rig.snapshot().context).to.include({ testPending: false, tests: 1 });
    expect(rig.transport.latest().commands).to.deep.equal([]);
  });

  it('an unanswered health check (null) ends the test with no device name', () => {
    rig = startScannerRig({ healthCheck: '||>GET DEVICE.NAME\r\n' });
    rig.scanner.send({ type: 'TEST' });
    connect(rig);
    rig.transport.latest().emit({ type: 'transport.response', text: null });
    expect(rig.snapshot().context).to.include({ testPending: false, deviceName: null });
  });
});
