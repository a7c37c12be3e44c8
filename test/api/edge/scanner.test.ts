import { expect } from 'chai';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { bottleCounts, codes, gtinOf, printable, SPEC_EXAMPLE_CODE } from '../../support/edge-fixtures.js';

const SCANNER = '/api/v1/scanner';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('edge API: /api/v1/scanner', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const scan = async (code: unknown) => expectData(await t.request('POST', `${SCANNER}/scan`, { token: t.tokens.operator, body: { code } }));
  const validate = async (body: unknown) => expectData(await t.request('POST', `${SCANNER}/validate`, { token: t.tokens.operator, body }));
  const status = async () => expectData(await t.request('GET', `${SCANNER}/status`, { token: t.tokens.operator }));
  const recent = async (query = '') => expectData(await t.request('GET', `${SCANNER}/recent${query}`, { token: t.tokens.operator }));

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'GET', path: `${SCANNER}/status` },
      { method: 'POST', path: `${SCANNER}/validate`, body: { code: SPEC_EXAMPLE_CODE } },
      { method: 'POST', path: `${SCANNER}/scan`, body: { code: SPEC_EXAMPLE_CODE } },
      { method: 'GET', path: `${SCANNER}/recent` },
    ]);
  });

  describe('POST /scan', () => {
    it('accepts a valid code: {valid, gtin, duplicate, bottleId, message, outcome} and stores the bottle', async () => {
      const [code] = codes(1);
      const data = await scan(code);
      expect(Object.keys(data).sort()).to.deep.equal(['bottleId', 'duplicate', 'gtin', 'message', 'outcome', 'reasonCode', 'reasonParams', 'valid']);
      expect(data).to.include({ valid: true, duplicate: false, message: null, reasonCode: null, reasonParams: null, outcome: 'accepted', gtin: gtinOf(code!) });
      expect(data.bottleId).to.be.a('string').and.not.empty;
      const bottle = expectData(await t.request('GET', `/api/v1/bottles/${data.bottleId}`, { token: t.tokens.operator }));
      expect(bottle).to.include({ identifier: code, status: 0 });
    });

    it('the same code again is a duplicate naming the first bottle, and stores nothing', async () => {
      const [code] = codes(1);
      const first = await scan(code);
      const before = await bottleCounts(t);
      const second = await scan(code);
      expect(second).to.include({ valid: false, duplicate: true, outcome: 'duplicate', bottleId: first.bottleId, gtin: first.gtin });
      expect(second.message).to.match(/duplicate/i);
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it('a stored code sent with printable GS or a symbology identifier is still the same code', async () => {
      const [code] = codes(1);
      const first = await scan(code);
      expect(await scan(printable(code!))).to.include({ duplicate: true, bottleId: first.bottleId });
      expect(await scan(`]d2${code}`)).to.include({ duplicate: true, bottleId: first.bottleId });
    });

    it("the spec's example code is invalid: its GTIN check digit is wrong", async () => {
      const before = await bottleCounts(t);
      const data = await scan(SPEC_EXAMPLE_CODE);
      expect(data).to.include({ valid: false, duplicate: false, bottleId: null, outcome: 'invalid' });
      expect(data.message).to.match(/GTIN check digit/i);
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it("a code of another industry is invalid for the line's industry (milk)", async () => {
      const [water] = codes(1, 'water');
      const data = await scan(water);
      expect(data).to.include({ valid: false, outcome: 'invalid', bottleId: null });
      expect(data.message).to.be.a('string').and.not.empty;
    });

    it('garbage is answered as invalid, not as an error', async () => {
      for (const code of ['hello', '01', '0'.repeat(512), '\u001d\u001d\u001d']) {
        const data = await scan(code);
        expect(data).to.include({ valid: false, outcome: 'invalid', bottleId: null });
      }
    });

    it('400 VALIDATION_ERROR naming the field for bad bodies', async () => {
      const path = `${SCANNER}/scan`;
      const token = t.tokens.operator;
      expectValidationError(await t.request('POST', path, { token, body: {} }), 'code');
      expectValidationError(await t.request('POST', path, { token }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: 42 } }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: '' } }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: 'x'.repeat(513) } }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: SPEC_EXAMPLE_CODE, scanner: 'a' } }), 'scanner');
      expectValidationError(await t.request('POST', path, { token, rawBody: '{"code":"01' }));
    });
  });

  describe('GET /status', () => {
    it('{connected, lastScan, scanCount, line, scanners} from the live actors', async () => {
      const data = await status();
      expect(Object.keys(data).sort()).to.deep.equal(['connected', 'lastScan', 'line', 'scanCount', 'scanners']);
      expect(data.connected).to.equal(true);
      expect(data.scanCount).to.be.a('number');
      expect(data.line.state).to.equal('running');
      expect(data.scanners).to.have.length(1);
      expect(data.scanners[0]).to.include({ id: 'mock-1', transport: 'mock', connected: true });
    });

    it('counts every scan (valid or not) and records the last scan time', async () => {
      const before = await status();
      await scan(codes(1)[0]);
      await scan(SPEC_EXAMPLE_CODE);
      const after = await status();
      expect(after.scanCount).to.equal(before.scanCount + 2);
      expect(after.lastScan).to.match(ISO);
      expect(after.line.accepted).to.equal(before.line.accepted + 1);
      expect(after.line.invalid).to.equal(before.line.invalid + 1);
    });
  });

  describe('POST /validate', () => {
    it('a fresh valid code: {valid:true, gtin, duplicate:false, message:null}, and nothing is stored', async () => {
      const [code] = codes(1);
      const scansBefore = (await status()).scanCount;
      const countBefore = (await bottleCounts(t)).count;
      const data = await validate({ code });
      expect(data).to.deep.equal({ valid: true, gtin: gtinOf(code!), duplicate: false, message: null, reasonCode: null, reasonParams: null });
      expect((await status()).scanCount).to.equal(scansBefore);
      expect((await bottleCounts(t)).count).to.equal(countBefore);
      // Validating did not reserve it: the first real scan is accepted.
      expect((await scan(code)).outcome).to.equal('accepted');
    });

    it('an invalid code: valid false with the reason', async () => {
      const data = await validate({ code: SPEC_EXAMPLE_CODE });
      expect(data).to.include({ valid: false, duplicate: false });
      expect(data.message).to.match(/GTIN check digit/i);
    });

    it("checks against the line's industry unless an industry is given", async () => {
      const [water] = codes(1, 'water');
      expect((await validate({ code: water })).valid).to.equal(false);
      expect(await validate({ code: water, industry: 'water' })).to.include({ valid: true, duplicate: false });
      const [milk] = codes(1);
      expect((await validate({ code: milk, industry: 'water' })).valid).to.equal(false);
    });

    it('a stored code is valid:false, duplicate:true, with the bottle holding it', async () => {
      const [code] = codes(1);
      const { bottleId } = await scan(code);
      const data = await validate({ code });
      expect(data).to.include({ valid: false, duplicate: true, bottleId });
      expect(data.message).to.match(/duplicate/i);
      expect(data.gtin).to.equal(gtinOf(code!));
    });

    it('400 naming the field for bad bodies and an unknown industry', async () => {
      const path = `${SCANNER}/validate`;
      const token = t.tokens.operator;
      expectValidationError(await t.request('POST', path, { token, body: {} }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: ['x'] } }), 'code');
      expectValidationError(await t.request('POST', path, { token, body: { code: SPEC_EXAMPLE_CODE, industry: 'wine' } }), 'industry');
      expectValidationError(await t.request('POST', path, { token, body: { code: SPEC_EXAMPLE_CODE, industry: 3 } }), 'industry');
      expectValidationError(await t.request('POST', path, { token, body: { code: SPEC_EXAMPLE_CODE, store: true } }), 'store');
      expectValidationError(await t.request('POST', path, { token, rawBody: 'code=1' }));
    });
  });

  describe('GET /recent', () => {
    it('the latest scans, newest first, with code, valid and timestamp', async () => {
      const [a, b] = codes(2);
      await scan(a);
      await scan(SPEC_EXAMPLE_CODE);
      await scan(b);
      const list = await recent('?limit=3');
      expect(list).to.have.length(3);
      expect(list.map((s: { code: string }) => s.code)).to.deep.equal([b, SPEC_EXAMPLE_CODE, a]);
      expect(list.map((s: { valid: boolean }) => s.valid)).to.deep.equal([true, false, true]);
      for (const item of list) expect(item.timestamp).to.match(ISO);
      expect(list[1].outcome).to.equal('invalid');
    });

    it('records duplicates too, with the bottle that holds the code', async () => {
      const [code] = codes(1);
      const { bottleId } = await scan(code);
      await scan(code);
      const [latest] = await recent('?limit=1');
      expect(latest).to.include({ code, valid: false, outcome: 'duplicate', bottleId });
    });

    it('defaults to 50', async () => {
      for (let i = 0; i < 6; i += 1) await Promise.all(codes(10).map((code) => scan(code)));
      expect(await recent()).to.have.length(50);
      expect(await recent('?limit=500')).to.have.length.above(50);
    });

    it('400 for limit=0, limit=abc, limit=1001', async () => {
      for (const limit of ['0', 'abc', '1001', '-1']) {
        expectValidationError(await t.request('GET', `${SCANNER}/recent?limit=${limit}`, { token: t.tokens.operator }), 'limit');
      }
    });
  });
});
