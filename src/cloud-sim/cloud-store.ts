import { randomBytes } from 'node:crypto';
import type { ActivatedDevice, CloudCode, CloudCompany, CloudDevice, CloudLine, CloudUser } from '../../adapters/cloud/cloud-types.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { CloudSeed, SeedCompany, SeedDevice } from './seed.js';
import { SyncLedger } from './sync-ledger.js';

/** Who a bearer token speaks for. The kind decides which endpoints accept it. */
export type TokenOwner = { kind: 'user'; userId: string } | { kind: 'device'; deviceId: string };

interface Activation {
  installationId: string;
  deviceIdentifier: string;
  token: string;
  activatedAt: string;
}

interface StoredUser extends CloudUser {
  passwordHash: string;
}

export type ActivationOutcome =
  | { ok: true; deviceToken: string; device: ActivatedDevice }
  | { ok: false; why: 'not_found' | 'conflict'; message: string };

/**
 * The simulated cloud's whole state, in memory: company, users, devices and their activations,
 * lines, products, opaque tokens and the sync ledger. Routes call it; nothing else holds state.
 */
export class CloudStore {
  private companies = new Map<string, SeedCompany>();
  private users = new Map<string, StoredUser>();
  private devices = new Map<string, SeedDevice & { activation?: Activation }>();
  private tokens = new Map<string, TokenOwner>();
  ledger = new SyncLedger();
  /** Non-admin HTTP requests, faulted ones included. */
  requests = 0;
  syncRequests = 0;

  private constructor(
    private readonly seed: CloudSeed,
    private readonly passwordHashes: ReadonlyMap<string, string>,
  ) {
    this.load();
  }

  /** Hashes the seed's passwords once (scrypt is slow on purpose); `reset()` reuses the hashes. */
  static async create(seed: CloudSeed): Promise<CloudStore> {
    checkSeed(seed);
    const hashes = new Map<string, string>();
    for (const user of seed.users) hashes.set(user.id, await hashPassword(user.password));
    return new CloudStore(seed, hashes);
  }

  private load(): void {
    this.companies = new Map(this.seed.companies.map((c) => [c.id, { ...c }]));
    this.users = new Map(
      this.seed.users.map((u) => [u.id, { id: u.id, email: u.email, companyId: u.companyId, passwordHash: this.passwordHashes.get(u.id)! }]),
    );
    this.devices = new Map(this.seed.devices.map((d) => [d.id, { ...d }]));
    this.tokens = new Map();
    this.ledger = new SyncLedger();
    this.requests = 0;
    this.syncRequests = 0;
  }

  /** Back to the seed: activations, tokens, received items and counters are forgotten. */
  reset(): void {
    this.load();
  }

  async signIn(email: string, password: string): Promise<{ token: string; user: CloudUser } | null> {
    const wanted = email.trim().toLowerCase();
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === wanted);
    if (!user || !(await verifyPassword(password, user.passwordHash))) return null;
    const token = newToken();
    this.tokens.set(token, { kind: 'user', userId: user.id });
    return { token, user: { id: user.id, email: user.email, companyId: user.companyId } };
  }

  resolveToken(token: string): TokenOwner | undefined {
    return this.tokens.get(token);
  }

  /**
   * Every token stops working at once, as when the cloud rotates its keys. A real edge then has
   * to be provisioned again (sign in, activate) before it can sync.
   */
  expireTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  user(userId: string): CloudUser | undefined {
    const u = this.users.get(userId);
    return u && { id: u.id, email: u.email, companyId: u.companyId };
  }

  company(companyId: string): CloudCompany | undefined {
    const c = this.companies.get(companyId);
    return c && { id: c.id, name: c.name, industry: c.industry, timeZone: c.timeZone };
  }

  /** The raw company record, with its industry typed for code validation. */
  companyRecord(companyId: string): SeedCompany | undefined {
    return this.companies.get(companyId);
  }

  deviceCompanyId(deviceId: string): string | undefined {
    return this.devices.get(deviceId)?.companyId;
  }

  devicesOf(companyId: string): CloudDevice[] {
    const company = this.companies.get(companyId);
    if (!company) return [];
    return [...this.devices.values()]
      .filter((d) => d.companyId === companyId)
      .map((d) => ({
        id: d.id,
        name: d.name,
        companyId: d.companyId,
        companyName: company.name,
        seqNumber: d.seqNumber,
        deviceMode: d.deviceMode,
        activated: d.activation !== undefined,
      }));
  }

  /**
   * One installation per device. The same installation activating again gets a fresh token and
   * its old one stops working (an edge re-provisioning itself); another installation gets a
   * conflict until the device is deactivated. A device of another company does not exist for
   * the caller: 404, so device ids of other companies cannot be probed.
   */
  activate(companyId: string, deviceId: string, installationId: string): ActivationOutcome {
    const device = this.devices.get(deviceId);
    const company = this.companies.get(companyId);
    if (!device || !company || device.companyId !== companyId) {
      return { ok: false, why: 'not_found', message: `Device ${deviceId} not found` };
    }
    const previous = device.activation;
    if (previous && previous.installationId !== installationId) {
      return { ok: false, why: 'conflict', message: `Device ${deviceId} is already activated by another installation` };
    }
    if (previous) this.tokens.delete(previous.token);
    const token = newToken();
    device.activation = {
      installationId,
      // Stable across re-activations by the same installation: it names the edge, not the token.
      deviceIdentifier: previous?.deviceIdentifier ?? `edge-${device.seqNumber}_${Math.floor(Date.now() / 1000)}`,
      token,
      activatedAt: new Date().toISOString(),
    };
    this.tokens.set(token, { kind: 'device', deviceId });
    return { ok: true, deviceToken: token, device: this.activatedDevice(deviceId)! };
  }

  /** Frees a device for another installation (admin), revoking its token. */
  deactivate(deviceId: string): boolean {
    const device = this.devices.get(deviceId);
    if (!device?.activation) return false;
    this.tokens.delete(device.activation.token);
    delete device.activation;
    return true;
  }

  activatedDevice(deviceId: string): ActivatedDevice | undefined {
    const device = this.devices.get(deviceId);
    const company = device && this.companies.get(device.companyId);
    if (!device?.activation || !company) return undefined;
    return {
      deviceId: device.id,
      deviceIdentifier: device.activation.deviceIdentifier,
      companyId: company.id,
      companyName: company.name,
      deviceName: device.name,
      seqNumber: device.seqNumber,
      industry: company.industry,
    };
  }

  linesOf(companyId: string): CloudLine[] {
    return this.seed.lines.filter((l) => l.companyId === companyId).map((l) => ({ ...l }));
  }

  codesOf(companyId: string): CloudCode[] {
    return this.seed.products
      .filter((p) => p.companyId === companyId)
      .map((p) => ({ gtin: p.gtin, productId: p.id, name: p.name, issued: p.codesIssued, reported: this.ledger.reportedFor(p.gtin) }));
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function checkSeed(seed: CloudSeed): void {
  const companies = new Set(seed.companies.map((c) => c.id));
  const bad = [...seed.users, ...seed.devices, ...seed.lines, ...seed.products].find((x) => !companies.has(x.companyId));
  if (bad) throw new Error(`Cloud seed: ${bad.id} refers to unknown company ${bad.companyId}`);
}
