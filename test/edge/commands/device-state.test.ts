import { expect } from 'chai';
import { codes } from '../../support/edge-fixtures.js';
import { scan, useCommandEdge } from '../../support/command-edge.js';
import { waitFor } from '../../support/wait-for.js';

/** disable_device / enable_device: a disabled edge refuses scans with the reason, says so, and stays disabled across restarts. */
describe('edge commands: disable_device / enable_device', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  const health = async () => (await fx.edge.t.request('GET', '/health')).body.data;
  type Status = { disabled?: boolean; disabledReason?: string | null; line?: { state: string } };
  const lastStatus = () => (fx.factory.messages().filter((m) => m.type === 'heartbeat' || m.type === 'hello').at(-1)!.payload as { status: Status }).status;

  it('refuses every scan with "device disabled by the factory: <reason>", shows it in /health and the status, until enabled', async () => {
    const edge = await fx.start();
    const disable = await fx.factory.result(fx.factory.sendCommand('disable_device', { reason: 'quality hold on batch 12' }));
    expect(disable.ok).to.equal(true);
    expect(disable.result).to.deep.include({ disabled: true, reason: 'quality hold on batch 12' });

    const refused = await scan(edge.t, codes(1)[0]!);
    expect(refused).to.deep.include({ outcome: 'refused', message: 'device disabled by the factory: quality hold on batch 12' });
    const bottles = await edge.t.request('POST', '/api/v1/bottles', { token: edge.t.tokens.operator, body: { bottles: [{ identifier: codes(1)[0]! }] } });
    expect(JSON.stringify(bottles.body)).to.include('device disabled by the factory: quality hold on batch 12');

    expect(await health()).to.deep.include({ status: 'degraded', line: 'disabled', disabled: true, disabledReason: 'device disabled by the factory: quality hold on batch 12' });
    await waitFor(() => lastStatus().disabled === true, 5_000, 'a heartbeat saying disabled');
    expect(lastStatus()).to.deep.include({ disabled: true, disabledReason: 'quality hold on batch 12' });

    const enable = await fx.factory.result(fx.factory.sendCommand('enable_device'));
    expect(enable).to.deep.include({ ok: true, result: { disabled: false } });
    expect((await scan(edge.t, codes(1)[0]!)).outcome).to.equal('accepted');
    expect(await health()).to.deep.include({ line: 'running', disabled: false, disabledReason: null });
    await waitFor(() => lastStatus().disabled === false, 5_000, 'a heartbeat saying enabled');
  });

  it('stays disabled across a restart of the edge, and without a reason says so', async () => {
    const edge = await fx.start();
    expect((await fx.factory.result(fx.factory.sendCommand('disable_device'))).ok).to.equal(true);
    await edge.restart();
    expect(await health()).to.deep.include({ disabled: true, disabledReason: 'device disabled by the factory: no reason given' });
    expect(await scan(edge.t, codes(1)[0]!)).to.deep.include({ outcome: 'refused', message: 'device disabled by the factory: no reason given' });

    expect((await fx.factory.result(fx.factory.sendCommand('enable_device'))).ok).to.equal(true);
    await edge.restart();
    expect(await health()).to.deep.include({ disabled: false });
    expect((await scan(edge.t, codes(1)[0]!)).outcome).to.equal('accepted');
  });
});
