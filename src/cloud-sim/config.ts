import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../runtime/config-layers.js';

export const USAGE = `Usage: okto-cloud-sim [options]

Simulates OKTO Cloud for demos and tests: sign-in, devices and activation, lines, codes,
company, and an idempotent sync endpoint, with seeded demo data.

  --port N           port to listen on, 0 = any free port (default 8090)
  --host HOST        address to bind (default 127.0.0.1)
  --log-level LEVEL  trace | debug | info | warn | error | fatal | silent (default info)
  --log-pretty       readable coloured logs (default: JSON lines)
  --version          print the version and exit
  -h, --help         show this help

Environment variables mirror the flags: CLOUD_SIM_PORT, CLOUD_SIM_HOST, LOG_LEVEL.
Flags win over environment variables.

Admin API (no authentication: anyone who can reach HOST:PORT can use it; keep it on loopback):
  GET  /admin/stats                    counts of received, stored, duplicate, rejected items
  GET  /admin/received?kind=&status=&limit=   most recent items with their payloads
  GET  /admin/bottles?offset=&limit=   identification codes stored, in arrival order
  GET  /admin/faults                   the fault being injected
  POST /admin/faults                   {"mode":"none|refuse|error500|error503|delay|drop|drop_after_commit",
                                        "delayMs":N, "remaining":N, "paths":["/device/sync"], "durationMs":N}
                                       (refuse closes the port, so it needs durationMs)
  POST /admin/expire-tokens            every user and device token stops working
  POST /admin/devices/ID/deactivate    frees a device for another installation
  POST /admin/reset                    back to the seed
`;

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8090),
  host: z.string().min(1).default('127.0.0.1'),
  'log-level': z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

export interface CloudSimConfig {
  port: number;
  host: string;
  logLevel: string;
}

/** The same ConfigError as the other services' configuration (src/runtime/config-layers.ts). */
export { ConfigError };

/** Flags, then environment variables, then defaults. Throws ConfigError with a readable message. */
export function parseCloudSimArgs(argv: string[], env: NodeJS.ProcessEnv): CloudSimConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';
  const result = schema.safeParse({
    port: values.port ?? (env.CLOUD_SIM_PORT || undefined),
    host: values.host ?? (env.CLOUD_SIM_HOST || undefined),
    'log-level': values['log-level'] ?? (env.LOG_LEVEL || undefined),
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return { port: result.data.port, host: result.data.host, logLevel: result.data['log-level'] };
}
