import fs from 'node:fs';
import { epcisConfigSchema } from '../domain/epcis/epcis-config.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CONNECTION_MODES } from '../domain/connection-mode.js';
import { ConfigError, envLayer, type EnvSetting, flagLayer, type FlagSetting, type Overrides, parseLayers, readYamlFile } from '../runtime/config-layers.js';

/**
 * Factory server configuration: defaults < factory-server.yaml < environment < CLI flags, one
 * schema. Storage is SQLite in the data dir unless a PostgreSQL URL is given.
 */

const port = z.number().int().min(0).max(65535);
const ms = (min: number, fallback: number) => z.number().int().min(min).max(24 * 3600_000).default(fallback);

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const factoryConfigSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: port.default(8081),
        /** Sync batches are the big bodies: 10,000 items of ~400 bytes. */
        bodyLimitKb: z.number().int().min(1).max(65_536).default(8_192),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).default('./data/factory'),
    /** postgres://… — without it the factory keeps its data in SQLite under dataDir. */
    databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
    company: z
      .object({
        /** "Today" on the dashboard is a day in this IANA time zone. */
        timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Moscow').default('Europe/Moscow'),
      })
      .strict()
      .prefault({}),
    devices: z
      .object({
        /** What the factory asks edges to send (welcome message). */
        heartbeatIntervalMs: ms(100, 5_000),
        /** No heartbeat for this long → stale; for offlineAfterMs → offline. */
        staleAfterMs: ms(100, 15_000),
        offlineAfterMs: ms(100, 60_000),
        /** Device sessions per shard supervisor (spawning under one parent is quadratic). */
        shardCapacity: z.number().int().min(1).max(1_000).default(100),
        /** Device tokens are long-lived: a cabinet must not stop reporting because a token aged out. */
        tokenTtlDays: z.number().int().min(1).max(3650).default(365),
      })
      .strict()
      .refine((d) => d.offlineAfterMs > d.staleAfterMs, { message: 'offlineAfterMs must be greater than staleAfterMs', path: ['offlineAfterMs'] })
      .prefault({}),
    sync: z
      .object({
        maxItems: z.number().int().min(1).max(50_000).default(10_000),
        /** Sync batches ingested at once on PostgreSQL (SQLite: always one, it has one writer). */
        pgIngestLanes: z.number().int().min(1).max(16).default(4),
      })
      .strict()
      .prefault({}),
    /** The connection settings a fresh factory starts with; once changed through the API the stored ones win. */
    connection: z
      .object({
        defaultMode: z.enum(CONNECTION_MODES).default('VIA_LOCAL_SERVER'),
        allowDeviceOverride: z.boolean().default(true),
        cloudSyncEnabled: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Forwarding to OKTO Cloud (cloudSyncEnabled): the factory's own device token there. */
    cloud: z
      .object({
        url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8090'),
        deviceToken: z.string().min(1).optional(),
        timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
        batchSize: z.number().int().min(1).max(10_000).default(2_000),
        pollIntervalMs: ms(10, 500),
        backoff: z.object({ baseMs: z.number().int().min(10).default(500), maxMs: z.number().int().min(10).default(30_000) }).strict().prefault({}),
      })
      .strict()
      .prefault({}),
    dashboard: z.object({ metricsIntervalMs: ms(100, 5_000) }).strict().prefault({}),
    /** GET /api/v1/epcis/events: company prefix length(s) for the EPC URIs, base of the private identifiers. */
    epcis: epcisConfigSchema,
    /** Device commands: how long a delivered command may run by default, and the longest a request waits for a result. */
    commands: z
      .object({
        defaultTimeoutMs: ms(100, 30_000),
        maxWaitMs: ms(100, 120_000),
      })
      .strict()
      .prefault({}),
    /** Firmware artifacts are uploaded as raw bodies and stored under <dataDir>/firmware. */
    firmware: z.object({ maxSizeMb: z.number().int().min(1).max(16_384).default(512) }).strict().prefault({}),
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
         * (<dataDir>/initial-passwords.txt, 0600) that must be changed at first login. Default: off.
         */
        demoUsers: z.boolean().optional(),
        /** scrypt cost of new password hashes, log2 N (OWASP: 17). Lower only for tests; older hashes are upgraded at login. */
        scryptLogN: z.number().int().min(10).max(20).default(17),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') }).strict().prefault({}),
    inspect: z.boolean().default(false),
    trace: z.string().min(1).optional(),
    /** GET /metrics: open to loopback; other clients need this bearer token (none = loopback only). enabled: false = no /metrics at all. */
    metrics: z.object({ enabled: z.boolean().default(true), token: z.string().min(16, 'at least 16 characters').optional() }).strict().prefault({}),
  })
  .strict();

export type FactoryConfig = z.infer<typeof factoryConfigSchema> & { configFile: string | null };

