import dns from 'node:dns/promises';
import { DomainError } from '../../domain/domain-error.js';
import { addressInCidrs, type Cidr, parseAddress, parseCidr } from '../../domain/net/cidr.js';
import type { PlcConfig } from '../../../adapters/plcs/plcs-config.js';
import type { PrinterConfig } from '../../../adapters/printers/printers-config.js';
import type { ScannerConfig } from '../../../adapters/scanners/scanners-config.js';

/**
 * Which hosts the edge may be told to dial for line hardware (scanners, printers, PLCs, the UPS):
 * the CIDR ranges of `hardware.allowedHosts` (default: loopback, private and link-local). A PUT
 * of /scanners, /printers or /plcs must never make the edge connect to, and write to, an
 * arbitrary listener (SSRF). An IP address is checked as it is; a hostname is resolved and EVERY
 * address it resolves to must be allowed; a hostname that does not resolve is refused (what it
 * will point at cannot be known). The check is made when a host is configured (PUT, and the
 * configuration file at start), so a DNS answer that changes later is not covered: plant devices
 * should be configured by IP address.
 */

/** One configured host and the field that holds it (as the request or the configuration names it). */
export interface ConfiguredHost {
  field: string;
  host: string;
}

export type LookupAll = (hostname: string) => Promise<string[]>;

const LOOKUP_TIMEOUT_MS = 5_000;

const systemLookup: LookupAll = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

const join = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** The hosts a scanner list dials (a TCP scanner in listen mode dials nothing: its host is where it binds). */
export function scannerHosts(scanners: readonly ScannerConfig[], prefix = ''): ConfiguredHost[] {
  return scanners.flatMap((scanner, i) => {
    const at = join(prefix, String(i));
    if (scanner.transport === 'TCP' && scanner.mode === 'connect') return [{ field: `${at}.host`, host: scanner.host }];
    if (scanner.transport === 'MODBUS' && scanner.modbus?.host) return [{ field: `${at}.modbus.host`, host: scanner.modbus.host }];
    if (scanner.transport === 'ETHERNET_IP' && scanner.ethernetIp) return [{ field: `${at}.ethernetIp.host`, host: scanner.ethernetIp.host }];
    return [];
  });
}

export function printerHosts(printers: readonly Pick<PrinterConfig, 'host'>[], prefix = ''): ConfiguredHost[] {
  return printers.map((printer, i) => ({ field: join(prefix, `${i}.host`), host: printer.host }));
}

export function plcHosts(plcs: readonly PlcConfig[], prefix = ''): ConfiguredHost[] {
  return plcs.flatMap((plc, i) => {
    const hosts: ConfiguredHost[] = [];
    if (plc.host) hosts.push({ field: join(prefix, `${i}.host`), host: plc.host });
    if (plc.endpointUrl) hosts.push({ field: join(prefix, `${i}.endpointUrl`), host: endpointHost(plc.endpointUrl) });
    return hosts;
  });
}

/** The host of an opc.tcp:// URL; the whole text when it does not parse (then refused as a name that does not resolve). */
function endpointHost(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}

export interface HostRefusal extends ConfiguredHost {
  reason: string;
}

export interface HostPolicy {
  /** The allowed ranges, normalised. */
  allowed: string[];
  /** Why `host` may not be dialled, or null when it may. */
  refusal(host: string): Promise<string | null>;
  /** The first configured host that is refused, or null when all are allowed. */
  firstRefusal(hosts: readonly ConfiguredHost[]): Promise<HostRefusal | null>;
  /** Throws DomainError INVALID (400 VALIDATION_ERROR) naming the field of the first refused host. */
  assertAllowed(hosts: readonly ConfiguredHost[]): Promise<void>;
}

