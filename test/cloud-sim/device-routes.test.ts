import { expect } from 'chai';
import type { CloudSim } from '../../src/cloud-sim/server.js';
import { activate, provision, raw, signIn, startTestSim, TWO_COMPANY_SEED } from './sim-harness.js';
import { isValidGtin } from '../../src/domain/codes/index.js';

describe('cloud simulator: device-token reads', () => {
  let sim: CloudSim;
  let userToken: string;
  let deviceToken: string;
  before(async () => {
    sim = await startTestSim(TWO_COMPANY_SEED);
    ({ userToken, deviceToken } = await provision(sim));
  });
  after(() => sim.close());

  it('GET /device/lines: the production lines of the company, as in the spec', async () => {
    const res = await raw(sim, 'GET', '/device/lines', { token: deviceToken });
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length(2);
    expect(res.body.data[0]).to.deep.equal({
      id: 'line-001',
      name: 'Milk Line A',
      identifier: 'ML-A',
      companyId: 'company-001',
      productId: 'product-001',
      party: 'PARTY-001',
    });
  });

  it('GET /device/codes: the products the company holds codes for, with valid GTINs', async () => {
    const res = await raw(sim, 'GET', '/device/codes', { token: deviceToken });
    expect(res.status).to.equal(200);
    expect(res.body.data.map((c: { productId: string }) => c.productId)).to.deep.equal(['product-001', 'product-002']);
    for (const code of res.body.data) {
      expect(isValidGtin(code.gtin), code.gtin).to.equal(true);
      expect(code.issued).to.be.greaterThan(0);
      expect(code.reported).to.equal(0);
    }
  });

  it('GET /device/company: name, industry and time zone', async () => {
    const res = await raw(sim, 'GET', '/device/company', { token: deviceToken });
    expect(res.body).to.deep.equal({
      success: true,
      data: { id: 'company-001', name: 'Demo Factory LLC', industry: 'milk', timeZone: 'Europe/Moscow' },
    });
  });

  it("answers each device from its own company's data", async () => {
    const waterUser = await signIn(sim, 'water@okto.cloud', 'water12345');
    const waterDevice = await activate(sim, waterUser, 'device-101');
    const company = await raw(sim, 'GET', '/device/company', { token: waterDevice });
    expect(company.body.data).to.deep.include({ id: 'company-002', industry: 'water' });
    const lines = await raw(sim, 'GET', '/device/lines', { token: waterDevice });
    expect(lines.body.data.map((l: { id: string }) => l.id)).to.deep.equal(['line-101']);
  });

  it('refuses no token, an unknown token and a user token with 401 on every device endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/device/lines'],
      ['GET', '/device/codes'],
      ['GET', '/device/company'],
      ['POST', '/device/sync'],
    ] as const) {
      for (const token of [undefined, 'forged-token', userToken]) {
        const res = await raw(sim, method, path, { token, json: method === 'POST' ? { items: [] } : undefined });
        expect(res.status, `${path} ${token}`).to.equal(401);
        expect(res.body.error.code).to.equal('UNAUTHORIZED');
      }
    }
  });

  it('accepts the scheme name in any case but refuses a header that is not Bearer', async () => {
    const lower = await fetch(`${sim.url}/device/company`, { headers: { authorization: `bearer ${deviceToken}` } });
    expect(lower.status).to.equal(200);
    const basic = await fetch(`${sim.url}/device/company`, { headers: { authorization: `Basic ${deviceToken}` } });
    expect(basic.status).to.equal(401);
  });
});