export const FACTORY_USAGE = `Usage: okto-factory [options]
  --config FILE        factory-server.yaml to read (env FACTORY_CONFIG; default ./factory-server.yaml if present)
  --port N             HTTP port, 0 = any free port (env FACTORY_PORT; default 8081)
  --host ADDR          bind address (env FACTORY_HOST; default 0.0.0.0)
  --data-dir DIR       SQLite database, secrets (env FACTORY_DATA_DIR; default ./data/factory)
  --database-url URL   PostgreSQL instead of SQLite (env FACTORY_DATABASE_URL)
  --cloud-url URL      OKTO Cloud base URL for forwarding (env OKTO_CLOUD_URL; default http://127.0.0.1:8090)
  --time-zone ZONE     the company's IANA time zone for "today" (env FACTORY_TIME_ZONE; default Europe/Moscow)
  --log-level LEVEL    trace|debug|info|warn|error|silent (env LOG_LEVEL; default info)
  --inspect            attach the local @statelyai/inspect server (env FACTORY_INSPECT=true)
  --trace FILE         write every actor event as JSON lines (env FACTORY_TRACE)
  --log-pretty         readable coloured logs for a person at a terminal (default: JSON lines)
  --version            print the version and exit
  -h, --help           this text
Other environment: FACTORY_CLOUD_DEVICE_TOKEN, FACTORY_JWT_SECRET, FACTORY_ADMIN_PASSWORD,
FACTORY_MANAGER_PASSWORD, FACTORY_OPERATOR_PASSWORD, FACTORY_METRICS_TOKEN,
FACTORY_SCRYPT_LOG_N (auth.scryptLogN: lower only for tests).`;

/** Every environment variable the service reads and the setting it sets (the usage text lists them). */
const FACTORY_ENV: readonly EnvSetting[] = [
  ['FACTORY_PORT', 'server.port', 'number'],
  ['FACTORY_HOST', 'server.host'],
  ['FACTORY_DATA_DIR', 'dataDir'],
  ['FACTORY_DATABASE_URL', 'databaseUrl', 'textOrUnset'],
  ['OKTO_CLOUD_URL', 'cloud.url'],
  ['FACTORY_CLOUD_DEVICE_TOKEN', 'cloud.deviceToken', 'textOrUnset'],
  ['FACTORY_TIME_ZONE', 'company.timeZone'],
  ['FACTORY_JWT_SECRET', 'auth.jwtSecret'],
  ['FACTORY_DEMO_USERS', 'auth.demoUsers', 'boolean'],
  ['FACTORY_ADMIN_PASSWORD', 'auth.adminPassword'],
  ['FACTORY_MANAGER_PASSWORD', 'auth.managerPassword'],
  ['FACTORY_OPERATOR_PASSWORD', 'auth.operatorPassword'],
  ['FACTORY_SCRYPT_LOG_N', 'auth.scryptLogN', 'number'],
  ['LOG_LEVEL', 'log.level'],
  ['FACTORY_METRICS_TOKEN', 'metrics.token', 'textOrUnset'],
  ['FACTORY_INSPECT', 'inspect', 'boolean'],
  ['FACTORY_TRACE', 'trace'],
];

/** Every command-line flag that sets a setting. */
const FACTORY_FLAGS: readonly FlagSetting[] = [
  ['port', 'server.port', 'number'],
  ['host', 'server.host'],
  ['data-dir', 'dataDir'],
  ['database-url', 'databaseUrl'],
  ['cloud-url', 'cloud.url'],
  ['time-zone', 'company.timeZone'],
  ['log-level', 'log.level'],
  ['inspect', 'inspect'],
  ['trace', 'trace'],
];

export function loadFactoryConfig(argv: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): FactoryConfig | 'help' {
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
        'database-url': { type: 'string' },
        'cloud-url': { type: 'string' },
        'time-zone': { type: 'string' },
        'log-level': { type: 'string' },
        inspect: { type: 'boolean' },
        trace: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${FACTORY_USAGE}`);
  }
  if (flags.help) return 'help';

  const explicitFile = flags.config ?? env.FACTORY_CONFIG;
  const defaultFile = path.join(cwd, 'factory-server.yaml');
  const configFile = explicitFile ? path.resolve(cwd, explicitFile) : fs.existsSync(defaultFile) ? defaultFile : null;
  const fromFile = configFile ? readYamlFile(configFile) : {};

  const fromEnv = envLayer(FACTORY_ENV, env);

  const fromFlags = flagLayer(FACTORY_FLAGS, flags);

  const config = parseLayers(factoryConfigSchema, [fromFile, fromEnv, fromFlags], configFile);
  return {
    ...config,
    dataDir: path.resolve(cwd, config.dataDir),
    trace: config.trace ? path.resolve(cwd, config.trace) : undefined,
    configFile,
  };
}

export { ConfigError };
