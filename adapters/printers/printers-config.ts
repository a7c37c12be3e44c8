import { z } from 'zod';

/**
 * Printers of a line (up to 10), as edge-service.yaml `printers:` and the body of
 * PUT /api/v1/printers. A printer is addressed by its position in the list ({index}, 0-based) in
 * the API and by its id in the actor tree, so reordering the list keeps connections.
 *
 * Each model has its own `params` (GET /api/v1/printers/schema serves them as JSON Schema):
 * - ZEBRA_ZPL: ZPL over raw TCP (port 9100); a label is confirmed by polling `~HS` until the
 *   label has left the receive buffer with no fault.
 * - VIDEOJET: a Zipher-style text protocol (`CMD|arg|\r` → ACK/ERR); confirmed by the
 *   asynchronous print-complete message (PRC).
 * - GENERIC_TCP: a template written with configurable framing; confirmed by an ack string.
 */

export const PRINTER_MODELS = ['ZEBRA_ZPL', 'VIDEOJET', 'GENERIC_TCP'] as const;
export type PrinterModel = (typeof PRINTER_MODELS)[number];

export const MAX_PRINTERS = 10;
export const ZEBRA_DEFAULT_PORT = 9100;

const port = z.number().int().min(1).max(65535);
const printerId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');
const templateName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');

/** How long a print may take until the printer confirms it; slower counts as not printed. */
const confirmTimeoutMs = z.number().int().min(50).max(120_000).default(10_000);

export const zebraParamsSchema = z
  .object({
    /** ~HS poll interval while waiting for a label to be confirmed. */
    statusPollMs: z.number().int().min(5).max(10_000).default(100),
    /** ~HS interval while idle (health; a cleared fault brings the printer back to ready). */
    idleStatusMs: z.number().int().min(50).max(600_000).default(5_000),
    confirmTimeoutMs,
    /** ^MD darkness adjustment sent before each label (-30..30); none when unset. */
    darkness: z.number().int().min(-30).max(30).optional(),
    /** Name of the stored template used when a print names none; the built-in default otherwise. */
    defaultTemplate: templateName.optional(),
  })
  .strict();

export const videojetParamsSchema = z
  .object({
    /** Job selected on every connect (SEL|job|); none = whatever the printer has loaded. */
    job: z.string().min(1).max(64).regex(/^[^|\r\n]+$/, 'no | or line breaks').optional(),
    /** The job's user field that receives the code (JDU|field=value|). */
    codeField: z.string().min(1).max(64).regex(/^[^|=\r\n]+$/, 'no | = or line breaks').default('CODE'),
    idleStatusMs: z.number().int().min(50).max(600_000).default(5_000),
    /** How long one command may wait for ACK/ERR. */
    replyTimeoutMs: z.number().int().min(50).max(60_000).default(3_000),
    confirmTimeoutMs,
  })
  .strict();

const suffix = z.union([z.enum(['CR', 'LF', 'CRLF', 'STX_ETX']), z.object({ custom: z.string().min(1).max(16) }).strict()]);

export const genericParamsSchema = z
  .object({
    /** What is written per print; {{code}} and {{param}} placeholders. */
    template: z.string().min(1).max(4096).default('{{code}}'),
    framing: z.object({ prefix: z.string().max(16).default(''), suffix: suffix.default('CRLF') }).strict().prefault({}),
    /** A reply equal to this confirms the print. */
    ackString: z.string().min(1).max(64).default('OK'),
    /** Replies containing these words (case-insensitive) report the fault. */
    faultWords: z
      .object({
        jam: z.array(z.string().min(1)).default(['JAM']),
        ink_out: z.array(z.string().min(1)).default(['INK', 'RIBBON', 'PAPER']),
        paused: z.array(z.string().min(1)).default(['PAUSE']),
      })
      .strict()
      .prefault({}),
    /** Written for a status query (test, idle health); answered by ackString when healthy. None = no status queries. */
    statusCommand: z.string().min(1).max(64).optional(),
    idleStatusMs: z.number().int().min(50).max(600_000).default(5_000),
    confirmTimeoutMs,
  })
  .strict();

const backoff = z
  .object({ baseMs: z.number().int().min(10).default(500), maxMs: z.number().int().min(10).default(30_000) })
  .strict()
  .prefault({});

const common = {
  id: printerId.optional(),
  name: z.string().min(1).max(100).optional(),
  host: z.string().min(1).max(253),
  connectTimeoutMs: z.number().int().min(50).max(60_000).default(5_000),
  backoff,
};

const zebraPrinter = z.object({ ...common, model: z.literal('ZEBRA_ZPL'), port: port.default(ZEBRA_DEFAULT_PORT), params: zebraParamsSchema.prefault({}) }).strict();
const videojetPrinter = z.object({ ...common, model: z.literal('VIDEOJET'), port, params: videojetParamsSchema.prefault({}) }).strict();
const genericPrinter = z.object({ ...common, model: z.literal('GENERIC_TCP'), port, params: genericParamsSchema.prefault({}) }).strict();

export const printerConfigSchema = z.discriminatedUnion('model', [zebraPrinter, videojetPrinter, genericPrinter]);

export type ZebraParams = z.infer<typeof zebraParamsSchema>;
export type VideojetParams = z.infer<typeof videojetParamsSchema>;
export type GenericParams = z.infer<typeof genericParamsSchema>;

export const printersConfigSchema = z
  .array(printerConfigSchema)
  .max(MAX_PRINTERS, `at most ${MAX_PRINTERS} printers`)
  .transform((list) => list.map((printer, index) => ({ ...printer, id: printer.id ?? `printer-${index}`, name: printer.name ?? printer.id ?? `Printer ${index}` })))
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'printer ids must be unique')
  .default([]);

/** A printer as configured; ids are filled in (printer-<index>) by the list schema. */
export type PrinterConfig = z.output<typeof printersConfigSchema>[number];

/** Per-model parameter schemas (for GET /api/v1/printers/schema). */
export const PRINTER_PARAMS_SCHEMAS = { ZEBRA_ZPL: zebraParamsSchema, VIDEOJET: videojetParamsSchema, GENERIC_TCP: genericParamsSchema } as const;

/** Settings key of the list a PUT stored; it wins over the file at start. */
export const PRINTERS_OVERRIDE_KEY = 'l2.override.printers';
