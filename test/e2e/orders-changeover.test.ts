import { expect } from 'chai';
import { type ModbusSimulator, startModbusSimulator } from '../../adapters/plcs/modbus-simulator.js';
import { expectData } from '../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../support/edge-harness.js';
import { waitFor } from '../support/wait-for.js';

const GTIN = '04607001234562';
const OTHER = '10614141000415';
const REGISTER = 200;

/** Writes text into holding registers the way the edge reads a /strN tag: two Latin-1 characters per register, high byte first. */
function putText(sim: ModbusSimulator, offset: number, text: string) {
  const buffer = Buffer.alloc(Math.ceil(text.length / 2) * 2);
  buffer.write(text, 'latin1');
  for (let i = 0; i < buffer.length / 2; i++) sim.holding.set(offset + i, buffer.readUInt16BE(i * 2));
}

/** The PLC's currentGtin at a changeover, checked against the active production order (docs/LINE_HARDWARE.md). */
describe('e2e: PLC currentGtin against the production order', function () {
  this.timeout(30_000);
  let plc: ModbusSimulator | null = null;
  let t: TestEdge | null = null;
  afterEach(async () => {
    await t?.stop();
    await plc?.close();
    t = null;
    plc = null;
  });

  const journal = async () => {
    await t!.edge.system.journal.flush();
    return (expectData(await t!.request('GET', '/api/v1/events?limit=100', { token: t!.tokens.operator })).events as Array<{ messageKey: string; params: Record<string, unknown>; severity: string }>);
  };

  it('with no order the PLC\'s product is only journaled; with an order active a GTIN outside it pauses the line with an alarm', async () => {
    plc = await startModbusSimulator();
    putText(plc, REGISTER, GTIN);
    t = await startTestEdge({
      plcs: [{ id: 'plc-1', protocol: 'MODBUS_TCP', host: plc.host, port: plc.port, timeoutMs: 300, pollIntervalMs: 30, backoff: { baseMs: 20, maxMs: 100 } }],
      plcBindings: { currentGtin: { plcId: 'plc-1', address: `hr:${REGISTER}/str14`, kind: 'string' } },
    });
    // No order yet: the PLC's product is journaled, the line keeps running.
    await waitFor(async () => (await journal()).find((e) => e.messageKey === 'orders.changeover_no_order'), 5000, 'the no-order changeover entry');
    expect(t.edge.system.scanLine().getSnapshot().value).to.equal('running');

    const order = expectData(
      await t.request('POST', '/api/v1/orders', { token: t.tokens.operator, body: { number: 'PO-CO-1', gtins: [GTIN], lot: 'L', productionDate: '2026-12-07', expiryDate: '2026-12-30', plannedQuantity: 5 } }),
      201,
    );
    expectData(await t.request('POST', `/api/v1/orders/${order.id}/start`, { token: t.tokens.operator, body: {} }));

    putText(plc, REGISTER, OTHER);
    await waitFor(() => t!.edge.system.scanLine().getSnapshot().value === 'paused', 5000, 'the line to pause');
    expect(t.edge.system.scanLine().getSnapshot().context.pauseReason).to.include(OTHER);
    const entry = (await journal()).find((e) => e.messageKey === 'orders.changeover_mismatch');
    expect(entry).to.deep.include({ severity: 'alarm' });
    expect(entry!.params).to.deep.include({ gtin: OTHER, order: 'PO-CO-1' });
  });
});
