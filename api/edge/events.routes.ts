import { Readable } from 'node:stream';
import Router from '@koa/router';
import { z } from 'zod';
import { LOCALES } from '../../src/domain/i18n/messages.js';
import type { JournalFilter } from '../../src/domain/journal-entry.js';
import { JOURNAL_CATEGORIES, JOURNAL_SEVERITIES } from '../../src/domain/journal-record.js';
import type { JournalEntry } from '../../src/domain/journal-entry.js';
import type { JournalRecordEvent } from '../../src/domain/journal-record.js';
import type { JournalStore } from '../../adapters/store/journal-store.js';
import type { WithTokens } from './edge-deps.js';
import { requireRole, type AuthState } from '../http/auth.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { ok } from '../http/envelope.js';
import { notFound, validationError } from '../http/errors.js';
import { parseBody, parseParams, parseQuery } from '../http/validate.js';
import { CSV_HEAD, csvRow, entryView, type EntryView, XML_HEAD, XML_TAIL, xmlRow } from './journal-format.js';
import { limitParam } from './schemas.js';

/** `?severity=alarm,critical` or `?severity=alarm&severity=critical`. */
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== ''))
    .pipe(z.array(z.enum(values)).min(1).max(values.length));

const micros = z
  .string()
  .regex(/^\d{1,16}$/, 'microseconds since the epoch (an integer)')
  .transform(Number);
const microsBody = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const filterShape = {
  severity: listOf(JOURNAL_SEVERITIES).optional(),
  category: listOf(JOURNAL_CATEGORIES).optional(),
  source: z.string().min(1).max(128).optional(),
  from_us: micros.optional(),
  to_us: micros.optional(),
  ack: z.enum(['true', 'false']).optional(),
};
const lang = z.enum(LOCALES).default('ru');

const inOrder = (q: { from_us?: number | undefined; to_us?: number | undefined }) => q.from_us === undefined || q.to_us === undefined || q.from_us <= q.to_us;
const ORDER_ISSUE = { message: 'from_us must not be after to_us', path: ['from_us'] };

export const listQuery = z.object({ ...filterShape, limit: limitParam(100), cursor: z.string().min(1).max(200).optional(), lang }).strict().refine(inOrder, ORDER_ISSUE);
export const exportQuery = z.object({ ...filterShape, format: z.enum(['csv', 'json', 'xml']), lang }).strict().refine(inOrder, ORDER_ISSUE);
export const langQuery = z.object({ lang }).strict();

export const noteBody = z.object({ text: z.string().trim().min(1).max(2000), severity: z.enum(['info', 'warning']).default('info') }).strict();
export const ackAllBody = z
  .object({
    severity: z.array(z.enum(JOURNAL_SEVERITIES)).min(1).optional(),
    category: z.array(z.enum(JOURNAL_CATEGORIES)).min(1).optional(),
    source: z.string().min(1).max(128).optional(),
    from_us: microsBody.optional(),
    to_us: microsBody.optional(),
  })
  .strict()
  .refine(inOrder, ORDER_ISSUE);
export const emptyBody = z.object({}).strict();
export const idParam = z.object({ id: z.string().regex(/^\d{1,15}$/, 'an entry id').transform(Number) });

function filterOf(q: { severity?: JournalFilter['severity']; category?: JournalFilter['category']; source?: string | undefined; from_us?: number | undefined; to_us?: number | undefined; ack?: 'true' | 'false' | undefined }): JournalFilter {
  return {
    severity: q.severity,
    category: q.category,
    source: q.source,
    fromUs: q.from_us,
    toUs: q.to_us,
    acknowledged: q.ack === undefined ? undefined : q.ack === 'true',
  };
}

/** A cursor's position: `<tsUs>.<id>` of the last entry a page showed. */
function positionOf(text: string): { tsUs: number; id: number } {
  const match = /^(\d{1,16})\.(\d{1,15})$/.exec(text);
  if (!match) throw validationError('Invalid cursor', { field: 'cursor', reason: 'not a cursor this list gave out' });
  return { tsUs: Number(match[1]), id: Number(match[2]) };
}

const EXPORT_PAGE = 1000;
const EXPORT_CHUNK_ROWS = 200;
const FORMATS = {
  csv: { type: 'text/csv; charset=utf-8', head: CSV_HEAD, row: csvRow, separator: '', tail: '' },
  json: { type: 'application/json; charset=utf-8', head: '[\n', row: (e: EntryView) => JSON.stringify(e), separator: ',\n', tail: '\n]\n' },
  xml: { type: 'application/xml; charset=utf-8', head: XML_HEAD, row: xmlRow, separator: '', tail: XML_TAIL },
} as const;

