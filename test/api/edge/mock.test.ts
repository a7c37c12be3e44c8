import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';
import { bottleCounts, codes, printable, SPEC_EXAMPLE_CODE } from '../../support/edge-fixtures.js';
import { checkCode, GS, INDUSTRIES } from '../../../src/domain/codes/index.js';

const MOCK = '/api/v1/mock';
const fromPrintable = (code: string) => code.split('<GS>').join(GS);

describe('edge API: /api/v1/mock (mock mode on)', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });

  const mockScan = (body?: unknown) => t.request('POST', `${MOCK}/scan`, { token: t.tokens.operator, ...(body !== undefined ? { body } : {}) });
  const generate = (query = '') => t.request('POST', `${MOCK}/generate-code${query}`, { token: t.tokens.operator });

  describe('authentication', () => {
    itRequiresAuth(() => t, [
      { method: 'POST', path: `${MOCK}/scan` },
      { method: 'POST', path: `${MOCK}/generate-code` },
    ]);
  });

  describe('POST /scan', () => {
    it('without a code scans a freshly generated valid code on the mock scanner', async () => {
      for (const res of [await mockScan(), await mockScan({})]) {
        const data = expectData(res);
        expect(data).to.include({ valid: true, duplicate: false, outcome: 'accepted', message: null });
        expect(data.code).to.be.a('string').and.include('<GS>');
        const raw = fromPrintable(data.code);
        expect(checkCode(raw, 'milk').valid).to.equal(true);
        const bottle = expectData(await t.request('GET', `/api/v1/bottles/${data.bottleId}`, { token: t.tokens.operator }));
        expect(bottle.identifier).to.equal(raw);
      }
      const [latest] = expectData(await t.request('GET', '/api/v1/scanner/recent?limit=1', { token: t.tokens.operator }));
      expect(latest.source).to.equal('mock-1');
    });

    it('generates a different code each time', async () => {
      const a = expectData(await mockScan());
      const b = expectData(await mockScan());
      expect(a.code).to.not.equal(b.code);
      expect(a.bottleId).to.not.equal(b.bottleId);
    });

    it('with a code scans that code: accepted, then a duplicate of the first bottle', async () => {
      const [code] = codes(1);
      const first = expectData(await mockScan({ code }));
      expect(first).to.include({ valid: true, outcome: 'accepted', code: printable(code!) });
      const second = expectData(await mockScan({ code }));
      expect(second).to.include({ valid: false, duplicate: true, outcome: 'duplicate', bottleId: first.bottleId });
    });

    it('with an invalid code answers invalid with the reason and stores nothing', async () => {
      const before = await bottleCounts(t);
      const data = expectData(await mockScan({ code: SPEC_EXAMPLE_CODE }));
      expect(data).to.include({ valid: false, outcome: 'invalid', bottleId: null });
      expect(data.message).to.match(/GTIN check digit/i);
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it('scannerId names the source of the scan', async () => {
      expectData(await mockScan({ scannerId: 'mock-1', code: codes(1)[0] }));
      const [latest] = expectData(await t.request('GET', '/api/v1/scanner/recent?limit=1', { token: t.tokens.operator }));
      expect(latest.source).to.equal('mock-1');
    });

    it('404 for a scanner that is not a configured mock scanner', async () => {
      const res = await mockScan({ scannerId: 'nope', code: codes(1)[0] });
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('NOT_FOUND');
    });

    it('400 naming the field for bad bodies', async () => {
      expectValidationError(await mockScan({ code: 42 }), 'code');
      expectValidationError(await mockScan({ code: '' }), 'code');
      expectValidationError(await mockScan({ scannerId: '' }), 'scannerId');
      expectValidationError(await mockScan({ industry: 'water' }), 'industry');
      expectValidationError(await t.request('POST', `${MOCK}/scan`, { token: t.tokens.operator, rawBody: '{"code":' }));
    });
  });

  describe('POST /generate-code', () => {
    it('?industry=water gives {code, printable, industry} with a code valid for water, and stores nothing', async () => {
      const before = await bottleCounts(t);
      const data = expectData(await generate('?industry=water'));
      expect(Object.keys(data).sort()).to.deep.equal(['code', 'industry', 'printable']);
      expect(data.industry).to.equal('water');
      expect(checkCode(data.code, 'water').valid).to.equal(true);
      expect(checkCode(data.code, 'milk').valid).to.equal(false);
      expect(data.printable).to.equal(printable(data.code));
      expect((await bottleCounts(t)).count).to.equal(before.count);
    });

    it("defaults to the line's industry (milk)", async () => {
      const data = expectData(await generate());
      expect(data.industry).to.equal('milk');
      expect(checkCode(data.code, 'milk').valid).to.equal(true);
    });

    it('generates a valid code for every industry', async () => {
      for (const industry of INDUSTRIES) {
        const data = expectData(await generate(`?industry=${industry}`));
        const check = checkCode(data.code, industry);
        expect(check.valid, `${industry}: ${JSON.stringify(check)}`).to.equal(true);
      }
    });

    it('a generated code is then accepted by a scan', async () => {
      const { code } = expectData(await generate());
      const data = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code } }));
      expect(data.outcome).to.equal('accepted');
    });

    it('400 naming industry for an unknown industry', async () => {
      for (const query of ['?industry=wine', '?industry=', '?industry=MILK', '?industry=milk&industry=water']) {
        expectValidationError(await generate(query), 'industry');
      }
    });
  });
});

describe('edge API: /api/v1/mock (mock mode off)', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge({}, { mockMode: false });
  });
  after(async () => {
    await t?.stop();
  });

  it('403 FORBIDDEN with a clear message for both mock routes', async () => {
    for (const path of [`${MOCK}/scan`, `${MOCK}/generate-code`, `${MOCK}/generate-code?industry=water`]) {
      const error = expectError(await t.request('POST', path, { token: t.tokens.admin, body: {} }), 403, 'FORBIDDEN');
      expect(error.message).to.match(/mock mode/i);
    }
  });

  it('stores nothing when refused', async () => {
    const before = await bottleCounts(t);
    expectError(await t.request('POST', `${MOCK}/scan`, { token: t.tokens.operator, body: { code: codes(1)[0] } }), 403, 'FORBIDDEN');
    expect((await bottleCounts(t)).count).to.equal(before.count);
  });

  it('still asks for a token first (401 without one)', async () => {
    expectError(await t.request('POST', `${MOCK}/scan`), 401, 'UNAUTHORIZED');
  });

  it('the health check reports mockMode false and the rest of the API works', async () => {
    expect(expectData(await t.request('GET', '/health')).mockMode).to.equal(false);
    const data = expectData(await t.request('POST', '/api/v1/scanner/scan', { token: t.tokens.operator, body: { code: codes(1)[0] } }));
    expect(data.outcome).to.equal('accepted');
  });
});
