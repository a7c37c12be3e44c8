import type { EntryView } from '../../../api/edge/journal-format.js';
import type { LineCounters as Counters } from '../../edge/line/line-counters.js';
import type { LineOperations } from '../../edge/line/line-operations.js';

/**
 * Shapes of the journal and line-status answers, taken from the edge's own code (type-only
 * imports: esbuild erases them): `GET /api/v1/events` lists `entryView`s, `GET /api/v1/line/status`
 * answers `LineOperations.status()`.
 */
export type JournalEntryView = EntryView;
export type LineCounters = Counters;
export type LineStatusView = ReturnType<LineOperations['status']>;
