/**
 * EtherNet/IP (CIP) PLC driver for Rockwell Logix controllers, on st-ethernet-ip.
 *
 * Addresses are Logix tag names: `Eject` (controller scope) or `Program:Main.Eject`.
 * No EtherNet/IP simulator exists in Debian or npm that st-ethernet-ip can talk to (it also
 * always dials TCP 44818), so the tests drive this driver through an injected fake controller
 * (`controllerFactory`): tag read/write mapping, type checks, timeouts and disconnects are
 * covered there, the CIP framing itself is st-ethernet-ip's and untested here.
 */
import { Controller } from 'st-ethernet-ip';
import { parseTagAddress } from './ethernet-ip-address.js';
import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

export { parseTagAddress };

/** The part of st-ethernet-ip's Tag the driver touches. */
export interface EnipTag {
  readonly name: string;
  /** Logix type name once read ('BOOL', 'DINT', 'REAL' …); null/undefined before, or for structures. */
  readonly type: string | null | undefined;
  value: unknown;
}

/** The part of st-ethernet-ip's Controller the driver touches (a net.Socket underneath). */
export interface EnipController {
  timeout_sp: number;
  connect(host: string, slot?: number, setup?: boolean): Promise<void>;
  newTag(name: string, program?: string | null, subscribe?: boolean): EnipTag;
  readTag(tag: EnipTag): Promise<void>;
  writeTag(tag: EnipTag): Promise<unknown>;
  disconnect(): Promise<unknown>;
  destroy(): void;
  /** Controller + program tags listed at connect when `setup` is on. */
  readonly tagList: Array<{ name: string; program?: string | null; type: { typeName: string; structure: boolean; arrayDims: number } }>;
  on(event: 'close', listener: (hadError: boolean) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
}

export interface EthernetIpDriverConfig {
  /** Controller IP or hostname (port 44818 is fixed by the protocol). */
  host: string;
  /** CPU slot in the chassis: 0 for CompactLogix, the CPU's slot for ControlLogix (default 0). */
  slot?: number;
  /** Bound on TCP connect + session registration + Forward Open (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Bound on each tag read/write (default 3000 ms). */
  requestTimeoutMs?: number;
  /** Class 3 connected messaging via Forward Open (default true); false = unconnected (UCMM). */
  connectedMessaging?: boolean;
  /** Read controller properties and the tag list at connect (default true: needed for browse and STRING tags). */
  readTagList?: boolean;
}

export type EnipControllerFactory = (config: EthernetIpDriverConfig) => EnipController;

const defaultControllerFactory: EnipControllerFactory = (config) =>
  new Controller(config.connectedMessaging ?? true) as unknown as EnipController;

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 3000;

const INTEGER_RANGES: Record<string, [number, number]> = {
  SINT: [-128, 127],
  USINT: [0, 255],
  INT: [-32768, 32767],
  UINT: [0, 65535],
  DINT: [-2147483648, 2147483647],
  UDINT: [0, 4294967295],
  LINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

interface Link {
  controller: EnipController;
  over: boolean;
  tags: Map<string, EnipTag>;
}

export class EthernetIpDriver implements PlcDriver {
  readonly protocol = 'ETHERNET_IP';
  private link: Link | null = null;
  private readonly disconnectListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly config: EthernetIpDriverConfig,
    private readonly controllerFactory: EnipControllerFactory = defaultControllerFactory,
  ) {
    if (!config.host) throw new Error('EtherNet/IP: host is required');
    if (config.slot !== undefined && (!Number.isInteger(config.slot) || config.slot < 0 || config.slot > 255)) throw new Error(`EtherNet/IP: slot must be 0..255, got ${config.slot}`);
  }

  get connected(): boolean {
    return this.link !== null && !this.link.over;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    const { host } = this.config;
    const controller = this.controllerFactory(this.config);
    controller.timeout_sp = this.requestTimeoutMs;
    // Errors surface through connect's rejection or the 'close' that follows; an unheard 'error' would crash the process.
    controller.on('error', () => undefined);
    const connecting = controller.connect(host, this.config.slot ?? 0, this.config.readTagList ?? true);
    try {
      await withTimeout(connecting, this.config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, `EtherNet/IP connect to ${host}`);
    } catch (error) {
      connecting.catch(() => undefined);
      controller.destroy();
      throw new Error(`EtherNet/IP: cannot connect to ${host} slot ${this.config.slot ?? 0}: ${messageOf(error)}`);
    }
    const link: Link = { controller, over: false, tags: new Map() };
    this.link = link;
    controller.on('close', () => this.lost(link, 'connection closed by the controller or the network'));
  }

  async read(address: string): Promise<PlcValue> {
    const link = this.linkFor('read', address);
    const tag = this.tagFor(link, address);
    await this.request(link, link.controller.readTag(tag), `read ${address}`);
    return toPlcValue(tag, address);
  }

  async write(address: string, value: PlcValue): Promise<void> {
    const link = this.linkFor('write', address);
    const tag = this.tagFor(link, address);
    // The type comes from the controller: read once so the value can be checked against it.
    if (tag.value === null || tag.value === undefined) await this.request(link, link.controller.readTag(tag), `write ${address} (type probe)`);
    tag.value = coerceForTag(tag, value, address);
    await this.request(link, link.controller.writeTag(tag), `write ${address}`);
  }

  /** The tag list read at connect (atomic and STRING tags); null when it was not read. */
  async browse(): Promise<PlcTag[] | null> {
    const link = this.linkFor('browse', 'tags');
    if (this.config.readTagList === false) return null;
    return link.controller.tagList
      .filter((entry) => entry.type.arrayDims === 0)
      .map((entry) => {
        const address = entry.program ? `Program:${entry.program}.${entry.name}` : entry.name;
        // The CIP tag list does not carry the External Access attribute: writability is unknown, assumed.
        return { address, name: address, dataType: plcDataTypeOf(entry.type.typeName), writable: true };
      });
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.add(listener);
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.over = true;
    await withTimeout(link.controller.disconnect(), this.requestTimeoutMs, 'EtherNet/IP disconnect').catch(() => undefined);
    link.controller.destroy();
  }

  private get requestTimeoutMs(): number {
    return this.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private linkFor(action: string, address: string): Link {
    if (!this.link || this.link.over) throw new Error(`EtherNet/IP ${action} ${address}: not connected`);
    return this.link;
  }

  private tagFor(link: Link, address: string): EnipTag {
    let tag = link.tags.get(address);
    if (!tag) {
      const { program, name } = parseTagAddress(address);
      tag = link.controller.newTag(name, program, false); // false: no scan-group subscription, we poll
      link.tags.set(address, tag);
    }
    return tag;
  }

  /**
   * A request that times out ends the link: st-ethernet-ip matches replies to requests by event
   * name, so a late reply would answer the next request with the wrong tag's data.
   */
  private async request<T>(link: Link, promise: Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(promise, this.requestTimeoutMs, `EtherNet/IP ${what}`);
    } catch (error) {
      const message = messageOf(error);
      if (/timed out|TIMEOUT/.test(message)) this.lost(link, `${what} timed out`);
      throw new Error(message.startsWith('EtherNet/IP') ? message : `EtherNet/IP ${what}: ${message}`);
    }
  }

  private lost(link: Link, reason: string): void {
    if (link.over) return;
    link.over = true;
    if (this.link === link) this.link = null;
    link.controller.destroy();
    for (const listener of this.disconnectListeners) listener(reason);
  }
}

function plcDataTypeOf(typeName: string | null | undefined): PlcTag['dataType'] {
  if (!typeName) return 'unknown';
  if (typeName === 'BOOL') return 'bool';
  if (INTEGER_RANGES[typeName]) return 'int';
  if (typeName === 'REAL' || typeName === 'LREAL') return 'real';
  if (typeName === 'STRING') return 'string';
  return 'unknown';
}

function toPlcValue(tag: EnipTag, address: string): PlcValue {
  const { value } = tag;
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return tag.type === 'BOOL' ? value !== 0 : value;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`EtherNet/IP read ${address}: 64-bit value exceeds what a line signal can carry`);
    return Number(value);
  }
  throw new Error(`EtherNet/IP read ${address}: ${tag.type ?? 'structured'} values are not supported as line signals`);
}

