import { expect } from 'chai';
import { GS } from '../../../src/domain/codes/index.js';
import { expectData } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { codes } from '../../support/edge-fixtures.js';
import { invalidCode } from '../../support/scan-fixtures.js';
import { waitFor } from '../../support/wait-for.js';
import { openWs, type TestWsClient } from '../../support/ws-client.js';

/**
 * Issues 13 and 14: every rejection carries a stable `reasonCode` and its `reasonParams` next to
 * the English `message`, in the scan and validate answers, `/scanner/recent` and the `/ws` scan
 * events, so a client translates the code and never parses the sentence.
 */
describe('edge API: scan rejection reason codes (scan, validate, recent, /ws)', () => {
  let t: TestEdge;
  let ws: TestWsClient;
  before(async () => {
    t = await startTestEdge();
    ws = await openWs(`${t.url.replace(/^http/, 'ws')}/ws?token=${t.tokens.operator}`);
  });
  after(async () => {
    await ws?.close();
    await t?.stop();
  });

  const scan = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
  const validate = async (code: string) => expectData(await t.request('POST', '/api/v1/scanner/validate', { token: t.tokens.operator, body: { code } }));
  const recentRow = async (code: string, outcome: string) => {
    const rows = expectData(await t.request('GET', '/api/v1/scanner/recent?limit=100', { token: t.tokens.operator })) as Array<Record<string, unknown>>;
    return rows.find((r) => r.code === code && r.outcome === outcome);
  };
  const wsScan = (code: string, outcome: string) => ws.next((m) => m.type === 'scan' && m.data.code === code && m.data.outcome === outcome);

  it('a duplicate: DUPLICATE in the answer, the validate answer, the recent scans and the /ws event', async () => {
    const [code] = codes(1);
    expect(await scan(code!)).to.include({ outcome: 'accepted', reasonCode: null, reasonParams: null });
    const second = await scan(code!);
    expect(second).to.deep.include({ outcome: 'duplicate', message: 'Duplicate code', reasonCode: 'DUPLICATE', reasonParams: {} });
    expect((await wsScan(code!, 'duplicate')).data).to.deep.include({ message: 'Duplicate code', reasonCode: 'DUPLICATE', reasonParams: {} });
    expect(await validate(code!)).to.deep.include({ duplicate: true, message: 'Duplicate code', reasonCode: 'DUPLICATE', reasonParams: {} });
    expect(await recentRow(code!, 'duplicate')).to.deep.include({ message: 'Duplicate code', reasonCode: 'DUPLICATE', reasonParams: {} });
    expect(await recentRow(code!, 'accepted')).to.deep.include({ reasonCode: null, reasonParams: null });
  });

  it('a bad check digit: CHECK_DIGIT with the field, the English message unchanged', async () => {
    const code = invalidCode(7001);
    const expected = { message: 'GTIN check digit mismatch', reasonCode: 'CHECK_DIGIT', reasonParams: { field: 'GTIN' } };
    expect(await scan(code)).to.deep.include({ outcome: 'invalid', ...expected });
    expect((await wsScan(code, 'invalid')).data).to.deep.include(expected);
    expect(await validate(code)).to.deep.include({ valid: false, ...expected });
    expect(await recentRow(code, 'invalid')).to.deep.include(expected);
  });

  it('an unexpected AI: UNEXPECTED_AI naming the AI, its field and the profile, never a bare position', async () => {
    const code = `${codes(1)[0]!}${GS}17260101`;
    const expected = {
      message: 'AI 17 (expiry date) is not part of a milk code',
      reasonCode: 'UNEXPECTED_AI',
      reasonParams: { ai: '17', field: 'expiry date', profile: 'milk' },
    };
    expect(await scan(code)).to.deep.include({ outcome: 'invalid', ...expected });
    expect((await wsScan(code, 'invalid')).data).to.deep.include(expected);
    expect(await validate(code)).to.deep.include({ valid: false, ...expected });
    expect(await recentRow(code, 'invalid')).to.deep.include(expected);
  });

  it('a no-read from a scanner: NO_READ on /ws and in the recent scans', async () => {
    const text = `NOREAD-${Date.now()}`;
    t.edge.system.scanLine().send({ type: 'NOREAD', text, source: 'scanner-1', receivedAt: new Date().toISOString() });
    expect((await wsScan(text, 'noread')).data).to.deep.include({ message: 'No read', reasonCode: 'NO_READ', reasonParams: {} });
    await waitFor(async () => (await recentRow(text, 'noread')) !== undefined, 5000, 'the no-read to be stored');
    expect(await recentRow(text, 'noread')).to.deep.include({ message: 'No read', reasonCode: 'NO_READ', reasonParams: {} });
  });

  it('a paused line: LINE_PAUSED with the pause reason as a param', async () => {
    expectData(await t.request('POST', '/api/v1/line/pause', { token: t.tokens.operator, body: { reason: 'changeover' } }));
    try {
      const [code] = codes(1);
      expect(await scan(code!)).to.deep.include({ outcome: 'refused', message: 'Line paused: changeover', reasonCode: 'LINE_PAUSED', reasonParams: { reason: 'changeover' } });
      expect(await recentRow(code!, 'refused')).to.deep.include({ reasonCode: 'LINE_PAUSED', reasonParams: { reason: 'changeover' } });
    } finally {
      expectData(await t.request('POST', '/api/v1/line/resume', { token: t.tokens.operator, body: { reason: 'done' } }));
    }
  });
});
