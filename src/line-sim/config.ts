import { parseArgs } from 'node:util';
import { z } from 'zod';
import { INDUSTRIES } from '../domain/codes/industries.js';
import type { ScannerSimulatorOptions } from './scanner-simulator.js';

export const USAGE = `Usage: okto-line-sim [options]

Simulates a barcode reader on loopback, feeding Chestny ZNAK codes to an edge service.

  --mode listen|connect   listen: be a reader the edge dials (default);
                          connect: push to an edge that listens (retries every 500 ms)
  --host HOST             listen address / edge address (default 127.0.0.1)
  --port N                listen: port to bind, 0 = any free port (default 0);
                          connect: the edge's port (required)
  --industry NAME         ${INDUSTRIES.join(' | ')} (default milk)
  --rate N                frames per second while connected (default 5)
  --duplicate F           fraction of duplicate codes (default 0)
  --invalid F             fraction of codes with a wrong GTIN check digit (default 0)
  --noread F              fraction of no-reads (default 0)
  --framing F             CRLF | CR | LF | STX_ETX (default CRLF)
  --symbology-prefix      prefix codes with ]d2 (]d1 for tobacco packs)
  --gs byte|<GS>|{GS}     how the GS separator is sent (default byte)
  --total N               stop after N frames
  --seed N                seed for a reproducible stream
  --log-pretty            readable coloured logs (default: JSON lines)
  --version               print the version and exit
  -h, --help              show this help

Environment variables mirror the flags: LINE_SIM_MODE, LINE_SIM_HOST, LINE_SIM_PORT,
LINE_SIM_INDUSTRY, LINE_SIM_RATE, LINE_SIM_DUPLICATE, LINE_SIM_INVALID, LINE_SIM_NOREAD,
LINE_SIM_FRAMING, LINE_SIM_SYMBOLOGY_PREFIX, LINE_SIM_GS, LINE_SIM_TOTAL, LINE_SIM_SEED.
Flags win over environment variables. LOG_LEVEL sets the log level.
`;

const FLAGS = {
  mode: 'LINE_SIM_MODE',
  host: 'LINE_SIM_HOST',
  port: 'LINE_SIM_PORT',
  industry: 'LINE_SIM_INDUSTRY',
  rate: 'LINE_SIM_RATE',
  duplicate: 'LINE_SIM_DUPLICATE',
  invalid: 'LINE_SIM_INVALID',
  noread: 'LINE_SIM_NOREAD',
  framing: 'LINE_SIM_FRAMING',
  'symbology-prefix': 'LINE_SIM_SYMBOLOGY_PREFIX',
  gs: 'LINE_SIM_GS',
  total: 'LINE_SIM_TOTAL',
  seed: 'LINE_SIM_SEED',
} as const;

const fraction = z.coerce.number().min(0).max(1).default(0);
const flag = z
  .union([z.boolean(), z.enum(['1', 'true', 'yes', '0', 'false', 'no', ''])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes')
  .default(false);

const configSchema = z
  .object({
    mode: z.enum(['listen', 'connect']).default('listen'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(0),
    industry: z.enum(INDUSTRIES).default('milk'),
    rate: z.coerce.number().min(0).max(1_000_000).default(5),
    duplicate: fraction,
    invalid: fraction,
    noread: fraction,
    framing: z.enum(['CRLF', 'CR', 'LF', 'STX_ETX']).default('CRLF'),
    'symbology-prefix': flag,
    gs: z.enum(['byte', '<GS>', '{GS}']).default('byte'),
    total: z.coerce.number().int().min(1).optional(),
    seed: z.coerce.number().int().optional(),
  })
  .refine((c) => c.duplicate + c.invalid + c.noread <= 1, { message: 'duplicate + invalid + noread must not exceed 1' })
  .refine((c) => c.mode === 'listen' || c.port > 0, { message: 'connect mode needs --port (the edge port)', path: ['port'] });

export type LineSimCommand = { help: true } | { help: false; options: ScannerSimulatorOptions };

/** Flags, then LINE_SIM_* environment variables, then defaults. Throws with a readable message. */
export function parseLineSimArgs(argv: string[], env: NodeJS.ProcessEnv): LineSimCommand {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      'symbology-prefix': { type: 'boolean' },
      ...Object.fromEntries(
        Object.keys(FLAGS)
          .filter((k) => k !== 'symbology-prefix')
          .map((k) => [k, { type: 'string' as const }]),
      ),
    },
  });
  if (values.help) return { help: true };
  const merged: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(FLAGS)) {
    const value = (values as Record<string, unknown>)[key] ?? env[envName];
    if (value !== undefined) merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}: ` : ''}${i.message}`);
    throw new Error(problems.join('; '));
  }
  const c = parsed.data;
  return {
    help: false,
    options: {
      mode: c.mode,
      host: c.host,
      port: c.port,
      industry: c.industry,
      ratePerSecond: c.rate,
      mix: { duplicate: c.duplicate, invalid: c.invalid, noRead: c.noread },
      framing: c.framing,
      symbologyPrefix: c['symbology-prefix'],
      gsAs: c.gs,
      total: c.total,
      seed: c.seed,
    },
  };
}