function coerceForTag(tag: EnipTag, value: PlcValue, address: string): unknown {
  const type = tag.type ?? (typeof tag.value === 'string' ? 'STRING' : null);
  const refuse = (why: string): never => {
    throw new Error(`EtherNet/IP write ${address}: ${JSON.stringify(value)} ${why} (tag type ${type ?? 'unknown'})`);
  };
  if (type === 'BOOL') {
    if (typeof value === 'boolean') return value;
    if (value === 0 || value === 1) return value === 1;
    return refuse('is not a boolean');
  }
  if (type === 'REAL' || type === 'LREAL') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return refuse('is not a finite number');
    return value;
  }
  if (type === 'STRING') {
    if (typeof value !== 'string') return refuse('is not a string');
    return value;
  }
  const range = type ? INTEGER_RANGES[type] : undefined;
  if (!range) return refuse('cannot be written: unsupported type');
  const number = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) return refuse('is not an integer');
  if (number < range[0] || number > range[1]) return refuse(`is outside ${range[0]}..${range[1]}`);
  return type === 'LINT' ? BigInt(number) : number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// CIP general status codes a tag service answers with (CIP Vol 1, Appendix B; Logix 1756-PM020).
const CIP_STATUS: Record<number, string> = {
  0x04: 'path segment error (no such tag)',
  0x05: 'path destination unknown (no such tag or member)',
  0x06: 'partial transfer',
  0x08: 'service not supported',
  0x0f: 'privilege violation (tag is read-only or not externally writable)',
  0x10: 'device state conflict',
  0x13: 'not enough data',
  0x1e: 'embedded service error',
  0x26: 'path size invalid',
  0xff: 'general error',
};

/** st-ethernet-ip rejects CIP failures with a plain `{ generalStatusCode, extendedStatus }` object, not an Error. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'generalStatusCode' in error) {
    const { generalStatusCode, extendedStatus } = error as { generalStatusCode: number; extendedStatus?: number[] };
    const hex = `0x${generalStatusCode.toString(16).padStart(2, '0')}`;
    const extended = extendedStatus && extendedStatus.length > 0 ? ` [extended ${extendedStatus.map((code) => `0x${code.toString(16)}`).join(' ')}]` : '';
    return `CIP status ${hex} ${CIP_STATUS[generalStatusCode] ?? 'error'}${extended}`;
  }
  return String(error);
}
