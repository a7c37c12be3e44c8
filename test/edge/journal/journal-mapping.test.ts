import { expect } from 'chai';
import type { EdgeEvent } from '../../../src/edge/edge-events.js';
import { createJournalMapper } from '../../../src/edge/journal/journal-mapping.js';

describe('journal mapping: domain events → journal records', () => {
  it('scanners: a disconnect after being connected, and back; retries in between are not journaled', () => {
    const map = createJournalMapper();
    const state = (state: 'connected' | 'disconnected' | 'backoff', reason: string | null = null): EdgeEvent => ({ type: 'scanner.state', scannerId: 's1', state, reason });
    expect(map(state('disconnected'))).to.equal(null); // start-up, never connected yet
    expect(map(state('connected'))).to.deep.include({ severity: 'info', category: 'scanner', source: 'scanner.s1', messageKey: 'scanner.connected' });
    expect(map(state('backoff', 'ECONNRESET'))).to.deep.include({ severity: 'warning', messageKey: 'scanner.disconnected', params: { scanner: 's1', reason: 'ECONNRESET' } });
    expect(map(state('disconnected', 'ECONNREFUSED'))).to.equal(null);
    expect(map(state('backoff', 'ECONNREFUSED'))).to.equal(null);
    expect(map(state('connected'))).to.deep.include({ messageKey: 'scanner.connected' });
  });

  it('garbage from one scanner at most once per quiet period', () => {
    let now = 0;
    const map = createJournalMapper(() => now);
    const garbage: EdgeEvent = { type: 'scanner.garbage', scannerId: 's1', bytes: 9, reason: 'no terminator' };
    expect(map(garbage)).to.deep.include({ messageKey: 'scanner.garbage' });
    now = 5_000;
    expect(map(garbage)).to.equal(null);
    now = 10_001;
    expect(map(garbage)).to.deep.include({ messageKey: 'scanner.garbage' });
  });

  it('PLC safe state is an alarm and its recovery info; UPS policy transitions; a missed reject is an alarm', () => {
    const map = createJournalMapper();
    expect(map({ type: 'plc.disconnected', plcId: 'p', reason: 'timeout', safeState: 'stop' })).to.deep.include({ severity: 'alarm', category: 'plc', messageKey: 'plc.safe_state' });
    expect(map({ type: 'plc.state', plcId: 'p', state: 'connected', reason: null })).to.deep.include({ severity: 'info', messageKey: 'plc.recovered' });
    expect(map({ type: 'plc.state', plcId: 'p', state: 'connected', reason: null })).to.equal(null);
    expect(map({ type: 'ups.policy', state: 'onBattery', reason: 'on battery', onBattery: true })).to.deep.include({ severity: 'alarm', messageKey: 'ups.on_battery' });
    expect(map({ type: 'ups.policy', state: 'critical', reason: 'battery 9%', onBattery: true })).to.deep.include({ severity: 'critical', messageKey: 'ups.low_battery' });
    expect(map({ type: 'ups.policy', state: 'online', reason: null, onBattery: false })).to.deep.include({ severity: 'info', messageKey: 'ups.restored' });
    expect(map({ type: 'ups.policy', state: 'online', reason: null, onBattery: false })).to.equal(null);
    expect(map({ type: 'line.alarm', code: 'REJECT_NOT_CONFIRMED', message: 'reject not confirmed', at: 'x', source: 'rejectLoop', unitCode: 'C1' })).to.deep.include({
      severity: 'alarm',
      category: 'line',
      messageKey: 'line.reject_alarm',
    });
  });

  it('sync: parked items are an alarm; failing and recovered only on the change; commands and failed actors', () => {
    const map = createJournalMapper();
    expect(map({ type: 'sync.progress', status: 'completed', synced: 5, parked: 2 })).to.deep.include({ severity: 'alarm', messageKey: 'sync.parked', params: { count: 2 } });
    expect(map({ type: 'sync.progress', status: 'failed', reason: 'HTTP 502', retryInMs: 500 })).to.deep.include({ severity: 'warning', messageKey: 'sync.failing' });
    expect(map({ type: 'sync.progress', status: 'failed', reason: 'HTTP 502', retryInMs: 1000 })).to.equal(null);
    expect(map({ type: 'sync.progress', status: 'completed', synced: 5, parked: 0 })).to.deep.include({ messageKey: 'sync.recovered' });
    expect(map({ type: 'supervisor.childFailed', id: 'printer.p1', error: 'boom' })).to.deep.include({ severity: 'critical', source: 'printer.p1', messageKey: 'system.actor_failed' });
    expect(map({ type: 'journal.record', severity: 'warning', category: 'security', source: 'auth', messageKey: 'operator.note', params: { text: 'x' }, user: 'u' })).to.deep.equal({
      severity: 'warning',
      category: 'security',
      source: 'auth',
      messageKey: 'operator.note',
      params: { text: 'x' },
      user: 'u',
    });
  });
});
