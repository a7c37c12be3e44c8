import { z } from 'zod';

/**
 * The cabinet's UPS (WET cabinets). Off unless configured; then the /api/v1/ups routes answer 503
 * SERVICE_UNAVAILABLE.
 *
 * driver 'nut' talks to a NUT `upsd` (the usual way a UPS is attached: the driver on the cabinet
 * or on a neighbour speaks USB/serial to the UPS, upsd serves it on TCP 3493). driver 'simulated'
 * is an in-process UPS for development and tests; `simulateEndpoint` additionally mounts
 * POST /api/v1/ups/simulate to change it. Neither belongs in a production configuration.
 *
 * `password` is meant to come from the environment (EDGE_UPS_PASSWORD), not from the file; it is
 * never logged and never shown by the API.
 */

const port = z.number().int().min(1).max(65535);
/** A NUT UPS name as upsd.conf/ups.conf allow it (it goes into protocol lines unquoted). */
const upsName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');
/** Sent on the wire as a NUT token: no control characters (a newline would inject a command). */
const credential = z.string().min(1).max(128).regex(/^[^\x00-\x1f\x7f]*$/, 'no control characters');

export const upsConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    driver: z.enum(['nut', 'simulated']).default('nut'),
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3493),
    upsName: upsName.default('ups'),
    /** Optional upsd.users account; with it the edge also LOGINs (counted as a monitor by upsd). */
    username: credential.optional(),
    password: credential.optional(),
    pollIntervalMs: z.number().int().min(50).max(60_000).default(2000),
    /** Per NUT request; a upsd that does not answer in time is treated as lost (reconnect). */
    timeoutMs: z.number().int().min(50).max(60_000).default(3000),
    /** On battery at or below this charge counts as low battery (as does the UPS's own LB flag). */
    lowBatteryPercent: z.number().int().min(0).max(100).default(20),
    /** Back on line: resume the line only after mains held this long (flickering power is common). */
    resumeHoldOffMs: z.number().int().min(0).max(3_600_000).default(30_000),
    /** Dev helper: POST /api/v1/ups/simulate drives the simulated UPS. Never in production. */
    simulateEndpoint: z.boolean().default(false),
    backoff: z.object({ baseMs: z.number().int().min(10).default(500), maxMs: z.number().int().min(10).default(30_000) }).strict().prefault({}),
  })
  .strict()
  .refine((ups) => !ups.simulateEndpoint || ups.driver === 'simulated', { message: 'simulateEndpoint needs driver: simulated', path: ['simulateEndpoint'] })
  .refine((ups) => (ups.username === undefined) === (ups.password === undefined), { message: 'username and password go together', path: ['password'] })
  .prefault({});

export type UpsConfig = z.infer<typeof upsConfigSchema>;
