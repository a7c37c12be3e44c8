import { z } from 'zod';
import { type FramingConfig, framingSchema } from './framing.js';
import { SCANNER_MODEL_PROFILES, SCANNER_MODELS } from './scanner-models.js';
import { DEFAULT_SCANNER_ROLE, SCANNER_ROLES } from '../../src/domain/scanner-role.js';
import { parseCidr } from '../../src/domain/net/cidr.js';

/**
 * Scanners of a line (up to 10), as edge-service.yaml `scanners:` and the body of
 * PUT /api/v1/scanners. A scanner is addressed by its position ({index}, 0-based) in the API and
 * by its id in the actor tree, so reordering the list keeps connections.
 *
 * Transports: TCP (connect or listen), SERIAL (serialport), USB_HID (a handheld in USB-COM, i.e.
 * USB-CDC mode: the OS shows it as a serial port such as /dev/ttyACM0, so it uses the serial
 * transport; true keyboard-wedge HID is not supported, it would type into whatever has focus),
 * MODBUS (polls a "code ready" register), ETHERNET_IP (polls a string tag), MOCK (demo only: fed
 * by /api/v1/mock/scan). The lower-case 'tcp' and 'mock' of earlier configurations still parse.
 */

export const SCANNER_TRANSPORTS = ['TCP', 'SERIAL', 'MODBUS', 'ETHERNET_IP', 'USB_HID', 'MOCK'] as const;
export type ScannerTransport = (typeof SCANNER_TRANSPORTS)[number];
export const MAX_SCANNERS = 10;

const LEGACY_TRANSPORTS: Record<string, ScannerTransport> = { tcp: 'TCP', mock: 'MOCK' };

const port = z.number().int().min(0).max(65535);
const scannerId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');
const pollIntervalMs = z.number().int().min(5).max(60_000);
const addressRange = z.string().refine((text) => {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}, 'an address or CIDR range, e.g. 192.168.10.0/24, 10.1.2.3 or fd00::/8');

const serialSettings = {
  baudRate: z.number().int().min(50).max(4_000_000).default(9600),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
};

export const serialScannerSchema = z.object({ path: z.string().min(1), ...serialSettings }).strict();

export const modbusScannerSchema = z
  .object({
    /** Modbus TCP: host (+ port); Modbus RTU: path (+ serial settings). */
    host: z.string().min(1).optional(),
    port: port.default(502),
    path: z.string().min(1).optional(),
    ...serialSettings,
    unitId: z.number().int().min(0).max(255).default(1),
    /** Holding register that is non-zero while a new code waits in the code registers. */
    readyRegister: z.number().int().min(0).max(65535),
    /** First holding register of the code string (two ASCII bytes per register, high byte first). */
    codeRegister: z.number().int().min(0).max(65535),
    /** Registers the code string occupies (NUL padding at the end is dropped). */
    codeRegisters: z.number().int().min(1).max(125).default(64),
    /** Low byte first in each register (some gateways swap). */
    swapBytes: z.boolean().default(false),
    pollIntervalMs: pollIntervalMs.default(50),
    timeoutMs: z.number().int().min(50).max(60_000).default(1000),
  })
  .strict()
  .refine((m) => (m.host === undefined) !== (m.path === undefined), { message: 'give either host (Modbus TCP) or path (Modbus RTU)', path: ['host'] });

export const ethernetIpScannerSchema = z
  .object({
    host: z.string().min(1),
    slot: z.number().int().min(0).max(31).default(0),
    /** STRING tag holding the last code. */
    codeTag: z.string().min(1).max(200),
    /** Optional BOOL/DINT handshake tag: non-zero = a new code is ready; the edge clears it after reading. Without it, a change of the code tag is a new code. */
    readyTag: z.string().min(1).max(200).optional(),
    pollIntervalMs: pollIntervalMs.default(100),
  })
  .strict();

const transportField = z.enum([...SCANNER_TRANSPORTS, 'tcp', 'mock']).transform((value): ScannerTransport => LEGACY_TRANSPORTS[value] ?? (value as ScannerTransport));

