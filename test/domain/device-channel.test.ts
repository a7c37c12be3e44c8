import { expect } from 'chai';
import { channelMessage, decodeChannelMessage, DEVICE_CHANNEL_MAX_BYTES, DEVICE_CHANNEL_VERSION, encodeChannelMessage } from '../../src/domain/device-channel.js';

describe('device channel envelope', () => {
  const settings = { defaultMode: 'VIA_LOCAL_SERVER' as const, allowDeviceOverride: false, cloudSyncEnabled: true };

  it('round-trips every message type through encode and decode', () => {
    const messages = [
      channelMessage('hello', { deviceId: 'edge-001', status: { mode: 'DIRECT_CLOUD', line: { state: 'running', accepted: 5 } } }),
      channelMessage('heartbeat', { status: { syncQueue: { state: 'idle', pending: 0 } } }),
      channelMessage('status', { status: {} }),
      channelMessage('welcome', { deviceId: 'edge-001', serverTime: new Date().toISOString(), heartbeatIntervalMs: 5000, settings }),
      channelMessage('settings', settings),
      channelMessage('error', { code: 'BAD_MESSAGE', message: 'nope' }, 'msg-1'),
    ];
    for (const message of messages) {
      const decoded = decodeChannelMessage(encodeChannelMessage(message));
      expect(decoded, message.type).to.deep.equal({ ok: true, message });
    }
    expect(messages[5]!.correlationId).to.equal('msg-1');
    expect(new Set(messages.map((m) => m.id)).size).to.equal(messages.length);
    expect(messages.every((m) => m.v === DEVICE_CHANNEL_VERSION)).to.equal(true);
  });

  it('keeps unknown status fields an edge adds (newer edges may report more)', () => {
    const text = JSON.stringify({ v: 1, type: 'heartbeat', id: 'm1', at: 'now', payload: { status: { printers: 2 } } });
    const decoded = decodeChannelMessage(text);
    expect(decoded.ok && (decoded.message.payload as { status: Record<string, unknown> }).status.printers).to.equal(2);
  });

  it('never throws on a bad frame: says what is wrong instead', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['{nope', 'BAD_MESSAGE', /not JSON/],
      ['[]', 'BAD_MESSAGE', /envelope/],
      [JSON.stringify({ v: 1, type: 'heartbeat', at: 'x', payload: {} }), 'BAD_MESSAGE', /envelope/],
      [JSON.stringify({ v: 2, type: 'heartbeat', id: 'a', at: 'x', payload: {} }), 'UNSUPPORTED_VERSION', /version 2/],
      [JSON.stringify({ v: 1, type: 'launch', id: 'a', at: 'x', payload: {} }), 'UNKNOWN_TYPE', /launch/],
      [JSON.stringify({ v: 1, type: 'heartbeat', id: 'a', at: 'x', payload: { status: { syncQueue: { state: 'idle', pending: -1 } } } }), 'BAD_MESSAGE', /heartbeat payload/],
      [JSON.stringify({ v: 1, type: 'settings', id: 'a', at: 'x', payload: { defaultMode: 'CARRIER_PIGEON' } }), 'BAD_MESSAGE', /settings payload/],
      ['x'.repeat(DEVICE_CHANNEL_MAX_BYTES + 1), 'BAD_MESSAGE', /too large/],
    ];
    for (const [text, code, message] of cases) {
      const decoded = decodeChannelMessage(text);
      expect(decoded.ok, text.slice(0, 80)).to.equal(false);
      if (!decoded.ok) {
        expect(decoded.code, text.slice(0, 80)).to.equal(code);
        expect(decoded.message).to.match(message);
      }
    }
  });
});