export function createHostPolicy(allowedCidrs: readonly string[], lookup: LookupAll = systemLookup): HostPolicy {
  const cidrs: Cidr[] = allowedCidrs.map((text) => parseCidr(text));
  const allowed = cidrs.map((cidr) => cidr.text);
  const outside = (what: string) => `${what} outside the allowed hardware hosts (hardware.allowedHosts: ${allowed.join(', ') || 'none'})`;

  async function refusal(host: string): Promise<string | null> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (parseAddress(bare)) return addressInCidrs(bare, cidrs) ? null : outside(`${host} is`);
    let addresses: string[];
    try {
      addresses = await withTimeout(lookup(bare), LOOKUP_TIMEOUT_MS);
    } catch (error) {
      return `${host} could not be resolved (${(error as Error).message}); a hostname must resolve to allowed addresses`;
    }
    if (addresses.length === 0) return `${host} resolves to no address`;
    const refused = addresses.filter((address) => !addressInCidrs(address, cidrs));
    return refused.length > 0 ? outside(`${host} resolves to ${refused.join(', ')},`) : null;
  }

  async function firstRefusal(hosts: readonly ConfiguredHost[]): Promise<HostRefusal | null> {
    for (const entry of hosts) {
      const reason = await refusal(entry.host);
      if (reason) return { ...entry, reason };
    }
    return null;
  }

  return {
    allowed,
    refusal,
    firstRefusal,
    async assertAllowed(hosts) {
      const refused = await firstRefusal(hosts);
      if (!refused) return;
      const issue = { field: refused.field, reason: refused.reason };
      throw new DomainError('INVALID', `Host not allowed: ${refused.field}: ${refused.reason}`, { ...issue, issues: [issue] });
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every host the configuration file (and environment) has the edge dial, by its configuration key. */
export function configuredHardwareHosts(config: { scanners: readonly ScannerConfig[]; printers: readonly PrinterConfig[]; plcs: readonly PlcConfig[]; ups: { enabled: boolean; driver: string; host: string } }): ConfiguredHost[] {
  return [
    ...scannerHosts(config.scanners, 'scanners'),
    ...printerHosts(config.printers, 'printers'),
    ...plcHosts(config.plcs, 'plcs'),
    ...(config.ups.enabled && config.ups.driver === 'nut' ? [{ field: 'ups.host', host: config.ups.host }] : []),
  ];
}

/**
 * The same policy for the self-service overrides that set device lists (`l2.override.scanners`,
 * `…printers`, `…plcs`): without it, PUT /api/v1/config or a reload would be a way around the
 * allowlist PUT /scanners enforces. Registered in `services.overrideChecks` by the edge.
 */
export function hardwareHostsOverrideCheck(policy: HostPolicy) {
  return async (values: Record<string, unknown>): Promise<Array<{ field: string; reason: string }>> => {
    const list = <T>(key: string) => (Array.isArray(values[key]) ? (values[key] as T[]) : []);
    const refused = await policy.firstRefusal([
      ...scannerHosts(list<ScannerConfig>('l2.override.scanners'), 'l2.override.scanners'),
      ...printerHosts(list<PrinterConfig>('l2.override.printers'), 'l2.override.printers'),
      ...plcHosts(list<PlcConfig>('l2.override.plcs'), 'l2.override.plcs'),
    ]);
    return refused ? [{ field: refused.field, reason: refused.reason }] : [];
  };
}

/**
 * A stored override (an earlier PUT) whose hosts the current hardware.allowedHosts refuses is not
 * used: logged, and the configuration file applies (as for an override the schema refuses).
 */
export async function storedHostsAllowed(context: { config: { hardware: { allowedHosts: string[] } }; logger: { error(o: object, m: string): void } }, key: string, hosts: readonly ConfiguredHost[]): Promise<boolean> {
  const refused = await createHostPolicy(context.config.hardware.allowedHosts).firstRefusal(hosts);
  if (refused) context.logger.error({ key, field: refused.field, host: refused.host, reason: refused.reason }, `stored override ${key} names a host outside hardware.allowedHosts: using the configuration file`);
  return refused === null;
}
