import fs from 'node:fs';
import { epcisConfigSchema } from '../domain/epcis/epcis-config.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { INDUSTRIES } from '../domain/codes/index.js';
import { validTimeZone } from '../domain/shifts.js';
import { type ScannerConfig, scannersConfigSchema } from '../../adapters/scanners/scanners-config.js';
import { CONNECTION_MODES } from '../domain/connection-mode.js';
import { plcBindingsConfigSchema, plcsConfigSchema } from '../../adapters/plcs/plcs-config.js';
import { rejectLoopConfigSchema } from './hardware/reject-loop-config.js';
import { gpioConfigSchema } from '../../adapters/gpio/gpio-config.js';
import { printersConfigSchema } from '../../adapters/printers/printers-config.js';
import { upsConfigSchema } from './hardware/ups-config.js';
import { DEFAULT_PRIVATE_CIDRS, parseCidr } from '../domain/net/cidr.js';
import { parsePublicKey } from '../auth/firmware-signature.js';
import { ConfigError, envLayer, type EnvSetting, flagLayer, type FlagSetting, type Overrides, parseLayers, readYamlFile } from '../runtime/config-layers.js';

/**
 * Edge configuration: defaults < edge-service.yaml < environment < CLI flags. Every source is
 * checked by one schema, so a bad value stops start-up with the key and the problem named.
 */

const port = z.number().int().min(0).max(65535);
/** A system command as argv (run without a shell); a plain string is split on whitespace. */
const systemCommand = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((value) => (typeof value === 'string' ? value.trim().split(/\s+/) : value));

/** A CIDR range (10.0.0.0/8, fc00::/7) or a single address. */
const cidr = z.string().refine((text) => {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}, 'a CIDR range such as 10.0.0.0/8 or fc00::/7');

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');

/** Scanners (transports, models, roles): adapters/scanners/scanners-config.ts. */