const scannerObject = z
  .object({
    id: scannerId,
    transport: transportField,
    model: z.enum(SCANNER_MODELS).default('GENERIC'),
    role: z.enum(SCANNER_ROLES).default(DEFAULT_SCANNER_ROLE),
    /** TCP: 'connect' = the edge dials the scanner; 'listen' = the scanner pushes to the edge. */
    mode: z.enum(['connect', 'listen']).default('connect'),
    host: z.string().min(1).default('127.0.0.1'),
    /** TCP port; defaults to the model's well-known port (Cognex DMCC: 23) when it has one. */
    port: port.optional(),
    /**
     * TCP listen: the addresses a reader may connect from (CIDRs or single addresses). Default:
     * loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7) and link-local ranges. Pin it to
     * the reader's address on a shared network.
     */
    allowFrom: z.array(addressRange).min(1).max(64).optional(),
    /** TCP listen: a new connection takes over from a live reader (default false: refused while the reader is live). */
    replacePeer: z.boolean().optional(),
    /** TCP listen: a reader silent this long counts as dead, so a new connection may replace it (default 60000). */
    peerIdleMs: z.number().int().min(1000).max(86_400_000).optional(),
    serial: serialScannerSchema.optional(),
    modbus: modbusScannerSchema.optional(),
    ethernetIp: ethernetIpScannerSchema.optional(),
    /** Merged over the model's framing defaults (see adapters/scanners/scanner-models.ts). */
    framing: z.record(z.string(), z.unknown()).optional(),
    /** A software trigger to write on TRIGGER; defaults to the model's (Cognex: ||>TRIGGER ON). */
    trigger: z.string().min(1).max(200).optional(),
    /** Answer every frame with a line saying the decision (for readers/PLCs that wait for it). */
    reply: z.object({ accept: z.string().default('OK'), reject: z.string().default('NG') }).strict().optional(),
    backoff: z.object({ baseMs: z.number().int().min(10).default(250), maxMs: z.number().int().min(10).default(10_000) }).strict().prefault({}),
  })
  .strict();

/** One scanner; the output has its framing resolved (model defaults < configured) and its TCP port filled in. */
export const scannerSchema = scannerObject.transform((scanner, ctx) => {
  const profile = SCANNER_MODEL_PROFILES[scanner.model];
  const framing = framingSchema.safeParse({ ...profile.framing, ...(scanner.framing ?? {}) });
  if (!framing.success) {
    for (const issue of framing.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['framing', ...issue.path.map(String)] });
    return z.NEVER;
  }
  const port = scanner.port ?? (scanner.transport === 'TCP' ? profile.defaultPort : undefined);
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', message, path: [path] });
    return ok;
  };
  const fine = [
    scanner.transport !== 'TCP' || need(port !== undefined, 'port', 'a tcp scanner needs a port'),
    !(scanner.transport === 'SERIAL' || scanner.transport === 'USB_HID') || need(scanner.serial !== undefined, 'serial', `a ${scanner.transport} scanner needs serial settings (path, baudRate…)`),
    scanner.transport !== 'MODBUS' || need(scanner.modbus !== undefined, 'modbus', 'a MODBUS scanner needs modbus settings'),
    scanner.transport !== 'ETHERNET_IP' || need(scanner.ethernetIp !== undefined, 'ethernetIp', 'an ETHERNET_IP scanner needs ethernetIp settings'),
    ...(['allowFrom', 'replacePeer', 'peerIdleMs'] as const).map(
      (field) => scanner[field] === undefined || (scanner.transport === 'TCP' && scanner.mode === 'listen') || need(false, field, `${field} applies to a TCP scanner in listen mode only`),
    ),
  ].every(Boolean);
  if (!fine) return z.NEVER;
  const trigger = scanner.trigger ?? profile.trigger;
  return { ...scanner, ...(port !== undefined ? { port } : {}), ...(trigger !== undefined ? { trigger } : {}), framing: framing.data as FramingConfig };
});

export type ScannerConfig = z.output<typeof scannerSchema>;

/** The list: at most 10, ids unique. Parsing its own output again gives the same list (overrides are stored parsed). */
export const scannersListSchema = z
  .array(scannerSchema)
  .max(MAX_SCANNERS, `at most ${MAX_SCANNERS} scanners`)
  .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'scanner ids must be unique');

/** `scanners:` of edge-service.yaml; without it, one mock scanner (the demo's). */
export const scannersConfigSchema = scannersListSchema.default(() => scannersListSchema.parse([{ id: 'mock-1', transport: 'MOCK' }]));
