import { generateCode } from '../../src/domain/codes/index.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_SEED, type CloudSeed } from '../../src/cloud-sim/seed.js';
import { startCloudSim, type CloudSim } from '../../src/cloud-sim/server.js';
import { seededRng } from '../../src/domain/seeded-rng.js';
export { seededRng };

/** The demo seed plus a second company, so cross-company access can be tested. */
export const TWO_COMPANY_SEED: CloudSeed = {
  companies: [...DEMO_SEED.companies, { id: 'company-002', name: 'Northern Waters JSC', industry: 'water', timeZone: 'Asia/Yekaterinburg' }],
  users: [...DEMO_SEED.users, { id: 'user-002', email: 'water@okto.cloud', password: 'water12345', companyId: 'company-002' }],
  devices: [...DEMO_SEED.devices, { id: 'device-101', name: 'Water Line 1', companyId: 'company-002', seqNumber: '001', deviceMode: 'scan_bottles' }],
  lines: [...DEMO_SEED.lines, { id: 'line-101', name: 'Water Line', identifier: 'WL-1', companyId: 'company-002', productId: 'product-101', party: 'P-101' }],
  products: [...DEMO_SEED.products, { id: 'product-101', name: 'Water 0.5 L', companyId: 'company-002', gtin: '04607000000038', codesIssued: 10 }],
};

export function startTestSim(seed?: CloudSeed): Promise<CloudSim> {
  return startCloudSim({ port: 0, host: '127.0.0.1', logger: silentLogger, seed });
}

export interface RawResponse {
  status: number;
  body: any;
}

/** A bare HTTP call, for what the client would never send (bad JSON, wrong tokens). */
export async function raw(
  sim: CloudSim,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) body = JSON.stringify(options.json);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(sim.url + path, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function signIn(sim: CloudSim, email = DEMO_EMAIL, password = DEMO_PASSWORD): Promise<string> {
  const res = await raw(sim, 'POST', '/sign_in', { json: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(res.body)}`);
  return res.body.data.token;
}

export async function activate(sim: CloudSim, userToken: string, deviceId = 'device-001', installationId = 'inst-A'): Promise<string> {
  const res = await raw(sim, 'POST', `/devices/${deviceId}/activate`, { token: userToken, json: { installationId } });
  if (res.status !== 200) throw new Error(`activation failed: ${JSON.stringify(res.body)}`);
  return res.body.data.deviceToken;
}

/** A user token and a device token for device-001 of the demo company. */
export async function provision(sim: CloudSim): Promise<{ userToken: string; deviceToken: string }> {
  const userToken = await signIn(sim);
  return { userToken, deviceToken: await activate(sim, userToken) };
}


/** n valid milk codes with distinct identification codes (01 GTIN 21 serial: the first 24 characters). */
export function milkCodes(n: number, seed = 1): string[] {
  const rng = seededRng(seed);
  const out = new Map<string, string>();
  while (out.size < n) {
    const code = generateCode('milk', { rng });
    out.set(code.slice(0, 24), code);
  }
  return [...out.values()];
}

export function bottleItems(codes: string[], prefix = 'item'): Array<{ id: string; kind: string; payload: Record<string, unknown> }> {
  return codes.map((identifier, i) => ({ id: `${prefix}-${i}`, kind: 'bottle.created', payload: { identifier } }));
}