/** What the journal routes need from the edge: its journal (src/edge/journal/journal.ts). */
export interface EventRoutesDeps extends WithTokens {
  journal: {
    store: JournalStore;
    nowUs(): number;
    record(record: Omit<JournalRecordEvent, 'type'>): Promise<JournalEntry>;
  };
}

/**
 * The HMI journal (spec "Events / Journal"): filtered pages newest first with an opaque cursor,
 * operator notes, acknowledgement of alarms (who and when), and a streamed export.
 */
export function eventRoutes(system: EventRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/events' });
  const operator = requireRole(system.tokens, 'OPERATOR');
  const { journal } = system;
  const store = journal.store;

  router.get('/', operator, async (ctx) => {
    const q = parseQuery(ctx, listQuery);
    const after = q.cursor === undefined ? undefined : positionOf(decodeCursor('events', q.cursor, 'string') as string);
    const page = await store.page(filterOf(q), { after, limit: q.limit + 1 });
    const more = page.length > q.limit;
    const entries = more ? page.slice(0, q.limit) : page;
    const last = entries[entries.length - 1];
    ok(ctx, { events: entries.map((e) => entryView(e, q.lang)), nextCursor: more && last ? encodeCursor('events', `${last.tsUs}.${last.id}`) : null });
  });

  /** An operator's note: journaled at once, answered with the stored entry. */
  router.post('/', operator, async (ctx) => {
    const body = parseBody(ctx, noteBody);
    const user = (ctx.state as AuthState).principal.username;
    const entry = await journal.record({ severity: body.severity, category: 'operator', source: 'operator', messageKey: 'operator.note', params: { text: body.text }, user });
    ok(ctx, entryView(entry, parseQuery(ctx, langQuery).lang), 201);
  });

  /**
   * A download of every entry the filters select, newest first, read page by page through the
   * reader connection and written as the client takes it (Koa pipes the stream: backpressure),
   * so memory stays flat whatever the journal's size.
   */
  router.get('/export', operator, async (ctx) => {
    const q = parseQuery(ctx, exportQuery);
    const filter = filterOf(q);
    const format = FORMATS[q.format];
    async function* lines() {
      yield format.head;
      let after: { tsUs: number; id: number } | undefined;
      let first = true;
      for (;;) {
        const page = await store.exportPage(filter, { after, limit: EXPORT_PAGE });
        if (page.length === 0) break;
        // Chunks of a few tens of KB: a large string would go straight to V8's old space and pile
        // up there until a full collection (RSS would grow with the export's size).
        let chunk = '';
        for (let i = 0; i < page.length; i++) {
          chunk += (first ? '' : format.separator) + format.row(entryView(page[i]!, q.lang));
          first = false;
          if (i % EXPORT_CHUNK_ROWS === EXPORT_CHUNK_ROWS - 1) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk !== '') yield chunk;
        if (page.length < EXPORT_PAGE) break;
        const last = page[page.length - 1]!;
        after = { tsUs: last.tsUs, id: last.id };
      }
      yield format.tail;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    ctx.status = 200;
    ctx.type = format.type;
    ctx.set('Content-Disposition', `attachment; filename="journal-${stamp}.${q.format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = Readable.from(lines(), { objectMode: false, highWaterMark: 64 * 1024 });
  });

  // Acknowledging alarms in bulk is a shift lead's call: MANAGER and above.
  router.post('/ack-all', requireRole(system.tokens, 'MANAGER'), async (ctx) => {
    const body = parseBody(ctx, ackAllBody);
    const user = (ctx.state as AuthState).principal.username;
    const count = await store.acknowledgeAll(
      { severity: body.severity, category: body.category, source: body.source, fromUs: body.from_us, toUs: body.to_us },
      user,
      journal.nowUs(),
    );
    ok(ctx, { acknowledged: count, by: user });
  });

  router.get('/:id', operator, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    const { lang: language } = parseQuery(ctx, langQuery);
    const entry = await store.get(id);
    if (!entry) throw notFound(`Event ${id}`);
    ok(ctx, entryView(entry, language));
  });

  /** Acknowledges one entry (an alarm waits for this); acknowledging again keeps who and when it was first. */
  router.post('/:id/ack', operator, async (ctx) => {
    const { id } = parseParams(ctx, idParam);
    parseBody(ctx, emptyBody);
    const { lang: language } = parseQuery(ctx, langQuery);
    const entry = await store.acknowledge(id, (ctx.state as AuthState).principal.username, journal.nowUs());
    if (!entry) throw notFound(`Event ${id}`);
    ok(ctx, entryView(entry, language));
  });

  return router;
}
