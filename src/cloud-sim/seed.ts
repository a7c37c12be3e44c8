import type { Industry } from '../domain/codes/index.js';

/**
 * What the simulated cloud knows before anyone talks to it. The demo seed mirrors the spec's
 * Provisioning and Cloud Operations examples; tests pass their own seed (e.g. a second company).
 */
export interface SeedCompany {
  id: string;
  name: string;
  industry: Industry;
  timeZone: string;
}

export interface SeedUser {
  id: string;
  email: string;
  /** Plain text here; the store keeps only its scrypt hash. */
  password: string;
  companyId: string;
}

export interface SeedDevice {
  id: string;
  name: string;
  companyId: string;
  seqNumber: string;
  deviceMode: string;
}

export interface SeedLine {
  id: string;
  name: string;
  identifier: string;
  companyId: string;
  productId: string;
  party: string;
}

export interface SeedProduct {
  id: string;
  name: string;
  companyId: string;
  /** A valid GTIN-14 (check digit included). */
  gtin: string;
  /** Identification codes ordered for this product. */
  codesIssued: number;
}

export interface CloudSeed {
  companies: SeedCompany[];
  users: SeedUser[];
  devices: SeedDevice[];
  lines: SeedLine[];
  products: SeedProduct[];
}

/** Cloud demo credentials: printed by `okto-cloud-sim` at start and written in the README. */
export const DEMO_EMAIL = 'demo@okto.cloud';
export const DEMO_PASSWORD = 'demo12345';
export const DEMO_COMPANY_ID = 'company-001';

export const DEMO_SEED: CloudSeed = {
  companies: [{ id: DEMO_COMPANY_ID, name: 'Demo Factory LLC', industry: 'milk', timeZone: 'Europe/Moscow' }],
  users: [{ id: 'user-001', email: DEMO_EMAIL, password: DEMO_PASSWORD, companyId: DEMO_COMPANY_ID }],
  devices: [
    { id: 'device-001', name: 'Production Line 1', companyId: DEMO_COMPANY_ID, seqNumber: '001', deviceMode: 'scan_bottles' },
    { id: 'device-002', name: 'Quality Control', companyId: DEMO_COMPANY_ID, seqNumber: '002', deviceMode: 'verify' },
  ],
  lines: [
    { id: 'line-001', name: 'Milk Line A', identifier: 'ML-A', companyId: DEMO_COMPANY_ID, productId: 'product-001', party: 'PARTY-001' },
    { id: 'line-002', name: 'Kefir Line B', identifier: 'KL-B', companyId: DEMO_COMPANY_ID, productId: 'product-002', party: 'PARTY-002' },
  ],
  products: [
    { id: 'product-001', name: 'Milk 3.2% 1 L', companyId: DEMO_COMPANY_ID, gtin: '04607000000014', codesIssued: 1_000_000 },
    { id: 'product-002', name: 'Kefir 2.5% 0.5 L', companyId: DEMO_COMPANY_ID, gtin: '04607000000021', codesIssued: 250_000 },
  ],
};