export const edgeConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8080),
        bodyLimitKb: z.number().int().min(1).max(10_240).default(512),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).default('./data/edge'),
    /** Mock endpoints (/api/v1/mock/*) and the mock scanner. On by default only when no config file is used. */
    mockMode: z.boolean().optional(),
    line: z
      .object({
        id: id.default('line-001'),
        industry: z.enum(INDUSTRIES).default('milk'),
        deviceId: id.default('edge-001'),
        productId: z.string().min(1).nullable().default(null),
        party: z.string().min(1).nullable().default(null),
        /** Bottles per batch when a batch is created without a size; null = no limit. */
        batchSize: z.number().int().min(1).max(100_000).nullable().default(50),
        /** Batches (cases) per pallet a BOX scanner opens; null = no limit. */
        palletSize: z.number().int().min(1).max(10_000).nullable().default(40),
        /** Shift schedule for the line status counters: each shift runs from its start to the next one's (local time in timeZone). */
        shifts: z
          .array(z.object({ name: z.string().min(1).max(32), start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'start must be HH:MM') }).strict())
          .min(1)
          .max(24)
          .default([{ name: 'A', start: '08:00' }, { name: 'B', start: '20:00' }]),
        /** IANA time zone of the shift schedule and of "today"; default: the cabinet's own. */
        timeZone: z.string().min(1).refine(validTimeZone, 'unknown time zone').optional(),
        /** With no production order active: accept codes as before orders existed, or refuse them "no active order" (docs/EDGE.md). */
        withoutOrder: z.enum(['accept', 'refuse']).default('accept'),
      })
      .strict()
      .prefault({}),
    scanners: scannersConfigSchema,
    printers: printersConfigSchema,
    /**
     * Where line hardware may be: the edge dials a scanner, printer, PLC or UPS only at an address
     * in these ranges (src/edge/hardware/hardware-hosts.ts). A list given here replaces the
     * default (loopback, private, link-local); a public address needs its range listed.
     */
    hardware: z
      .object({ allowedHosts: z.array(cidr).max(100).default(() => [...DEFAULT_PRIVATE_CIDRS]) })
      .strict()
      .prefault({}),
    storage: z
      .object({
        synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
        commitMaxItems: z.number().int().min(1).max(5000).default(512),
        commitWindowMs: z.number().int().min(0).max(100).default(0),
        checkpointIntervalMs: z.number().int().min(100).default(1000),
      })
      .strict()
      .prefault({}),
    /** OKTO Cloud (or its simulator) for direct-cloud mode. */
    cloud: z
      .object({
        url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8090'),
        timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
      })
      .strict()
      .prefault({}),
    /**
     * The site's factory server, for VIA_LOCAL_SERVER mode: where the outbox drains to and where
     * the device channel (factoryLink) connects. Enrolment: register the device at the factory,
     * issue its token (POST /api/v1/devices/{id}/token), set url, deviceId and deviceToken here.
     */
    factory: z
      .object({
        url: z.url({ protocol: /^https?$/ }).optional(),
        /** The id the factory registered this edge under; defaults to line.deviceId. */
        deviceId: id.optional(),
        deviceToken: z.string().min(1).optional(),
        /** Default heartbeat interval on the device channel; the factory's welcome overrides it. */
        heartbeatIntervalMs: z.number().int().min(10).max(300_000).default(5_000),
        /** Per sync request to the factory. */
        timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
        /** Reconnect delays of the device channel (exponential, with jitter). */
        backoff: z.object({ baseMs: z.number().int().min(10).default(500), maxMs: z.number().int().min(10).default(30_000) }).strict().prefault({}),
      })
      .strict()
      .prefault({}),
    /** Initial connection mode; once changed through the API the persisted choice wins. */
    connection: z.object({ mode: z.enum(CONNECTION_MODES).default('DIRECT_CLOUD') }).strict().prefault({}),
    sync: z
      .object({
        batchSize: z.number().int().min(1).max(10_000).default(2000),
        pollIntervalMs: z.number().int().min(10).max(60_000).default(500),
        backoff: z.object({ baseMs: z.number().int().min(10).default(500), maxMs: z.number().int().min(10).default(30_000) }).strict().prefault({}),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        jwtSecret: z.string().min(32, 'at least 32 characters').optional(),
        /** One shift: a token (and a WebSocket opened with it) ends after this. */
        tokenTtlSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(8 * 3600),
        adminPassword: z.string().min(10).optional(),
        managerPassword: z.string().min(10).optional(),
        operatorPassword: z.string().min(10).optional(),
        /**
         * The demo's users with their well-known passwords (admin/admin123 …). Only for a demo:
         * otherwise accounts without a password from environment get a random one-time password
         * (<dataDir>/initial-passwords.txt, 0600) that must be changed at first login. Default: on in mock mode.
         */
        demoUsers: z.boolean().optional(),
        /** scrypt cost of new password hashes, log2 N (OWASP: 17). Lower only for tests; older hashes are upgraded at login. */
        scryptLogN: z.number().int().min(10).max(20).default(17),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).strict().prefault({}),
    /**
     * Aggregation with SSCC (issue 14, docs/EDGE.md "Aggregation with SSCC"): the GS1 company
     * prefix and extension digit every box and pallet SSCC is built from (null: boxes and pallets
     * get no SSCC), and whether a box may hold more than one GTIN.
     */
    aggregation: z
      .object({
        sscc: z
          .object({
            companyPrefix: z.string().regex(/^\d{7,10}$/, '7 to 10 digits'),
            extensionDigit: z.number().int().min(0).max(9).default(0),
            /** Digits of the serial reference reserved for this edge when several lines share the prefix. */
            lineRange: z.string().regex(/^\d{0,8}$/, 'up to 8 digits').default(''),
          })
          .strict()
          .refine((s) => s.companyPrefix.length + s.lineRange.length < 16, 'companyPrefix and lineRange leave no digit for the sequence')
          .nullable()
          .default(null),
        mixedCases: z.boolean().default(false),
        /** The printer (printers[].id) that prints a box's or pallet's SSCC label when it is closed; null: no labels. */
        labelPrinterId: z.string().min(1).max(64).nullable().default(null),
      })
      .strict()
      .prefault({}),
    /** The HMI journal (GET /api/v1/events): batched writes and retention. */
    journal: z
      .object({
        flushIntervalMs: z.number().int().min(1).max(10_000).default(200),
        flushMaxEntries: z.number().int().min(1).max(10_000).default(500),
        retentionDays: z.number().int().min(1).max(3650).default(90),
        maxEntries: z.number().int().min(1000).default(5_000_000),
        pruneIntervalMs: z.number().int().min(1000).default(600_000),
      })
      .strict()
      .prefault({}),
    /** What /health calls degraded. */
    health: z.object({ syncBacklogMaxAgeSeconds: z.number().int().min(1).default(900) }).strict().prefault({}),
    /**
     * What the factory's commands may do to this cabinet beyond the service itself. Everything
     * that reaches the OS is off until configured here: reboot_os / shutdown_os run these
     * commands (argv, no shell); exec_shell runs only allowlisted programs.
     */
    commands: z
      .object({
        /** e.g. ["/usr/bin/sudo", "/usr/sbin/shutdown", "-r", "now"]; a string is split on spaces. Unset = reboot_os fails NOT_ENABLED. */
        rebootCommand: systemCommand.optional(),
        /** e.g. ["/usr/bin/sudo", "/usr/sbin/shutdown", "-h", "now"]. Unset = shutdown_os fails NOT_ENABLED. */
        shutdownCommand: systemCommand.optional(),
        execShell: z
          .object({
            enabled: z.boolean().default(false),
            /**
             * Whole argv patterns exec_shell may run (src/edge/commands/argv-allowlist.ts): a string is
             * "this program with no arguments"; a list is [program, ...argument patterns] where `*`
             * matches within one path segment and `**` anything. Programs: absolute, or a bare name on
             * the fixed exec PATH; compared by real path.
             */
            allowlist: z.array(z.union([z.string().min(1).max(200), z.array(z.string().max(1000)).min(1).max(51).refine((argv) => argv[0]!.length > 0, 'the program (first item) must not be empty')])).max(100).default([]),
            timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
            /** Per stream (stdout, stderr); a program that writes more is stopped and reported truncated. */
            maxOutputBytes: z.number().int().min(1024).max(4 * 1024 * 1024).default(64 * 1024),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * Firmware authenticity: update_firmware stages a release only when its Ed25519 signature
     * verifies against one of these keys (the factory's: GET /api/v1/firmware/signing-key, or a
     * vendor's). No key configured = nothing is staged, unless allowUnsigned (never in production).
     */
    firmware: z
      .object({
        trustedKeys: z
          .array(
            z
              .object({
                id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, _ . - (1-64)'),
                /** PEM (SPKI) or base64 of the raw 32-byte Ed25519 key. */
                publicKey: z.string().min(40).max(1000).refine((text) => {
                  try {
                    parsePublicKey(text);
                    return true;
                  } catch {
                    return false;
                  }
                }, 'an Ed25519 public key: PEM, or base64 of its raw 32 bytes'),
              })
              .strict(),
          )
          .max(20)
          .default([]),
        allowUnsigned: z.boolean().default(false),
        /**
         * A/B installs (docs/DEPLOYMENT.md). With `root` set (or OKTO_INSTALL_ROOT, which the
         * launcher passes), update_firmware unpacks the release into <root>/releases/<version>,
         * switches <root>/current and restarts into it: exit code 75 for the launcher
         * (restart "launcher"), or `restartCommand` (e.g. systemctl restart okto-edge). Without
         * `root` a release is only staged, and the factory does not count it as installed.
         */
        install: z
          .object({
            root: z.string().min(1).nullable().default(null),
            restart: z.enum(['launcher', 'command']).default('launcher'),
            restartCommand: systemCommand.optional(),
            /** How long the new version has to say hello to the factory and be healthy (the command may say otherwise). */
            confirmTimeoutMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
            /** Releases kept on disk; the running and the previous one are always kept. */
            keepReleases: z.number().int().min(2).max(20).default(3),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    gpio: gpioConfigSchema,
    plcs: plcsConfigSchema,
    plcBindings: plcBindingsConfigSchema,
    rejectLoop: rejectLoopConfigSchema,
    ups: upsConfigSchema,
    /**
     * Background retention of scan rows that are not a bottle's record (duplicates, no-reads,
     * invalid, refused): by age and by count, whichever is reached first; null = no limit.
     */
    retention: z
      .object({
        scansDays: z.number().int().min(1).max(3650).nullable().default(90),
        scansMax: z.number().int().min(1000).max(1_000_000_000).nullable().default(5_000_000),
        intervalMs: z.number().int().min(1000).max(7 * 86_400_000).default(3_600_000),
        batchSize: z.number().int().min(10).max(100_000).default(5_000),
      })
      .strict()
      .prefault({}),
    /** GET /api/v1/epcis/events: company prefix length(s) for the EPC URIs, base of the private identifiers. */
    epcis: epcisConfigSchema,
    inspect: z.boolean().default(false),
    trace: z.string().min(1).optional(),
    /** GET /metrics: open to loopback; other clients need this bearer token (none = loopback only). enabled: false = no /metrics at all. */
    metrics: z.object({ enabled: z.boolean().default(true), token: z.string().min(16, 'at least 16 characters').optional() }).strict().prefault({}),
  })
  .strict();

/** The raw sources the configuration was merged from (for GET /api/v1/self-service/status: where a setting comes from). */
export interface EdgeConfigLayers {
  file: Overrides;
  env: Overrides;
  flags: Overrides;
}

/** `layers` is absent when the edge was given a ready configuration object (tests, embedding). */
export type EdgeConfig = z.infer<typeof edgeConfigSchema> & { mockMode: boolean; configFile: string | null; layers?: EdgeConfigLayers };
export type { ScannerConfig };

export { ConfigError };

export const EDGE_USAGE = `Usage: okto-edge [options]
  --config FILE      edge-service.yaml to read (env EDGE_CONFIG; default ./edge-service.yaml if present)
  --port N           HTTP port, 0 = any free port (env EDGE_PORT; default 8080)
  --host ADDR        bind address (env EDGE_HOST; default 0.0.0.0)
  --data-dir DIR     database, secrets (env EDGE_DATA_DIR; default ./data/edge)
  --cloud-url URL    OKTO Cloud base URL (env OKTO_CLOUD_URL; default http://127.0.0.1:8090)
  --factory-url URL  factory server base URL for VIA_LOCAL_SERVER mode (env FACTORY_URL; none by default)
                     with env FACTORY_DEVICE_ID (default: line.deviceId) and FACTORY_DEVICE_TOKEN
  --industry NAME    ${INDUSTRIES.join(' | ')} (env EDGE_INDUSTRY; default milk)
  --mock / --no-mock enable the mock scanner and /api/v1/mock/* (env EDGE_MOCK_MODE=true|false)
  --log-level LEVEL  trace|debug|info|warn|error|silent (env LOG_LEVEL; default info)
  --inspect          attach the local @statelyai/inspect server (env EDGE_INSPECT=true)
  --trace FILE       write every actor event as JSON lines (env EDGE_TRACE)
  --log-pretty       readable coloured logs for a person at a terminal (default: JSON lines)
  --version          print the version and exit
  -h, --help         this text
Other environment: EDGE_JWT_SECRET, EDGE_ADMIN_PASSWORD, EDGE_MANAGER_PASSWORD, EDGE_OPERATOR_PASSWORD,
EDGE_METRICS_TOKEN, EDGE_SCRYPT_LOG_N (auth.scryptLogN: lower only for tests).`;

/** Every environment variable the service reads and the setting it sets (the usage text lists them). */
const EDGE_ENV: readonly EnvSetting[] = [
  ['EDGE_PORT', 'server.port', 'number'],
  ['EDGE_HOST', 'server.host'],
  ['EDGE_DATA_DIR', 'dataDir'],
  ['EDGE_MOCK_MODE', 'mockMode', 'boolean'],
  ['EDGE_INDUSTRY', 'line.industry'],
  ['EDGE_LINE_ID', 'line.id'],
  ['EDGE_DEVICE_ID', 'line.deviceId'],
  ['EDGE_SYNCHRONOUS', 'storage.synchronous'],
  ['OKTO_CLOUD_URL', 'cloud.url'],
  ['EDGE_CONNECTION_MODE', 'connection.mode'],
  ['FACTORY_URL', 'factory.url', 'textOrUnset'],
  ['FACTORY_DEVICE_ID', 'factory.deviceId', 'textOrUnset'],
  ['FACTORY_DEVICE_TOKEN', 'factory.deviceToken', 'textOrUnset'],
  ['EDGE_JWT_SECRET', 'auth.jwtSecret'],
  ['EDGE_DEMO_USERS', 'auth.demoUsers', 'boolean'],
  ['EDGE_ADMIN_PASSWORD', 'auth.adminPassword'],
  ['EDGE_MANAGER_PASSWORD', 'auth.managerPassword'],
  ['EDGE_OPERATOR_PASSWORD', 'auth.operatorPassword'],
  ['EDGE_SCRYPT_LOG_N', 'auth.scryptLogN', 'number'],
  ['EDGE_UPS_PASSWORD', 'ups.password', 'textOrUnset'],
  ['EDGE_HARDWARE_ALLOWED_HOSTS', 'hardware.allowedHosts', 'list'],
  ['LOG_LEVEL', 'log.level'],
  ['OKTO_INSTALL_ROOT', 'firmware.install.root', 'textOrUnset'],
  ['EDGE_METRICS_TOKEN', 'metrics.token', 'textOrUnset'],
  ['EDGE_INSPECT', 'inspect', 'boolean'],
  ['EDGE_TRACE', 'trace'],
];

/** Every command-line flag that sets a setting. */
const EDGE_FLAGS: readonly FlagSetting[] = [
  ['port', 'server.port', 'number'],
  ['host', 'server.host'],
  ['data-dir', 'dataDir'],
  ['cloud-url', 'cloud.url'],
  ['factory-url', 'factory.url'],
  ['industry', 'line.industry'],
  ['mock', 'mockMode'],
  ['log-level', 'log.level'],
  ['inspect', 'inspect'],
  ['trace', 'trace'],
];

export function loadEdgeConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): EdgeConfig | 'help' {
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      allowNegative: true,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'cloud-url': { type: 'string' },
        'factory-url': { type: 'string' },
        industry: { type: 'string' },
        mock: { type: 'boolean' },
        'log-level': { type: 'string' },
        inspect: { type: 'boolean' },
        trace: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${EDGE_USAGE}`);
  }
  if (flags.help) return 'help';

  const explicitFile = flags.config ?? env.EDGE_CONFIG;
  const configFile = explicitFile ? path.resolve(cwd, explicitFile) : fs.existsSync(path.join(cwd, 'edge-service.yaml')) ? path.join(cwd, 'edge-service.yaml') : null;
  const fromFile = configFile ? readYamlFile(configFile) : {};

  const fromEnv = envLayer(EDGE_ENV, env);

  const fromFlags = flagLayer(EDGE_FLAGS, flags);

  const config = parseLayers(edgeConfigSchema, [fromFile, fromEnv, fromFlags], configFile);
  return {
    ...config,
    dataDir: path.resolve(cwd, config.dataDir),
    trace: config.trace ? path.resolve(cwd, config.trace) : undefined,
    mockMode: config.mockMode ?? configFile === null,
    configFile,
    layers: { file: fromFile, env: fromEnv, flags: fromFlags },
  };
}
